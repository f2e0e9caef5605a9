package web_test

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/core"

	"teamfund/internal/budget"
	"teamfund/internal/figures"
	"teamfund/internal/ledger"
	"teamfund/internal/member"
	"teamfund/internal/money"
	"teamfund/internal/send"
	"teamfund/internal/team"
	"teamfund/internal/testutil"
	"teamfund/internal/transfer"
	"teamfund/internal/useradmin"
)

// TestRandomCompanyHistoriesReconcile builds random four-month company histories through
// the domain code (monthly runs in rollover and reset mode and teams switching between
// monthly and one-time, grants, adjustments, transfers, requests approved and declined,
// admin moves, sends sent at once, approved, rejected, cancelled and left pending — some
// decided a month later, one after its sender moved —, team moves, deletions of users and
// of a team), backdating each step into its month. Then it reads every month's figures
// where people read them — the overview JSON (company, each team, the previous month), the
// usage JSON (teams and members) and page, the team page, the owner's Money page, members'
// Money pages and their JSON, the exports (usage, ledger, sends and users, CSV and XLSX, through /api/tf/export)
// — and checks each against sums it computes itself from the raw ledger and sends rows, by
// the definitions of docs/MONEY.md, and that each statement balances. It also follows every
// money figure of the overview pages (owner, each team, a manager) to the list it links to
// and checks that the list's rows sum to the figure. Which kinds of history it covered is
// checked over all seeds together (the histories are deterministic: people and pending
// sends are picked in a stable order).
func TestRandomCompanyHistoriesReconcile(t *testing.T) {
	done := map[string]int{}
	for seed := uint64(1); seed <= 3; seed++ {
		t.Run(fmt.Sprintf("seed %d", seed), func(t *testing.T) {
			for kind, n := range reconcileHistory(t, seed) {
				done[kind] += n
			}
		})
	}
	for _, kind := range []string{"run", "grant", "adjust", "transfer", "request", "move", "send", "decide", "team", "delete",
		"delete team", "run reaching a rollover team", "run reaching a reset team", "run beside a one-time team",
		"send approved", "send rejected", "send cancelled", "send left pending", "send waiting across a month start",
		"send decided after its sender moved", "request approved", "request declined"} {
		if done[kind] == 0 {
			t.Errorf("no %s operation succeeded in any history; they do not cover it", kind)
		}
	}
	t.Logf("operations that succeeded: %v", done)
}

// history drives random operations and keeps every row it writes in the simulated month.
type history struct {
	t       *testing.T
	app     core.App
	rnd     *rand.Rand
	f       *testutil.Fixture
	admin   *member.Member
	owner   *member.Member
	teams   []string // the teams that exist
	deleted bool     // a team was deleted (at most one per history)
	touches []string
	extra   []string // users the test created (candidates for deletion)
	clock   time.Time
	stride  time.Duration  // the largest step of the clock, so a month's steps stay in it (and in the past)
	done    map[string]int // successful operations by kind
}

