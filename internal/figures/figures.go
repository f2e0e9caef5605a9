// Package figures is the one piece of code that turns the ledger into the money words people
// read on every page, export and JSON: handed out, spent, held, refunded, returned,
// transferred and available (docs/MONEY.md defines each by ledger kind). Pages never sum
// ledger rows themselves, so the dashboard, Money, Usage, the team page and the overview
// cannot disagree about what "spent" means.
package figures

import (
	"fmt"
	"time"

	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/core"

	"teamfund/internal/budget"
	"teamfund/internal/ledger"
	"teamfund/internal/money"
)

// Statement is the money of one member, one team or the company in one period. It always
// balances (see Balanced):
//
//	Opening + HeldBefore + HandedOut + TransferredIn − TransferredOut − Returned − Spent − Held = Available
//
// Opening and Available are balances (money people can still use) at the period's start
// and end; HeldBefore and Held are what sat in sends waiting for approval at those two
// instants. Refunded is the part of the held money that came back (rejected or cancelled
// sends): it is already in Available, so it is shown but not added again.
type Statement struct {
	Opening        money.Cents `db:"opening" json:"opening"`
	HeldBefore     money.Cents `db:"held_before" json:"held_before"`
	HandedOut      money.Cents `db:"handed_out" json:"handed_out"`
	TransferredIn  money.Cents `db:"transferred_in" json:"transferred_in"`
	TransferredOut money.Cents `db:"transferred_out" json:"transferred_out"`
	Returned       money.Cents `db:"returned" json:"returned"`
	Refunded       money.Cents `db:"refunded" json:"refunded"`
	Spent          money.Cents `db:"spent" json:"spent"`
	Held           money.Cents `db:"held" json:"held"`
	Available      money.Cents `db:"available" json:"available"`
}

// Transferred is transfers in minus transfers out (zero for a team or the company whose
// members only moved money among themselves).
func (s Statement) Transferred() money.Cents { return s.TransferredIn - s.TransferredOut }

// MoneyIn is what came in during the period: held money at the start, handed out, transfers in.
func (s Statement) MoneyIn() money.Cents { return s.HeldBefore + s.HandedOut + s.TransferredIn }

// MoneyOut is what went out or is still held at the end: transfers out, returned, spent, held.
func (s Statement) MoneyOut() money.Cents { return s.TransferredOut + s.Returned + s.Spent + s.Held }

// Balanced reports whether opening + money in − money out = closing (Available).
func (s Statement) Balanced() bool { return s.Opening+s.MoneyIn()-s.MoneyOut() == s.Available }

// Add sums two statements (a team's rows, months of a trend).
func (s Statement) Add(o Statement) Statement {
	return Statement{Opening: s.Opening + o.Opening, HeldBefore: s.HeldBefore + o.HeldBefore,
		HandedOut: s.HandedOut + o.HandedOut, TransferredIn: s.TransferredIn + o.TransferredIn,
		TransferredOut: s.TransferredOut + o.TransferredOut, Returned: s.Returned + o.Returned,
		Refunded: s.Refunded + o.Refunded, Spent: s.Spent + o.Spent, Held: s.Held + o.Held, Available: s.Available + o.Available}
}

// Scope says whose money a statement is: one member (every entry of their account), one team
// (the entries booked on it: each entry keeps the team of its account when it was written),
// or the whole company (every entry).
type Scope struct {
	Member string // user id
	Team   string // team id
}

// Company is the scope of every ledger entry.
var Company = Scope{}

// NoTeam is the Team of a scope that stands for the entries booked on no team that exists
// now (ledger.NoTeam): with it the teams of the company add up to the company.
const NoTeam = ledger.NoTeam

// where is the SQL condition of the scope on ledger_entries aliased l.
func (s Scope) where() (string, dbx.Params) {
	team := "l.team = {:team}"
	if s.Team == NoTeam {
		team = ledger.NoTeamSQL("l.team")
	}
	switch {
	case s.Member != "" && s.Team != "":
		return "l.account = {:member} AND " + team, dbx.Params{"member": s.Member, "team": s.Team}
	case s.Member != "":
		return "l.account = {:member}", dbx.Params{"member": s.Member}
	case s.Team != "":
		return team, dbx.Params{"team": s.Team}
	}
	return "1 = 1", dbx.Params{}
}

// Grouping splits a scope into rows.
type Grouping string

// Groupings of Rows.
const (
	ByNothing Grouping = "''"
	ByAccount Grouping = "l.account"
	ByTeam    Grouping = "l.team"
)

// flowsSQL sums the entries of a scope before {:end}, per group: the opening balance (every
// entry before {:start}), each word of the period by kind, and the balance at the end.
// "sent" is every debit for a send in the period, including the ones now held or refunded.
const flowsSQL = `SELECT %[1]s AS key,
	COALESCE(SUM(CASE WHEN l.created < {:start} THEN l.amount END), 0) AS opening,
	COALESCE(SUM(CASE WHEN l.created >= {:start} AND l.kind IN ('monthly', 'grant', 'adjust') THEN l.amount END), 0) AS handed_out,
	COALESCE(SUM(CASE WHEN l.created >= {:start} AND l.kind = 'transfer_in' THEN l.amount END), 0) AS transferred_in,
	COALESCE(-SUM(CASE WHEN l.created >= {:start} AND l.kind = 'transfer_out' THEN l.amount END), 0) AS transferred_out,
	COALESCE(-SUM(CASE WHEN l.created >= {:start} AND l.kind = 'return' THEN l.amount END), 0) AS returned,
	COALESCE(SUM(CASE WHEN l.created >= {:start} AND l.kind = 'refund' THEN l.amount END), 0) AS refunded,
	COALESCE(-SUM(CASE WHEN l.created >= {:start} AND l.kind = 'spend' THEN l.amount END), 0) AS sent,
	COALESCE(SUM(l.amount), 0) AS available
	FROM ledger_entries l WHERE l.created < {:end} AND %[2]s GROUP BY %[1]s`

