// Package company holds the single company record: name, currency, time zone and the
// owner's settings (seat limit, invite TTL, domain rule).
package company

import (
	"database/sql"
	"errors"
	"time"
	_ "time/tzdata" // time zones work on hosts without /usr/share/zoneinfo

	"github.com/pocketbase/pocketbase/core"
)

// Collection is the name of the collection with the one company row.
const Collection = "company"

// Defaults for a new company.
const (
	DefaultCurrency       = "USD"
	DefaultTimezone       = "UTC"
	DefaultInviteTTLHours = 7 * 24
)

// ErrNotSetUp means the first-run form has not been completed yet.
var ErrNotSetUp = errors.New("the company is not set up yet")

// Company is a typed view of the company record.
type Company struct {
	core.BaseRecordProxy
}

// Load returns the company, or ErrNotSetUp on an empty data folder.
func Load(app core.App) (*Company, error) {
	recs, err := app.FindRecordsByFilter(Collection, "", "created", 1, 0)
	if err != nil && !errors.Is(err, sql.ErrNoRows) {
		return nil, err
	}
	if len(recs) == 0 {
		return nil, ErrNotSetUp
	}
	c := &Company{}
	c.SetProxyRecord(recs[0])
	return c, nil
}

// IsSetUp reports whether the first-run form has been completed.
func IsSetUp(app core.App) bool {
	n, err := app.CountRecords(Collection)
	return err == nil && n > 0
}

// Name is the company's display name.
func (c *Company) Name() string { return c.GetString("name") }

// Currency is the ISO 4217 code used to format amounts.
func (c *Company) Currency() string { return c.GetString("currency") }

// AllowInternalWebhooks says whether the owner lets webhook endpoints be on loopback,
// private and other internal addresses (off by default: the server must not become a way
// into its own network).
func (c *Company) AllowInternalWebhooks() bool { return c.GetBool("allow_internal_webhooks") }

// SeatLimit is the maximum of active users plus pending invites; 0 means unlimited.
func (c *Company) SeatLimit() int { return c.GetInt("seat_limit") }

// InviteTTL is how long a new or resent invite link stays valid.
func (c *Company) InviteTTL() time.Duration {
	h := c.GetInt("invite_ttl_hours")
	if h <= 0 {
		h = DefaultInviteTTLHours
	}
	return time.Duration(h) * time.Hour
}

// DomainRule reports whether invited and self-signed-up emails must share the inviter's domain.
func (c *Company) DomainRule() bool { return c.GetBool("domain_rule") }

// SSORequired reports whether everyone but the owner must sign in through single sign-on
// (the owner keeps a password, so a broken provider cannot lock the company out).
func (c *Company) SSORequired() bool { return c.GetBool("sso_required") }

// Location is the company time zone; months and displayed times use it.
func (c *Company) Location() *time.Location {
	loc, err := time.LoadLocation(c.GetString("timezone"))
	if err != nil {
		return time.UTC
	}
	return loc
}
