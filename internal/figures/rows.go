package figures

import (
	"sort"
	"strings"

	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/core"

	"teamfund/internal/ledger"
)

// Row is one line of a table of statements: a team, or a member of a team, with a name.
type Row struct {
	ID     string `json:"id"`
	Name   string `json:"name"`
	Email  string `json:"email,omitempty"`
	TeamID string `json:"team,omitempty"`
	// Members counts a team's active members now.
	Members int `json:"members,omitempty"`
	// MonthlyLimit is a monthly team's limit per member (0 for one-time teams).
	MonthlyLimit int64 `json:"monthly_limit,omitempty"`
	// Former marks a member row of someone no longer in the team (moved, left, deleted):
	// their entries of the period still count for the team, so the rows add up to it.
	Former bool `json:"former,omitempty"`
	Statement
}

// IsNoTeam reports whether the row is the NoTeam row (it has no team page).
func (r Row) IsNoTeam() bool { return r.ID == NoTeam }

// Budget is a monthly team's budget for a month: the limit for every active member.
func (r Row) Budget() int64 { return r.MonthlyLimit * int64(r.Members) }

// UsedPercent is spent plus held as a share of the month's budget (monthly teams), or of
// the money the team had in the month (opening + held at the start + handed out) for one-time
// teams; -1 when there is nothing to measure against.
func (r Row) UsedPercent() int {
	base := r.Budget()
	if base <= 0 {
		base = int64(r.Opening + r.HeldBefore + r.HandedOut)
	}
	if base <= 0 {
		return -1
	}
	return int((int64(r.Spent+r.Held)*100 + base/2) / base)
}

type teamInfo struct {
	ID      string `db:"id"`
	Name    string `db:"name"`
	Mode    string `db:"budget_mode"`
	Limit   int64  `db:"monthly_limit"`
	Members int    `db:"members"`
}

// NoTeamName is the name of the NoTeam row.
const NoTeamName = "No team (people without one and deleted teams)"

// TeamRows is the statement of every team (or only teamID) in p, by name, with its active
// member count and monthly limit. Teams without entries have a zero statement. For the
// whole company a last NoTeam row holds the entries booked on no existing team, when there
// are any, so the rows add up to the company's statement.
func TeamRows(app core.App, teamID string, p Period) ([]Row, error) {
	all, err := TeamRowsOver(app, teamID, []Period{p})
	if err != nil {
		return nil, err
	}
	return all[0], nil
}

// TeamRowsOver is TeamRows for several periods (a trend), reading the ledger once.
func TeamRowsOver(app core.App, teamID string, periods []Period) ([][]Row, error) {
	// Each team's members are counted in idx_users_team_status (team, status), without
	// reading the user rows.
	var teams []teamInfo
	err := app.DB().NewQuery(`SELECT t.id AS id, t.name AS name, t.budget_mode AS budget_mode, t.monthly_limit AS monthly_limit,
		(SELECT COUNT(*) FROM users u INDEXED BY idx_users_team_status WHERE u.team = t.id AND u.status = 'active') AS members
		FROM teams t WHERE {:team} = '' OR t.id = {:team} ORDER BY t.name COLLATE NOCASE`).
		Bind(dbx.Params{"team": teamID}).All(&teams)
	if err != nil {
		return nil, err
	}
	scope := Company
	if teamID != "" {
		scope = Scope{Team: teamID}
	}
	byPeriod, err := StatementsOver(app, scope, ByTeam, periods)
	if err != nil {
		return nil, err
	}
	out := make([][]Row, len(periods))
	for k, byTeam := range byPeriod {
		out[k] = make([]Row, len(teams), len(teams)+1)
		for i, t := range teams {
			out[k][i] = Row{ID: t.ID, Name: t.Name, TeamID: t.ID, Members: t.Members, Statement: byTeam[t.ID]}
			if t.Mode == "monthly" {
				out[k][i].MonthlyLimit = t.Limit
			}
			delete(byTeam, t.ID)
		}
	}
	if teamID != "" && teamID != NoTeam {
		return out, nil
	}
	// What is left was booked on no existing team ("" or a deleted team's id).
	noneMembers := -1
	for k, byTeam := range byPeriod {
		none := Row{ID: NoTeam, Name: NoTeamName, TeamID: NoTeam}
		for _, s := range byTeam {
			none.Statement = none.Statement.Add(s)
		}
		if teamID != NoTeam && none.Statement == (Statement{}) {
			continue
		}
		if noneMembers < 0 {
			if err := app.DB().NewQuery(`SELECT COUNT(*) FROM users WHERE status = 'active' AND ` + ledger.NoTeamSQL("COALESCE(team, '')")).
				Row(&noneMembers); err != nil {
				return nil, err
			}
		}
		none.Members = noneMembers
		out[k] = append(out[k], none)
	}
	return out, nil
}

