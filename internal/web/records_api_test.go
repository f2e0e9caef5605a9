package web_test

import (
	"net/http"
	"strings"
	"testing"

	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tests"

	"teamfund/internal/ledger"
	"teamfund/internal/money"
	"teamfund/internal/testutil"
)

// sendID finds the send to a recipient in the test app.
func sendID(tb testing.TB, app core.App, recipient string) string {
	tb.Helper()
	var id string
	if err := app.DB().NewQuery("SELECT id FROM sends WHERE recipient_name = {:n}").Bind(dbx.Params{"n": recipient}).Row(&id); err != nil {
		tb.Fatalf("send to %s: %v", recipient, err)
	}
	return id
}

// moneyKept remembers every balance and the company account before a dashboard action and
// checks after it that balance = Σ ledger for every user and the company account is unchanged.
func moneyKept() (before func(testing.TB, *tests.TestApp, *core.ServeEvent), after func(testing.TB, *tests.TestApp, *http.Response)) {
	var company money.Cents
	var entries int64
	before = func(t testing.TB, app *tests.TestApp, _ *core.ServeEvent) {
		company, _ = ledger.CompanyBalance(app)
		entries, _ = app.CountRecords(ledger.Collection)
	}
	after = func(t testing.TB, app *tests.TestApp, _ *http.Response) {
		t.Helper()
		if bad, err := ledger.Reconcile(app); err != nil || len(bad) > 0 {
			t.Errorf("balance != Σ ledger: %v %+v", err, bad)
		}
		if c, _ := ledger.CompanyBalance(app); c != company {
			t.Errorf("company account: got %d, want %d", c, company)
		}
		if n, _ := app.CountRecords(ledger.Collection); n != entries {
			t.Errorf("ledger entries: got %d, want %d", n, entries)
		}
	}
	return before, after
}

