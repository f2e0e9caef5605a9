package bench

import (
	"container/heap"
	crand "crypto/rand"
	"database/sql"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"strings"
	"time"

	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/core"
	"golang.org/x/crypto/bcrypt"

	"teamfund/internal/budget"
	"teamfund/internal/ledger"
	"teamfund/internal/member"
)

// historySize is how big the grown company of the history workload is.
type historySize struct {
	users, teams, entries, sends, months int
}

// historyZone is the company time zone of the history workload: not UTC, so months in the
// company time zone and UTC days differ as they do for real companies.
const historyZone = "Europe/Berlin"

// The rows below mirror what the real writers store (internal/ledger Post and PostBatch,
// internal/send, internal/transfer, internal/budget, internal/team, internal/audit): the same
// kinds, refs, reasons, periods, actors and team of the account at the time of the entry.
// Going through those writers would take hours for 1,000,000 entries, so a simulation in Go
// replays 24 months of company life in time order (tracking every balance, so nothing is ever
// overdrawn) and inserts the rows with multi-row prepared INSERTs in one transaction.

type hUser struct {
	id, email, name string
	role            member.Role
	team            int // index into teams, -1 when teamless
	balance         int64
	lastMonthly     budget.Month // the month of their last monthly entry
	open            int          // money requests waiting that involve them
}

type hTeam struct {
	id, name   string
	monthly    bool
	reset      bool
	limit, cap int64
	threshold  int64
	manager    int   // user index
	members    []int // user indexes now in the team, manager included
}

type hTouch struct {
	id, name string
	cost     int64
}

type hSend struct {
	id, touch, touchName, sender, senderEmail, team, rName, rEmail string
	cost                                                           int64
	status, decidedBy, decidedAt, created, updated                 string
	senderIdx, teamIdx                                             int
}

type hRequest struct {
	id, requester, giver, team, reason, status, decidedAt, created, updated string
	amount                                                                  int64
	requesterIdx, giverIdx                                                  int
}

// hEvent is one step of the company's history; the heap orders them by time.
type hEvent struct {
	at  time.Time
	seq int
	do  func(at time.Time)
}

type eventHeap []hEvent

func (h eventHeap) Len() int { return len(h) }
func (h eventHeap) Less(i, j int) bool {
	if !h[i].at.Equal(h[j].at) {
		return h[i].at.Before(h[j].at)
	}
	return h[i].seq < h[j].seq
}
func (h eventHeap) Swap(i, j int) { h[i], h[j] = h[j], h[i] }
func (h *eventHeap) Push(x any)   { *h = append(*h, x.(hEvent)) }
func (h *eventHeap) Pop() any {
	old := *h
	x := old[len(old)-1]
	*h = old[:len(old)-1]
	return x
}

// history is the simulated company and the inserters its rows go to.
type history struct {
	rng     *rand.Rand
	now     time.Time
	loc     *time.Location
	users   []*hUser
	teams   []*hTeam
	touches []hTouch
	admins  []int
	members []int // users with role member (the ones who send)
	sends   []*hSend
	reqs    []*hRequest
	events  eventHeap
	seq     int

	ledger, audit, runs *inserter
	counts              map[string]int
	err                 error
}

// stampOf formats t the way PocketBase stores datetimes.
func stampOf(t time.Time) string { return t.UTC().Format("2006-01-02 15:04:05.000Z") }

func (h *history) at(t time.Time, do func(at time.Time)) {
	h.seq++
	heap.Push(&h.events, hEvent{at: t, seq: h.seq, do: do})
}

func (h *history) teamID(u *hUser) string {
	if u.team < 0 {
		return ""
	}
	return h.teams[u.team].id
}

// post is ledger.Post: the guarded balance change (refused when it would go below zero)
// and the entry with the balance after and the account's team now.
func (h *history) post(u *hUser, amount int64, kind, reason string, actor *hUser, period, ref string, at time.Time, allowZero bool) bool {
	if (amount == 0 && !allowZero) || u.balance+amount < 0 {
		return false
	}
	u.balance += amount
	actorID, actorEmail := "", ""
	if actor != nil {
		actorID, actorEmail = actor.id, actor.email
	}
	h.write(h.ledger, core.GenerateDefaultRandomId(), u.id, u.email, h.teamID(u), amount, kind, reason, actorID, actorEmail, period, u.balance, ref, stampOf(at))
	h.counts[kind]++
	return true
}

