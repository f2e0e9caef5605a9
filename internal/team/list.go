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

// Members returns the rows of the users in team teamID, by email.
func Members(app core.App, teamID string) ([]member.Row, error) {
	out := []member.Row{}
	err := app.DB().Select("id", "email", "name", "role", "status", "team", "balance", "may_export", "record_visibility", "created").
		From(member.Collection).Where(dbx.HashExp{"team": teamID}).OrderBy("email").All(&out)
	return out, err
}