// The dashboard writes through the records API with a superuser token; these scenarios make
// the same requests.
func TestDashboardWritesKeepTheMoneyRules(t *testing.T) {
	f := testutil.Fixtures(t)
	su := f.AuthHeaders("superuser")
	before, after := moneyKept()
	withSend := func(recipient string, check func(testing.TB, *tests.TestApp, *http.Response)) func(testing.TB, *tests.TestApp, *http.Response) {
		return func(t testing.TB, app *tests.TestApp, res *http.Response) {
			after(t, app, res)
			if check != nil {
				check(t, app, res)
			}
		}
	}
	sendStatus := func(recipient, want string) func(testing.TB, *tests.TestApp, *http.Response) {
		return func(t testing.TB, app *tests.TestApp, _ *http.Response) {
			r, err := app.FindRecordById("sends", sendID(t, app, recipient))
			if err != nil || r.GetString("status") != want {
				t.Errorf("send to %s: status %q (%v), want %q", recipient, r.GetString("status"), err, want)
			}
		}
	}
	var pending string
	sendsApp := func(tb testing.TB) *tests.TestApp {
		app := newSendsAppWithSends(tb)
		pending = sendID(tb, app, "Pam Pending")
		return app
	}
	scenarios := []tests.ApiScenario{
		{
			Name: "dashboard cannot delete a user: it names the Users page", Method: http.MethodDelete,
			URL: "/api/collections/users/records/" + f.ID("memberA"), Headers: su, TestAppFactory: newSendsAppWithSends,
			BeforeTestFunc: before, AfterTestFunc: withSend("", expectCount("users", 9)),
			ExpectedStatus: http.StatusBadRequest, ExpectedContent: []string{"Delete users on Teamfund", "Users page"},
		},
		{
			Name: "dashboard cannot change a user's team: it names the Users page", Method: http.MethodPatch,
			URL: "/api/collections/users/records/" + f.ID("memberA"), Body: jsonBody(`{"team":"` + f.ID("beta") + `"}`),
			Headers: su, TestAppFactory: newSendsAppWithSends, BeforeTestFunc: before, AfterTestFunc: after,
			ExpectedStatus: http.StatusBadRequest, ExpectedContent: []string{"Change a user's team on Teamfund"},
		},
		{
			Name: "dashboard cannot change a balance: the ledger rule's own message", Method: http.MethodPatch,
			URL: "/api/collections/users/records/" + f.ID("memberA"), Body: jsonBody(`{"balance":999999}`),
			Headers: su, TestAppFactory: newSendsAppWithSends, BeforeTestFunc: before, AfterTestFunc: after,
			ExpectedStatus: http.StatusBadRequest, ExpectedContent: []string{`"message":"Balances change only through ledger entries."`},
		},
		{
			Name: "dashboard cannot demote the owner: the owner rule's own message", Method: http.MethodPatch,
			URL: "/api/collections/users/records/" + f.ID("owner"), Body: jsonBody(`{"role":"member"}`),
			Headers: su, TestAppFactory: testutil.NewApp, ExpectedStatus: http.StatusBadRequest,
			ExpectedContent: []string{"The owner cannot be demoted"},
		},
		{
			Name: "dashboard may still correct a user's name", Method: http.MethodPatch,
			URL: "/api/collections/users/records/" + f.ID("memberA"), Body: jsonBody(`{"name":"Maximilian Member"}`),
			Headers: su, TestAppFactory: newSendsAppWithSends, BeforeTestFunc: before, AfterTestFunc: after,
			ExpectedStatus: http.StatusOK, ExpectedContent: []string{"Maximilian Member"},
		},
		{
			Name: "dashboard cannot delete a team", Method: http.MethodDelete,
			URL: "/api/collections/teams/records/" + f.ID("alpha"), Headers: su, TestAppFactory: newSendsAppWithSends,
			BeforeTestFunc: before, AfterTestFunc: withSend("", expectCount("teams", 2)),
			ExpectedStatus: http.StatusBadRequest, ExpectedContent: []string{"Delete teams on Teamfund"},
		},
		{
			Name: "dashboard cannot create a send", Method: http.MethodPost, URL: "/api/collections/sends/records",
			Body:    jsonBody(`{"touch":"` + mugID + `","sender":"` + f.ID("memberA") + `","recipient_name":"X","recipient_email":"x@example.com","cost":1000,"status":"sent"}`),
			Headers: su, TestAppFactory: newSendsAppWithSends, BeforeTestFunc: before, AfterTestFunc: after,
			ExpectedStatus: http.StatusBadRequest, ExpectedContent: []string{"Sends are created, approved"},
		},
		{
			Name: "dashboard cannot reject a pending send by changing its status", Method: http.MethodPatch,
			URL: "/api/collections/sends/records/{pending}", Body: jsonBody(`{"status":"rejected"}`),
			Headers: su, TestAppFactory: sendsApp, BeforeTestFunc: before, AfterTestFunc: withSend("", sendStatus("Pam Pending", "pending")),
			ExpectedStatus: http.StatusBadRequest, ExpectedContent: []string{"Sends are created, approved"},
		},
		{
			Name: "dashboard cannot delete a pending send", Method: http.MethodDelete,
			URL: "/api/collections/sends/records/{pending}", Headers: su, TestAppFactory: sendsApp,
			BeforeTestFunc: before, AfterTestFunc: withSend("", sendStatus("Pam Pending", "pending")),
			ExpectedStatus: http.StatusBadRequest, ExpectedContent: []string{"Sends are created, approved"},
		},
		{
			Name: "dashboard may correct a send's recipient email", Method: http.MethodPatch,
			URL: "/api/collections/sends/records/{pending}", Body: jsonBody(`{"recipient_email":"pam@example.org"}`),
			Headers: su, TestAppFactory: sendsApp, BeforeTestFunc: before, AfterTestFunc: after,
			ExpectedStatus: http.StatusOK, ExpectedContent: []string{"pam@example.org"},
		},
		{
			Name: "dashboard may date a send's decision: the held figures' ledger_holds follows", Method: http.MethodPatch,
			URL: "/api/collections/sends/records/{pending}", Body: jsonBody(`{"decided_at":"2026-01-02 10:00:00.000Z"}`),
			Headers: su, TestAppFactory: sendsApp, BeforeTestFunc: before, ExpectedStatus: http.StatusOK,
			ExpectedContent: []string{"2026-01-02 10:00:00.000Z"},
			AfterTestFunc: func(t testing.TB, app *tests.TestApp, res *http.Response) {
				after(t, app, res)
				if bad, err := ledger.Reconcile(app); err != nil || len(bad) > 0 {
					t.Errorf("reconcile: %v %+v", err, bad)
				}
				var n int
				if err := app.DB().NewQuery(`SELECT COUNT(*) FROM ledger_holds WHERE status = 'pending' AND decided_at = '2026-01-02 10:00:00.000Z'`).
					Row(&n); err != nil || n != 1 {
					t.Errorf("%d holds carry the new decision (%v), want 1", n, err)
				}
			},
		},
		{
			Name: "dashboard cannot edit a ledger entry: the append-only rule's own message", Method: http.MethodPatch,
			URL: "/api/collections/ledger_entries/records/{entry}", Body: jsonBody(`{"amount":1}`),
			Headers: su, TestAppFactory: newSendsApp, BeforeTestFunc: before, AfterTestFunc: after,
			ExpectedStatus: http.StatusBadRequest, ExpectedContent: []string{"Ledger entries are append-only."},
		},
		{
			Name: "dashboard cannot approve a money request by changing its status", Method: http.MethodPatch,
			URL: "/api/collections/money_requests/records/{request}", Body: jsonBody(`{"status":"approved"}`),
			Headers: su, TestAppFactory: requestApp(10000), BeforeTestFunc: before,
			AfterTestFunc: func(t testing.TB, app *tests.TestApp, res *http.Response) {
				after(t, app, res)
				expectRequestStatus("pending")(t, app, res)
			},
			ExpectedStatus: http.StatusBadRequest, ExpectedContent: []string{"Money page"},
		},
	}
	fill := map[string]func(testing.TB, *tests.TestApp) string{
		"{pending}": func(testing.TB, *tests.TestApp) string { return pending },
		"{entry}": func(_ testing.TB, app *tests.TestApp) string {
			var id string
			_ = app.DB().NewQuery("SELECT id FROM ledger_entries LIMIT 1").Row(&id)
			return id
		},
		"{request}": func(tb testing.TB, app *tests.TestApp) string { return onlyRequestID(tb, app) },
	}
	for _, s := range scenarios {
		withURLFromApp(&s, fill)
		s.Test(t)
	}
}

// withURLFromApp fills a placeholder of s.URL ("{pending}") from the scenario's test app
// once its factory made it: ids the factory generates are not known before.
func withURLFromApp(s *tests.ApiScenario, fill map[string]func(testing.TB, *tests.TestApp) string) {
	base, url := s.TestAppFactory, s.URL
	s.TestAppFactory = func(tb testing.TB) *tests.TestApp {
		app := base(tb)
		for placeholder, value := range fill {
			if strings.Contains(url, placeholder) {
				s.URL = strings.Replace(url, placeholder, value(tb, app), 1)
			}
		}
		return app
	}
}
