// Package figures is the one piece of code that turns the ledger into the money words people
// read on every page, export and JSON: handed out, spent, held, refunded, returned,
// transferred and available (docs/MONEY.md defines each by ledger kind). Pages never sum
// ledger rows themselves, so the dashboard, Money, Usage, the team page and the overview
// cannot disagree about what "spent" means.
package figures

import (
	"cmp"
	"encoding/json"
	"errors"
	"fmt"
	"maps"
	"slices"
	"strings"
	"time"

	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/core"
	"golang.org/x/sync/errgroup"

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

// Statements are computed from two instants, the period's start and end: for each kind, the
// sum of the entries written before an instant is the kind's running total (ledger_totals,
// kept by triggers in the same transaction as every ledger write, see the migration
// 1796617451_create_ledger_totals.go) minus the entries written since. So a statement reads
// the totals and the entries since the period started, never the whole history: the sum of
// every earlier entry was most of the time of the overview, Usage and the team page on a
// ledger of 1,000,000 entries. A period that starts before the first entry has nothing
// before it, so the entries since its end are all that is read (the all-time figures).

// totalsSQL is the running totals of a scope's accounts, one row per team, account and kind:
// added up per group in Go (for a team's members each row is its own group already, and
// SUM … GROUP BY over them took longer than the rows).
const totalsSQL = `SELECT %[1]s AS key, l.kind AS kind, l.total AS amount
	FROM ledger_totals l WHERE %[2]s`

// sinceSQL lists the entries of a scope written at or after the first instant %[3]s counts,
// each with its group, kind and bucket: the bucket of an entry is how many of the instants
// it was written at or after. The rows are added up in accountsAt: SUM … GROUP BY sorted them
// in a temporary B-tree first, which took longer than reading them (a team's entries come
// from idx_ledger_team_amounts alone, migration 1796630005).
const sinceSQL = `SELECT %[1]s AS key, l.kind AS kind, %[3]s AS bucket, l.amount AS amount
	FROM ledger_entries l WHERE l.created >= {:b0} AND %[2]s`

// heldSQL lists the holds that can have been waiting at one of the instants, with its group
// (%[1]s): every send debited before the last instant that waits now or was decided at or
// after one of them (a send that went out at once has no decided_at); heldAt adds each to the
// instants it waited at (debited before, still pending then).
//
// It reads ledger_holds (migration 1796630003: each such send's debit beside its status and
// decision, kept by triggers in the writer's transaction) through two covering partial
// indexes: the pending ones, and the ones decided since the first instant that matters and
// debited before one of the instants and decided after it (%[3]s) — of those, for month
// starts, only the ones whose wait spans a month start's window (%[4]s, %[5]s). Joining each
// send to its debit by ref instead was the largest part of the owner's overview and Usage
// (3,000 index lookups and table rows for a 12-month trend); one CASE column per instant in
// SQL took twice as long as adding the rows up here.
const heldSQL = `SELECT %[1]s AS key, l.amount, l.debited, l.status = 'pending', l.decided_at
	FROM (SELECT account, team, amount, debited, status, decided_at FROM ledger_holds INDEXED BY idx_ledger_holds_pending
			WHERE status = 'pending'
		UNION ALL SELECT account, team, amount, debited, status, decided_at FROM ledger_holds INDEXED BY %[4]s
			WHERE decided_at >= {:first} AND decided_at != '' AND (%[3]s)%[5]s) l
	WHERE l.debited < {:last} AND %[2]s`

type kindSum struct {
	Key    string      `db:"key"`
	Kind   string      `db:"kind"`
	Bucket int         `db:"bucket"`
	Amount money.Cents `db:"amount"`
}

// byKind is a sum per ledger kind, in the order of ledger.Kinds, and last the kinds the
// figures do not know (an array, not a map: a company's trend adds up 100,000 of them).
type byKind [otherKind + 1]money.Cents

// otherKind is byKind's slot of the kinds not in ledger.Kinds: its length
// (TestEveryKindHasItsSlot fails when a kind is added and this is not).
const otherKind = 8

// kindSlot is kind's place in byKind.
func kindSlot(kind string) int {
	if i := slices.Index(ledger.Kinds, ledger.Kind(kind)); i >= 0 {
		return i
	}
	return otherKind
}

// Slots of the kinds the statements name.
var (
	spendSlot, refundSlot = kindSlot(string(ledger.KindSpend)), kindSlot(string(ledger.KindRefund))
	handedOutSlots        = []int{kindSlot(string(ledger.KindMonthly)), kindSlot(string(ledger.KindGrant)), kindSlot(string(ledger.KindAdjust))}
	transferInSlot        = kindSlot(string(ledger.KindTransferIn))
	transferOutSlot       = kindSlot(string(ledger.KindTransferOut))
	returnSlot            = kindSlot(string(ledger.KindReturn))
)

// atInstants is, per group, what the ledger held at each instant: per kind, the sum of the
// entries written before it, and what sat in sends waiting for approval.
type atInstants struct {
	before []byKind
	held   []money.Cents
}

func (a atInstants) flow(from, to int, slots ...int) money.Cents {
	var n money.Cents
	for _, k := range slots {
		n += a.before[to][k] - a.before[from][k]
	}
	return n
}

func (a atInstants) balance(i int) money.Cents {
	var n money.Cents
	for _, v := range a.before[i] {
		n += v
	}
	return n
}

// Period is a span of time [Start, End) — usually a month in the company time zone.
type Period struct{ Start, End time.Time }

// MonthPeriod is month in loc.
func MonthPeriod(m budget.Month, loc *time.Location) Period {
	return Period{Start: m.Start(loc), End: m.End(loc)}
}

// Statements computes the statement of every group of scope in period, keyed by the group
// (the account or team id; "" for ByNothing). Groups without entries are absent.
func Statements(app core.App, scope Scope, by Grouping, p Period) (map[string]Statement, error) {
	all, err := StatementsOver(app, scope, by, []Period{p})
	if err != nil {
		return nil, err
	}
	return all[0], nil
}

// StatementsOver is Statements for several periods at once (a trend), reading the ledger
// once for all of them.
//
// Every figure is a difference of what the ledger held at two instants, the period's start
// and end. What was written before an instant is, per kind, the running total (ledger_totals,
// kept by triggers in the same transaction as every ledger write; migration
// 1796617451_create_ledger_totals.go) minus what was written since: so a statement reads the
// totals and the entries since its period started, never the whole history (the sum of every
// earlier entry was most of the time of the overview, Usage and the team page on a ledger of
// 1,000,000 entries). Instants before the first entry have nothing before them, so the
// all-time figures read almost nothing.
//
// Spent is derived, not summed: every debit for a send in the period either went out (spent),
// is still held at the end, or came back (refunded) — minus what was already held at the
// start. That is exactly the sends that went out in the period (sent at once, or approved
// in it), and it keeps the statement balanced to the cent.
func StatementsOver(app core.App, scope Scope, by Grouping, periods []Period) ([]map[string]Statement, error) {
	return statementsOver(app, scope, by, periods, true)
}

// Flows is Statements without the balances: Opening and Available are zero, every other
// figure is the same. It reads only the period's entries and the sends held in it, not the
// running totals, so ranking every member of the company by what they spent in a month (the
// overview's top spenders) does not read 60,000 totals.
func Flows(app core.App, scope Scope, by Grouping, p Period) (map[string]Statement, error) {
	all, err := statementsOver(app, scope, by, []Period{p}, false)
	if err != nil {
		return nil, err
	}
	return all[0], nil
}

// SpentBy is, per account of scope, the Spent and Held of Flows(scope, ByAccount, p) (every
// other figure zero): the overview's top spenders. It reads only the spends and refunds of
// the period (idx_ledger_spending covers them) and the sends held at its start and end, not
// every entry of the month (42,000 for the whole company, 0.2 s).
func SpentBy(app core.App, scope Scope, p Period) (map[string]Statement, error) {
	where, params := scope.where()
	params["start"], params["end"] = stamp(p.Start), stamp(p.End)
	first, err := firstEntry(app)
	if err != nil {
		return nil, err
	}
	heldParams := maps.Clone(params)
	var debits []kindSum
	at := map[string]*atInstants{}
	group := newGroup(at, 2)
	err = ReadTogether(app, func() error {
		return app.DB().NewQuery(`SELECT l.account AS key, SUM(l.amount) AS amount FROM ledger_entries l
		WHERE (l.kind = 'spend' OR l.kind = 'refund') AND l.created >= {:start} AND l.created < {:end} AND ` + where + `
		GROUP BY 1`).Bind(params).All(&debits)
	}, func() error {
		return heldAt(app, ByAccount, where, heldParams, first, []string{stamp(p.Start), stamp(p.End)}, group)
	})
	if err != nil {
		return nil, err
	}
	out := make(map[string]Statement, len(debits))
	for _, d := range debits {
		group(d.Key).before[1][spendSlot] = d.Amount // spends net of refunds in the period
	}
	for key, a := range at {
		// Spent = sent − refunded − held at the end + held at the start (see StatementsOver).
		s := Statement{Spent: -a.before[1][spendSlot] - a.held[1] + a.held[0], Held: a.held[1]}
		if s != (Statement{}) {
			out[key] = s
		}
	}
	return out, nil
}

// Spender is one account's Spent and Held in a period.
type Spender struct {
	Account string
	Statement
}

// TopSpenders are the n accounts of scope that spent most in p (then held most, then by id),
// leaving out those that neither spent nor hold anything: the first n of SpentBy, ranked.
//
// For the whole company in a company month it does not rank every account (5,700 of them in
// a month of a 10,000-person company): it reads the first n + k accounts of the month's UTC
// month in the order of what they sent (ledger_spent, migration 1796630004), k being the
// accounts that may rank below their place in that order — those with spends or refunds in
// the hours between the company month and the UTC month, or holding money at its end — and
// the figures of every account holding money at its start. Every account it did not read
// holds nothing and sent less than the last one it read, or as much with a later id; at
// least n of the ones it read rank as that last one or before it: so it is not among the
// first n.
func TopSpenders(app core.App, scope Scope, p Period, n int) ([]Spender, error) {
	sU, eU := nearestMonthStart(p.Start), nearestMonthStart(p.End)
	if scope != Company || !nearMonthStarts([]string{stamp(p.Start), stamp(p.End)}) || !eU.Equal(sU.AddDate(0, 1, 0)) {
		all, err := SpentBy(app, scope, p)
		if err != nil {
			return nil, err
		}
		return rankSpenders(all, n), nil
	}
	month := sU.Format("2006-01")
	first, err := firstEntry(app)
	if err != nil {
		return nil, err
	}
	// What the accounts sent in the company month that the UTC month does not hold (+) and
	// the reverse (−): the hours between their starts and between their ends.
	params := dbx.Params{"month": month}
	var spans, cols []string
	edge := func(i int, at, monthStart time.Time, into money.Cents) {
		lo, hi, sign := at, monthStart, into
		if monthStart.Before(at) {
			lo, hi, sign = monthStart, at, -into
		}
		if !lo.Before(hi) {
			return
		}
		params[fmt.Sprintf("lo%d", i)], params[fmt.Sprintf("hi%d", i)] = stamp(lo), stamp(hi)
		span := fmt.Sprintf("(l.created >= {:lo%[1]d} AND l.created < {:hi%[1]d})", i)
		spans = append(spans, span)
		cols = append(cols, fmt.Sprintf("%d * SUM(CASE WHEN %s THEN l.amount ELSE 0 END)", sign, span))
	}
	edge(0, p.Start, sU, +1) // written after the company month began, before the UTC month did
	edge(1, p.End, eU, -1)   // written after the company month ended, before the UTC month did
	adjust := map[string]money.Cents{}
	at := map[string]*atInstants{}
	err = ReadTogether(app, func() error {
		if len(spans) == 0 {
			return nil
		}
		rows, err := app.DB().NewQuery(`SELECT l.account, ` + strings.Join(cols, " + ") + ` FROM ledger_entries l
			WHERE (l.kind = 'spend' OR l.kind = 'refund') AND (` + strings.Join(spans, " OR ") + `) GROUP BY 1`).Bind(params).Rows()
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			var account string
			var sum int64
			if err := rows.Scan(&account, &sum); err != nil {
				return err
			}
			adjust[account] = money.Cents(sum)
		}
		return rows.Err()
	}, func() error {
		where, heldParams := Company.where()
		return heldAt(app, ByAccount, where, heldParams, first, []string{stamp(p.Start), stamp(p.End)}, newGroup(at, 2))
	})
	if err != nil {
		return nil, err
	}
	// The accounts whose figure is not their place in ledger_spent's order, and how many of
	// them can rank lower than it (adjusted either way, or holding money at the end).
	moved, lower := map[string]bool{}, 0
	for account := range adjust {
		moved[account] = true
		lower++
	}
	for account, a := range at {
		if _, adjusted := adjust[account]; a.held[1] != 0 && !adjusted {
			lower++
		}
		if a.held[0] != 0 || a.held[1] != 0 {
			moved[account] = true
		}
	}
	// In the ranking's order: most sent first, then by id, as the tie-break of equal figures.
	var top []kindSum
	if err := app.DB().NewQuery(`SELECT account AS key, total AS amount FROM ledger_spent INDEXED BY idx_ledger_spent_top
		WHERE month = {:month} ORDER BY total, account LIMIT {:n}`).Bind(dbx.Params{"month": month, "n": n + lower}).All(&top); err != nil {
		return nil, err
	}
	sent := make(map[string]money.Cents, len(top)+len(moved))
	for _, r := range top {
		sent[r.Key] = r.Amount
	}
	var others []string
	for account := range moved {
		if _, ok := sent[account]; !ok {
			others = append(others, account)
		}
	}
	if len(others) > 0 {
		ids, _ := json.Marshal(others)
		var rest []kindSum
		if err := app.DB().NewQuery(`SELECT account AS key, total AS amount FROM ledger_spent
			WHERE month = {:month} AND account IN (SELECT value FROM json_each({:ids}))`).
			Bind(dbx.Params{"month": month, "ids": string(ids)}).All(&rest); err != nil {
			return nil, err
		}
		for _, r := range rest {
			sent[r.Key] = r.Amount
		}
	}
	for account := range moved {
		if _, ok := sent[account]; !ok {
			sent[account] = 0 // no row: it only holds money
		}
	}
	all := make(map[string]Statement, len(sent))
	for account := range sent {
		var held [2]money.Cents
		if a, ok := at[account]; ok {
			held = [2]money.Cents{a.held[0], a.held[1]}
		}
		// Spent = sent − refunded − held at the end + held at the start (see StatementsOver).
		all[account] = Statement{Spent: -(sent[account] + adjust[account]) - held[1] + held[0], Held: held[1]}
	}
	return rankSpenders(all, n), nil
}

