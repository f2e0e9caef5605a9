package web_test

import (
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tests"

	"teamfund/internal/budget"
	"teamfund/internal/ledger"
	"teamfund/internal/member"
	"teamfund/internal/money"
	"teamfund/internal/testutil"
	"teamfund/internal/transfer"
)

// moneyApp is a TestAppFactory whose fixture users start with the given balances (grants).
func moneyApp(balances map[string]money.Cents) func(testing.TB) *tests.TestApp {
	return func(tb testing.TB) *tests.TestApp {
		app := testutil.NewApp(tb)
		f := testutil.Fixtures(tb)
		for key, amount := range balances {
			if amount == 0 {
				continue
			}
			if _, err := ledger.Post(app, ledger.Entry{Account: f.ID(key), Amount: amount, Kind: ledger.KindGrant, Reason: "test"}); err != nil {
				tb.Fatal(err)
			}
		}
		return app
	}
}

// pendingRequest files a request from requester to giver in the test app and returns its id.
func pendingRequest(tb testing.TB, app core.App, requester, giver string, amount money.Cents) string {
	f := testutil.Fixtures(tb)
	m, err := member.Find(app, f.ID(requester))
	if err != nil {
		tb.Fatal(err)
	}
	r, err := transfer.Ask(app, m, f.ID(giver), amount, "for a customer dinner")
	if err != nil {
		tb.Fatal(err)
	}
	return r.ID
}

// requestApp starts with memberA asking managerA for 5.00, managerA holding giverBalance.
// The request id is always "the only money_requests row".
func requestApp(giverBalance money.Cents) func(testing.TB) *tests.TestApp {
	return func(tb testing.TB) *tests.TestApp {
		app := moneyApp(map[string]money.Cents{"managerA": giverBalance})(tb)
		pendingRequest(tb, app, "memberA", "managerA", 500)
		return app
	}
}

func onlyRequestID(tb testing.TB, app core.App) string {
	recs, err := app.FindAllRecords(transfer.RequestsCollection)
	if err != nil || len(recs) != 1 {
		tb.Fatalf("want exactly one request: %v %d", err, len(recs))
	}
	return recs[0].Id
}

// expectBalances checks balances and the ledger invariant after a request.
func expectBalances(want map[string]money.Cents) func(testing.TB, *tests.TestApp, *http.Response) {
	return func(t testing.TB, app *tests.TestApp, _ *http.Response) {
		t.Helper()
		for key, w := range want {
			if got := balanceOf(t, app, key); got != w {
				t.Errorf("%s balance: got %d, want %d", key, got, w)
			}
		}
		if bad, err := ledger.Reconcile(app); err != nil || len(bad) > 0 {
			t.Errorf("reconcile: %v %+v", err, bad)
		}
	}
}

// expectEntries checks how many ledger entries exist (e.g. unchanged after a refusal).
func expectEntries(n int) func(testing.TB, *tests.TestApp, *http.Response) {
	return func(t testing.TB, app *tests.TestApp, _ *http.Response) {
		t.Helper()
		if got, _ := app.CountRecords(ledger.Collection); int(got) != n {
			t.Errorf("ledger entries: got %d, want %d", got, n)
		}
	}
}

func expectRequestStatus(want string) func(testing.TB, *tests.TestApp, *http.Response) {
	return func(t testing.TB, app *tests.TestApp, _ *http.Response) {
		t.Helper()
		r, err := app.FindRecordById(transfer.RequestsCollection, onlyRequestID(t, app))
		if err != nil || r.GetString("status") != want {
			t.Errorf("request status: got %q (%v), want %q", r.GetString("status"), err, want)
		}
	}
}

func all(fns ...func(testing.TB, *tests.TestApp, *http.Response)) func(testing.TB, *tests.TestApp, *http.Response) {
	return func(t testing.TB, app *tests.TestApp, res *http.Response) {
		for _, fn := range fns {
			fn(t, app, res)
		}
	}
}

func jsonf(format string, args ...any) *strings.Reader {
	return strings.NewReader(fmt.Sprintf(format, args...))
}