// batchEntry is one row of ledger.PostBatch: its id is 15 hex characters (randomblob).
func (h *history) batchEntry(u *hUser, amount int64, kind, reason string, actor *hUser, period, ref string, at time.Time) {
	u.balance += amount
	actorID, actorEmail := "", ""
	if actor != nil {
		actorID, actorEmail = actor.id, actor.email
	}
	h.write(h.ledger, randomHex(8)[:15], u.id, u.email, h.teamID(u), amount, kind, reason, actorID, actorEmail, period, u.balance, ref, stampOf(at))
	h.counts[kind]++
}

// auditRow is audit.Record: actor "" and actor_email "system" for the schedule.
func (h *history) auditRow(actor *hUser, action, targetType, targetID, label string, before, after any, at time.Time) {
	actorID, actorEmail := "", "system"
	if actor != nil {
		actorID, actorEmail = actor.id, actor.email
	}
	h.write(h.audit, core.GenerateDefaultRandomId(), actorID, actorEmail, action, targetType, targetID, label, jsonOrNil(before), jsonOrNil(after), stampOf(at))
}

func (h *history) write(in *inserter, args ...any) {
	if h.err == nil {
		h.err = in.add(args...)
	}
}

func jsonOrNil(v any) any {
	if v == nil {
		return nil
	}
	b, _ := json.Marshal(v)
	return string(b)
}

// monthlyRun is budget.RunMonth from the schedule: one batch for every active member of a
// monthly team who has not had the month, its budget_runs row and its audit entry.
func (h *history) monthlyRun(m budget.Month, at time.Time) {
	ref := "monthly:" + string(m) + ":" + randomHex(6)
	entries, total := 0, int64(0)
	for _, t := range h.teams {
		if !t.monthly {
			continue
		}
		for _, ui := range t.members {
			u := h.users[ui]
			if u.lastMonthly == m {
				continue
			}
			amount := allocation(t, u.balance)
			h.batchEntry(u, amount, "monthly", "Monthly budget "+string(m), nil, string(m), ref, at)
			u.lastMonthly = m
			entries++
			total += amount
		}
	}
	ts := stampOf(at)
	h.write(h.runs, randomHex(8)[:15], string(m), entries, total, budget.TriggerSchedule, "system", ts, ts)
	h.auditRow(nil, "money.allocate", "month", string(m), m.Label(), nil,
		map[string]any{"entries": entries, "total": total, "trigger": budget.TriggerSchedule}, at)
}

// allocation is budget.Allocation for a team with a cap below money.MaxBalance.
func allocation(t *hTeam, balance int64) int64 {
	if t.reset {
		return t.limit - balance
	}
	return max(0, min(t.limit, t.cap-balance))
}

// groupGrant is budget.GrantGroup by the team's manager with the default reason.
func (h *history) groupGrant(t *hTeam, amount int64, at time.Time) {
	mgr := h.users[t.manager]
	reason := "Group limit for " + t.name
	ref := "group:" + t.id + ":" + randomHex(6)
	n := 0
	for _, ui := range t.members {
		h.batchEntry(h.users[ui], amount, "grant", reason, mgr, "", ref, at)
		n++
	}
	h.auditRow(mgr, "money.group_grant", "team", t.id, t.name, nil,
		map[string]any{"amount_each": amount, "members": n, "total": amount * int64(n), "reason": reason}, at)
}

