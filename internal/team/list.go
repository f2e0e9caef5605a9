package team

import (
	"strings"

	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/core"

	"teamfund/internal/member"
)

// Summary is one line of the teams list.
type Summary struct {
	ID           string `db:"id" json:"id"`
	Name         string `db:"name" json:"name"`
	Description  string `db:"description" json:"description"`
	BudgetMode   string `db:"budget_mode" json:"budget_mode"`
	MonthlyLimit int64  `db:"monthly_limit" json:"monthly_limit"`
	Members      int    `db:"members" json:"members"`
	TotalBalance int64  `db:"total_balance" json:"total_balance"`
}

// ModeLabel is the budget mode as shown to people.
func (s Summary) ModeLabel() string { return ModeLabel(s.BudgetMode) }

// ModeLabel is a budget mode as shown to people.
func ModeLabel(mode string) string {
	if mode == ModeMonthly {
		return "Monthly"
	}
	return "One-time"
}

// List returns the teams viewer may see (admins all, everyone else only their own),
// with member count and total balance. A non-empty search keeps the teams that have a
// member whose email or name (first name) starts with it (member.SearchSQL).
func List(app core.App, viewer *member.Member, search string) ([]Summary, error) {
	q := app.DB().Select("t.id", "t.name", "t.description", "t.budget_mode", "t.monthly_limit",
		"COUNT(u.id) AS members", "COALESCE(SUM(u.balance), 0) AS total_balance").
		From(Collection+" t").
		LeftJoin(member.Collection+" u", dbx.NewExp("u.team = t.id")).
		GroupBy("t.id").OrderBy("lower(t.name)")
	if viewer == nil || !viewer.Role().IsAdmin() {
		id := ""
		if viewer != nil {
			id = viewer.TeamID()
		}
		q = q.Where(dbx.NewExp("t.id = {:own} AND t.id != ''", dbx.Params{"own": id}))
	}
	if strings.TrimSpace(search) != "" {
		// note: "+s.team" keeps SQLite from walking the team index instead of the search's rowids.
		cond, params := member.SearchSQL("s", search)
		q = q.AndWhere(dbx.NewExp("t.id IN (SELECT s.team FROM "+member.Collection+" s WHERE +s.team != '' AND "+cond+")", params))
	}
	out := []Summary{}
	err := q.All(&out)
	return out, err
}

// MemberRow is a team member as a viewer may see them: Private rows (teammates of a
// member who sees only their own records) carry no email, balance or permissions.
type MemberRow struct {
	member.Row
	Private bool `json:"private,omitempty"`
}

// MembersPerPage is how many members the team page shows at a time.
const MembersPerPage = 50

// MemberCount counts the users of team teamID (the rows Members pages through), from the
// (team, email) index alone.
func MemberCount(app core.App, teamID string) (int, error) {
	n := 0
	err := app.DB().Select("COUNT(*)").From(member.Collection).
		Where(dbx.HashExp{"team": teamID}).AndWhere(dbx.NewExp("email != ''")).Row(&n)
	return n, err
}

// Members returns the users of team teamID by email, as viewer may see them: admins, the
// team's managers and members with the team-records permission see everything; other
// members see their own row in full and only name, role and status of their teammates
// (the same rule as the users records API). limit > 0 reads only the limit members after
// the first offset (the team page, MembersPerPage at a time); limit <= 0 reads them all.
//
// The page is picked from the (team, email) index alone (rowid and email) and only its
// rows are read, so a late page of a big team costs no more than the first.
func Members(app core.App, viewer *member.Member, teamID string, limit, offset int) ([]MemberRow, error) {
	rows := []member.Row{}
	keys := "SELECT rowid, email FROM " + member.Collection + " WHERE team = {:team} AND email != '' ORDER BY email"
	params := dbx.Params{"team": teamID}
	if limit > 0 {
		keys += " LIMIT {:limit} OFFSET {:offset}"
		params["limit"], params["offset"] = limit, max(offset, 0)
	}
	err := app.DB().NewQuery(`SELECT u.id, u.email, u.name, u.role, u.status, u.team, u.balance, u.may_export,
		u.record_visibility, u.created, u.avatar
		FROM (` + keys + `) k JOIN ` + member.Collection + ` u ON u.rowid = k.rowid
		ORDER BY k.email`).Bind(params).All(&rows)
	seesAll := viewer != nil && (viewer.Role().IsAdmin() || (viewer.InTeam(teamID) && viewer.SeesTeamRecords()))
	out := make([]MemberRow, 0, len(rows))
	for _, r := range rows {
		if seesAll || (viewer != nil && r.ID == viewer.Id) {
			out = append(out, MemberRow{Row: r})
			continue
		}
		out = append(out, MemberRow{Row: member.Row{ID: r.ID, Name: r.Name, Role: r.Role, Status: r.Status, TeamID: r.TeamID,
			Avatar: r.Avatar}, Private: true}) // teammates see each other's photos (GET /users/{id}/photo)
	}
	return out, err
}