func TestTransfersJSON(t *testing.T) {
	f := testutil.Fixtures(t)
	rich := moneyApp(map[string]money.Cents{"memberA": 1000})
	scenarios := []tests.ApiScenario{
		{
			Name:   "member transfers to a teammate at once",
			Method: http.MethodPost, URL: "/api/tf/money/transfer",
			Body:    jsonf(`{"to":%q,"amount":300,"reason":"lunch"}`, f.ID("memberA2")),
			Headers: f.AuthHeaders("memberA"), TestAppFactory: rich,
			ExpectedStatus: http.StatusOK, ExpectedContent: []string{`"from_balance":700`, `"to_balance":300`},
			AfterTestFunc: expectBalances(map[string]money.Cents{"memberA": 700, "memberA2": 300}),
		},
		{
			Name:   "member cannot transfer more than their balance",
			Method: http.MethodPost, URL: "/api/tf/money/transfer",
			Body:    jsonf(`{"to":%q,"amount":1001}`, f.ID("memberA2")),
			Headers: f.AuthHeaders("memberA"), TestAppFactory: rich,
			ExpectedStatus: http.StatusConflict, ExpectedContent: []string{"Insufficient funds"},
			ExpectedEvents: map[string]int{"*": 0},
			AfterTestFunc:  all(expectEntries(1), expectBalances(map[string]money.Cents{"memberA": 1000, "memberA2": 0})),
		},
		{
			Name:   "member cannot transfer to someone in another team",
			Method: http.MethodPost, URL: "/api/tf/money/transfer",
			Body:    jsonf(`{"to":%q,"amount":100}`, f.ID("memberB")),
			Headers: f.AuthHeaders("memberA"), TestAppFactory: rich,
			ExpectedStatus: http.StatusForbidden, ExpectedContent: []string{"own team"},
			ExpectedEvents: map[string]int{"*": 0}, AfterTestFunc: expectEntries(1),
		},
		{
			Name:   "member cannot transfer to themselves",
			Method: http.MethodPost, URL: "/api/tf/money/transfer",
			Body:    jsonf(`{"to":%q,"amount":100}`, f.ID("memberA")),
			Headers: f.AuthHeaders("memberA"), TestAppFactory: rich,
			ExpectedStatus: http.StatusBadRequest, ExpectedContent: []string{"yourself"},
			ExpectedEvents: map[string]int{"*": 0},
		},
		{
			Name:   "member cannot transfer to a deactivated teammate",
			Method: http.MethodPost, URL: "/api/tf/money/transfer",
			Body:    jsonf(`{"to":%q,"amount":100}`, f.ID("locked")),
			Headers: f.AuthHeaders("memberA"), TestAppFactory: rich,
			ExpectedStatus: http.StatusConflict, ExpectedContent: []string{"deactivated"},
			ExpectedEvents: map[string]int{"*": 0},
		},
		{
			Name:   "a negative amount is refused with the field named",
			Method: http.MethodPost, URL: "/api/tf/money/transfer",
			Body:    jsonf(`{"to":%q,"amount":-100}`, f.ID("memberA2")),
			Headers: f.AuthHeaders("memberA"), TestAppFactory: rich,
			ExpectedStatus: http.StatusBadRequest, ExpectedContent: []string{`"amount"`},
			ExpectedEvents: map[string]int{"*": 0},
		},
		{
			Name:   "a missing recipient is refused with the field named",
			Method: http.MethodPost, URL: "/api/tf/money/transfer",
			Body: jsonf(`{"amount":100}`), Headers: f.AuthHeaders("memberA"), TestAppFactory: rich,
			ExpectedStatus: http.StatusBadRequest, ExpectedContent: []string{`"to"`},
			ExpectedEvents: map[string]int{"*": 0},
		},
		{
			Name:   "teamless member cannot transfer",
			Method: http.MethodPost, URL: "/api/tf/money/transfer",
			Body:    jsonf(`{"to":%q,"amount":100}`, f.ID("memberA")),
			Headers: f.AuthHeaders("loner"), TestAppFactory: rich,
			ExpectedStatus: http.StatusForbidden, ExpectedEvents: map[string]int{"*": 0},
			ExpectedContent: []string{"not allowed"},
		},
		{
			Name:   "guest cannot transfer",
			Method: http.MethodPost, URL: "/api/tf/money/transfer",
			Body:           jsonf(`{"to":%q,"amount":100}`, f.ID("memberA2")),
			TestAppFactory: rich, ExpectedStatus: http.StatusUnauthorized, ExpectedContent: []string{"Sign in"},
			ExpectedEvents: map[string]int{"*": 0},
		},
		{
			Name:   "admin moves money between any users without consent",
			Method: http.MethodPost, URL: "/api/tf/money/move",
			Body:    jsonf(`{"from":%q,"to":%q,"amount":400,"reason":"rebalance"}`, f.ID("memberA"), f.ID("memberB")),
			Headers: f.AuthHeaders("admin"), TestAppFactory: rich,
			ExpectedStatus: http.StatusOK, ExpectedContent: []string{`"to_balance":400`},
			AfterTestFunc: expectBalances(map[string]money.Cents{"memberA": 600, "memberB": 400}),
		},
		{
			Name:   "admin move needs a reason",
			Method: http.MethodPost, URL: "/api/tf/money/move",
			Body:    jsonf(`{"from":%q,"to":%q,"amount":400}`, f.ID("memberA"), f.ID("memberB")),
			Headers: f.AuthHeaders("admin"), TestAppFactory: rich,
			ExpectedStatus: http.StatusBadRequest, ExpectedContent: []string{`"reason"`},
			ExpectedEvents: map[string]int{"*": 0},
		},
		{
			Name:   "manager cannot move money between any users",
			Method: http.MethodPost, URL: "/api/tf/money/move",
			Body:    jsonf(`{"from":%q,"to":%q,"amount":400,"reason":"x"}`, f.ID("memberA"), f.ID("memberA2")),
			Headers: f.AuthHeaders("managerA"), TestAppFactory: rich,
			ExpectedStatus: http.StatusForbidden, ExpectedEvents: map[string]int{"*": 0},
			ExpectedContent: []string{"not allowed"},
		},
		{
			Name:   "admin cannot move more than the source has",
			Method: http.MethodPost, URL: "/api/tf/money/move",
			Body:    jsonf(`{"from":%q,"to":%q,"amount":4000,"reason":"x"}`, f.ID("memberA"), f.ID("memberB")),
			Headers: f.AuthHeaders("admin"), TestAppFactory: rich,
			ExpectedStatus: http.StatusConflict, ExpectedEvents: map[string]int{"*": 0},
			ExpectedContent: []string{"Insufficient funds"},
		},
	}
	for _, s := range scenarios {
		s.Test(t)
	}
}