// rankSpenders is the first n of byAccount that spent or hold something, most spent first,
// then most held, then by id.
func rankSpenders(byAccount map[string]Statement, n int) []Spender {
	var out []Spender
	for id, s := range byAccount {
		if s.Spent > 0 || s.Held > 0 {
			out = append(out, Spender{Account: id, Statement: Statement{Spent: s.Spent, Held: s.Held}})
		}
	}
	slices.SortFunc(out, func(a, b Spender) int {
		if a.Spent != b.Spent {
			return cmp.Compare(b.Spent, a.Spent)
		}
		if a.Held != b.Held {
			return cmp.Compare(b.Held, a.Held)
		}
		return strings.Compare(a.Account, b.Account)
	})
	return out[:min(n, len(out))]
}

func statementsOver(app core.App, scope Scope, by Grouping, periods []Period, balances bool) ([]map[string]Statement, error) {
	var instants []string
	for _, p := range periods {
		instants = append(instants, stamp(p.Start), stamp(p.End))
	}
	slices.Sort(instants)
	instants = slices.Compact(instants)
	at, err := ledgerAt(app, scope, by, instants, balances)
	if err != nil {
		return nil, err
	}
	out := make([]map[string]Statement, len(periods))
	for i, p := range periods {
		s, _ := slices.BinarySearch(instants, stamp(p.Start))
		e, _ := slices.BinarySearch(instants, stamp(p.End))
		out[i] = make(map[string]Statement, len(at))
		for key, a := range at {
			sent, refunded := -a.flow(s, e, spendSlot), a.flow(s, e, refundSlot)
			st := Statement{Opening: a.balance(s), HeldBefore: a.held[s],
				HandedOut: a.flow(s, e, handedOutSlots...), TransferredIn: a.flow(s, e, transferInSlot),
				TransferredOut: -a.flow(s, e, transferOutSlot), Returned: -a.flow(s, e, returnSlot),
				Refunded: refunded, Held: a.held[e], Available: a.balance(e),
				Spent: sent - refunded - a.held[e] + a.held[s]}
			if !balances {
				st.Opening, st.Available = 0, 0
			}
			if st != (Statement{}) {
				out[i][key] = st
			}
		}
	}
	return out, nil
}