// send is send.Create: the debit, the send row and its audit entry; over the team's
// approval threshold it waits and is decided later (approved, rejected or cancelled).
func (h *history) send(ui int, at time.Time) {
	u := h.users[ui]
	if u.team < 0 {
		return
	}
	tch := h.touches[h.rng.IntN(len(h.touches))]
	if tch.cost > u.balance {
		tch = h.touches[0] // the cheapest
	}
	t := h.teams[u.team]
	s := &hSend{id: core.GenerateDefaultRandomId(), touch: tch.id, touchName: tch.name, sender: u.id, senderEmail: u.email,
		team: t.id, rName: fmt.Sprintf("Recipient %d", h.seq), rEmail: fmt.Sprintf("recipient%d@example.com", h.seq),
		cost: tch.cost, status: "sent", created: stampOf(at), senderIdx: ui, teamIdx: u.team}
	s.updated = s.created
	if t.threshold > 0 && tch.cost > t.threshold {
		s.status = "pending"
	}
	if !h.post(u, -tch.cost, "spend", "Sent "+tch.name+" to "+s.rEmail, u, "", "send:"+s.id, at, false) {
		return
	}
	h.sends = append(h.sends, s)
	h.auditRow(u, "send.create", "send", s.id, tch.name+" → "+s.rEmail, nil,
		map[string]any{"status": s.status, "cost": s.cost, "touch": tch.id}, at)
	if s.status == "pending" {
		decideAt := at.Add(time.Duration(10+h.rng.IntN(3*24*60)) * time.Minute)
		if decideAt.Before(h.now) {
			h.at(decideAt, func(at time.Time) { h.decideSend(s, at) })
		}
	}
}

func (h *history) decideSend(s *hSend, at time.Time) {
	u := h.users[s.senderIdx]
	to, verb := "sent", "approve"
	switch r := h.rng.IntN(100); {
	case r < 12:
		to, verb = "rejected", "reject"
	case r < 20:
		to, verb = "cancelled", "cancel"
	}
	actor := u
	if to != "cancelled" {
		actor = h.users[h.teams[s.teamIdx].manager]
		if h.rng.IntN(10) == 0 {
			actor = h.users[h.admins[h.rng.IntN(len(h.admins))]]
		}
	}
	s.status, s.decidedBy, s.decidedAt, s.updated = to, actor.id, stampOf(at), stampOf(at)
	if to != "sent" {
		h.post(u, s.cost, "refund", "Refund: "+s.touchName+" to "+s.rEmail+" "+to, actor, "", "send:"+s.id, at, false)
	}
	h.auditRow(actor, "send."+verb, "send", s.id, s.touchName+" → "+s.rEmail, map[string]any{"status": "pending"},
		map[string]any{"status": to, "cost": s.cost, "sender": s.senderEmail}, at)
}

// move is transfer.move: a transfer_out and a transfer_in sharing one ref.
func (h *history) move(from, to, actor *hUser, amount int64, reason, ref string, at time.Time) bool {
	if !h.post(from, -amount, "transfer_out", reason, actor, "", ref, at, false) {
		return false
	}
	h.post(to, amount, "transfer_in", reason, actor, "", ref, at, false)
	return true
}

// teammate picks another user of u's team.
func (h *history) teammate(u *hUser, ui int) int {
	ms := h.teams[u.team].members
	for range 5 {
		if o := ms[h.rng.IntN(len(ms))]; o != ui {
			return o
		}
	}
	return -1
}

// transfer is transfer.Send to a teammate.
func (h *history) transfer(ui int, at time.Time) {
	u := h.users[ui]
	if u.team < 0 || u.balance < 500 {
		return
	}
	oi := h.teammate(u, ui)
	if oi < 0 {
		return
	}
	o := h.users[oi]
	amount := int64(500 + h.rng.IntN(int(min(u.balance, 3000)-500)+1))
	reason := "Thanks for covering " + fmt.Sprint(h.seq)
	if h.move(u, o, u, amount, reason, "transfer:"+core.GenerateDefaultRandomId(), at) {
		h.auditRow(u, "money.transfer", "user", o.id, o.email, nil, map[string]any{"from": u.email, "amount": amount, "reason": reason}, at)
	}
}

