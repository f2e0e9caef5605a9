package web_test

import (
	"fmt"
	"net/http"
	"sync"
	"testing"

	"github.com/pocketbase/dbx"

	"teamfund/internal/ledger"
	"teamfund/internal/member"
	"teamfund/internal/testutil"
)

// TestConcurrentSendsNeverOverspendOrOversell: 64 clients send at once over real HTTP,
// several per member (shared balances), against a touch with 20 items, a touch that
// needs approval and an unlimited one. Whatever the interleaving: every answer is a
// success or a clean refusal, balances reconcile with the ledger and never go negative,
// the inventory never goes below zero, no more items are sent than there were, and the
// money spent equals the cost of the sent and pending sends.
func TestConcurrentSendsNeverOverspendOrOversell(t *testing.T) {
	const clients, sendsPerClient, items = 64, 3, 20
	app := newSendsApp(t)
	defer app.Cleanup()
	f := testutil.Fixtures(t)
	exec(t, app, "UPDATE touches SET inventory = {:n} WHERE id = {:id}", dbx.Params{"n": items, "id": socksID})

	tokens := []string{f.Token("memberA"), f.Token("memberA2"), f.Token("managerA")}
	for i := 0; i < 7; i++ {
		m, err := member.Create(app, member.NewUser{Email: fmt.Sprintf("racer%d@acme.com", i), Password: testutil.Password,
			Name: "Racer", Role: member.RoleMember, TeamID: f.ID("alpha")})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := ledger.Post(app, ledger.Entry{Account: m.Id, Amount: 4000, Kind: ledger.KindGrant, Reason: "race"}); err != nil {
			t.Fatal(err)
		}
		tok, err := m.NewAuthToken()
		if err != nil {
			t.Fatal(err)
		}
		tokens = append(tokens, tok)
	}
	srv := testutil.Serve(t, app)
	touches := []string{socksID, socksID, hamperID, mugID}
	okRefusals := map[string]bool{"This touch is out of inventory.": true, "Your balance is too low for this touch.": true}

	var (
		wg      sync.WaitGroup
		start   = make(chan struct{})
		mu      sync.Mutex
		created int
		bad     []string
	)
	for c := 0; c < clients; c++ {
		wg.Add(1)
		go func(c int) {
			defer wg.Done()
			<-start
			for j := 0; j < sendsPerClient; j++ {
				body := map[string]string{"touch": touches[(c+j)%len(touches)], "recipient_name": "R", "recipient_email": fmt.Sprintf("r%d.%d@client.example", c, j)}
				r := callAPI(t, srv.Client(), srv.URL, http.MethodPost, "/api/tf/sends", tokens[c%len(tokens)], body)
				mu.Lock()
				switch {
				case r.Status == http.StatusCreated:
					created++
				case r.Status == http.StatusConflict && okRefusals[fmt.Sprint(r.Body["message"])]:
				default:
					bad = append(bad, fmt.Sprintf("%d %s", r.Status, r.Text))
				}
				mu.Unlock()
			}
		}(c)
	}
	close(start)
	wg.Wait()

	if len(bad) > 0 {
		t.Fatalf("%d unexpected answers, first: %s", len(bad), bad[0])
	}
	expectReconciled(t, app)
	var got struct {
		Inventory  int   `db:"inventory"`
		SocksOut   int   `db:"socks_out"`
		Sends      int   `db:"sends"`
		SpendTotal int64 `db:"spend_total"`
		CostTotal  int64 `db:"cost_total"`
		Negative   int   `db:"negative"`
	}
	err := app.DB().NewQuery(`SELECT
		(SELECT inventory FROM touches WHERE id = {:socks}) AS inventory,
		(SELECT COUNT(*) FROM sends WHERE touch = {:socks} AND status IN ('sent', 'pending')) AS socks_out,
		(SELECT COUNT(*) FROM sends) AS sends,
		(SELECT COALESCE(SUM(amount), 0) FROM ledger_entries WHERE kind = 'spend') AS spend_total,
		(SELECT COALESCE(SUM(cost), 0) FROM sends WHERE status IN ('sent', 'pending')) AS cost_total,
		(SELECT COUNT(*) FROM users WHERE balance < 0) AS negative`).Bind(dbx.Params{"socks": socksID}).One(&got)
	if err != nil {
		t.Fatal(err)
	}
	if got.Inventory < 0 || got.SocksOut > items || got.SocksOut != items-got.Inventory {
		t.Errorf("inventory %d, %d socks out of %d: oversold", got.Inventory, got.SocksOut, items)
	}
	if -got.SpendTotal != got.CostTotal {
		t.Errorf("spent %d, but sent+pending sends cost %d", -got.SpendTotal, got.CostTotal)
	}
	if got.Negative > 0 {
		t.Errorf("%d negative balances", got.Negative)
	}
	if got.Sends != created {
		t.Errorf("%d sends stored, %d answered 201", got.Sends, created)
	}
	t.Logf("%d requests: %d created, inventory left %d, spent %d cents", clients*sendsPerClient, created, got.Inventory, -got.SpendTotal)
}