// ledgerAt is what the ledger held at each instant (sorted, distinct), per group of scope.
//
// The entries and the held sends are read at the same time (ReadTogether), each into its
// own groups: a company's statements wait for the longer of the two, not for both.
func ledgerAt(app core.App, scope Scope, by Grouping, instants []string, balances bool) (map[string]*atInstants, error) {
	where, params := scope.where()
	first, err := firstEntry(app)
	if err != nil {
		return nil, err
	}
	heldParams := maps.Clone(params)
	out, held := map[string]*atInstants{}, map[string]*atInstants{}
	err = ReadTogether(app, func() error {
		group := newGroup(out, len(instants))
		if scope.Member == "" && by != ByAccount {
			return teamsAt(app, by, where, params, first, instants, group)
		}
		return accountsAt(app, by, where, params, first, instants, group, balances)
	}, func() error {
		return heldAt(app, by, where, heldParams, first, instants, newGroup(held, len(instants)))
	})
	if err != nil {
		return nil, err
	}
	group := newGroup(out, len(instants))
	for key, h := range held {
		group(key).held = h.held
	}
	return out, nil
}

// firstEntry is when the ledger's first entry was written ("" when it is empty): nothing was
// written, nor held, before it. Read once per statement, for the entries and the held sends.
func firstEntry(app core.App) (string, error) {
	var first string
	err := app.DB().NewQuery("SELECT COALESCE(MIN(created), '') FROM ledger_entries").Row(&first)
	return first, err
}

