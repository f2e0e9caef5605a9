// Package soak_test runs thousands of mixed money operations from many concurrent clients
// through the real HTTP API and then proves that no money was created or lost.
package soak_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"net/http"
	"os"
	"strconv"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/pocketbase/pocketbase/core"

	"teamfund/internal/ledger"
	"teamfund/internal/member"
	"teamfund/internal/testutil"
)

func TestMain(m *testing.M) { testutil.Main(m) }

// soakOps is the number of operations; TEAMFUND_SOAK_OPS overrides it.
func soakOps() int {
	if n, err := strconv.Atoi(os.Getenv("TEAMFUND_SOAK_OPS")); err == nil && n > 0 {
		return n
	}
	return 10000
}

type world struct {
	url      string
	teams    map[string][]string // team id → member ids
	managers map[string]string   // team id → manager id
	teamOf   map[string]string
	tokens   map[string]string
	admin    string
	touches  []string // cheap (sent at once), dear (above Alpha's approval threshold)

	mu       sync.Mutex
	requests []pending // open money requests: who may decide them
	sends    []pending // pending sends
}

type pending struct{ id, decider, owner string }

func setup(t *testing.T) (*world, core.App) {
	f := testutil.Fixtures(t)
	app := testutil.NewApp(t)
	t.Cleanup(app.Cleanup)
	w := &world{teams: map[string][]string{}, managers: map[string]string{}, teamOf: map[string]string{},
		tokens: map[string]string{}, admin: f.ID("admin")}
	alpha, beta := f.ID("alpha"), f.ID("beta")
	for _, tm := range []struct {
		id  string
		th  int
		key string
	}{{alpha, 300, "managerA"}, {beta, 0, "managerB"}} {
		r, err := app.FindRecordById("teams", tm.id)
		if err != nil {
			t.Fatal(err)
		}
		r.Set("budget_mode", "one_time")
		r.Set("approval_threshold", tm.th)
		if err := app.Save(r); err != nil {
			t.Fatal(err)
		}
		w.managers[tm.id] = f.ID(tm.key)
	}
	for i := range 24 {
		team := alpha
		if i%2 == 1 {
			team = beta
		}
		m, err := member.Create(app, member.NewUser{Email: fmt.Sprintf("soak%02d@acme.com", i), Password: testutil.Password,
			Name: fmt.Sprintf("Soak %02d", i), Role: member.RoleMember, TeamID: team})
		if err != nil {
			t.Fatal(err)
		}
		w.teams[team] = append(w.teams[team], m.Id)
		w.teamOf[m.Id] = team
	}
	for _, key := range []string{"managerA", "managerB", "admin"} {
		w.teamOf[f.ID(key)] = map[string]string{"managerA": alpha, "managerB": beta}[key]
	}
	for id := range w.teamOf {
		r, err := app.FindRecordById("users", id)
		if err != nil {
			t.Fatal(err)
		}
		tok, err := r.NewAuthToken()
		if err != nil {
			t.Fatal(err)
		}
		w.tokens[id] = tok
		if _, err := ledger.Post(app, ledger.Entry{Account: id, Amount: 20000, Kind: ledger.KindGrant, Reason: "soak start"}); err != nil {
			t.Fatal(err)
		}
	}
	col, err := app.FindCollectionByNameOrId("touches")
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []map[string]any{
		{"name": "Coffee card", "cost": 250, "status": "active", "teams": []string{alpha, beta}},
		{"name": "Wine box", "cost": 500, "status": "active", "teams": []string{alpha, beta}, "track_inventory": true, "inventory": 400},
	} {
		r := core.NewRecord(col)
		r.Load(tc)
		if err := app.Save(r); err != nil {
			t.Fatal(err)
		}
		w.touches = append(w.touches, r.Id)
	}
	w.url = testutil.Serve(t, app).URL
	return w, app
}

var client = &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: 64}}

