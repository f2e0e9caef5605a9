package web_test

import (
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tests"

	"teamfund/internal/ledger"
	"teamfund/internal/member"
	"teamfund/internal/money"
	"teamfund/internal/send"
	"teamfund/internal/testutil"
)

// Fixed touch ids of newSendsApp.
const (
	mugID      = "touchmug0000001" // 10.00, active, alpha + beta, unlimited
	hamperID   = "touchhamper0001" // 30.00, active, alpha: above alpha's approval threshold
	yachtID    = "touchyacht00001" // 60.00, active, alpha: above alpha's max per send
	socksID    = "touchsocks00001" // 5.00, active, alpha, 1 item left
	emptyID    = "touchempty00001" // 5.00, paused (no inventory), alpha
	oldID      = "touchold0000001" // 5.00, active, alpha, ended yesterday
	futureID   = "touchfuture0001" // 5.00, active, alpha, starts tomorrow
	doneID     = "touchdone000001" // 5.00, completed, alpha
	betaOnlyID = "touchbetaonly01" // 5.00, active, beta only
)

// Starting balances of newSendsApp (cents).
var startBalances = map[string]money.Cents{"memberA": 10000, "memberA2": 2500, "managerA": 10000, "memberB": 10000, "admin": 10000}

// newSendsApp is the fixture app plus team limits (alpha: max 50.00 per send, approval
// above 20.00), granted balances and one touch per rule. Its fingerprint of everything a
// send could write is kept in the app store under "fingerprint".
func newSendsApp(tb testing.TB) *tests.TestApp {
	app := testutil.NewApp(tb)
	f := testutil.Fixtures(tb)
	exec(tb, app, "UPDATE teams SET max_per_send = 5000, approval_threshold = 2000 WHERE id = {:id}", dbx.Params{"id": f.ID("alpha")})
	for key, amount := range startBalances {
		if _, err := ledger.Post(app, ledger.Entry{Account: f.ID(key), Amount: amount, Kind: ledger.KindGrant, Reason: "fixture"}); err != nil {
			tb.Fatal(err)
		}
	}
	alpha, beta := []string{f.ID("alpha")}, []string{f.ID("beta")}
	day := 24 * time.Hour
	now := time.Now().UTC()
	putTouch(tb, app, mugID, "Mug", 1000, "active", -1, nil, nil, []string{f.ID("alpha"), f.ID("beta")})
	putTouch(tb, app, hamperID, "Hamper", 3000, "active", -1, nil, nil, alpha)
	putTouch(tb, app, yachtID, "Yacht", 6000, "active", -1, nil, nil, alpha)
	putTouch(tb, app, socksID, "Socks", 500, "active", 1, nil, nil, alpha)
	putTouch(tb, app, emptyID, "Empty box", 500, "paused_no_inventory", 0, nil, nil, alpha)
	putTouch(tb, app, oldID, "Old campaign", 500, "active", -1, ptr(now.Add(-3*day)), ptr(now.Add(-day)), alpha)
	putTouch(tb, app, futureID, "Future campaign", 500, "active", -1, ptr(now.Add(day)), ptr(now.Add(3*day)), alpha)
	putTouch(tb, app, doneID, "Done campaign", 500, "completed", -1, nil, nil, alpha)
	putTouch(tb, app, betaOnlyID, "Beta pens", 500, "active", -1, nil, nil, beta)
	app.Store().Set("fingerprint", fingerprint(tb, app))
	return app
}

// newSendsAppWithSends adds one send per visibility case (recipient names are unique):
// memberA → "Rita Own" (sent) and "Pam Pending" (pending), memberA2 → "Rick Teammate",
// managerA → "Manny Manager", memberB → "Bob Beta".
func newSendsAppWithSends(tb testing.TB) *tests.TestApp {
	app := newSendsApp(tb)
	for _, s := range []struct{ sender, touch, recipient string }{
		{"memberA", mugID, "Rita Own"}, {"memberA", hamperID, "Pam Pending"}, {"memberA2", mugID, "Rick Teammate"},
		{"managerA", mugID, "Manny Manager"}, {"memberB", mugID, "Bob Beta"},
	} {
		mustSend(tb, app, s.sender, s.touch, s.recipient)
	}
	return app
}