// ReadTogether runs the reads at the same time, each on one of the pool's read connections
// (SQLite in WAL mode reads in parallel), so a page waits for the longest, not for all; in a
// transaction, whose one connection two goroutines must not share, one after the other.
// The reads must not share anything they write.
func ReadTogether(app core.App, reads ...func() error) error {
	if app.IsTransactional() {
		for _, read := range reads {
			if err := read(); err != nil {
				return err
			}
		}
		return nil
	}
	var g errgroup.Group
	for _, read := range reads {
		g.Go(read)
	}
	return g.Wait()
}

// newGroup returns the lookup that creates a group's figures on first use.
func newGroup(out map[string]*atInstants, n int) func(string) *atInstants {
	return func(key string) *atInstants {
		a, ok := out[key]
		if !ok {
			a = &atInstants{before: make([]byKind, n), held: make([]money.Cents, n)}
			out[key] = a
		}
		return a
	}
}

// teamsAt fills in, for a team or the company (grouped by team or not), what was written
// before each instant, from rollups kept by triggers in every ledger write's transaction
// (migrations 1796617451 and 1796630000): the all-time total per team and kind, minus the UTC
// months from the instant's nearest UTC month start on (ledger_months), corrected by what
// was written between the instant and that month start (a company month starts up to 14
// hours before or 12 after a UTC month). That correction comes from the quarter-hour totals
// kept for the days around month starts (ledger_quarters); only an instant off those
// quarters (not a month start) reads its entries. So a month's figures read a few rows per
// team, whatever the length of the history: the monthly allocation at each company month
// start (10,000 entries in that hour for 10,000 people) is not read entry by entry.
func teamsAt(app core.App, by Grouping, where string, params dbx.Params, first string, instants []string, group func(string) *atInstants) error {
	var last string
	if err := app.DB().NewQuery("SELECT COALESCE(MAX(created), '') FROM ledger_entries").Row(&last); err != nil {
		return err
	}
	var months []monthTerm
	var quarters []quarterTerm
	var entries sums
	m0 := "9999-12"
	for i, at := range instants {
		if first == "" || at <= first {
			continue // nothing was written before it
		}
		if at > last {
			// Nothing was written since ("now", the end of the all-time figures): the total.
			months = append(months, monthTerm{instant: i, from: "9999-12"})
			continue
		}
		t, err := time.Parse("2006-01-02 15:04:05.000Z", at)
		if err != nil {
			return err
		}
		start := nearestMonthStart(t)
		m0 = min(m0, start.Format("2006-01"))
		// before(instant) = all time − the months from start on ± the span between them.
		months = append(months, monthTerm{instant: i, from: start.Format("2006-01")})
		lo, hi, sign := t, start, money.Cents(-1) // written after the instant, before its month start
		if start.Before(t) {
			lo, hi, sign = start, t, +1 // written after the month start, before the instant
		}
		if !lo.Before(hi) {
			continue
		}
		if onQuarters(lo, hi) {
			quarters = append(quarters, quarterTerm{instant: i, sign: sign,
				from: lo.UTC().Format(quarterLayout), to: hi.UTC().Format(quarterLayout)})
		} else {
			loP, hiP := fmt.Sprintf("lo%d", i), fmt.Sprintf("hi%d", i)
			params[loP], params[hiP] = stamp(lo), stamp(hi)
			entries.add(i, sign, fmt.Sprintf("l.created >= {:%s} AND l.created < {:%s}", loP, hiP))
		}
	}
	params["m0"] = m0
	if err := readMonths(app, by, where, params, months, group); err != nil {
		return err
	}
	if err := readQuarters(app, by, where, params, quarters, group); err != nil {
		return err
	}
	// The scope's terms are written +l.team so SQLite reads the span by created
	// (MULTI-INDEX OR) instead of every entry of the team by idx_ledger_team_amounts.
	return entries.read(app, by, unindexed(where), params, group)
}