// heldSQL is what sat in sends waiting for approval at {:start} and at {:end}, per group: the
// debit of every send made before the instant that was still pending then (pending now, or
// decided at or after the instant; a send that went out at once has no decided_at).
const heldSQL = `SELECT %[1]s AS key,
	COALESCE(-SUM(CASE WHEN l.created < {:start} AND (s.status = 'pending' OR s.decided_at >= {:start}) THEN l.amount END), 0) AS held_before,
	COALESCE(-SUM(CASE WHEN s.status = 'pending' OR s.decided_at >= {:end} THEN l.amount END), 0) AS held
	FROM sends s JOIN ledger_entries l ON l.ref = 'send:' || s.id AND l.kind = 'spend'
	WHERE (s.status = 'pending' OR s.decided_at >= {:start}) AND l.created < {:end} AND %[2]s
	GROUP BY %[1]s`

type flowRow struct {
	Key            string      `db:"key"`
	Opening        money.Cents `db:"opening"`
	HandedOut      money.Cents `db:"handed_out"`
	TransferredIn  money.Cents `db:"transferred_in"`
	TransferredOut money.Cents `db:"transferred_out"`
	Returned       money.Cents `db:"returned"`
	Refunded       money.Cents `db:"refunded"`
	Sent           money.Cents `db:"sent"`
	Available      money.Cents `db:"available"`
}

type heldRow struct {
	Key        string      `db:"key"`
	HeldBefore money.Cents `db:"held_before"`
	Held       money.Cents `db:"held"`
}

// Period is a span of time [Start, End) — usually a month in the company time zone.
type Period struct{ Start, End time.Time }

// MonthPeriod is month in loc.
func MonthPeriod(m budget.Month, loc *time.Location) Period {
	return Period{Start: m.Start(loc), End: m.End(loc)}
}

// Statements computes the statement of every group of scope in period, keyed by the group
// (the account or team id; "" for ByNothing). Groups without entries are absent.
//
// Spent is derived, not summed: every debit for a send in the period either went out (spent),
// is still held at the end, or came back (refunded) — minus what was already held at the
// start. That is exactly the sends that went out in the period (sent at once, or approved
// in it), and it keeps the statement balanced to the cent.
func Statements(app core.App, scope Scope, by Grouping, p Period) (map[string]Statement, error) {
	where, params := scope.where()
	params["start"] = stamp(p.Start)
	params["end"] = stamp(p.End)
	var flows []flowRow
	if err := app.DB().NewQuery(fmt.Sprintf(flowsSQL, by, where)).Bind(params).All(&flows); err != nil {
		return nil, err
	}
	var held []heldRow
	if err := app.DB().NewQuery(fmt.Sprintf(heldSQL, by, where)).Bind(params).All(&held); err != nil {
		return nil, err
	}
	heldBy := make(map[string]heldRow, len(held))
	for _, h := range held {
		heldBy[h.Key] = h
	}
	out := make(map[string]Statement, len(flows))
	for _, f := range flows {
		h := heldBy[f.Key]
		out[f.Key] = Statement{Opening: f.Opening, HeldBefore: h.HeldBefore, HandedOut: f.HandedOut,
			TransferredIn: f.TransferredIn, TransferredOut: f.TransferredOut, Returned: f.Returned,
			Refunded: f.Refunded, Held: h.Held, Available: f.Available,
			Spent: f.Sent - f.Refunded - h.Held + h.HeldBefore}
	}
	return out, nil
}

// Of is the statement of one scope in period.
func Of(app core.App, scope Scope, p Period) (Statement, error) {
	all, err := Statements(app, scope, ByNothing, p)
	return all[""], err
}

// OfMonth is the statement of one scope in month (company time zone loc).
func OfMonth(app core.App, scope Scope, m budget.Month, loc *time.Location) (Statement, error) {
	return Of(app, scope, MonthPeriod(m, loc))
}

// MonthFigures is one month of a trend.
type MonthFigures struct {
	Month budget.Month `json:"month"`
	Statement
}

// Trend is the statement of scope in the n months that end with last, oldest first.
func Trend(app core.App, scope Scope, last budget.Month, n int, loc *time.Location) ([]MonthFigures, error) {
	out := make([]MonthFigures, n)
	m := last
	for i := n - 1; i >= 0; i-- {
		s, err := OfMonth(app, scope, m, loc)
		if err != nil {
			return nil, err
		}
		out[i] = MonthFigures{Month: m, Statement: s}
		m = m.Prev()
	}
	return out, nil
}

// stamp formats t the way PocketBase stores datetimes, so string comparison orders them.
func stamp(t time.Time) string { return t.UTC().Format("2006-01-02 15:04:05.000Z") }