// reconcileHistory builds one history, checks it and returns the operations that succeeded.
func reconcileHistory(t *testing.T, seed uint64) map[string]int {
	f := testutil.Fixtures(t)
	app := testutil.NewApp(t)
	defer app.Cleanup()
	now := time.Now().UTC()
	current := budget.MonthOf(now, time.UTC)
	first := current.Prev().Prev().Prev()
	h := &history{t: t, app: app, rnd: rand.New(rand.NewPCG(seed, 7)), f: f, teams: []string{f.ID("alpha"), f.ID("beta")}, done: map[string]int{}}
	h.exec("UPDATE company SET created = {:t}", dbx.Params{"t": stamp(first.Start(time.UTC).AddDate(0, -1, 0))})
	h.exec("UPDATE teams SET approval_threshold = 2000, max_per_send = 0", nil)
	h.admin = h.member(f.ID("admin"))
	h.owner = h.member(f.ID("owner"))
	gamma, err := team.Create(app, h.admin, team.Input{Name: "Gamma", BudgetMode: "monthly", MonthlyLimit: 7000, MonthRule: "reset"})
	if err != nil {
		t.Fatal(err)
	}
	h.teams = append(h.teams, gamma.Id)
	col, _ := app.FindCollectionByNameOrId("touches")
	for i, cost := range []int{500, 1500, 3000} {
		r := core.NewRecord(col)
		r.Load(map[string]any{"name": fmt.Sprintf("Touch %d", i), "cost": cost, "status": "active", "teams": h.teams})
		if err := app.Save(r); err != nil {
			t.Fatal(err)
		}
		h.touches = append(h.touches, r.Id)
	}
	for i := range 4 {
		m, err := member.Create(app, member.NewUser{Email: fmt.Sprintf("extra%d@acme.com", i), Password: testutil.Password,
			Name: fmt.Sprintf("Extra %d", i), Role: member.RoleMember, TeamID: h.teams[i%3]})
		if err != nil {
			t.Fatal(err)
		}
		h.extra = append(h.extra, m.Id)
	}
	var waiting string // a send held across the first month's end
	for m := first; m <= current; m = m.Next() {
		h.clock = m.Start(time.UTC).Add(time.Hour)
		// At most 45 steps a month: they must end before the month does, and before now.
		last := m.End(time.UTC)
		if m == current {
			last = now.Add(-time.Minute)
		}
		h.stride = last.Sub(h.clock) / 46
		h.countModes()
		h.step("run", func() error { _, err := budget.RunMonth(app, m, now, budget.TriggerAdmin, h.admin); return err })
		// Sends held across a month's end, whatever the random operations did: the first
		// one's sender moves before it is rejected, the second is approved a month late,
		// the last stays pending.
		switch m {
		case first.Next():
			h.rejectAfterMove(waiting)
		case first.Next().Next():
			h.step("decide", func() error { _, err := send.Approve(app, h.admin, waiting); h.count("send approved", err); return err })
		}
		for range 25 + h.rnd.IntN(16) {
			h.randomOperation()
		}
		if m == first || m == first.Next() || m == current {
			waiting = h.heldSend()
		}
	}
	raw := loadRaw(t, app)
	raw.countSends(h.done, first, current)
	srv := testutil.Serve(t, app)
	for m := first; m <= current; m = m.Next() {
		checkOverview(t, srv.URL, f, raw, m, h.teams)
		checkUsage(t, srv.URL, f, raw, m, h.teams)
		checkOverviewLinks(t, srv.URL, f, raw, m, h.teams)
	}
	checkPages(t, srv.URL, f, raw, current, h.teams)
	checkExports(t, srv.URL, f, raw, first, current, h.teams)
	checkEverythingExport(t, srv.URL, f, raw, first, current)
	return h.done
}

func (h *history) exec(sql string, p dbx.Params) {
	h.t.Helper()
	if _, err := h.app.DB().NewQuery(sql).Bind(p).Execute(); err != nil {
		h.t.Fatal(err)
	}
}

func (h *history) member(id string) *member.Member {
	m, err := member.Find(h.app, id)
	if err != nil {
		return nil
	}
	return m
}