// monthTerm adds to an instant's figures the all-time totals minus the months from one on.
type monthTerm struct {
	instant int
	from    string // YYYY-MM, UTC
}

// readMonths applies the month terms from ledger_months, one row per UTC month and team with
// a total per kind (t_<kind>) and of all kinds: its rows of all time and of the months since
// {:m0}, two ranges of the primary key (month, team), as they are (SUM … GROUP BY in SQL
// took five times as long as the rows), added here to each term. An entry of a kind the
// table has no column for is in total only; it goes to the other kinds' slot.
func readMonths(app core.App, by Grouping, where string, params dbx.Params, terms []monthTerm, group func(string) *atInstants) error {
	if len(terms) == 0 {
		return nil
	}
	columns := []string{"l.total"}
	for _, k := range ledger.Kinds {
		columns = append(columns, "l.t_"+string(k))
	}
	part := `SELECT %[1]s AS key, l.month AS month, ` + strings.Join(columns, ", ") + `
		FROM ledger_months l WHERE %[3]s AND %[2]s`
	if by == ByNothing {
		// One row per month, not per team: summed in the primary key's order, no sort.
		for i, c := range columns {
			columns[i] = "SUM(" + c + ")"
		}
		part = `SELECT %[1]s AS key, l.month AS month, ` + strings.Join(columns, ", ") + `
		FROM ledger_months l WHERE %[3]s AND %[2]s GROUP BY l.month`
	}
	query := fmt.Sprintf(part, by, where, "l.month = ''") + "\n\tUNION ALL " + fmt.Sprintf(part, by, where, "l.month >= {:m0}")
	rows, err := app.DB().NewQuery(query).Bind(params).Rows()
	if err != nil {
		return err
	}
	defer rows.Close()
	var key, month string
	var amounts [1 + otherKind]int64 // int64, not money.Cents: Scan converts named types by reflection
	dst := []any{&key, &month}
	for k := range amounts {
		dst = append(dst, &amounts[k])
	}
	var row byKind
	for rows.Next() {
		if err := rows.Scan(dst...); err != nil {
			return err
		}
		row[otherKind] = money.Cents(amounts[0])
		for k := range otherKind {
			row[k] = money.Cents(amounts[k+1])
			row[otherKind] -= row[k]
		}
		a := group(key)
		for _, t := range terms {
			switch {
			case month == "":
				a.before[t.instant].add(row, 1)
			case month >= t.from:
				a.before[t.instant].add(row, -1)
			}
		}
	}
	return rows.Err()
}