type person struct {
	ID    string `db:"id"`
	Name  string `db:"name"`
	Email string `db:"email"`
	Team  string `db:"team"`
}

// MemberRows is the statement of every member of teamID in p, counting only the entries
// booked on the team: its current members (also those without entries) and anyone who had
// entries on it in p and has left since (Former), by name. The rows add up to the team's
// statement.
func MemberRows(app core.App, teamID string, p Period) ([]Row, error) {
	byAccount, err := Statements(app, Scope{Team: teamID}, ByAccount, p)
	if err != nil {
		return nil, err
	}
	var people []person
	inTeam := "team = {:team}"
	if teamID == NoTeam {
		inTeam = ledger.NoTeamSQL("COALESCE(team, '')")
	}
	err = app.DB().NewQuery(`SELECT id, COALESCE(NULLIF(name, ''), email) AS name, email, {:team} AS team
		FROM users WHERE ` + inTeam).Bind(dbx.Params{"team": teamID}).All(&people)
	if err != nil {
		return nil, err
	}
	seen := make(map[string]bool, len(people))
	for _, u := range people {
		seen[u.ID] = true
	}
	for id, s := range byAccount {
		if seen[id] || s == (Statement{}) {
			continue
		}
		former, err := Person(app, id)
		if err != nil {
			return nil, err
		}
		people = append(people, person{ID: former.ID, Name: former.Name, Email: former.Email, Team: former.Team})
	}
	out := make([]Row, len(people))
	lower := make(map[string]string, len(people)) // each name lowered once, not per comparison
	for i, u := range people {
		out[i] = Row{ID: u.ID, Name: u.Name, Email: u.Email, TeamID: teamID, Former: u.Team != teamID, Statement: byAccount[u.ID]}
		lower[u.ID] = strings.ToLower(u.Name)
	}
	sort.SliceStable(out, func(i, j int) bool {
		if out[i].Former != out[j].Former {
			return !out[i].Former
		}
		return lower[out[i].ID] < lower[out[j].ID]
	})
	return out, nil
}

// Named is an account with the name and email to show for it.
type Named struct {
	ID       string `db:"id"`
	Name     string `db:"name"`
	Email    string `db:"email"`
	Team     string `db:"team"`      // team id now ("" when teamless or deleted)
	TeamName string `db:"team_name"` // its name
	Deleted  bool   `db:"deleted"`   // the user was deleted; the ledger kept their email
}

// Person names an account of the ledger: the user when they still exist, else the email the
// ledger kept for a deleted user.
func Person(app core.App, id string) (Named, error) {
	var p Named
	err := app.DB().NewQuery(`SELECT {:id} AS id,
		COALESCE((SELECT COALESCE(NULLIF(name, ''), email) FROM users WHERE id = {:id}),
			(SELECT user_email FROM ledger_entries WHERE account = {:id} ORDER BY created DESC LIMIT 1), {:id}) AS name,
		COALESCE((SELECT email FROM users WHERE id = {:id}),
			(SELECT user_email FROM ledger_entries WHERE account = {:id} ORDER BY created DESC LIMIT 1), '') AS email,
		COALESCE((SELECT team FROM users WHERE id = {:id}), '') AS team,
		COALESCE((SELECT t.name FROM users u JOIN teams t ON t.id = u.team WHERE u.id = {:id}), '') AS team_name,
		NOT EXISTS (SELECT 1 FROM users WHERE id = {:id}) AS deleted`).
		Bind(dbx.Params{"id": id}).One(&p)
	return p, err
}