// step runs one operation and moves what it wrote to the next instant of the simulated
// month: its ledger rows, sends it created and sends it decided.
func (h *history) step(kind string, op func() error) {
	h.t.Helper()
	var lastLedger, lastSend int64
	_ = h.app.DB().NewQuery("SELECT COALESCE(MAX(rowid), 0) FROM ledger_entries").Row(&lastLedger)
	_ = h.app.DB().NewQuery("SELECT COALESCE(MAX(rowid), 0) FROM sends").Row(&lastSend)
	marker := stamp(time.Now().Add(-time.Millisecond))
	if err := op(); err != nil {
		return // refused (too little money, not a teammate, …): nothing was written
	}
	// The operation's saves kept ledger_holds (the record hooks) before the dates are moved.
	var stale int
	_ = h.app.DB().NewQuery(`SELECT COUNT(*) FROM (SELECT * FROM ledger_holds EXCEPT ` + ledger.HoldsSQL + `
		UNION ALL SELECT * FROM (` + ledger.HoldsSQL + ` EXCEPT SELECT * FROM ledger_holds))`).Row(&stale)
	if stale != 0 {
		h.t.Errorf("%s: %d holds differ from the sends and their debits", kind, stale)
	}
	h.clock = h.clock.Add(time.Duration(1 + h.rnd.Int64N(int64(h.stride))))
	at := stamp(h.clock)
	h.exec("UPDATE ledger_entries SET created = {:at} WHERE rowid > {:row}", dbx.Params{"at": at, "row": lastLedger})
	h.exec("UPDATE sends SET created = {:at}, updated = {:at} WHERE rowid > {:row}", dbx.Params{"at": at, "row": lastSend})
	h.exec("UPDATE sends SET decided_at = {:at} WHERE decided_at >= {:marker}", dbx.Params{"at": at, "marker": marker})
	if err := ledger.SyncHolds(h.app); err != nil { // the decisions were moved with SQL
		h.t.Fatal(err)
	}
	h.done[kind]++
}

// people are the active users of the company that the operations pick from.
func (h *history) people() []*member.Member {
	var ids []string
	_ = h.app.DB().NewQuery("SELECT id FROM users WHERE status = 'active' AND role IN ('manager', 'member') ORDER BY email").Column(&ids)
	var out []*member.Member
	for _, id := range ids {
		if m := h.member(id); m != nil {
			out = append(out, m)
		}
	}
	return out
}

func (h *history) pick(people []*member.Member) *member.Member {
	return people[h.rnd.IntN(len(people))]
}

func (h *history) amount(max int) money.Cents { return money.Cents(100 * (1 + h.rnd.IntN(max))) }

