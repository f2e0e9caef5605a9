package invite

import (
	"errors"
	"strconv"
	"strings"
	"time"

	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/core"

	"teamfund/internal/access"
	"teamfund/internal/company"
	"teamfund/internal/member"
	"teamfund/internal/team"
)

// Candidate is one invite to check, from the form, the JSON API or a CSV row.
type Candidate struct {
	Line  int    // CSV line number (0 for single invites)
	Email string // as typed
	Name  string
	Role  string // member (default), manager or admin
	Team  string // team id or name; "" = none (a manager's own team for managers)
}

// Row is a checked candidate: normalised values, and why it is refused (Err nil = valid).
type Row struct {
	Line     int
	Email    string
	Name     string
	Role     member.Role
	TeamID   string
	TeamName string
	Err      error
	Warning  string
	Field    string // the column a refusal is about: email, name, role or team ("" when valid)
	Value    string // that column as typed in the file, so the preview can show what was refused
}

// Valid reports whether the row would be invited.
func (r Row) Valid() bool { return r.Err == nil }

// Reason is the text of the refusal ("" for valid rows).
func (r Row) Reason() string {
	if r.Err == nil {
		return ""
	}
	return r.Err.Error()
}

// checker holds what checking a batch of candidates needs, loaded once per batch.
type checker struct {
	app           core.App
	actor         *member.Member
	company       *company.Company
	now           time.Time
	inviterDomain string
	teamsByID     map[string]string // id → name
	teamsByName   map[string]string // lower-case name → id
	users         map[string]string // email → status
	pending       map[string]bool   // emails with a pending invite (expired or not)
	seatsFree     int               // -1 = unlimited
}

// newChecker loads the teams, the seat count and the accounts and invites of emails.
func newChecker(app core.App, actor *member.Member, emails []string) (*checker, error) {
	c, err := company.Load(app)
	if err != nil {
		return nil, err
	}
	ck := &checker{app: app, actor: actor, company: c, now: time.Now().UTC(),
		inviterDomain: company.EmailDomain(actor.Email()),
		teamsByID:     map[string]string{}, teamsByName: map[string]string{},
		users: map[string]string{}, pending: map[string]bool{}, seatsFree: -1}
	var teams []struct {
		ID   string `db:"id"`
		Name string `db:"name"`
	}
	if err := app.DB().Select("id", "name").From(team.Collection).All(&teams); err != nil {
		return nil, err
	}
	for _, t := range teams {
		ck.teamsByID[t.ID] = t.Name
		ck.teamsByName[strings.ToLower(t.Name)] = t.ID
	}
	if err := ck.loadAccounts(emails); err != nil {
		return nil, err
	}
	if limit := c.SeatLimit(); limit > 0 {
		used, err := SeatsUsed(app, ck.now)
		if err != nil {
			return nil, err
		}
		ck.seatsFree = max(limit-used, 0)
	}
	return ck, nil
}

// loadAccounts fills users and pending for emails, in chunks that fit SQLite's parameter limit.
func (ck *checker) loadAccounts(emails []string) error {
	const chunk = 500
	for start := 0; start < len(emails); start += chunk {
		part := make([]any, 0, chunk)
		for _, e := range emails[start:min(start+chunk, len(emails))] {
			part = append(part, e)
		}
		var users []struct {
			Email  string `db:"email"`
			Status string `db:"status"`
		}
		if err := ck.app.DB().Select("email", "status").From(member.Collection).
			Where(dbx.In("LOWER(email)", part...)).All(&users); err != nil {
			return err
		}
		for _, u := range users {
			ck.users[strings.ToLower(u.Email)] = u.Status
		}
		var invited []string
		if err := ck.app.DB().Select("email").From(Collection).
			Where(dbx.And(dbx.In("LOWER(email)", part...), dbx.HashExp{"status": StatusPending})).Column(&invited); err != nil {
			return err
		}
		for _, e := range invited {
			ck.pending[strings.ToLower(e)] = true
		}
	}
	return nil
}

// SeatsUsed counts what the seat limit bounds: active users plus pending, unexpired invites.
func SeatsUsed(app core.App, now time.Time) (int, error) {
	var n struct {
		Users   int `db:"users"`
		Invites int `db:"invites"`
	}
	err := app.DB().NewQuery("SELECT (SELECT COUNT(*) FROM users WHERE status = 'active') AS users, " +
		"(SELECT COUNT(*) FROM invites WHERE status = 'pending' AND expires > {:now}) AS invites").
		Bind(dbx.Params{"now": dbTime(now)}).One(&n)
	return n.Users + n.Invites, err
}

// dbTime formats t like PocketBase stores dates, so stored dates compare as text.
func dbTime(t time.Time) string { return t.UTC().Format("2006-01-02 15:04:05.000Z") }