// add adds sign × o to b.
func (b *byKind) add(o byKind, sign money.Cents) {
	for k, n := range o {
		b[k] += sign * n
	}
}

// quarterTerm adds sign × the quarter-hour totals in [from, to) to an instant's figures.
type quarterTerm struct {
	instant  int
	sign     money.Cents
	from, to string // quarterLayout, UTC
}

// readQuarters applies the quarter terms from ledger_quarters: the rows of their spans as
// they are (a few hundred: the spans are an hour or two at month starts), each added here to
// the terms whose span holds it. Summing them in SQL, one CASE column per term grouped by
// team and kind, cost more than the rows.
func readQuarters(app core.App, by Grouping, where string, params dbx.Params, terms []quarterTerm, group func(string) *atInstants) error {
	if len(terms) == 0 {
		return nil
	}
	var spans []string
	for i, t := range terms {
		loP, hiP := fmt.Sprintf("qlo%d", i), fmt.Sprintf("qhi%d", i)
		params[loP], params[hiP] = t.from, t.to
		spans = append(spans, fmt.Sprintf("(l.quarter >= {:%s} AND l.quarter < {:%s})", loP, hiP))
	}
	query := fmt.Sprintf(`SELECT %s AS key, l.kind, l.quarter, l.total FROM ledger_quarters l
		WHERE (%s) AND %s`, by, strings.Join(spans, " OR "), where)
	rows, err := app.DB().NewQuery(query).Bind(params).Rows()
	if err != nil {
		return err
	}
	defer rows.Close()
	var key, kind, quarter string
	var total int64
	for rows.Next() {
		if err := rows.Scan(&key, &kind, &quarter, &total); err != nil {
			return err
		}
		a, slot := group(key), kindSlot(kind)
		for _, t := range terms {
			if quarter >= t.from && quarter < t.to {
				a.before[t.instant][slot] += t.sign * money.Cents(total)
			}
		}
	}
	return rows.Err()
}

// quarterLayout is how ledger_quarters names a quarter hour (UTC).
const quarterLayout = "2006-01-02 15:04"