func (h *history) randomOperation() {
	people := h.people()
	if len(people) < 2 {
		return
	}
	a, b := h.pick(people), h.pick(people)
	var mates []*member.Member // transfers and requests are between teammates
	for _, p := range people {
		if p.Id != a.Id && p.TeamID() != "" && p.TeamID() == a.TeamID() {
			mates = append(mates, p)
		}
	}
	if len(mates) > 0 && h.rnd.IntN(4) > 0 {
		b = h.pick(mates)
	}
	teamID := h.teams[h.rnd.IntN(len(h.teams))]
	switch h.rnd.IntN(12) {
	case 0:
		h.step("grant", func() error { _, err := budget.GroupGrant(h.app, h.admin, teamID, h.amount(60), "bonus"); return err })
	case 1:
		if a.TeamID() != "" {
			amount := h.amount(30)
			if h.rnd.IntN(2) == 0 {
				amount = -min(amount, a.Balance())
			}
			h.step("adjust", func() error {
				return budget.AdjustBalances(h.app, h.admin, a.TeamID(), []budget.Change{{UserID: a.Id, Amount: amount}}, "fix")
			})
		}
	case 2:
		h.step("transfer", func() error { _, err := transfer.Send(h.app, a, b.Id, h.amount(20), "thanks"); return err })
	case 3:
		r, err := transfer.Ask(h.app, a, b.Id, h.amount(20), "please")
		if err == nil {
			h.step("request", func() error {
				if h.rnd.IntN(3) == 0 {
					_, err := transfer.Decline(h.app, b, r.ID)
					h.count("request declined", err)
					return err
				}
				_, err := transfer.Approve(h.app, b, r.ID)
				h.count("request approved", err)
				return err
			})
		}
	case 4:
		h.step("move", func() error {
			_, err := transfer.AdminMove(h.app, h.admin, a.Id, b.Id, h.amount(15), "rebalance")
			return err
		})
	case 5, 6, 7:
		h.step("send", func() error {
			_, err := send.Create(h.app, a, send.Input{TouchID: h.touches[h.rnd.IntN(len(h.touches))], RecipientName: "Client", RecipientEmail: "client@example.com"})
			return err
		})
	case 8, 9:
		var pending []string
		_ = h.app.DB().NewQuery("SELECT id FROM sends WHERE status = 'pending' ORDER BY rowid").Column(&pending)
		if len(pending) == 0 {
			return
		}
		id := pending[h.rnd.IntN(len(pending))]
		h.step("decide", func() error {
			s, err := send.Find(h.app, id)
			if err != nil {
				return err
			}
			outcome := "send approved"
			switch h.rnd.IntN(3) {
			case 0:
				_, err = send.Approve(h.app, h.admin, id)
			case 1:
				outcome = "send rejected"
				_, err = send.Reject(h.app, h.admin, id)
			default:
				outcome = "send cancelled"
				sender := h.member(s.SenderID())
				if sender == nil {
					return errors.New("the sender is gone")
				}
				_, err = send.Cancel(h.app, sender, id)
			}
			if err == nil {
				h.done[outcome]++
			}
			return err
		})
	case 10:
		to := teamID
		if h.rnd.IntN(4) == 0 {
			to = ""
		}
		h.step("team", func() error { return team.MoveMember(h.app, h.admin, a.Id, to) })
		if h.rnd.IntN(3) == 0 {
			rule, mode := []string{"rollover", "reset"}[h.rnd.IntN(2)], []string{"monthly", "one_time"}[h.rnd.IntN(2)]
			h.exec("UPDATE teams SET month_rule = {:rule}, budget_mode = {:mode}, monthly_limit = 5000 WHERE id = {:id}",
				dbx.Params{"rule": rule, "mode": mode, "id": teamID})
		}
	case 11:
		if !h.deleted && len(h.teams) == 3 && h.rnd.IntN(3) == 0 {
			h.deleteTeam(teamID)
			return
		}
		if len(h.extra) > 0 {
			id := h.extra[0]
			h.extra = h.extra[1:]
			h.step("delete", func() error { return useradmin.Delete(h.app, h.admin, id, h.admin.Id) })
		}
	}
}

func (h *history) count(kind string, err error) {
	if err == nil {
		h.done[kind]++
	}
}

// heldSend makes sure a send waits for approval at the end of the month, whatever the
// random operations did: someone in a team gets the money for the dearest touch (above the
// approval threshold, which every team gets) and sends it. It returns the send's id.
func (h *history) heldSend() string {
	var sender *member.Member
	for _, p := range h.people() {
		if p.TeamID() != "" {
			sender = p
			break
		}
	}
	if sender == nil {
		h.t.Fatal("nobody is in a team")
	}
	h.exec("UPDATE teams SET approval_threshold = 2000, max_per_send = 0", nil)
	h.step("grant", func() error {
		return budget.AdjustBalances(h.app, h.admin, sender.TeamID(), []budget.Change{{UserID: sender.Id, Amount: 3000}}, "for a held send")
	})
	var id string
	h.step("send", func() error {
		s, err := send.Create(h.app, h.member(sender.Id), send.Input{TouchID: h.touches[2], RecipientName: "Held", RecipientEmail: "held@example.com"})
		if err == nil {
			id = s.Id
		}
		return err
	})
	if s, err := send.Find(h.app, id); err != nil || s.Status() != "pending" {
		h.t.Fatalf("the held send %q is not pending: %v", id, err)
	}
	return id
}