// call posts body as who and decodes the JSON answer into out (when 2xx).
func (w *world) call(method, path, who string, body any, out any) (int, error) {
	var buf bytes.Buffer
	if body != nil {
		if err := json.NewEncoder(&buf).Encode(body); err != nil {
			return 0, err
		}
	}
	req, err := http.NewRequest(method, w.url+path, &buf)
	if err != nil {
		return 0, err
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Authorization", w.tokens[who])
	res, err := client.Do(req)
	if err != nil {
		return 0, err
	}
	defer res.Body.Close()
	if out != nil && res.StatusCode < 300 {
		if err := json.NewDecoder(res.Body).Decode(out); err != nil {
			return res.StatusCode, err
		}
	}
	return res.StatusCode, nil
}

func (w *world) pop(list *[]pending) (pending, bool) {
	w.mu.Lock()
	defer w.mu.Unlock()
	if len(*list) == 0 {
		return pending{}, false
	}
	p := (*list)[0]
	*list = (*list)[1:]
	return p, true
}

func (w *world) push(list *[]pending, p pending) {
	w.mu.Lock()
	*list = append(*list, p)
	w.mu.Unlock()
}

// op runs one random operation and returns its name and HTTP status.
func (w *world) op(r *rand.Rand) (string, int, error) {
	teamIDs := []string{}
	for id := range w.teams {
		teamIDs = append(teamIDs, id)
	}
	team := teamIDs[r.IntN(len(teamIDs))]
	people := w.teams[team]
	me, mate := people[r.IntN(len(people))], people[r.IntN(len(people))]
	amount := int64(1 + r.IntN(600))
	switch n := r.IntN(100); {
	case n < 30:
		var s struct{ ID, Status string }
		code, err := w.call("POST", "/api/tf/sends", me, map[string]string{"touch": w.touches[0], "recipient_name": "R", "recipient_email": "r@example.com"}, &s)
		return "send", code, err
	case n < 40:
		var s struct {
			ID     string `json:"id"`
			Status string `json:"status"`
		}
		code, err := w.call("POST", "/api/tf/sends", me, map[string]string{"touch": w.touches[1], "recipient_name": "R", "recipient_email": "r@example.com"}, &s)
		if err == nil && code == http.StatusCreated && s.Status == "pending" {
			w.push(&w.sends, pending{id: s.ID, decider: w.managers[team], owner: me})
		}
		return "send above threshold", code, err
	case n < 48:
		p, ok := w.pop(&w.sends)
		if !ok {
			return "idle", 200, nil
		}
		action, who := []string{"approve", "reject", "cancel"}[r.IntN(3)], p.decider
		if action == "cancel" {
			who = p.owner
		}
		code, err := w.call("POST", "/api/tf/sends/"+p.id+"/"+action, who, nil, nil)
		return "send " + action, code, err
	case n < 65:
		code, err := w.call("POST", "/api/tf/money/transfer", me, map[string]any{"to": mate, "amount": amount, "reason": "soak"}, nil)
		return "transfer", code, err
	case n < 78:
		var req struct {
			ID string `json:"id"`
		}
		code, err := w.call("POST", "/api/tf/money/requests", me, map[string]any{"from": mate, "amount": amount, "reason": "soak"}, &req)
		if err == nil && code == http.StatusCreated {
			w.push(&w.requests, pending{id: req.ID, decider: mate, owner: me})
		}
		return "request", code, err
	case n < 90:
		p, ok := w.pop(&w.requests)
		if !ok {
			return "idle", 200, nil
		}
		decision, who := []string{"approve", "decline", "cancel"}[r.IntN(3)], p.decider
		if decision == "cancel" {
			who = p.owner
		}
		code, err := w.call("POST", "/api/tf/money/requests/"+p.id+"/"+decision, who, nil, nil)
		return "request " + decision, code, err
	default:
		other := w.teams[teamIDs[r.IntN(len(teamIDs))]]
		code, err := w.call("POST", "/api/tf/money/move", w.admin, map[string]any{"from": me, "to": other[r.IntN(len(other))], "amount": amount, "reason": "soak"}, nil)
		return "admin move", code, err
	}
}

func TestSoakMixedMoneyOperationsKeepTheBooksBalanced(t *testing.T) {
	w, app := setup(t)
	ops := soakOps()
	var next atomic.Int64
	var mu sync.Mutex
	byOp := map[string]map[int]int{}
	var wg sync.WaitGroup
	for c := range 32 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			r := rand.New(rand.NewPCG(uint64(c), 7))
			for next.Add(1) <= int64(ops) {
				name, code, err := w.op(r)
				if err != nil {
					t.Errorf("%s: %v", name, err)
					return
				}
				mu.Lock()
				if byOp[name] == nil {
					byOp[name] = map[int]int{}
				}
				byOp[name][code]++
				mu.Unlock()
			}
		}()
	}
	wg.Wait()
	for name, codes := range byOp {
		t.Logf("%-22s %v", name, codes)
		for code := range codes {
			if code >= 500 {
				t.Errorf("%s answered %d", name, code)
			}
		}
	}

	if bad, err := ledger.Reconcile(app); err != nil || len(bad) > 0 {
		t.Fatalf("balance != Σ ledger or negative: %v %+v", err, bad)
	}
	var sums struct {
		Granted   int64 `db:"granted"`
		Returned  int64 `db:"returned"`
		Spent     int64 `db:"spent"`
		Transfers int64 `db:"transfers"`
		Balances  int64 `db:"balances"`
		SendsCost int64 `db:"sends_cost"`
		Sold      int64 `db:"sold"`
		Left      int64 `db:"left_"`
	}
	err := app.DB().NewQuery(`SELECT
		(SELECT COALESCE(SUM(amount), 0) FROM ledger_entries WHERE kind IN ('grant', 'monthly', 'adjust')) AS granted,
		(SELECT -COALESCE(SUM(amount), 0) FROM ledger_entries WHERE kind = 'return') AS returned,
		(SELECT -COALESCE(SUM(amount), 0) FROM ledger_entries WHERE kind IN ('spend', 'refund')) AS spent,
		(SELECT COALESCE(SUM(amount), 0) FROM ledger_entries WHERE kind IN ('transfer_in', 'transfer_out')) AS transfers,
		(SELECT COALESCE(SUM(balance), 0) FROM users) AS balances,
		(SELECT COALESCE(SUM(cost), 0) FROM sends WHERE status IN ('sent', 'pending')) AS sends_cost,
		(SELECT COUNT(*) FROM sends WHERE touch = {:dear} AND status IN ('sent', 'pending')) AS sold,
		(SELECT inventory FROM touches WHERE id = {:dear}) AS left_`).Bind(map[string]any{"dear": w.touches[1]}).One(&sums)
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("granted %d, spent %d, returned %d, transfers net %d, balances %d", sums.Granted, sums.Spent, sums.Returned, sums.Transfers, sums.Balances)
	if sums.Transfers != 0 {
		t.Errorf("transfers do not net to zero: %d", sums.Transfers)
	}
	if got := sums.Granted - sums.Spent - sums.Returned; got != sums.Balances {
		t.Errorf("granted − spent − returned = %d, but the balances sum to %d: money was created or lost", got, sums.Balances)
	}
	if sums.Spent != sums.SendsCost {
		t.Errorf("net spend %d != cost of sent and pending sends %d", sums.Spent, sums.SendsCost)
	}
	if sums.Left < 0 || sums.Sold+sums.Left != 400 {
		t.Errorf("inventory: %d sold + %d left, want 400 in all and nothing below zero", sums.Sold, sums.Left)
	}
}
