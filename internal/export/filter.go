package export

import (
	"net/url"
	"strings"
	"time"

	validation "github.com/go-ozzo/ozzo-validation/v4"
	"github.com/pocketbase/pocketbase/tools/types"
)

// NoTeam is the team filter value that selects rows without a team.
const NoTeam = "none"

// Filter narrows an export the way the filters of its page narrow the list on screen.
// Each dataset uses the fields that its page has and ignores the others.
type Filter struct {
	Team   string // team id, or NoTeam (users, ledger, sends)
	Role   string // users
	Status string // users: active | deactivated; sends: pending | sent | rejected | cancelled
	Kind   string // ledger entry kind
	User   string // ledger: account id; sends: sender id
	Touch  string // sends: touch id
	Q      string // free-text search (see each dataset)
	From   string // YYYY-MM-DD, first day included (company time zone)
	To     string // YYYY-MM-DD, last day included (company time zone)
}

// FilterFromQuery reads a Filter from a page's query string (the same parameter names the
// pages use, so a download link can carry the page's query string as it is).
func FilterFromQuery(q url.Values) Filter {
	get := func(k string) string { return strings.TrimSpace(q.Get(k)) }
	return Filter{Team: get("team"), Role: get("role"), Status: get("status"), Kind: get("kind"),
		User: get("user"), Touch: get("touch"), Q: get("q"), From: get("from"), To: get("to")}
}

const dateLayout = "2006-01-02"

// validateDate checks a YYYY-MM-DD date.
var validateDate = validation.By(func(v any) error {
	s, _ := v.(string)
	if s == "" {
		return nil
	}
	if _, err := time.Parse(dateLayout, s); err != nil {
		return validation.NewError("validation_date", "must be a date like 2026-01-31")
	}
	return nil
})

// createdRange turns From/To into bounds on a `created` column (stored as UTC text):
// from is the first instant included, until the first instant excluded ("" = open).
func (f Filter) createdRange(loc *time.Location) (from, until string) {
	if t, err := time.ParseInLocation(dateLayout, f.From, loc); err == nil {
		from = formatDB(t)
	}
	if t, err := time.ParseInLocation(dateLayout, f.To, loc); err == nil {
		until = formatDB(t.AddDate(0, 0, 1))
	}
	return from, until
}

// formatDB renders t the way PocketBase stores datetimes, so text comparison orders them.
func formatDB(t time.Time) string { return t.UTC().Format(types.DefaultDateLayout) }