// onQuarters reports whether ledger_quarters holds the span [lo, hi): both ends on a
// quarter hour, within a day, on the days it keeps (the 1st, the 28th–31st, UTC).
func onQuarters(lo, hi time.Time) bool {
	kept := func(t time.Time) bool { d := t.UTC().Day(); return d == 1 || d >= 28 }
	return lo.Truncate(15*time.Minute).Equal(lo) && hi.Truncate(15*time.Minute).Equal(hi) &&
		hi.Sub(lo) <= 24*time.Hour && kept(lo) && kept(hi.Add(-time.Millisecond))
}

// sums are the SUM columns of one query over the entries (an instant off the quarter hours
// of ledger_quarters): term k adds sign × the amounts of the entries matching its condition to
// instant k's figures.
type sums struct {
	instant []int
	sign    []money.Cents
	cond    []string
}

func (s *sums) add(instant int, sign money.Cents, cond string) {
	s.instant, s.sign, s.cond = append(s.instant, instant), append(s.sign, sign), append(s.cond, cond)
}

// read sums s's terms over the entries matching one of them and scope, per group and kind,
// into the groups' figures.
func (s *sums) read(app core.App, by Grouping, scope string, params dbx.Params, group func(string) *atInstants) error {
	if len(s.cond) == 0 {
		return nil
	}
	var cols strings.Builder
	for _, c := range s.cond {
		fmt.Fprintf(&cols, ",\n\tCOALESCE(SUM(CASE WHEN %s THEN l.amount END), 0)", c)
	}
	rows := "(" + strings.Join(s.cond, ") OR (") + ")"
	query := fmt.Sprintf("SELECT %s AS key, l.kind AS kind%s\n\tFROM ledger_entries l WHERE (%s) AND %s GROUP BY 1, 2", by, cols.String(), rows, scope)
	found, err := app.DB().NewQuery(query).Bind(params).Rows()
	if err != nil {
		return err
	}
	defer found.Close()
	for found.Next() {
		var key, kind string
		n := make([]int64, len(s.cond))
		dst := []any{&key, &kind}
		for k := range n {
			dst = append(dst, &n[k])
		}
		if err := found.Scan(dst...); err != nil {
			return err
		}
		a, slot := group(key), kindSlot(kind)
		for k, v := range n {
			a.before[s.instant[k]][slot] += s.sign[k] * money.Cents(v)
		}
	}
	return found.Err()
}

// unindexed writes the scope's terms on ledger_entries l as +l.column, which SQLite does not
// use to pick an index (the condition stays the same).
func unindexed(where string) string { return strings.ReplaceAll(where, "l.", "+l.") }

// nearestMonthStart is the UTC month start closest to t.
func nearestMonthStart(t time.Time) time.Time {
	u := t.UTC()
	start := time.Date(u.Year(), u.Month(), 1, 0, 0, 0, 0, time.UTC)
	next := start.AddDate(0, 1, 0)
	if u.Sub(start) <= next.Sub(u) {
		return start
	}
	return next
}

// accountsAt fills in, for members (one, or a team's or the company's by account), what was
// written before each instant: the running totals per account minus the entries since.
func accountsAt(app core.App, by Grouping, where string, params dbx.Params, first string, instants []string, group func(string) *atInstants, balances bool) error {
	// Instants at or before the first entry have nothing before them; the others are live.
	// Without balances every instant is live and the totals are left out: each instant then
	// holds minus what was written since it, and the differences (the flows) are the same.
	live := 0
	for balances && live < len(instants) && (first == "" || instants[live] <= first) {
		live++
	}
	if live == len(instants) {
		return nil
	}
	if balances {
		rows, err := app.DB().NewQuery(fmt.Sprintf(totalsSQL, by, where)).Bind(params).Rows()
		if err != nil {
			return err
		}
		var key, kind string
		var total int64
		for rows.Next() {
			if err := rows.Scan(&key, &kind, &total); err != nil {
				rows.Close()
				return err
			}
			a, slot := group(key), kindSlot(kind)
			for i := live; i < len(instants); i++ {
				a.before[i][slot] += money.Cents(total)
			}
		}
		if err := errors.Join(rows.Err(), rows.Close()); err != nil {
			return err
		}
	}
	rows, err := app.DB().NewQuery(sinceQuery(by, where, params, instants[live:])).Bind(params).Rows()
	if err != nil {
		return err
	}
	defer rows.Close()
	var key, kind string
	var n int
	var amount int64
	for rows.Next() {
		if err := rows.Scan(&key, &kind, &n, &amount); err != nil {
			return err
		}
		// An entry in bucket n was written at or after the first n live instants.
		a, slot := group(key), kindSlot(kind)
		for i := live; i < live+n; i++ {
			a.before[i][slot] -= money.Cents(amount)
		}
	}
	return rows.Err()
}

