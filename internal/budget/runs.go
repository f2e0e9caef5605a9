package budget

import (
	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tools/types"

	"teamfund/internal/money"
)

// MonthRun is what a month's budget paid, as the allocation card shows it.
type MonthRun struct {
	Month      string         `db:"month" json:"month"`
	Entries    int            `db:"entries" json:"entries"` // members who got the month's budget
	Total      money.Cents    `db:"total" json:"total"`
	Trigger    string         `db:"trigger" json:"trigger"` // "" when no run is recorded (paid on joining, or loaded by the demo)
	ActorEmail string         `db:"actor_email" json:"actor_email"`
	ActorName  string         `db:"actor_name" json:"actor_name"` // "" when the actor is no user (any more)
	Updated    types.DateTime `db:"updated" json:"updated"`
}

// MonthLabel is the month as people read it ("December 2026").
func (r MonthRun) MonthLabel() string { return Month(r.Month).Label() }

// RecentRuns lists the last n months that paid monthly budgets, newest first. Members and
// total come from the ledger's monthly entries — the money really paid, also by mid-month
// joins and by data loaded without a run (the demo) — and trigger and actor from
// budget_runs when a run is recorded. (The card used to read budget_runs alone and said
// "No allocation has run yet" while the ledger held three months of budgets.)
//
// Both come from ledger_periods (members, total and last payment per period of the monthly
// entries, kept by triggers in the ledger write's transaction; migration 1796630002): the
// card used to group every monthly entry of the ledger, then count the last six periods'
// entries (60,000 for 10,000 members, 20 ms) on each load of the Money pages.
func RecentRuns(app core.App, n int) ([]MonthRun, error) {
	var out []MonthRun
	err := app.DB().NewQuery(`WITH months AS (SELECT month FROM (SELECT period AS month FROM ledger_periods WHERE n > 0
			UNION SELECT month FROM budget_runs) ORDER BY month DESC LIMIT {:n})
		SELECT m.month AS month, COALESCE(p.n, 0) AS entries, COALESCE(p.total, 0) AS total,
		COALESCE(r.trigger, '') AS trigger, COALESCE(r.actor_email, '') AS actor_email,
		COALESCE((SELECT NULLIF(u.name, '') FROM users u WHERE u.email = r.actor_email), '') AS actor_name,
		COALESCE(MAX(r.updated, NULLIF(p.last, '')), r.updated, NULLIF(p.last, '')) AS updated
		FROM months m
		LEFT JOIN ledger_periods p ON p.period = m.month
		LEFT JOIN budget_runs r ON r.month = m.month
		ORDER BY m.month DESC`).Bind(dbx.Params{"n": n}).All(&out)
	return out, err
}