// parseRole reads a role column: "" means member; owner is refused.
func parseRole(s string) (member.Role, error) {
	r := member.Role(strings.ToLower(strings.TrimSpace(s)))
	switch r {
	case "":
		return member.RoleMember, nil
	case member.RoleOwner:
		return "", ErrOwnerRole
	case member.RoleAdmin, member.RoleManager, member.RoleMember:
		return r, nil
	}
	return "", ErrInvalidRole
}

// resolveTeam finds a team by id or (case-insensitive) name. A manager's blank team is their own.
func (ck *checker) resolveTeam(s string) (string, error) {
	s = strings.TrimSpace(s)
	if s == "" {
		if ck.actor.Role() == member.RoleManager {
			return ck.actor.TeamID(), nil
		}
		return "", nil
	}
	if _, ok := ck.teamsByID[s]; ok {
		return s, nil
	}
	if id, ok := ck.teamsByName[strings.ToLower(s)]; ok {
		return id, nil
	}
	return "", ErrUnknownTeam
}

// mayInvite says whether actor may invite someone with role into teamID.
func mayInvite(actor *member.Member, role member.Role, teamID string) error {
	action := access.InviteMember
	if role != member.RoleMember {
		action = access.InviteStaff
	}
	if err := access.Check(actor, action, teamID); err != nil {
		if actor != nil && actor.Role() == member.RoleManager {
			return ErrNotAllowed
		}
		return err
	}
	return nil
}

// check applies every per-row rule except duplicates in the batch and the seat limit.
func (ck *checker) check(c Candidate) Row {
	row := Row{Line: c.Line, Email: member.NormalizeEmail(c.Email), Name: strings.TrimSpace(c.Name)}
	email, err := member.ParseEmail(c.Email)
	if err != nil {
		row.Err = err
		return row
	}
	row.Email = email
	if len([]rune(row.Name)) > 100 {
		row.Err = ErrNameTooLong
		return row
	}
	if row.Role, row.Err = parseRole(c.Role); row.Err != nil {
		return row
	}
	if row.TeamID, row.Err = ck.resolveTeam(c.Team); row.Err != nil {
		return row
	}
	row.TeamName = ck.teamsByID[row.TeamID]
	if row.Err = mayInvite(ck.actor, row.Role, row.TeamID); row.Err != nil {
		return row
	}
	if !domainAllowed(ck.company, ck.inviterDomain, email) {
		row.Err = ErrDomainMismatch
		return row
	}
	switch ck.users[email] {
	case member.StatusActive:
		row.Err = ErrAlreadyUser
		return row
	case member.StatusDeactivated:
		row.Err = ErrDeactivatedUser
		return row
	}
	if ck.pending[email] {
		row.Err = ErrAlreadyInvited
	}
	return row
}

// evaluate checks candidates in order: every rule, duplicates in the batch, then the
// seat limit, which valid rows use up first come first served.
func evaluate(app core.App, actor *member.Member, cands []Candidate) ([]Row, error) {
	if actor == nil || !actor.Active() {
		return nil, access.ErrForbidden
	}
	emails := make([]string, 0, len(cands))
	for _, c := range cands {
		if e, err := member.ParseEmail(c.Email); err == nil {
			emails = append(emails, e)
		}
	}
	ck, err := newChecker(app, actor, emails)
	if err != nil {
		return nil, err
	}
	rows := make([]Row, len(cands))
	firstLine := map[string]int{}
	plusSeen := map[string]Row{}
	taken := 0
	for i, c := range cands {
		row := ck.check(c)
		if !errors.Is(row.Err, ErrMalformedEmail) {
			if line, dup := firstLine[row.Email]; dup {
				row.Err = &lineError{ErrDuplicateInFile, line}
			} else {
				firstLine[row.Email] = c.Line
			}
		}
		if row.Err == nil {
			key := plusKey(row.Email)
			if prev, ok := plusSeen[key]; ok && prev.Email != row.Email {
				row.Warning = "differs only by a +tag from " + prev.Email + lineSuffix(prev.Line)
			} else if !ok {
				plusSeen[key] = row
			}
			if ck.seatsFree >= 0 && taken >= ck.seatsFree {
				row.Err = ErrSeatLimit
			} else {
				taken++
			}
		}
		if row.Err != nil {
			row.Field = fieldOf(row.Err)
			row.Value = c.value(row.Field)
		}
		rows[i] = row
	}
	return rows, nil
}

// value is the candidate's column field as typed.
func (c Candidate) value(field string) string {
	switch field {
	case "name":
		return c.Name
	case "role":
		return c.Role
	case "team":
		return c.Team
	}
	return c.Email
}

// lineError is a refusal that points at another line of the same file.
type lineError struct {
	err  error
	line int
}

func (e *lineError) Error() string { return e.err.Error() + lineSuffix(e.line) }

// Unwrap lets errors.Is see the domain error.
func (e *lineError) Unwrap() error { return e.err }

func lineSuffix(line int) string {
	if line <= 0 {
		return ""
	}
	return " (line " + strconv.Itoa(line) + ")"
}