// sinceQuery is sinceSQL for the instants (sorted), which it binds in params as b0, b1, …
func sinceQuery(by Grouping, where string, params dbx.Params, instants []string) string {
	bucket := make([]string, len(instants))
	for i, at := range instants {
		params[fmt.Sprintf("b%d", i)] = at
		bucket[i] = fmt.Sprintf("(l.created >= {:b%d})", i)
	}
	return fmt.Sprintf(sinceSQL, by, where, strings.Join(bucket, " + "))
}

// spanningSQL is the condition of the partial index idx_ledger_holds_spanning (migration
// 1796630003): a decided send whose wait reaches into the window of some UTC month start S in
// which every company month start falls, [S − 14 h, S + 12 h] (time zones run from UTC−12 to
// UTC+14; an hour to spare on the debit's side). A send waiting at a company month start h
// (debited before h, decided at or after h) is one of them.
const spanningSQL = `substr(datetime(debited, '-13 hours'), 1, 7) != substr(datetime(decided_at, '+14 hours'), 1, 7)`

// nearMonthStarts reports whether every instant lies in a month start's window (see
// spanningSQL), so that idx_ledger_holds_spanning holds every send that could have been waiting at
// one of them. (Month periods always do; "now" at the end of the all-time figures does not,
// and then the decisions since the first instant are few anyway.)
func nearMonthStarts(instants []string) bool {
	for _, at := range instants {
		t, err := time.Parse("2006-01-02 15:04:05.000Z", at)
		if err != nil {
			return false
		}
		s := nearestMonthStart(t)
		if t.Before(s.Add(-14*time.Hour)) || t.After(s.Add(12*time.Hour)) {
			return false
		}
	}
	return true
}

// heldAt fills in what sat in sends waiting for approval at each instant.
func heldAt(app core.App, by Grouping, where string, params dbx.Params, first string, instants []string, group func(string) *atInstants) error {
	for i, at := range instants {
		params[fmt.Sprintf("h%d", i)] = at
	}
	// Nothing was held before the first entry: the sends decided since then are all that
	// can matter (the all-time figures read only the sends waiting now).
	params["first"] = instants[len(instants)-1]
	for _, at := range instants {
		if at > first {
			params["first"] = at
			break
		}
	}
	params["last"] = instants[len(instants)-1]
	var spans []string
	for i := range instants {
		spans = append(spans, fmt.Sprintf("(decided_at >= {:h%[1]d} AND debited < {:h%[1]d})", i))
	}
	decided, spanning := "idx_ledger_holds_decided", ""
	if nearMonthStarts(instants) {
		// Only a send whose wait spans a month start's window can be held at one:
		// idx_ledger_holds_spanning holds those (one in twelve decided sends here), not every
		// decision since the first instant (35,000 for a 12-month trend).
		decided, spanning = "idx_ledger_holds_spanning", " AND "+spanningSQL
	}
	query := fmt.Sprintf(heldSQL, by, where, strings.Join(spans, " OR "), decided, spanning)
	rows, err := app.DB().NewQuery(query).Bind(params).Rows()
	if err != nil {
		return err
	}
	defer rows.Close()
	var key, debited, decidedAt string
	var amount int64
	var pending bool
	for rows.Next() {
		if err := rows.Scan(&key, &amount, &debited, &pending, &decidedAt); err != nil {
			return err
		}
		// Held at an instant: debited before it and still waiting then.
		a := group(key)
		for i, at := range instants {
			if debited < at && (pending || decidedAt >= at) {
				a.held[i] -= money.Cents(amount)
			}
		}
	}
	return rows.Err()
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
	months := make([]budget.Month, n)
	periods := make([]Period, n)
	m := last
	for i := n - 1; i >= 0; i-- {
		months[i], periods[i] = m, MonthPeriod(m, loc)
		m = m.Prev()
	}
	all, err := StatementsOver(app, scope, ByNothing, periods)
	if err != nil {
		return nil, err
	}
	out := make([]MonthFigures, n)
	for i := range out {
		out[i] = MonthFigures{Month: months[i], Statement: all[i][""]}
	}
	return out, nil
}

// stamp formats t the way PocketBase stores datetimes, so string comparison orders them.
func stamp(t time.Time) string { return t.UTC().Format("2006-01-02 15:04:05.000Z") }