func TestMoneyRequestsJSON(t *testing.T) {
	f := testutil.Fixtures(t)
	scenarios := []tests.ApiScenario{
		{
			Name:   "member asks their manager for money; it waits",
			Method: http.MethodPost, URL: "/api/tf/money/requests",
			Body:    jsonf(`{"from":%q,"amount":500,"reason":"trade fair"}`, f.ID("managerA")),
			Headers: f.AuthHeaders("memberA"), TestAppFactory: testutil.NewApp,
			ExpectedStatus: http.StatusCreated, ExpectedContent: []string{`"status":"pending"`, `"giver_name":"Mia Manager"`},
			AfterTestFunc: expectEntries(0),
		},
		{
			Name:   "member cannot ask someone from another team",
			Method: http.MethodPost, URL: "/api/tf/money/requests",
			Body:    jsonf(`{"from":%q,"amount":500}`, f.ID("managerB")),
			Headers: f.AuthHeaders("memberA"), TestAppFactory: testutil.NewApp,
			ExpectedStatus: http.StatusForbidden, ExpectedEvents: map[string]int{"*": 0},
			ExpectedContent: []string{"own team"},
		},
	}
	for _, s := range scenarios {
		s.Test(t)
	}
	decisions := []struct {
		name, actor, decision string
		giverBalance          money.Cents
		status                int
		content               string
		after                 string // request status after
		requester, giver      money.Cents
	}{
		{"giver approves and the money moves", "managerA", "approve", 800, 200, `"status":"approved"`, "approved", 500, 300},
		{"giver without enough money cannot approve; it stays pending", "managerA", "approve", 100, 409, "Insufficient funds", "pending", 0, 100},
		{"a teammate who was not asked cannot approve", "memberA2", "approve", 800, 403, "Only the person asked", "pending", 0, 800},
		{"the requester cannot approve their own request", "memberA", "approve", 800, 403, "Only the person asked", "pending", 0, 800},
		{"an admin who was not asked cannot approve", "admin", "approve", 800, 403, "Only the person asked", "pending", 0, 800},
		{"giver declines", "managerA", "decline", 800, 200, `"status":"declined"`, "declined", 0, 800},
		{"requester cancels", "memberA", "cancel", 800, 200, `"status":"cancelled"`, "cancelled", 0, 800},
		{"giver cannot cancel someone else's request", "managerA", "cancel", 800, 403, "Only the person who asked", "pending", 0, 800},
	}
	for _, d := range decisions {
		s := tests.ApiScenario{
			Name: d.name, Method: http.MethodPost, Headers: f.AuthHeaders(d.actor), TestAppFactory: requestApp(d.giverBalance),
			ExpectedStatus: d.status, ExpectedContent: []string{d.content},
			AfterTestFunc: all(expectRequestStatus(d.after),
				expectBalances(map[string]money.Cents{"memberA": d.requester, "managerA": d.giver})),
		}
		if d.status >= 400 {
			s.ExpectedEvents = map[string]int{"*": 0}
		}
		s.URL = "/api/tf/money/requests/{id}/" + d.decision
		runOnRequest(t, s)
	}

	t.Run("a request approved twice pays once", func(t *testing.T) {
		app := requestApp(800)(t)
		defer app.Cleanup()
		giver, _ := member.Find(app, f.ID("managerA"))
		id := onlyRequestID(t, app)
		if _, err := transfer.Approve(app, giver, id); err != nil {
			t.Fatal(err)
		}
		if _, err := transfer.Approve(app, giver, id); err != transfer.ErrNotPending {
			t.Errorf("second approval: got %v, want %v", err, transfer.ErrNotPending)
		}
		if b := balanceOf(t, app, "memberA"); b != 500 {
			t.Errorf("requester balance %d, want 500", b)
		}
	})
}

