package rules_test

import (
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/pocketbase/pocketbase/tests"

	"teamfund/internal/budget"
	"teamfund/internal/member"
	"teamfund/internal/testutil"
	"teamfund/internal/transfer"
)

// moneyRulesApp has one allocation run and one pending request (memberA asks managerA).
func moneyRulesApp(tb testing.TB) *tests.TestApp {
	app := testutil.NewApp(tb)
	f := testutil.Fixtures(tb)
	if _, err := budget.RunMonth(app, budget.MonthOf(time.Now(), time.UTC), time.Now(), budget.TriggerCLI, nil); err != nil {
		tb.Fatal(err)
	}
	m, err := member.Find(app, f.ID("memberA"))
	if err != nil {
		tb.Fatal(err)
	}
	if _, err := transfer.Ask(app, m, f.ID("managerA"), 500, "fair"); err != nil {
		tb.Fatal(err)
	}
	return app
}

func TestMoneyRecordsAPIRules(t *testing.T) {
	f := testutil.Fixtures(t)
	requests := "/api/collections/money_requests/records"
	scenarios := []tests.ApiScenario{
		{
			Name:   "a manager cannot read the budget runs",
			Method: http.MethodGet, URL: "/api/collections/budget_runs/records", Headers: f.AuthHeaders("managerA"),
			TestAppFactory: moneyRulesApp, ExpectedStatus: http.StatusOK, ExpectedContent: []string{`"totalItems":0`},
		},
		{
			Name:   "an admin reads the budget runs",
			Method: http.MethodGet, URL: "/api/collections/budget_runs/records", Headers: f.AuthHeaders("admin"),
			TestAppFactory: moneyRulesApp, ExpectedStatus: http.StatusOK, ExpectedContent: []string{`"totalItems":1`},
		},
		{
			Name:   "the giver sees the request asked of them",
			Method: http.MethodGet, URL: requests, Headers: f.AuthHeaders("managerA"),
			TestAppFactory: moneyRulesApp, ExpectedStatus: http.StatusOK, ExpectedContent: []string{`"totalItems":1`},
		},
		{
			Name:   "someone in another team does not see it",
			Method: http.MethodGet, URL: requests, Headers: f.AuthHeaders("managerB"),
			TestAppFactory: moneyRulesApp, ExpectedStatus: http.StatusOK, ExpectedContent: []string{`"totalItems":0`},
		},
		{
			Name:   "nobody files a request through the records API",
			Method: http.MethodPost, URL: requests, Headers: f.AuthHeaders("memberA"),
			Body:           strings.NewReader(`{"requester":"` + f.ID("memberA") + `","giver":"` + f.ID("managerA") + `","amount":100,"status":"approved"}`),
			TestAppFactory: moneyRulesApp, ExpectedStatus: http.StatusForbidden, ExpectedContent: []string{`"data":{}`},
			ExpectedEvents: map[string]int{"*": 0},
		},
	}
	for _, s := range scenarios {
		s.Test(t)
	}
}