// request is transfer.Ask: a money request to a teammate, answered later by the giver.
func (h *history) request(ui int, at time.Time) {
	u := h.users[ui]
	if u.team < 0 {
		return
	}
	gi := h.teammate(u, ui)
	if gi < 0 {
		return
	}
	g := h.users[gi]
	r := &hRequest{id: core.GenerateDefaultRandomId(), requester: u.id, giver: g.id, team: h.teamID(u),
		amount: int64(500 + 100*h.rng.IntN(26)), reason: "For a client visit", status: "pending",
		created: stampOf(at), requesterIdx: ui, giverIdx: gi}
	r.updated = r.created
	h.reqs = append(h.reqs, r)
	u.open++
	g.open++
	h.auditRow(u, "money.request", "money_request", r.id, g.email, nil,
		map[string]any{"amount": r.amount, "reason": r.reason, "giver": g.email}, at)
	if decideAt := at.Add(time.Duration(30+h.rng.IntN(4*24*60)) * time.Minute); decideAt.Before(h.now) {
		h.at(decideAt, func(at time.Time) { h.decideRequest(r, at) })
	}
}

func (h *history) decideRequest(r *hRequest, at time.Time) {
	u, g := h.users[r.requesterIdx], h.users[r.giverIdx]
	u.open--
	g.open--
	status, actor := "approved", g
	switch n := h.rng.IntN(100); {
	case n < 10:
		status, actor = "cancelled", u
	case n < 25 || g.balance < r.amount || u.team != g.team:
		status = "declined"
	}
	r.status, r.decidedAt, r.updated = status, stampOf(at), stampOf(at)
	if status == "approved" {
		h.move(g, u, g, r.amount, "Request: "+r.reason, "request:"+r.id, at)
	}
	h.auditRow(actor, "money.request."+status, "money_request", r.id, u.email, map[string]any{"status": "pending"},
		map[string]any{"status": status, "amount": r.amount}, at)
}

// adjust is budget.ChangeBalances by the manager: a grant or a negative adjustment.
func (h *history) adjust(ui int, at time.Time) {
	u := h.users[ui]
	if u.team < 0 {
		return
	}
	t := h.teams[u.team]
	mgr := h.users[t.manager]
	amount, kind := int64(2000), "grant"
	if h.rng.IntN(2) == 0 {
		amount, kind = -1000, "adjust"
	}
	before := u.balance
	if h.post(u, amount, kind, "Correction", mgr, "", "team:"+t.id, at, false) {
		h.auditRow(mgr, "money.adjust", "user", u.id, u.email, map[string]any{"balance": before},
			map[string]any{"balance": u.balance, "amount": amount, "reason": "Correction"}, at)
	}
}

// adminMove is transfer.AdminMove between any two users.
func (h *history) adminMove(ui int, at time.Time) {
	u := h.users[ui]
	o := h.users[h.members[h.rng.IntN(len(h.members))]]
	a := h.users[h.admins[h.rng.IntN(len(h.admins))]]
	if o == u || u.balance < 2500 {
		return
	}
	reason := "Rebalancing"
	if h.move(u, o, a, 2500, reason, "move:"+core.GenerateDefaultRandomId(), at) {
		h.auditRow(a, "money.move", "user", o.id, o.email, nil, map[string]any{"from": u.email, "to": o.email, "amount": 2500, "reason": reason}, at)
	}
}

// teamMove is team.MoveMember by an admin: the balance returns to the company, the member
// joins the new team and, when it is monthly, gets the month at once (budget.GrantOnJoin).
func (h *history) teamMove(ui int, at time.Time) {
	u := h.users[ui]
	if u.team < 0 || u.open > 0 || len(h.teams[u.team].members) < 3 {
		return
	}
	a := h.users[h.admins[h.rng.IntN(len(h.admins))]]
	old, nt := h.teams[u.team], h.teams[1+h.rng.IntN(len(h.teams)-1)]
	if nt == old {
		return
	}
	returned := u.balance
	if returned > 0 {
		h.post(u, -returned, "return", "Moved from team "+old.name+" to "+nt.name, a, "", "", at, false)
	}
	for i, m := range old.members {
		if m == ui {
			old.members = append(old.members[:i], old.members[i+1:]...)
			break
		}
	}
	nt.members = append(nt.members, ui)
	for i := range h.teams {
		if h.teams[i] == nt {
			u.team = i
		}
	}
	m := budget.MonthOf(at, h.loc)
	if nt.monthly && u.lastMonthly != m {
		h.post(u, allocation(nt, u.balance), "monthly", "Monthly budget "+string(m)+" (joined "+nt.name+")", a, string(m), "join:"+nt.id, at, true)
		u.lastMonthly = m
	}
	after := map[string]any{"team": nt.id, "team_name": nt.name, "balance": 0}
	if returned > 0 {
		after["returned"] = returned
	}
	h.auditRow(a, "user.team", "user", u.id, u.email, map[string]any{"team": old.id, "team_name": old.name, "balance": returned}, after, at)
}