// rejectAfterMove moves the sender of held send id to another team, then rejects it: the
// refund belongs to the team that held the money.
func (h *history) rejectAfterMove(id string) {
	s, err := send.Find(h.app, id)
	if err != nil {
		h.t.Fatal(err)
	}
	to := h.teams[0]
	if to == s.TeamID() {
		to = h.teams[1]
	}
	h.step("team", func() error { return team.MoveMember(h.app, h.admin, s.SenderID(), to) })
	h.step("decide", func() error { _, err := send.Reject(h.app, h.admin, id); h.count("send rejected", err); return err })
}

// countModes notes which budget modes and month rules the coming monthly run meets.
func (h *history) countModes() {
	var teams []struct {
		Mode string `db:"budget_mode"`
		Rule string `db:"month_rule"`
		N    int    `db:"n"`
	}
	_ = h.app.DB().NewQuery(`SELECT t.budget_mode, t.month_rule, (SELECT COUNT(*) FROM users u WHERE u.team = t.id AND u.status = 'active') AS n
		FROM teams t`).All(&teams)
	for _, t := range teams {
		switch {
		case t.N == 0:
		case t.Mode == "one_time":
			h.done["run beside a one-time team"]++
		default:
			h.done["run reaching a "+t.Rule+" team"]++
		}
	}
}

// deleteTeam deletes team id (its members become teamless; their money goes back to the
// company) and creates a one-time team in its place, so the history keeps three teams.
func (h *history) deleteTeam(id string) {
	h.step("delete team", func() error { return team.Delete(h.app, h.owner, id) })
	if _, err := team.Find(h.app, id); err == nil {
		return
	}
	h.deleted = true
	next, err := team.Create(h.app, h.admin, team.Input{Name: "Delta", BudgetMode: "one_time", MonthRule: "rollover"})
	if err != nil {
		h.t.Fatal(err)
	}
	for i, t := range h.teams {
		if t == id {
			h.teams[i] = next.Id
		}
	}
	h.exec("UPDATE touches SET teams = json_insert(teams, '$[#]', {:team})", dbx.Params{"team": next.Id})
}

func stamp(t time.Time) string { return t.UTC().Format("2006-01-02 15:04:05.000Z") }

// raw is the ledger and the sends as plain rows; the expectations are computed from it.
type raw struct {
	entries []rawEntry
	sends   map[string]rawSend // by ref
	teams   map[string]bool    // the teams that exist
}

// ofTeamRow matches the entries of a row of the teams table: a team's, or for figures.NoTeam
// those booked on no team that exists.
func (r raw) ofTeamRow(id string) func(rawEntry) bool {
	if id == figures.NoTeam {
		return func(e rawEntry) bool { return !r.teams[e.Team] }
	}
	return ofTeam(id)
}

// countSends notes the kinds of send history the ledger holds: sends still pending, sends
// that waited across a month start, and refunds after the sender had moved (returned).
func (r raw) countSends(done map[string]int, first, current budget.Month) {
	for _, s := range r.sends {
		if s.Status == "pending" {
			done["send left pending"]++
		}
		created := budget.MonthOf(parseStamp(s.Created), time.UTC)
		if s.Status == "pending" && created < current || s.DecidedAt != "" && budget.MonthOf(parseStamp(s.DecidedAt), time.UTC) > created {
			done["send waiting across a month start"]++
		}
	}
	for _, e := range r.entries {
		if e.Kind == "return" && strings.HasPrefix(e.Ref, "send:") {
			done["send decided after its sender moved"]++
		}
	}
}

func parseStamp(s string) time.Time {
	t, _ := time.Parse("2006-01-02 15:04:05.000Z", s)
	return t
}

// rawEntry is one ledger entry. Email and TeamName are what the exports show (the ledger
// export has no ids); TeamName is "" for no team and for a deleted team.
type rawEntry struct {
	Account  string `db:"account"`
	Email    string `db:"email"`
	Team     string `db:"team"`
	TeamName string `db:"team_name"`
	Kind     string `db:"kind"`
	Amount   int64  `db:"amount"`
	Ref      string `db:"ref"`
	Created  string `db:"created"`
}