// runOnRequest runs s with "{id}" in its URL replaced by the id of the only money request
// its app holds (ApiScenario needs the URL before it builds the app, so build it first).
func runOnRequest(t *testing.T, s tests.ApiScenario) {
	app := s.TestAppFactory(t)
	defer app.Cleanup()
	s.URL = strings.Replace(s.URL, "{id}", onlyRequestID(t, app), 1)
	s.TestAppFactory = func(testing.TB) *tests.TestApp { return app }
	s.DisableTestAppCleanup = true
	s.Test(t)
}

func TestTeamMoneyJSON(t *testing.T) {
	f := testutil.Fixtures(t)
	scenarios := []tests.ApiScenario{
		{
			Name:   "manager gives every member of their team the same amount",
			Method: http.MethodPost, URL: "/api/tf/money/group",
			Body:    jsonf(`{"team":%q,"amount":2500,"reason":"Q3"}`, f.ID("beta")),
			Headers: f.AuthHeaders("managerB"), TestAppFactory: testutil.NewApp,
			ExpectedStatus: http.StatusOK, ExpectedContent: []string{`"entries":2`, `"total":5000`},
			AfterTestFunc: expectBalances(map[string]money.Cents{"managerB": 2500, "memberB": 2500, "memberA": 0}),
		},
		{
			Name:   "manager cannot give money to another team",
			Method: http.MethodPost, URL: "/api/tf/money/group",
			Body:    jsonf(`{"team":%q,"amount":2500}`, f.ID("beta")),
			Headers: f.AuthHeaders("managerA"), TestAppFactory: testutil.NewApp,
			ExpectedStatus: http.StatusForbidden, ExpectedEvents: map[string]int{"*": 0}, ExpectedContent: []string{"not allowed"},
		},
		{
			Name:   "member cannot set group limits",
			Method: http.MethodPost, URL: "/api/tf/money/group",
			Body:    jsonf(`{"team":%q,"amount":2500}`, f.ID("alpha")),
			Headers: f.AuthHeaders("memberA"), TestAppFactory: testutil.NewApp,
			ExpectedStatus: http.StatusForbidden, ExpectedEvents: map[string]int{"*": 0}, ExpectedContent: []string{"not allowed"},
		},
		{
			Name:   "admin gives a group limit to any team",
			Method: http.MethodPost, URL: "/api/tf/money/group",
			Body:    jsonf(`{"team":%q,"amount":100}`, f.ID("alpha")),
			Headers: f.AuthHeaders("admin"), TestAppFactory: testutil.NewApp,
			ExpectedStatus: http.StatusOK, ExpectedContent: []string{`"entries":3`},
		},
		{
			Name:   "manager adds and removes money for chosen members with a reason",
			Method: http.MethodPost, URL: "/api/tf/money/balances",
			Body: jsonf(`{"team":%q,"reason":"fair share","changes":[{"user":%q,"amount":-400},{"user":%q,"amount":250}]}`,
				f.ID("alpha"), f.ID("memberA"), f.ID("memberA2")),
			Headers: f.AuthHeaders("managerA"), TestAppFactory: moneyApp(map[string]money.Cents{"memberA": 1000}),
			ExpectedStatus: http.StatusOK, ExpectedContent: []string{`"changed":2`},
			AfterTestFunc: expectBalances(map[string]money.Cents{"memberA": 600, "memberA2": 250}),
		},
		{
			Name:   "removal below zero is refused for the whole batch",
			Method: http.MethodPost, URL: "/api/tf/money/balances",
			Body: jsonf(`{"team":%q,"reason":"x","changes":[{"user":%q,"amount":500},{"user":%q,"amount":-1001}]}`,
				f.ID("alpha"), f.ID("memberA2"), f.ID("memberA")),
			Headers: f.AuthHeaders("managerA"), TestAppFactory: moneyApp(map[string]money.Cents{"memberA": 1000}),
			ExpectedStatus: http.StatusConflict, ExpectedContent: []string{"member.a@acme.com", "below zero"},
			ExpectedEvents: map[string]int{"*": 0},
			AfterTestFunc:  all(expectEntries(1), expectBalances(map[string]money.Cents{"memberA": 1000, "memberA2": 0})),
		},
		{
			Name:   "manager cannot change the balance of someone outside their team",
			Method: http.MethodPost, URL: "/api/tf/money/balances",
			Body:    jsonf(`{"team":%q,"reason":"x","changes":[{"user":%q,"amount":500}]}`, f.ID("alpha"), f.ID("memberB")),
			Headers: f.AuthHeaders("managerA"), TestAppFactory: testutil.NewApp,
			ExpectedStatus: http.StatusConflict, ExpectedContent: []string{"not in this team"},
			ExpectedEvents: map[string]int{"*": 0},
		},
		{
			Name:   "team balance changes need a reason",
			Method: http.MethodPost, URL: "/api/tf/money/balances",
			Body:    jsonf(`{"team":%q,"changes":[{"user":%q,"amount":500}]}`, f.ID("alpha"), f.ID("memberA")),
			Headers: f.AuthHeaders("managerA"), TestAppFactory: testutil.NewApp,
			ExpectedStatus: http.StatusBadRequest, ExpectedContent: []string{"reason"},
			ExpectedEvents: map[string]int{"*": 0},
		},
		{
			Name:   "member cannot change team balances",
			Method: http.MethodPost, URL: "/api/tf/money/balances",
			Body:    jsonf(`{"team":%q,"reason":"x","changes":[{"user":%q,"amount":500}]}`, f.ID("alpha"), f.ID("memberA")),
			Headers: f.AuthHeaders("memberA"), TestAppFactory: testutil.NewApp,
			ExpectedStatus: http.StatusForbidden, ExpectedEvents: map[string]int{"*": 0}, ExpectedContent: []string{"not allowed"},
		},
		{
			Name:   "admin runs the monthly allocation for the current month",
			Method: http.MethodPost, URL: "/api/tf/budgets/run", Body: jsonf(`{}`),
			Headers: f.AuthHeaders("admin"), TestAppFactory: testutil.NewApp,
			ExpectedStatus: http.StatusOK, ExpectedContent: []string{`"entries":3`, `"total":30000`},
			AfterTestFunc: expectBalances(map[string]money.Cents{"memberA": 10000, "memberB": 0}),
		},
		{
			Name:   "admin cannot allocate a month that has not started",
			Method: http.MethodPost, URL: "/api/tf/budgets/run",
			Body:    jsonf(`{"month":%q}`, budget.MonthOf(time.Now(), time.UTC).Next().Next()),
			Headers: f.AuthHeaders("admin"), TestAppFactory: testutil.NewApp,
			ExpectedStatus: http.StatusBadRequest, ExpectedContent: []string{"not started"},
			ExpectedEvents: map[string]int{"*": 0},
		},
		{
			Name:   "admin cannot allocate a month from before the company was set up",
			Method: http.MethodPost, URL: "/api/tf/budgets/run",
			Body:    jsonf(`{"month":%q}`, budget.MonthOf(time.Now().AddDate(-1, 0, 0), time.UTC)),
			Headers: f.AuthHeaders("admin"), TestAppFactory: testutil.NewApp,
			ExpectedStatus:  http.StatusBadRequest,
			ExpectedContent: []string{"before the company was set up", string(budget.MonthOf(time.Now(), time.UTC))},
			ExpectedEvents:  map[string]int{"*": 0},
			AfterTestFunc:   expectBalances(map[string]money.Cents{"memberA": 0, "managerA": 0}),
		},
		{
			Name:   "a malformed month is refused",
			Method: http.MethodPost, URL: "/api/tf/budgets/run", Body: jsonf(`{"month":"03/2026"}`),
			Headers: f.AuthHeaders("admin"), TestAppFactory: testutil.NewApp,
			ExpectedStatus: http.StatusBadRequest, ExpectedContent: []string{"2026-03"},
			ExpectedEvents: map[string]int{"*": 0},
		},
		{
			Name:   "manager cannot run the monthly allocation",
			Method: http.MethodPost, URL: "/api/tf/budgets/run", Body: jsonf(`{}`),
			Headers: f.AuthHeaders("managerA"), TestAppFactory: testutil.NewApp,
			ExpectedStatus: http.StatusForbidden, ExpectedEvents: map[string]int{"*": 0}, ExpectedContent: []string{"not allowed"},
		},
	}
	for _, s := range scenarios {
		s.Test(t)
	}
}