// inserter writes rows of one table with a prepared multi-row INSERT.
type inserter struct {
	tx    *sql.Tx
	table string
	cols  []string
	batch int
	stmt  *sql.Stmt
	args  []any
	rows  int
}

func newInserter(tx *sql.Tx, table string, cols ...string) *inserter {
	return &inserter{tx: tx, table: table, cols: cols, batch: 1}
}

func (in *inserter) query(rows int) string {
	row := "(" + strings.TrimSuffix(strings.Repeat("?,", len(in.cols)), ",") + ")"
	return "INSERT INTO " + in.table + " (" + strings.Join(in.cols, ", ") + ") VALUES " +
		strings.TrimSuffix(strings.Repeat(row+",", rows), ",")
}

func (in *inserter) add(args ...any) error {
	in.args = append(in.args, args...)
	in.rows++
	if in.rows < in.batch {
		return nil
	}
	if in.stmt == nil {
		s, err := in.tx.Prepare(in.query(in.batch))
		if err != nil {
			return err
		}
		in.stmt = s
	}
	_, err := in.stmt.Exec(in.args...)
	in.args, in.rows = in.args[:0], 0
	return err
}

func (in *inserter) flush() error {
	if in.stmt != nil {
		in.stmt.Close()
	}
	if in.rows == 0 {
		return nil
	}
	_, err := in.tx.Exec(in.query(in.rows), in.args...)
	in.args, in.rows = in.args[:0], 0
	return err
}

// seedHistory grows the company of d: sz.users users in sz.teams teams (the first one big),
// then sz.months months of money until now. It returns the owner, the big team's manager
// and one of its members, and what it wrote by kind.
func seedHistory(d *dataset, sz historySize, now time.Time) (roles map[string]string, counts map[string]int, err error) {
	loc, err := time.LoadLocation(historyZone)
	if err != nil {
		return nil, nil, err
	}
	h := &history{rng: rand.New(rand.NewPCG(21, 6)), now: now, loc: loc, counts: map[string]int{}}
	current := budget.MonthOf(now, loc)
	first := current
	for range sz.months - 1 {
		first = first.Prev()
	}
	setup := first.Start(loc).Add(-time.Hour) // the company was set up the month before
	if err := h.makeTeamsAndTouches(d, sz, setup); err != nil {
		return nil, nil, err
	}
	db, ok := d.app.NonconcurrentDB().(*dbx.DB)
	if !ok {
		return nil, nil, fmt.Errorf("unexpected database type %T", d.app.NonconcurrentDB())
	}
	if _, err := db.DB().Exec("PRAGMA cache_size = -400000"); err != nil {
		return nil, nil, err
	}
	tx, err := db.DB().Begin()
	if err != nil {
		return nil, nil, err
	}
	defer tx.Rollback()
	if err := h.makeUsers(tx, d, sz, setup); err != nil {
		return nil, nil, err
	}
	indexes, err := dropIndexes(tx, "ledger_entries", "audit_log", "sends", "money_requests")
	if err != nil {
		return nil, nil, err
	}
	h.ledger = newInserter(tx, "ledger_entries", "id", "account", "user_email", "team", "amount", "kind", "reason", "actor", "actor_email", "period", "balance_after", "ref", "created")
	h.audit = newInserter(tx, "audit_log", "id", "actor", "actor_email", "action", "target_type", "target_id", "target_label", "before", "after", "created")
	h.runs = newInserter(tx, "budget_runs", "id", "month", "entries", "total", "trigger", "actor_email", "created", "updated")
	h.plan(sz, first, current)
	for h.events.Len() > 0 && h.err == nil {
		e := heap.Pop(&h.events).(hEvent)
		e.do(e.at)
	}
	if h.err != nil {
		return nil, nil, h.err
	}
	if err := h.finish(tx); err != nil {
		return nil, nil, err
	}
	for _, idx := range indexes {
		if _, err := tx.Exec(idx); err != nil {
			return nil, nil, err
		}
	}
	// The sends rows went in with SQL, past the record hooks that keep ledger_holds.
	if _, err := tx.Exec("DELETE FROM ledger_holds; INSERT INTO ledger_holds (send, account, team, amount, debited, status, decided_at) " +
		ledger.HoldsSQL); err != nil {
		return nil, nil, err
	}
	if err := tx.Commit(); err != nil {
		return nil, nil, err
	}
	big := h.teams[0]
	memberIdx := -1
	for _, ui := range big.members {
		if h.users[ui].role == member.RoleMember {
			memberIdx = ui
			break
		}
	}
	h.counts["sends"] = len(h.sends)
	h.counts["requests"] = len(h.reqs)
	return map[string]string{"owner": d.owner, "manager": h.users[big.manager].id, "member": h.users[memberIdx].id, "team": big.id}, h.counts, nil
}

