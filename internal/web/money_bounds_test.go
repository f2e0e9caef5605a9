package web_test

import (
	"fmt"
	"net/http"
	"net/url"
	"testing"
	"time"

	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tests"

	"teamfund/internal/budget"
	"teamfund/internal/ledger"
	"teamfund/internal/money"
	"teamfund/internal/testutil"
)

// huge is the amount that overflowed the sums on the teams, usage and admin pages when two
// grants of it were accepted (5e18 cents).
const huge = "5000000000000000000"

// ledgerUnchanged remembers the number of ledger entries before the request and checks it after.
func ledgerUnchanged() (before func(testing.TB, *tests.TestApp, *core.ServeEvent), after func(testing.TB, *tests.TestApp, *http.Response)) {
	var n int64
	before = func(t testing.TB, app *tests.TestApp, _ *core.ServeEvent) {
		n, _ = app.CountRecords(ledger.Collection)
	}
	after = func(t testing.TB, app *tests.TestApp, _ *http.Response) {
		t.Helper()
		if got, _ := app.CountRecords(ledger.Collection); got != n {
			t.Errorf("ledger entries: got %d, want %d (nothing written)", got, n)
		}
		if bad, err := ledger.Reconcile(app); err != nil || len(bad) > 0 {
			t.Errorf("reconcile: %v %+v", err, bad)
		}
	}
	return before, after
}

