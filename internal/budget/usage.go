package budget

import (
	"fmt"
	"time"

	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/core"

	"teamfund/internal/money"
)

// Usage is one member's (or, summed, one team's) money in a billing period.
type Usage struct {
	UserID string `db:"id" json:"user,omitempty"`
	Name   string `db:"name" json:"name"`
	Email  string `db:"email" json:"email,omitempty"`
	TeamID string `db:"team" json:"team"`
	// Members counts the people summed into a team row.
	Members int `db:"members" json:"members,omitempty"`
	// Allocated: the month's monthly entry plus grants and adjustments made in the month.
	Allocated money.Cents `db:"allocated" json:"allocated"`
	// Spent: sends debited in the month, net of refunds.
	Spent money.Cents `db:"spent" json:"spent"`
	// Transferred: transfers in minus out in the month.
	Transferred money.Cents `db:"transferred" json:"transferred"`
	// Returned: money given back to the company in the month (team change, deletion).
	Returned money.Cents `db:"returned" json:"returned"`
	// Remaining: the balance at the end of the month (now, for the current month).
	Remaining money.Cents `db:"remaining" json:"remaining"`
}

// memberUsageSQL computes Usage per user; {:where} filters users u.
const memberUsageSQL = `SELECT u.id AS id, COALESCE(NULLIF(u.name, ''), u.email) AS name, u.email AS email,
	COALESCE(u.team, '') AS team, 1 AS members,
	COALESCE(SUM(CASE WHEN l.kind = 'monthly' AND l.period = {:month} THEN l.amount
		WHEN l.kind IN ('grant', 'adjust') AND l.created >= {:start} THEN l.amount END), 0) AS allocated,
	COALESCE(-SUM(CASE WHEN l.kind IN ('spend', 'refund') AND l.created >= {:start} THEN l.amount END), 0) AS spent,
	COALESCE(SUM(CASE WHEN l.kind IN ('transfer_in', 'transfer_out') AND l.created >= {:start} THEN l.amount END), 0) AS transferred,
	COALESCE(-SUM(CASE WHEN l.kind = 'return' AND l.created >= {:start} THEN l.amount END), 0) AS returned,
	COALESCE((SELECT e.balance_after FROM ledger_entries e WHERE e.account = u.id AND e.created < {:end}
		ORDER BY e.created DESC, e.rowid DESC LIMIT 1), 0) AS remaining
	FROM users u LEFT JOIN ledger_entries l ON l.account = u.id
		AND ((l.kind = 'monthly' AND l.period = {:month}) OR (l.created >= {:start} AND l.created < {:end}))
	WHERE %s
	GROUP BY u.id`

func usageParams(month Month, loc *time.Location) dbx.Params {
	return dbx.Params{"month": string(month),
		"start": month.Start(loc).UTC().Format("2006-01-02 15:04:05.000Z"),
		"end":   month.End(loc).UTC().Format("2006-01-02 15:04:05.000Z")}
}

// MemberUsage lists the usage of every current member of a team in month, by name.
func MemberUsage(app core.App, teamID string, month Month, loc *time.Location) ([]Usage, error) {
	var out []Usage
	p := usageParams(month, loc)
	p["team"] = teamID
	err := app.DB().NewQuery(fmt.Sprintf(memberUsageSQL, "u.team = {:team}") + " ORDER BY name COLLATE NOCASE").Bind(p).All(&out)
	return out, err
}

// TeamUsage sums MemberUsage per team over current members; teamID "" lists every team.
func TeamUsage(app core.App, teamID string, month Month, loc *time.Location) ([]Usage, error) {
	var out []Usage
	p := usageParams(month, loc)
	p["team"] = teamID
	where := "u.team != ''"
	if teamID != "" {
		where = "u.team = {:team}"
	}
	err := app.DB().NewQuery(`SELECT '' AS id, t.name AS name, '' AS email, m.team AS team, COUNT(*) AS members,
		SUM(m.allocated) AS allocated, SUM(m.spent) AS spent, SUM(m.transferred) AS transferred,
		SUM(m.returned) AS returned, SUM(m.remaining) AS remaining
		FROM (` + fmt.Sprintf(memberUsageSQL, where) + `) m JOIN teams t ON t.id = m.team
		GROUP BY m.team ORDER BY t.name COLLATE NOCASE`).Bind(p).All(&out)
	return out, err
}

// UserUsage is one user's usage in month (whatever their team).
func UserUsage(app core.App, userID string, month Month, loc *time.Location) (Usage, error) {
	var out Usage
	p := usageParams(month, loc)
	p["user"] = userID
	err := app.DB().NewQuery(fmt.Sprintf(memberUsageSQL, "u.id = {:user}")).Bind(p).One(&out)
	return out, err
}
