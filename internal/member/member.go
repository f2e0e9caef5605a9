// Package member is the typed view of a Teamfund user: role, team, status, balance and
// data permissions, plus the invariants on users that must hold whoever writes them.
package member

import (
	"regexp"
	"strings"

	"github.com/pocketbase/dbx"
	validation "github.com/pocketbase/ozzo-validation/v4"
	"github.com/pocketbase/pocketbase/core"

	"teamfund/internal/money"
)

// Collection is PocketBase's auth collection that holds every Teamfund user.
const Collection = "users"

// Role is a company-wide role; each user has exactly one.
type Role string

// The four roles, from most to least powerful.
const (
	RoleOwner   Role = "owner"
	RoleAdmin   Role = "admin"
	RoleManager Role = "manager"
	RoleMember  Role = "member"
)

// Roles lists every role, most powerful first.
var Roles = []Role{RoleOwner, RoleAdmin, RoleManager, RoleMember}

// Valid reports whether r is one of the four roles.
func (r Role) Valid() bool {
	switch r {
	case RoleOwner, RoleAdmin, RoleManager, RoleMember:
		return true
	}
	return false
}

// IsAdmin reports whether r manages the whole company (owner or admin).
func (r Role) IsAdmin() bool { return r == RoleOwner || r == RoleAdmin }

// Label is the role as shown to people.
func (r Role) Label() string {
	if r == "" {
		return ""
	}
	return strings.ToUpper(string(r[:1])) + string(r[1:])
}

// Status values of a user account.
const (
	StatusActive      = "active"
	StatusDeactivated = "deactivated"
)

// Record visibility values (the per-user data permission).
const (
	VisibilityOwn  = "own"
	VisibilityTeam = "team"
)

// Member wraps a users record.
type Member struct {
	core.BaseRecordProxy
}

// Wrap returns the typed view of r (nil for nil).
func Wrap(r *core.Record) *Member {
	if r == nil {
		return nil
	}
	m := &Member{}
	m.SetProxyRecord(r)
	return m
}

// Find loads a user by id.
func Find(app core.App, id string) (*Member, error) {
	r, err := app.FindRecordById(Collection, id)
	if err != nil {
		return nil, err
	}
	return Wrap(r), nil
}

// FindByEmail loads a user by email, case-insensitively.
func FindByEmail(app core.App, email string) (*Member, error) {
	r, err := app.FindAuthRecordByEmail(Collection, NormalizeEmail(email))
	if err != nil {
		return nil, err
	}
	return Wrap(r), nil
}

// Name is the display name, falling back to the email.
func (m *Member) Name() string {
	if n := m.GetString("name"); n != "" {
		return n
	}
	return m.Email()
}

// Role is the user's company-wide role.
func (m *Member) Role() Role { return Role(m.GetString("role")) }

// TeamID is the id of the user's team, "" when teamless.
func (m *Member) TeamID() string { return m.GetString("team") }

// Active reports whether the user may sign in.
func (m *Member) Active() bool { return m.GetString("status") == StatusActive }

// Balance is the cached sum of the user's ledger entries.
func (m *Member) Balance() money.Cents { return money.Cents(m.GetInt("balance")) }

// MayExport is the per-user export permission (managers and admins always may).
func (m *Member) MayExport() bool { return m.Role() != RoleMember || m.GetBool("may_export") }

// SeesTeamRecords reports whether the user sees their team's records, not only their own.
func (m *Member) SeesTeamRecords() bool {
	return m.Role() != RoleMember || m.GetString("record_visibility") == VisibilityTeam
}

// InTeam reports whether the user belongs to team teamID (never true for "").
func (m *Member) InTeam(teamID string) bool { return teamID != "" && m.TeamID() == teamID }

// NewUser is what Create needs to add a user.
type NewUser struct {
	Email    string
	Password string
	Name     string
	Role     Role
	TeamID   string
	Phone    string
}

// Create adds an active user with a zero balance (money comes only through the ledger).
// Use the transaction's app; uniqueness of the email is case-insensitive.
func Create(app core.App, in NewUser) (*Member, error) {
	col, err := app.FindCachedCollectionByNameOrId(Collection)
	if err != nil {
		return nil, err
	}
	email, err := ParseEmail(in.Email)
	if err != nil {
		return nil, err
	}
	r := core.NewRecord(col)
	r.SetEmail(email)
	r.SetPassword(in.Password)
	r.SetVerified(true)
	r.Set("name", strings.TrimSpace(in.Name))
	r.Set("role", string(in.Role))
	r.Set("team", in.TeamID)
	r.Set("phone", strings.TrimSpace(in.Phone))
	r.Set("status", StatusActive)
	r.Set("record_visibility", VisibilityOwn)
	if err := app.Save(r); err != nil {
		return nil, err
	}
	return Wrap(r), nil
}

// phonePattern admits the usual ways of writing a phone number.
var phonePattern = regexp.MustCompile(`^[0-9 +\-().]*$`)

// PhoneRules validate a phone number typed at onboarding or on the profile page, so both
// forms accept the same numbers.
func PhoneRules() []validation.Rule {
	return []validation.Rule{validation.RuneLength(0, 40),
		validation.Match(phonePattern).Error("may hold only digits, spaces and + - ( ) .")}
}

// Phone is the phone number the user gave, "" when none.
func (m *Member) Phone() string { return m.GetString("phone") }

// Photo is the stored file name of the user's photo, "" when none.
func (m *Member) Photo() string { return m.GetString("avatar") }

// TourDue reports whether the guided tour should start by itself: the user has not yet
// finished or skipped the tour of their current role (a new role brings a new tour).
func (m *Member) TourDue() bool { return m.GetString("tour_seen") != string(m.Role()) }

// MarkTourSeen records that u finished or skipped the tour of their current role.
func MarkTourSeen(app core.App, u *Member) error {
	_, err := app.DB().Update(Collection, dbx.Params{"tour_seen": string(u.Role())}, dbx.HashExp{"id": u.Id}).Execute()
	if err == nil {
		u.Set("tour_seen", string(u.Role()))
	}
	return err
}