// plan puts every month's steps on the heap: the monthly run at the month start, group
// grants of one-time teams, and sends, transfers, requests, adjustments, admin moves and
// team moves at random times, sized so the totals reach sz.
func (h *history) plan(sz historySize, first, current budget.Month) {
	var monthlyUsers, oneTimeUsers int
	for _, t := range h.teams {
		if t.monthly {
			monthlyUsers += len(t.members)
		} else {
			oneTimeUsers += len(t.members)
		}
	}
	start := first.Start(h.loc)
	span := h.now.Sub(start)
	// Entries that are not transfers; the rest of sz.entries are transfer pairs.
	others := (monthlyUsers+oneTimeUsers)*sz.months + sz.sends*107/100 + sz.entries/50 + sz.users/20
	pairs := max(0, sz.entries-others) / 2
	perSpan := map[string]int{"send": sz.sends, "transfer": pairs * 70 / 100, "request": pairs * 20 / 100 * 100 / 65,
		"move": pairs * 10 / 100, "adjust": sz.entries / 50, "team": sz.users / 20}
	for m := first; m <= current; m = m.Next() {
		ms, me := m.Start(h.loc), m.End(h.loc)
		if me.After(h.now) {
			me = h.now.Add(-time.Minute)
		}
		h.at(ms.Add(30*time.Second), func(at time.Time) { h.monthlyRun(m, at) })
		for _, t := range h.teams {
			if !t.monthly {
				h.at(ms.Add(10*time.Hour), func(at time.Time) { h.groupGrant(t, 15000, at) })
			}
		}
		share := float64(me.Sub(ms)) / float64(span)
		window := me.Sub(ms.Add(time.Hour))
		if window <= 0 {
			continue
		}
		for kind, total := range perSpan {
			n := int(float64(total)*share + 0.5)
			for range n {
				ui := h.members[h.rng.IntN(len(h.members))]
				at := ms.Add(time.Hour + time.Duration(h.rng.Int64N(int64(window))))
				switch kind {
				case "send":
					h.at(at, func(at time.Time) { h.send(ui, at) })
				case "transfer":
					h.at(at, func(at time.Time) { h.transfer(ui, at) })
				case "request":
					h.at(at, func(at time.Time) { h.request(ui, at) })
				case "move":
					h.at(at, func(at time.Time) { h.adminMove(ui, at) })
				case "adjust":
					h.at(at, func(at time.Time) { h.adjust(ui, at) })
				case "team":
					h.at(at, func(at time.Time) { h.teamMove(ui, at) })
				}
			}
		}
	}
}