func TestMoneyPages(t *testing.T) {
	f := testutil.Fixtures(t)
	rich := moneyApp(map[string]money.Cents{"memberA": 1000})
	formPost := func(v url.Values) *strings.Reader { v.Set("csrf_token", testutil.CSRF); return form(v) }
	scenarios := []tests.ApiScenario{
		{
			Name:   "member sees balance, team, manager, this month and the live-update hooks",
			Method: http.MethodGet, URL: "/money", Headers: f.CookieHeaders("memberA"), TestAppFactory: rich,
			ExpectedStatus: http.StatusOK,
			ExpectedContent: []string{`id="balance">$10.00`, "Alpha", "Manager: Mia Manager", `sse-connect="/events"`,
				`hx-trigger="sse:balanceChanged"`, "Mona Member", `name="csrf_token"`},
		},
		{
			Name:   "summary fragment is just the summary",
			Method: http.MethodGet, URL: "/money/summary", Headers: f.CookieHeaders("memberA"), TestAppFactory: rich,
			ExpectedStatus: http.StatusOK, ExpectedContent: []string{`id="balance">$10.00`},
			NotExpectedContent: []string{"<html", "transfer-form"},
		},
		{
			Name:   "transfer form sends money and redirects back",
			Method: http.MethodPost, URL: "/money/transfer",
			Body:    formPost(url.Values{"to": {f.ID("memberA2")}, "amount": {"2.50"}}),
			Headers: f.FormHeaders("memberA"), TestAppFactory: rich,
			ExpectedStatus: http.StatusSeeOther, ExpectedContent: []string{""},
			AfterTestFunc: all(testutil.ExpectLocation("/money"), expectBalances(map[string]money.Cents{"memberA": 750, "memberA2": 250})),
		},
		{
			Name:   "transfer form over the balance shows the refusal and writes nothing",
			Method: http.MethodPost, URL: "/money/transfer",
			Body:    formPost(url.Values{"to": {f.ID("memberA2")}, "amount": {"20"}}),
			Headers: f.FormHeaders("memberA"), TestAppFactory: rich,
			ExpectedStatus: http.StatusConflict, ExpectedContent: []string{"Insufficient funds", `value="20"`},
			ExpectedEvents: map[string]int{"*": 0},
		},
		{
			Name:   "transfer form with a malformed amount names the field",
			Method: http.MethodPost, URL: "/money/transfer",
			Body:    formPost(url.Values{"to": {f.ID("memberA2")}, "amount": {"1e5"}}),
			Headers: f.FormHeaders("memberA"), TestAppFactory: rich,
			ExpectedStatus: http.StatusUnprocessableEntity, ExpectedContent: []string{"Must be an amount like 12, 12.50 or 12,50"},
			ExpectedEvents: map[string]int{"*": 0},
		},
		{
			Name:   "request form files a pending request",
			Method: http.MethodPost, URL: "/money/requests",
			Body:    formPost(url.Values{"giver": {f.ID("managerA")}, "amount": {"5"}, "reason": {"fair"}}),
			Headers: f.FormHeaders("memberA"), TestAppFactory: testutil.NewApp,
			ExpectedStatus: http.StatusSeeOther, ExpectedContent: []string{""},
			AfterTestFunc: expectRequestStatus("pending"),
		},
		{
			Name:   "giver sees the request with approve and decline buttons",
			Method: http.MethodGet, URL: "/money", Headers: f.CookieHeaders("managerA"), TestAppFactory: requestApp(0),
			ExpectedStatus: http.StatusOK, ExpectedContent: []string{"requests-incoming", "Max Member", "Approve", "Decline"},
		},
		{
			Name:   "requester sees their pending request with a cancel button",
			Method: http.MethodGet, URL: "/money/requests", Headers: f.CookieHeaders("memberA"), TestAppFactory: requestApp(0),
			ExpectedStatus: http.StatusOK, ExpectedContent: []string{"requests-outgoing", "Mia Manager", "Cancel"},
		},
		{
			Name:   "approvals tab lists what waits for the manager",
			Method: http.MethodGet, URL: "/approvals/money", Headers: f.CookieHeaders("managerA"), TestAppFactory: requestApp(0),
			ExpectedStatus: http.StatusOK, ExpectedContent: []string{"approvals-mine", "Max Member", `aria-current="page">Money requests`},
		},
		{
			Name:   "manager opens the team balances page of their team",
			Method: http.MethodGet, URL: "/money/team", Headers: f.CookieHeaders("managerA"), TestAppFactory: rich,
			ExpectedStatus: http.StatusOK, ExpectedContent: []string{"Team balances · Alpha", "member.a@acme.com", "$10.00", "group-form"},
			NotExpectedContent: []string{"member.b@acme.com"},
		},
		{
			Name:   "manager asking for another team's balances still gets their own",
			Method: http.MethodGet, URL: "/money/team?team=" + f.ID("beta"), Headers: f.CookieHeaders("managerA"), TestAppFactory: rich,
			ExpectedStatus: http.StatusOK, ExpectedContent: []string{"Team balances · Alpha"},
			NotExpectedContent: []string{"member.b@acme.com"},
		},
		{
			Name:   "member cannot open team balances",
			Method: http.MethodGet, URL: "/money/team", Headers: f.CookieHeaders("memberA"), TestAppFactory: rich,
			ExpectedStatus: http.StatusForbidden, ExpectedContent: []string{"not allowed"},
		},
		{
			Name:   "team balances form refuses a removal below zero and lists who",
			Method: http.MethodPost, URL: "/money/team/balances",
			Body:    formPost(url.Values{"amount_" + f.ID("memberA"): {"-10.01"}, "reason": {"oops"}}),
			Headers: f.FormHeaders("managerA"), TestAppFactory: rich,
			ExpectedStatus: http.StatusConflict, ExpectedContent: []string{"Nothing was changed", "member.a@acme.com", "below zero"},
			ExpectedEvents: map[string]int{"*": 0},
		},
		{
			Name:   "team balances form applies signed amounts",
			Method: http.MethodPost, URL: "/money/team/balances",
			Body:    formPost(url.Values{"amount_" + f.ID("memberA"): {"-4"}, "amount_" + f.ID("memberA2"): {"+1.50"}, "reason": {"fix"}}),
			Headers: f.FormHeaders("managerA"), TestAppFactory: rich,
			ExpectedStatus: http.StatusSeeOther, ExpectedContent: []string{""},
			AfterTestFunc: expectBalances(map[string]money.Cents{"memberA": 600, "memberA2": 150}),
		},
		{
			Name:   "giving money to a deactivated member first asks to confirm and writes nothing",
			Method: http.MethodPost, URL: "/money/team/balances",
			Body:    formPost(url.Values{"amount_" + f.ID("locked"): {"5"}, "amount_" + f.ID("memberA2"): {"1"}, "reason": {"bonus"}}),
			Headers: f.FormHeaders("managerA"), TestAppFactory: rich,
			ExpectedStatus: http.StatusConflict, ExpectedEvents: map[string]int{"*": 0},
			ExpectedContent: []string{"inactive-warning", "Lee Locked is deactivated", `name="confirm_inactive"`, `value="bonus"`},
		},
		{
			Name:   "giving money to a deactivated member goes ahead once confirmed",
			Method: http.MethodPost, URL: "/money/team/balances",
			Body:    formPost(url.Values{"amount_" + f.ID("locked"): {"5"}, "reason": {"bonus"}, "confirm_inactive": {"on"}}),
			Headers: f.FormHeaders("managerA"), TestAppFactory: rich,
			ExpectedStatus: http.StatusSeeOther, ExpectedContent: []string{""},
			AfterTestFunc: expectBalances(map[string]money.Cents{"locked": 500}),
		},
		{
			Name:   "an admin move to a deactivated user first asks to confirm and writes nothing",
			Method: http.MethodPost, URL: "/money/admin/move",
			Body:    formPost(url.Values{"from": {"member.a@acme.com"}, "to": {"locked@acme.com"}, "amount": {"2"}, "reason": {"cover"}}),
			Headers: f.FormHeaders("admin"), TestAppFactory: rich,
			ExpectedStatus: http.StatusConflict, ExpectedEvents: map[string]int{"*": 0},
			ExpectedContent: []string{"inactive-warning", "locked@acme.com is deactivated", `name="confirm_inactive"`},
		},
		{
			Name:   "admin page offers the move form and the allocation button",
			Method: http.MethodGet, URL: "/money/admin", Headers: f.CookieHeaders("admin"), TestAppFactory: testutil.NewApp,
			ExpectedStatus: http.StatusOK, ExpectedContent: []string{"move-form", "Run monthly allocation"},
		},
		{
			Name:   "manager cannot open the money administration",
			Method: http.MethodGet, URL: "/money/admin", Headers: f.CookieHeaders("managerA"), TestAppFactory: testutil.NewApp,
			ExpectedStatus: http.StatusForbidden, ExpectedContent: []string{"not allowed"},
		},
		{
			Name:   "admin button runs the monthly allocation",
			Method: http.MethodPost, URL: "/money/admin/allocate",
			Body:    formPost(url.Values{"month": {string(budget.MonthOf(time.Now(), time.UTC))}}),
			Headers: f.FormHeaders("admin"), TestAppFactory: testutil.NewApp,
			ExpectedStatus: http.StatusSeeOther, ExpectedContent: []string{""},
			AfterTestFunc: expectBalances(map[string]money.Cents{"memberA": 10000, "managerA": 10000}),
		},
		{
			Name:   "admin button refuses a month from before the company was set up, on the page",
			Method: http.MethodPost, URL: "/money/admin/allocate",
			Body:    formPost(url.Values{"month": {string(budget.MonthOf(time.Now().AddDate(-1, 0, 0), time.UTC))}}),
			Headers: f.FormHeaders("admin"), TestAppFactory: testutil.NewApp,
			ExpectedStatus: http.StatusBadRequest, ExpectedEvents: map[string]int{"*": 0},
			ExpectedContent: []string{"before the company was set up", "Run monthly allocation"},
		},
		{
			Name:   "manager cannot press the allocation button",
			Method: http.MethodPost, URL: "/money/admin/allocate",
			Body:    formPost(url.Values{"month": {string(budget.MonthOf(time.Now(), time.UTC))}}),
			Headers: f.FormHeaders("managerA"), TestAppFactory: testutil.NewApp,
			ExpectedStatus: http.StatusForbidden, ExpectedEvents: map[string]int{"*": 0}, ExpectedContent: []string{"not allowed"},
		},
		{
			Name:   "manager sees usage and statistics of their team, charts with their numbers in tables",
			Method: http.MethodGet, URL: "/usage", Headers: f.CookieHeaders("managerA"), TestAppFactory: rich,
			ExpectedStatus: http.StatusOK, ExpectedContent: []string{"Usage", `data-chart="chart-teams-data"`, `data-chart="chart-members-data"`,
				`data-chart="chart-trend-data"`, `"labels":["Lee Locked","Max Member",`, `"data":[0,10,0,0]`, "vendor/chart-4.6.1.umd.min.js", "Alpha", "usage-members-table",
				"Max Member", "$10.00", "Requests made / answered", "Invites accepted", "usage-trend-table", "No sends in"},
			NotExpectedContent: []string{"Beta"},
		},
		{
			Name:   "manager cannot see another team's usage",
			Method: http.MethodGet, URL: "/usage?team=" + f.ID("beta"), Headers: f.CookieHeaders("managerA"), TestAppFactory: rich,
			ExpectedStatus: http.StatusForbidden, ExpectedContent: []string{"not allowed"},
		},
		{
			Name:   "member cannot open usage",
			Method: http.MethodGet, URL: "/usage", Headers: f.CookieHeaders("memberA"), TestAppFactory: rich,
			ExpectedStatus: http.StatusForbidden, ExpectedContent: []string{"not allowed"},
		},
		{
			Name:   "admin sees every team's usage for a picked month",
			Method: http.MethodGet, URL: "/usage?month=2026-01", Headers: f.CookieHeaders("admin"), TestAppFactory: rich,
			ExpectedStatus: http.StatusOK, ExpectedContent: []string{"January 2026", "Alpha", "Beta"},
		},
		{
			Name:   "usage JSON answers allocated, spent and remaining per member",
			Method: http.MethodGet, URL: "/api/tf/usage", Headers: f.AuthHeaders("managerA"), TestAppFactory: rich,
			ExpectedStatus: http.StatusOK, ExpectedContent: []string{`"handed_out":1000`, `"available":1000`, `"members":[`, `"requests_made":0`, `"trend":[`, `"touches":[]`},
		},
		{
			Name:   "member's ledger page shows only their own entries",
			Method: http.MethodGet, URL: "/ledger", Headers: f.CookieHeaders("memberB"), TestAppFactory: rich,
			ExpectedStatus: http.StatusOK, ExpectedContent: []string{"No entries match"},
			NotExpectedContent: []string{"member.a@acme.com</td>"},
		},
		{
			Name:   "manager filters the ledger by kind",
			Method: http.MethodGet, URL: "/ledger?kind=grant", Headers: f.CookieHeaders("managerA"), TestAppFactory: rich,
			ExpectedStatus: http.StatusOK, ExpectedContent: []string{"member.a@acme.com", "$10.00"},
		},
		{
			Name:   "a bad ledger filter names the field",
			Method: http.MethodGet, URL: "/ledger?from=yesterday", Headers: f.CookieHeaders("admin"), TestAppFactory: rich,
			ExpectedStatus: http.StatusBadRequest, ExpectedContent: []string{"Must be a date", `value="yesterday"`},
		},
		{
			Name:   "ledger JSON applies the same filter",
			Method: http.MethodGet, URL: "/api/tf/ledger?kind=spend", Headers: f.AuthHeaders("admin"), TestAppFactory: rich,
			ExpectedStatus: http.StatusOK, ExpectedContent: []string{`"items":[]`},
		},
	}
	for _, s := range scenarios {
		s.Test(t)
	}
}