func TestMoneyInputsAreBounded(t *testing.T) {
	f := testutil.Fixtures(t)
	alpha := f.ID("alpha")
	before, after := ledgerUnchanged()
	scenarios := []tests.ApiScenario{
		{
			Name: "manager's team balance change of 5e18 cents is refused naming the changes (JSON)", Method: http.MethodPost,
			URL:     "/api/tf/money/balances",
			Body:    jsonBody(`{"team":"` + alpha + `","reason":"bonus","changes":[{"user":"` + f.ID("memberA") + `","amount":` + huge + `}]}`),
			Headers: f.AuthHeaders("managerA"), TestAppFactory: testutil.NewApp, BeforeTestFunc: before, AfterTestFunc: after,
			ExpectedStatus: http.StatusBadRequest, ExpectedContent: []string{`"changes"`, "1,000,000,000.00"},
		},
		{
			Name: "manager's removal of -5e18 cents is refused the same way (JSON)", Method: http.MethodPost,
			URL:     "/api/tf/money/balances",
			Body:    jsonBody(`{"team":"` + alpha + `","reason":"oops","changes":[{"user":"` + f.ID("memberA") + `","amount":-` + huge + `}]}`),
			Headers: f.AuthHeaders("managerA"), TestAppFactory: testutil.NewApp, BeforeTestFunc: before, AfterTestFunc: after,
			ExpectedStatus: http.StatusBadRequest, ExpectedContent: []string{`"changes"`, "1,000,000,000.00"},
		},
		{
			Name: "the same member twice in one balance change is a 400 and writes nothing (JSON)", Method: http.MethodPost,
			URL: "/api/tf/money/balances",
			Body: jsonBody(`{"team":"` + alpha + `","reason":"bonus","changes":[{"user":"` + f.ID("memberA") + `","amount":100},` +
				`{"user":"` + f.ID("memberA") + `","amount":200}]}`),
			Headers: f.AuthHeaders("managerA"), TestAppFactory: testutil.NewApp, BeforeTestFunc: before, AfterTestFunc: after,
			ExpectedStatus: http.StatusBadRequest, ExpectedContent: []string{`"changes"`, "only once"},
		},
		{
			Name: "manager's group grant of 5e18 cents is refused naming the amount (JSON)", Method: http.MethodPost,
			URL: "/api/tf/money/group", Body: jsonBody(`{"team":"` + alpha + `","amount":` + huge + `}`),
			Headers: f.AuthHeaders("managerA"), TestAppFactory: testutil.NewApp, BeforeTestFunc: before, AfterTestFunc: after,
			ExpectedStatus: http.StatusBadRequest, ExpectedContent: []string{`"amount"`},
		},
		{
			Name: "manager's group grant above the bound is refused on the form", Method: http.MethodPost,
			URL: "/money/team/group", Body: form(url.Values{"team": {alpha}, "amount": {"50000000000000000"}}),
			Headers: f.FormHeaders("managerA"), TestAppFactory: testutil.NewApp, BeforeTestFunc: before, AfterTestFunc: after,
			ExpectedStatus: http.StatusUnprocessableEntity, ExpectedContent: []string{"Must be at most 1,000,000,000.00"},
		},
		{
			Name: "a grant that would take a balance above the largest balance is refused (JSON)", Method: http.MethodPost,
			URL:     "/api/tf/money/balances",
			Body:    jsonBody(`{"team":"` + alpha + `","reason":"bonus","changes":[{"user":"` + f.ID("memberA") + `","amount":200}]}`),
			Headers: f.AuthHeaders("managerA"), TestAppFactory: moneyApp(map[string]money.Cents{"memberA": money.MaxBalance - 100}),
			BeforeTestFunc: before, AfterTestFunc: after,
			ExpectedStatus: http.StatusConflict, ExpectedContent: []string{"largest balance"},
		},
		{
			Name: "admin's team with a monthly limit of 5e18 cents is refused naming the field (JSON)", Method: http.MethodPost,
			URL: "/api/tf/teams", Body: jsonBody(`{"name":"Gamma","budget_mode":"monthly","monthly_limit":` + huge + `}`),
			Headers: f.AuthHeaders("admin"), TestAppFactory: testutil.NewApp, ExpectedEvents: map[string]int{"*": 0},
			ExpectedStatus: http.StatusBadRequest, ExpectedContent: []string{`"monthly_limit"`, "1,000,000,000.00"},
		},
		{
			Name: "admin's team settings above the bound are refused naming each field (JSON)", Method: http.MethodPatch,
			URL: "/api/tf/teams/" + alpha, Body: jsonBody(`{"name":"Alpha","budget_mode":"monthly","monthly_limit":100,` +
				`"rollover_cap":` + huge + `,"max_per_send":` + huge + `,"approval_threshold":` + huge + `}`),
			Headers: f.AuthHeaders("admin"), TestAppFactory: testutil.NewApp, ExpectedEvents: map[string]int{"*": 0},
			ExpectedStatus: http.StatusBadRequest, ExpectedContent: []string{`"rollover_cap"`, `"max_per_send"`, `"approval_threshold"`},
		},
		{
			Name: "dashboard (records API) cannot store a monthly limit of 5e18 cents", Method: http.MethodPatch,
			URL: "/api/collections/teams/records/" + alpha, Body: jsonBody(`{"monthly_limit":` + huge + `}`),
			Headers: f.AuthHeaders("superuser"), TestAppFactory: testutil.NewApp, AfterTestFunc: expectStored("teams", alpha, "monthly_limit", 10000),
			ExpectedStatus: http.StatusBadRequest, ExpectedContent: []string{`"monthly_limit"`, "1,000,000,000.00"},
		},
		{
			Name: "dashboard (records API) cannot create a touch costing 5e18 cents", Method: http.MethodPost,
			URL: "/api/collections/touches/records", Body: jsonBody(`{"name":"Gold","status":"active","cost":` + huge + `}`),
			Headers: f.AuthHeaders("superuser"), TestAppFactory: testutil.NewApp, AfterTestFunc: expectCount("touches", 0),
			ExpectedStatus: http.StatusBadRequest, ExpectedContent: []string{`"cost"`, "1,000,000,000.00"},
		},
		{
			Name: "admin's move of 5e18 cents is refused naming the amount (JSON)", Method: http.MethodPost,
			URL: "/api/tf/money/move", Body: jsonBody(`{"from":"` + f.ID("memberA") + `","to":"` + f.ID("memberB") + `","amount":` + huge + `,"reason":"x"}`),
			Headers: f.AuthHeaders("admin"), TestAppFactory: testutil.NewApp, BeforeTestFunc: before, AfterTestFunc: after,
			ExpectedStatus: http.StatusBadRequest, ExpectedContent: []string{`"amount"`},
		},
		{
			Name: "member's request for 5e18 cents is refused naming the amount (JSON)", Method: http.MethodPost,
			URL: "/api/tf/money/requests", Body: jsonBody(`{"from":"` + f.ID("managerA") + `","amount":` + huge + `}`),
			Headers: f.AuthHeaders("memberA"), TestAppFactory: testutil.NewApp, ExpectedEvents: map[string]int{"*": 0},
			ExpectedStatus: http.StatusBadRequest, ExpectedContent: []string{`"amount"`},
		},
	}
	for _, s := range scenarios {
		s.Test(t)
	}
}

// maxedApp gives every member of alpha the largest single grant twice over, the most two
// manager grants can now do.
func maxedApp(tb testing.TB) *tests.TestApp {
	return moneyApp(map[string]money.Cents{"memberA": 2 * money.MaxAmount, "memberA2": 2 * money.MaxAmount,
		"managerA": 2 * money.MaxAmount})(tb)
}

func TestPagesWithTheLargestBalancesStillAnswer(t *testing.T) {
	f := testutil.Fixtures(t)
	var scenarios []tests.ApiScenario
	want := map[string]string{"/money/admin": `id="company-handed-out">$6,000,000,000.00`}
	for _, u := range []string{"/teams", "/usage", "/money/admin", "/money/team?team=" + f.ID("alpha"), "/api/tf/teams", "/api/tf/usage"} {
		if want[u] == "" {
			want[u] = "Alpha"
		}
		h := f.CookieHeaders("admin")
		if len(u) > 7 && u[:7] == "/api/tf" {
			h = f.AuthHeaders("admin")
		}
		scenarios = append(scenarios, tests.ApiScenario{
			Name: fmt.Sprintf("admin's %s answers with balances of twice the largest grant", u), Method: http.MethodGet,
			URL: u, Headers: h, TestAppFactory: maxedApp, ExpectedStatus: http.StatusOK, ExpectedContent: []string{want[u]},
		})
	}
	for _, s := range scenarios {
		s.Test(t)
	}
}