type rawSend struct {
	ID        string `db:"id"`
	Status    string `db:"status"`
	Team      string `db:"team"`
	Created   string `db:"created"`
	DecidedAt string `db:"decided_at"`
}

func loadRaw(t *testing.T, app core.App) raw {
	var r raw
	if err := app.DB().NewQuery(`SELECT l.account, l.user_email AS email, l.team, COALESCE(t.name, '') AS team_name, l.kind,
		l.amount, l.ref, l.created FROM ledger_entries l LEFT JOIN teams t ON t.id = l.team`).All(&r.entries); err != nil {
		t.Fatal(err)
	}
	var sends []rawSend
	if err := app.DB().NewQuery("SELECT id, status, team, created, COALESCE(decided_at, '') AS decided_at FROM sends").All(&sends); err != nil {
		t.Fatal(err)
	}
	var teams []string
	if err := app.DB().NewQuery("SELECT id FROM teams").Column(&teams); err != nil {
		t.Fatal(err)
	}
	r.teams = map[string]bool{}
	for _, id := range teams {
		r.teams[id] = true
	}
	r.sends = map[string]rawSend{}
	for _, s := range sends {
		r.sends["send:"+s.ID] = s
	}
	return r
}

// want computes the statement of the entries that match in [start, end) by the words of
// docs/MONEY.md, without internal/figures.
func (r raw) want(match func(rawEntry) bool, start, end string) figures.Statement {
	var s figures.Statement
	var sent, heldBefore, held int64
	for _, e := range r.entries {
		if !match(e) || e.Created >= end {
			continue
		}
		s.Available += money.Cents(e.Amount)
		if e.Kind == "spend" {
			snd := r.sends[e.Ref]
			waiting := func(at string) bool { return snd.Status == "pending" || (snd.DecidedAt != "" && snd.DecidedAt >= at) }
			if waiting(end) {
				held -= e.Amount
			}
			if e.Created < start && waiting(start) {
				heldBefore -= e.Amount
			}
		}
		if e.Created < start {
			s.Opening += money.Cents(e.Amount)
			continue
		}
		switch e.Kind {
		case "monthly", "grant", "adjust":
			s.HandedOut += money.Cents(e.Amount)
		case "transfer_in":
			s.TransferredIn += money.Cents(e.Amount)
		case "transfer_out":
			s.TransferredOut -= money.Cents(e.Amount)
		case "return":
			s.Returned -= money.Cents(e.Amount)
		case "refund":
			s.Refunded += money.Cents(e.Amount)
		case "spend":
			sent -= e.Amount
		}
	}
	s.Held, s.HeldBefore = money.Cents(held), money.Cents(heldBefore)
	s.Spent = money.Cents(sent) - s.Refunded - s.Held + s.HeldBefore
	return s
}

// wentOut is the company's spent by the direct meaning of the word: the cost of the sends
// that went out in [start, end) — approved then, or sent at once then.
func (r raw) wentOut(start, end string) money.Cents { return r.wentOutOf(everything, start, end) }

// wentOutOf is wentOut of the sends whose debit matches (a team's, a member's).
func (r raw) wentOutOf(match func(rawEntry) bool, start, end string) money.Cents {
	var total int64
	for _, e := range r.entries {
		snd := r.sends[e.Ref]
		if e.Kind != "spend" || snd.Status != "sent" || !match(e) {
			continue
		}
		at := e.Created
		if snd.DecidedAt != "" {
			at = snd.DecidedAt
		}
		if at >= start && at < end {
			total -= e.Amount
		}
	}
	return money.Cents(total)
}

func span(m budget.Month) (string, string) {
	return stamp(m.Start(time.UTC)), stamp(m.End(time.UTC))
}

func everything(rawEntry) bool { return true }

func ofTeam(id string) func(rawEntry) bool { return func(e rawEntry) bool { return e.Team == id } }