func TestDecideMoneyRequestPages(t *testing.T) {
	f := testutil.Fixtures(t)
	formPost := func(v url.Values) *strings.Reader { v.Set("csrf_token", testutil.CSRF); return form(v) }
	for _, s := range []tests.ApiScenario{
		{
			Name:   "giver approves from the approvals tab and goes back there",
			Method: http.MethodPost, URL: "/money/requests/{id}/approve", Body: formPost(url.Values{"next": {"/approvals/money"}}),
			Headers: f.FormHeaders("managerA"), TestAppFactory: requestApp(800),
			ExpectedStatus: http.StatusSeeOther, ExpectedContent: []string{""},
			AfterTestFunc: all(testutil.ExpectLocation("/approvals/money"), expectRequestStatus("approved"),
				expectBalances(map[string]money.Cents{"memberA": 500, "managerA": 300})),
		},
		{
			Name:   "giver without funds is told so and the request stays pending",
			Method: http.MethodPost, URL: "/money/requests/{id}/approve", Body: formPost(url.Values{}),
			Headers: f.FormHeaders("managerA"), TestAppFactory: requestApp(100),
			ExpectedStatus: http.StatusSeeOther, ExpectedContent: []string{""},
			AfterTestFunc: all(testutil.ExpectLocation("/money"), expectRequestStatus("pending"),
				func(t testing.TB, _ *tests.TestApp, res *http.Response) {
					for _, c := range res.Cookies() {
						if c.Name == "tf_flash" && strings.HasPrefix(c.Value, "error:") {
							return
						}
					}
					t.Error("no error flash")
				}),
		},
		{
			Name:   "an unknown decision is not found",
			Method: http.MethodPost, URL: "/money/requests/{id}/pay", Body: formPost(url.Values{}),
			Headers: f.FormHeaders("managerA"), TestAppFactory: requestApp(800),
			ExpectedStatus: http.StatusNotFound, ExpectedContent: []string{"Not found"},
			AfterTestFunc: expectRequestStatus("pending"),
		},
	} {
		runOnRequest(t, s)
	}
}