func TestDecimalCommaMovesWhatWasTyped(t *testing.T) {
	f := testutil.Fixtures(t)
	eurApp := func(tb testing.TB) *tests.TestApp {
		app := moneyApp(map[string]money.Cents{"memberA": 500000})(tb)
		exec(tb, app, "UPDATE company SET currency = 'EUR'", nil)
		return app
	}
	scenarios := []tests.ApiScenario{}
	for _, tt := range []struct {
		typed string
		want  money.Cents
	}{{"12,34", 1234}, {"1,5", 150}, {"1.234,56", 123456}, {"1,234.56", 123456}, {"12.34", 1234}} {
		scenarios = append(scenarios, tests.ApiScenario{
			Name: "member's transfer of " + tt.typed + " in a EUR company moves exactly that", Method: http.MethodPost,
			URL: "/money/transfer", Body: form(url.Values{"to": {f.ID("memberA2")}, "amount": {tt.typed}}),
			Headers: f.FormHeaders("memberA"), TestAppFactory: eurApp, ExpectedStatus: http.StatusSeeOther,
			AfterTestFunc: expectBalances(map[string]money.Cents{"memberA2": tt.want, "memberA": 500000 - tt.want}),
		})
	}
	for _, typed := range []string{"1.234", "1,234"} {
		scenarios = append(scenarios, tests.ApiScenario{
			Name: "member's transfer of " + typed + " is refused as ambiguous with how to write it", Method: http.MethodPost,
			URL: "/money/transfer", Body: form(url.Values{"to": {f.ID("memberA2")}, "amount": {typed}}),
			Headers: f.FormHeaders("memberA"), TestAppFactory: eurApp, ExpectedStatus: http.StatusUnprocessableEntity,
			ExpectedContent: []string{"ambiguous", "1,234.00", "1,23"},
			AfterTestFunc:   expectBalances(map[string]money.Cents{"memberA2": 0, "memberA": 500000}),
		})
	}
	for _, s := range scenarios {
		s.Test(t)
	}
}

// expectStored checks that field of record id in collection still holds want.
func expectStored(collection, id, field string, want int) func(testing.TB, *tests.TestApp, *http.Response) {
	return func(t testing.TB, app *tests.TestApp, _ *http.Response) {
		t.Helper()
		r, err := app.FindRecordById(collection, id)
		if err != nil || r.GetInt(field) != want {
			t.Errorf("%s.%s: got %v (%v), want %d", collection, field, r.Get(field), err, want)
		}
	}
}

// expectCount checks the number of records in collection.
func expectCount(collection string, want int64) func(testing.TB, *tests.TestApp, *http.Response) {
	return func(t testing.TB, app *tests.TestApp, _ *http.Response) {
		t.Helper()
		if got, err := app.CountRecords(collection); err != nil || got != want {
			t.Errorf("%s: %d records (%v), want %d", collection, got, err, want)
		}
	}
}

func TestALaterAllocationThatPaysNothingKeepsTheMonthsTriggerAndActor(t *testing.T) {
	f := testutil.Fixtures(t)
	month := budget.MonthOf(time.Now(), time.UTC)
	scenario := tests.ApiScenario{
		Name: "admin's rerun of an allocated month pays nothing and keeps the schedule as its trigger", Method: http.MethodPost,
		URL: "/api/tf/budgets/run", Body: jsonBody(`{"month":"` + string(month) + `"}`), Headers: f.AuthHeaders("admin"),
		TestAppFactory: func(tb testing.TB) *tests.TestApp {
			app := testutil.NewApp(tb)
			if _, err := budget.RunMonth(app, month, time.Now(), budget.TriggerSchedule, nil); err != nil {
				tb.Fatal(err)
			}
			return app
		},
		ExpectedStatus: http.StatusOK, ExpectedContent: []string{`"entries":0`},
		AfterTestFunc: func(t testing.TB, app *tests.TestApp, _ *http.Response) {
			var row struct {
				Entries int    `db:"entries"`
				Trigger string `db:"trigger"`
				Actor   string `db:"actor_email"`
			}
			if err := app.DB().NewQuery("SELECT entries, trigger, actor_email FROM budget_runs WHERE month = {:m}").
				Bind(map[string]any{"m": string(month)}).One(&row); err != nil {
				t.Fatal(err)
			}
			if row.Entries != 3 || row.Trigger != budget.TriggerSchedule || row.Actor != "system" {
				t.Errorf("run row: got %+v, want 3 entries by the schedule (system)", row)
			}
		},
	}
	scenario.Test(t)
}