// makeTeamsAndTouches creates the teams (through records, as the team pages do) and the
// touches assigned to all of them, and sets the company up in its time zone at setup.
func (h *history) makeTeamsAndTouches(d *dataset, sz historySize, setup time.Time) error {
	return d.app.RunInTransaction(func(tx core.App) error {
		if _, err := tx.DB().NewQuery("UPDATE company SET timezone = {:tz}, currency = 'EUR', created = {:at}, updated = {:at}").
			Bind(dbx.Params{"tz": historyZone, "at": stampOf(setup)}).Execute(); err != nil {
			return err
		}
		col, err := tx.FindCollectionByNameOrId("teams")
		if err != nil {
			return err
		}
		var ids []string
		for i := range sz.teams {
			t := &hTeam{name: fmt.Sprintf("Team %03d", i), monthly: i%5 != 4, reset: i%2 == 1,
				limit: int64(10000 + 5000*(i%5)), threshold: 5000}
			t.cap = 2 * t.limit
			r := core.NewRecord(col)
			mode, rule := "one_time", "rollover"
			if t.monthly {
				mode = "monthly"
			}
			if t.reset {
				rule = "reset"
			}
			r.Load(map[string]any{"name": t.name, "budget_mode": mode, "month_rule": rule, "monthly_limit": t.limit,
				"rollover_cap": t.cap, "approval_threshold": t.threshold, "leave_needs_approval": i == 0})
			if !t.monthly {
				r.Set("monthly_limit", 0)
			}
			if err := tx.Save(r); err != nil {
				return err
			}
			t.id = r.Id
			h.teams = append(h.teams, t)
			ids = append(ids, r.Id)
		}
		touches, err := tx.FindCollectionByNameOrId("touches")
		if err != nil {
			return err
		}
		for i, cost := range []int64{500, 1000, 1500, 2500, 3500, 4000, 5000, 7500, 9000, 12000, 15000} {
			r := core.NewRecord(touches)
			r.Load(map[string]any{"name": fmt.Sprintf("Touch %02d", i), "description": "A gift", "cost": cost, "status": "active", "teams": ids})
			if err := tx.Save(r); err != nil {
				return err
			}
			h.touches = append(h.touches, hTouch{id: r.Id, name: r.GetString("name"), cost: cost})
		}
		_, err = tx.DB().NewQuery("UPDATE teams SET created = {:at}, updated = {:at}").Bind(dbx.Params{"at": stampOf(setup)}).Execute()
		return err
	})
}

// makeUsers inserts the owner (already there), 4 admins, one manager per team and members:
// the first team gets 5 % of them, the others share the rest.
func (h *history) makeUsers(tx *sql.Tx, d *dataset, sz historySize, setup time.Time) error {
	hash, err := bcrypt.GenerateFromPassword([]byte(Password), bcrypt.MinCost)
	if err != nil {
		return err
	}
	h.users = append(h.users, &hUser{id: d.owner, email: "owner@bench.test", name: "Owner", role: member.RoleOwner, team: -1})
	for i := range 4 {
		h.admins = append(h.admins, len(h.users))
		h.users = append(h.users, &hUser{email: fmt.Sprintf("admin%d@bench.test", i), name: fmt.Sprintf("Admin %d", i), role: member.RoleAdmin, team: -1})
	}
	for i, t := range h.teams {
		t.manager = len(h.users)
		t.members = append(t.members, len(h.users))
		h.users = append(h.users, &hUser{email: fmt.Sprintf("manager%03d@bench.test", i), name: fmt.Sprintf("Manager %03d", i), role: member.RoleManager, team: i})
	}
	first := []string{"Anna", "Ben", "Chloe", "David", "Emma", "Felix", "Grace", "Hugo", "Iris", "Jonas", "Kira", "Liam"}
	nMembers := sz.users - len(h.users)
	big := nMembers / 20
	for i := range nMembers {
		team := 0
		if i >= big {
			team = 1 + i%(len(h.teams)-1)
		}
		h.teams[team].members = append(h.teams[team].members, len(h.users))
		h.members = append(h.members, len(h.users))
		h.users = append(h.users, &hUser{email: fmt.Sprintf("user%06d@bench.test", i), name: fmt.Sprintf("%s User%06d", first[i%len(first)], i), role: member.RoleMember, team: team})
	}
	in := newInserter(tx, "users", "id", "email", "password", "tokenKey", "verified", "emailVisibility", "name", "avatar", "role", "team", "status", "balance", "may_export", "record_visibility", "phone", "created", "updated")
	ts := stampOf(setup)
	for _, u := range h.users[1:] {
		u.id = core.GenerateDefaultRandomId()
		if err := in.add(u.id, u.email, string(hash), randomHex(25), 1, 0, u.name, "", string(u.role), h.teamID(u), "active", 0, u.role != member.RoleMember, "own", "", ts, ts); err != nil {
			return err
		}
	}
	return in.flush()
}