func getJSON(t *testing.T, url string, headers map[string]string, out any) {
	t.Helper()
	body := getBody(t, url, headers)
	if err := json.Unmarshal([]byte(body), out); err != nil {
		t.Fatalf("%s: %v\n%s", url, err, body)
	}
}

func getBody(t *testing.T, url string, headers map[string]string) string {
	t.Helper()
	req, _ := http.NewRequest(http.MethodGet, url, nil)
	for k, v := range headers {
		req.Header.Set(k, v)
	}
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	if res.StatusCode != http.StatusOK {
		t.Fatalf("%s: %d %s", url, res.StatusCode, b)
	}
	return string(b)
}

func same(t *testing.T, what string, got, want figures.Statement) {
	t.Helper()
	if got != want {
		t.Errorf("%s:\n got %+v\nwant %+v", what, got, want)
	}
	if !got.Balanced() {
		t.Errorf("%s: %+v does not balance (opening + in − out ≠ available)", what, got)
	}
}

func checkOverview(t *testing.T, base string, f *testutil.Fixture, r raw, m budget.Month, teams []string) {
	var o struct {
		Figures  figures.Statement `json:"figures"`
		Previous figures.Statement `json:"previous"`
		Teams    []struct {
			ID string `json:"id"`
			figures.Statement
		} `json:"teams"`
	}
	getJSON(t, base+"/api/tf/overview?month="+string(m), f.AuthHeaders("owner"), &o)
	start, end := span(m)
	same(t, "overview "+string(m)+" company", o.Figures, r.want(everything, start, end))
	pstart, pend := span(m.Prev())
	same(t, "overview "+string(m)+" previous month", o.Previous, r.want(everything, pstart, pend))
	if got, want := o.Figures.Spent, r.wentOut(start, end); got != want {
		t.Errorf("overview %s: spent %v, but the sends that went out in the month cost %v", m, got, want)
	}
	var sum figures.Statement
	for _, row := range o.Teams {
		match := r.ofTeamRow(row.ID)
		same(t, "overview "+string(m)+" team row "+row.ID, row.Statement, r.want(match, start, end))
		if got, want := row.Spent, r.wentOutOf(match, start, end); got != want {
			t.Errorf("overview %s team row %s: spent %v, but the team's sends that went out in the month cost %v", m, row.ID, got, want)
		}
		sum = sum.Add(row.Statement)
	}
	if sum != o.Figures {
		t.Errorf("overview %s: the team rows add up to %+v, the company is %+v", m, sum, o.Figures)
	}
	for _, id := range teams {
		var one struct {
			Figures figures.Statement `json:"figures"`
		}
		getJSON(t, base+"/api/tf/overview?month="+string(m)+"&team="+id, f.AuthHeaders("admin"), &one)
		same(t, "overview "+string(m)+" of team "+id, one.Figures, r.want(ofTeam(id), start, end))
	}
}

func checkUsage(t *testing.T, base string, f *testutil.Fixture, r raw, m budget.Month, teams []string) {
	start, end := span(m)
	for _, id := range teams {
		var u struct {
			Teams   []figures.Row `json:"teams"`
			Members []figures.Row `json:"members"`
		}
		getJSON(t, base+"/api/tf/usage?month="+string(m)+"&team="+id, f.AuthHeaders("owner"), &u)
		if len(u.Teams) != 1 {
			t.Fatalf("usage %s of %s: %d team rows", m, id, len(u.Teams))
		}
		same(t, "usage "+string(m)+" team "+id, u.Teams[0].Statement, r.want(ofTeam(id), start, end))
		var sum figures.Statement
		for _, row := range u.Members {
			account := row.ID
			same(t, "usage "+string(m)+" member "+row.Email, row.Statement,
				r.want(func(e rawEntry) bool { return e.Team == id && e.Account == account }, start, end))
			sum = sum.Add(row.Statement)
		}
		if sum != u.Teams[0].Statement {
			t.Errorf("usage %s of %s: the member rows add up to %+v, the team row is %+v", m, id, sum, u.Teams[0].Statement)
		}
		// The page shows the JSON's team row.
		page := getBody(t, base+"/usage?month="+string(m)+"&team="+id, f.CookieHeaders("owner"))
		table := page[strings.Index(page, `id="usage-teams-table"`):]
		table = table[:strings.Index(table, "</table>")]
		w := u.Teams[0].Statement
		for label, c := range map[string]money.Cents{"Handed out": w.HandedOut, "Spent": w.Spent, "Held": w.Held, "Available": w.Available} {
			if cell := `data-label="` + label + `">` + money.Format(c, "USD") + "<"; !strings.Contains(table, cell) {
				t.Errorf("usage page %s of %s: no %s", m, id, cell)
			}
		}
	}
}