func mustSend(tb testing.TB, app core.App, sender, touchID, recipient string) *send.Send {
	tb.Helper()
	m, err := member.Find(app, testutil.Fixtures(tb).ID(sender))
	if err != nil {
		tb.Fatal(err)
	}
	email := strings.ToLower(strings.ReplaceAll(recipient, " ", ".")) + "@client.example"
	s, err := send.Create(app, m, send.Input{TouchID: touchID, RecipientName: recipient, RecipientEmail: email})
	if err != nil {
		tb.Fatalf("%s sending %s: %v", sender, touchID, err)
	}
	return s
}

func ptr(t time.Time) *time.Time { return &t }

// putTouch saves a touch with a fixed id; inventory < 0 means unlimited.
func putTouch(tb testing.TB, app core.App, id, name string, cost int64, status string, inventory int, starts, ends *time.Time, teams []string) {
	tb.Helper()
	col, err := app.FindCollectionByNameOrId("touches")
	if err != nil {
		tb.Fatal(err)
	}
	r := core.NewRecord(col)
	r.Id = id
	r.Load(map[string]any{"name": name, "cost": cost, "status": status, "teams": teams,
		"track_inventory": inventory >= 0, "inventory": max(inventory, 0)})
	if starts != nil {
		r.Set("starts_at", *starts)
	}
	if ends != nil {
		r.Set("ends_at", *ends)
	}
	if err := app.Save(r); err != nil {
		tb.Fatal(err)
	}
}

func exec(tb testing.TB, app core.App, sql string, params dbx.Params) {
	tb.Helper()
	if _, err := app.DB().NewQuery(sql).Bind(params).Execute(); err != nil {
		tb.Fatal(err)
	}
}

// fingerprint summarises everything a send, decision or touch change can write.
func fingerprint(tb testing.TB, app core.App) string {
	tb.Helper()
	var row struct {
		Sends    int    `db:"sends"`
		Ledger   int    `db:"ledger"`
		Audit    int    `db:"audit"`
		Balances string `db:"balances"`
		Touches  string `db:"touches"`
	}
	err := app.DB().NewQuery(`SELECT
		(SELECT COUNT(*) FROM sends) AS sends,
		(SELECT COUNT(*) FROM ledger_entries) AS ledger,
		(SELECT COUNT(*) FROM audit_log) AS audit,
		(SELECT GROUP_CONCAT(id || '=' || balance, ',') FROM (SELECT id, balance FROM users ORDER BY id)) AS balances,
		(SELECT GROUP_CONCAT(id || '=' || inventory || '/' || status || '/' || teams, ',') FROM (SELECT * FROM touches ORDER BY id)) AS touches`).One(&row)
	if err != nil {
		tb.Fatal(err)
	}
	return fmt.Sprintf("%+v", row)
}

// expectNothingWritten is an AfterTestFunc: the data is exactly as the factory left it.
func expectNothingWritten(t testing.TB, app *tests.TestApp, _ *http.Response) {
	t.Helper()
	want, _ := app.Store().Get("fingerprint").(string)
	if got := fingerprint(t, app); got != want {
		t.Errorf("something was written:\n got %s\nwant %s", got, want)
	}
}

// expectReconciled checks the ledger invariant after a scenario.
func expectReconciled(t testing.TB, app core.App) {
	t.Helper()
	bad, err := ledger.Reconcile(app)
	if err != nil || len(bad) > 0 {
		t.Errorf("ledger does not reconcile: %v %+v", err, bad)
	}
}

func balanceOf(t testing.TB, app core.App, key string) money.Cents {
	t.Helper()
	m, err := member.Find(app, testutil.Fixtures(t).ID(key))
	if err != nil {
		t.Fatal(err)
	}
	return m.Balance()
}

func jsonBody(s string) *strings.Reader { return strings.NewReader(s) }
