// Package invite brings people into Teamfund: single invites, invite keys (team join
// links), bulk CSV imports, and accepting an invite. It owns the invite rules — domain
// rule, expiry, seat limit, one pending invite per email — and the link tokens.
package invite

import (
	"time"

	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/core"

	"teamfund/internal/member"
)

// Collections of this package.
const (
	Collection    = "invites"
	KeyCollection = "invite_links"
)

// Invite statuses as shown. "expired" is not stored: it is a pending invite past its expiry.
const (
	StatusPending  = "pending"
	StatusAccepted = "accepted"
	StatusExpired  = "expired"
	StatusRevoked  = "revoked"
)

// Statuses lists the shown statuses, for filters.
var Statuses = []string{StatusPending, StatusAccepted, StatusExpired, StatusRevoked}

// KeyTTL is how long an invite key (team join link) stays valid.
const KeyTTL = 24 * time.Hour

// Invite wraps an invites record.
type Invite struct {
	core.BaseRecordProxy
}

// Wrap returns the typed view of r (nil for nil).
func Wrap(r *core.Record) *Invite {
	if r == nil {
		return nil
	}
	i := &Invite{}
	i.SetProxyRecord(r)
	return i
}

// Find loads an invite by id.
func Find(app core.App, id string) (*Invite, error) {
	r, err := app.FindRecordById(Collection, id)
	if err != nil {
		return nil, err
	}
	return Wrap(r), nil
}

// FindPending returns the pending invite (expired or not) of email, which is at most one.
func FindPending(app core.App, email string) (*Invite, error) {
	norm, err := member.ParseEmail(email)
	if err != nil {
		return nil, err
	}
	r, err := app.FindFirstRecordByFilter(Collection, "email = {:e} && status = 'pending'", dbx.Params{"e": norm})
	if err != nil {
		return nil, err
	}
	return Wrap(r), nil
}

// Email is the invitee's normalised email.
func (i *Invite) Email() string { return i.GetString("email") }

// Name is the invitee's name as the inviter typed it.
func (i *Invite) Name() string { return i.GetString("name") }

// Role is the role the invitee gets on accepting.
func (i *Invite) Role() member.Role { return member.Role(i.GetString("role")) }

// TeamID is the team the invitee joins on accepting ("" = none).
func (i *Invite) TeamID() string { return i.GetString("team") }

// InvitedBy is the id of the user who sent (or last resent) the invite.
func (i *Invite) InvitedBy() string { return i.GetString("invited_by") }

// Expires is when the current link stops working.
func (i *Invite) Expires() time.Time { return i.GetDateTime("expires").Time() }

// SentAt is when the current link was mailed.
func (i *Invite) SentAt() time.Time { return i.GetDateTime("sent_at").Time() }

// Created is when the invite was first made.
func (i *Invite) Created() time.Time { return i.GetDateTime("created").Time() }

// Status is the shown status at now: a pending invite past its expiry is "expired".
func (i *Invite) Status(now time.Time) string {
	s := i.GetString("status")
	if s == StatusPending && !now.Before(i.Expires()) {
		return StatusExpired
	}
	return s
}

// Key wraps an invite_links record: a team join link.
type Key struct {
	core.BaseRecordProxy
}

// WrapKey returns the typed view of r (nil for nil).
func WrapKey(r *core.Record) *Key {
	if r == nil {
		return nil
	}
	k := &Key{}
	k.SetProxyRecord(r)
	return k
}

// TeamID is the team people join through the key.
func (k *Key) TeamID() string { return k.GetString("team") }

// Expires is when the key stops working.
func (k *Key) Expires() time.Time { return k.GetDateTime("expires").Time() }

// Revoked reports whether someone revoked the key.
func (k *Key) Revoked() bool { return k.GetBool("revoked") }

// Uses counts the people who signed up through the key.
func (k *Key) Uses() int { return k.GetInt("uses") }

// CreatedBy is the id of the user who made the key.
func (k *Key) CreatedBy() string { return k.GetString("created_by") }

// Created is when the key was made.
func (k *Key) Created() time.Time { return k.GetDateTime("created").Time() }

// Status is "active", "expired" or "revoked" at now.
func (k *Key) Status(now time.Time) string {
	switch {
	case k.Revoked():
		return StatusRevoked
	case !now.Before(k.Expires()):
		return StatusExpired
	}
	return "active"
}