func checkPages(t *testing.T, base string, f *testutil.Fixture, r raw, m budget.Month, teams []string) {
	start, end := span(m)
	show := func(c money.Cents) string { return money.Format(c, "USD") }
	for _, id := range teams {
		page := getBody(t, base+"/teams/"+id, f.CookieHeaders("owner"))
		w := r.want(ofTeam(id), start, end)
		for field, c := range map[string]money.Cents{"team-available": w.Available, "team-month-available": w.Available,
			"team-month-handed-out": w.HandedOut, "team-month-spent": w.Spent, "team-month-held": w.Held, "team-month-opening": w.Opening} {
			if !strings.Contains(page, `id="`+field+`">`+show(c)+`<`) {
				t.Errorf("team page %s: want %s = %s", id, field, show(c))
			}
		}
	}
	page := getBody(t, base+"/money", f.CookieHeaders("owner"))
	ever := r.want(everything, "0000", stamp(time.Now().Add(time.Hour)))
	var handed money.Cents
	for _, e := range r.entries {
		if e.Kind == "monthly" || e.Kind == "grant" || e.Kind == "adjust" || e.Kind == "return" {
			handed += money.Cents(e.Amount)
		}
	}
	for field, c := range map[string]money.Cents{"funding-handed-out": handed, "funding-spent": r.wentOut("0000", "9999"),
		"funding-held": ever.Held, "funding-available": ever.Available} {
		if !strings.Contains(page, `id="`+field+`">`+show(c)+`<`) {
			t.Errorf("owner's Money page: want %s = %s", field, show(c))
		}
	}
	for field, c := range map[string]money.Cents{"company-opening": r.want(everything, start, end).Opening,
		"company-handed-out": r.want(everything, start, end).HandedOut, "company-spent": r.want(everything, start, end).Spent,
		"company-held": r.want(everything, start, end).Held, "company-available": r.want(everything, start, end).Available} {
		if !strings.Contains(page, `id="`+field+`">`+show(c)+`<`) {
			t.Errorf("owner's Money page, the month line by line: want %s = %s", field, show(c))
		}
	}
	for _, key := range []string{"managerA", "memberA", "memberA2", "memberB", "managerB"} {
		var mine struct {
			Usage figures.Statement `json:"usage"`
		}
		getJSON(t, base+"/api/tf/money/me", f.AuthHeaders(key), &mine)
		account := f.ID(key)
		w := r.want(func(e rawEntry) bool { return e.Account == account }, start, end)
		same(t, "money JSON of "+key, mine.Usage, w)
		wallet := getBody(t, base+"/money", f.CookieHeaders(key))
		for field, c := range map[string]money.Cents{"month-opening": w.Opening, "month-handed-out": w.HandedOut,
			"month-spent": w.Spent, "month-held": w.Held, "month-available": w.Available} {
			if !strings.Contains(wallet, `id="`+field+`">`+show(c)+`<`) {
				t.Errorf("Money page of %s: want %s = %s", key, field, show(c))
			}
		}
	}
}