// finish writes the sends and requests with their final state, the users' balances and
// teams, and a few pending leave requests of the big team.
func (h *history) finish(tx *sql.Tx) error {
	for _, in := range []*inserter{h.ledger, h.audit, h.runs} {
		if err := in.flush(); err != nil {
			return err
		}
	}
	sends := newInserter(tx, "sends", "id", "touch", "touch_name", "sender", "sender_email", "team", "recipient_name", "recipient_email", "cost", "status", "decided_by", "decided_at", "created", "updated")
	for _, s := range h.sends {
		if err := sends.add(s.id, s.touch, s.touchName, s.sender, s.senderEmail, s.team, s.rName, s.rEmail, s.cost, s.status, s.decidedBy, s.decidedAt, s.created, s.updated); err != nil {
			return err
		}
	}
	if err := sends.flush(); err != nil {
		return err
	}
	reqs := newInserter(tx, "money_requests", "id", "requester", "giver", "team", "amount", "reason", "status", "decided_at", "created", "updated")
	for _, r := range h.reqs {
		if err := reqs.add(r.id, r.requester, r.giver, r.team, r.amount, r.reason, r.status, r.decidedAt, r.created, r.updated); err != nil {
			return err
		}
	}
	if err := reqs.flush(); err != nil {
		return err
	}
	upd, err := tx.Prepare("UPDATE users SET balance = ?, team = ? WHERE id = ?")
	if err != nil {
		return err
	}
	defer upd.Close()
	for _, u := range h.users {
		if _, err := upd.Exec(u.balance, h.teamID(u), u.id); err != nil {
			return err
		}
	}
	leaves := newInserter(tx, "leave_requests", "id", "user", "team", "status", "decided_by", "decided_at", "created", "updated")
	ts := stampOf(h.now.Add(-time.Hour))
	for _, ui := range h.teams[0].members[len(h.teams[0].members)-3:] {
		if err := leaves.add(core.GenerateDefaultRandomId(), h.users[ui].id, h.teams[0].id, "pending", "", "", ts, ts); err != nil {
			return err
		}
	}
	return leaves.flush()
}

// randomHex is n random bytes as hex, as ledger batches and budget runs make their ids.
func randomHex(n int) string {
	b := make([]byte, n)
	_, _ = crand.Read(b)
	return hex.EncodeToString(b)
}

// dropIndexes drops the indexes of tables and returns the statements that create them
// again: building an index once over a million rows is much faster than keeping it
// sorted through a million random inserts.
func dropIndexes(tx *sql.Tx, tables ...string) ([]string, error) {
	rows, err := tx.Query(`SELECT name, sql FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL
		AND tbl_name IN (`+strings.TrimSuffix(strings.Repeat("?,", len(tables)), ",")+`)`, anys(tables)...)
	if err != nil {
		return nil, err
	}
	var names, creates []string
	for rows.Next() {
		var name, create string
		if err := rows.Scan(&name, &create); err != nil {
			rows.Close()
			return nil, err
		}
		names, creates = append(names, name), append(creates, create)
	}
	rows.Close()
	for _, n := range names {
		if _, err := tx.Exec("DROP INDEX `" + n + "`"); err != nil {
			return nil, err
		}
	}
	return creates, rows.Err()
}

func anys(ss []string) []any {
	out := make([]any, len(ss))
	for i, s := range ss {
		out[i] = s
	}
	return out
}
