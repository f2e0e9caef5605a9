package web_test

import (
	"net/http"
	"strings"
	"testing"

	"github.com/pocketbase/pocketbase/tests"

	"teamfund/internal/testutil"
)

func TestGuidedTour(t *testing.T) {
	f := testutil.Fixtures(t)
	seenAs := func(key, role string) func(testing.TB) *tests.TestApp {
		return func(tb testing.TB) *tests.TestApp {
			app := testutil.NewApp(tb)
			if _, err := app.DB().NewQuery("UPDATE users SET tour_seen = {:r} WHERE id = {:id}").
				Bind(map[string]any{"r": role, "id": f.ID(key)}).Execute(); err != nil {
				tb.Fatal(err)
			}
			return app
		}
	}
	scenarios := []tests.ApiScenario{
		{
			Name:   "a member's first dashboard starts the member tour: balance and send here, then the money, sends and ledger pages, then the menu",
			Method: http.MethodGet, URL: "/", Headers: f.CookieHeaders("memberA"), TestAppFactory: testutil.NewApp,
			ExpectedStatus: 200, ExpectedContent: []string{`id="tour-data"`, `id="tour-steps"`, `"autostart":true`, `"#balance"`, `"#send-action"`,
				`"page":"/money"`, `"page":"/sends"`, `"page":"/ledger"`, `[data-tour-start]`, "vendor/driver-1.8.0.iife.js"},
			NotExpectedContent: []string{`"page":"/approvals/sends"`, `"page":"/money/admin"`},
		},
		{
			Name:   "a manager's tour goes to the approvals, invites and usage pages",
			Method: http.MethodGet, URL: "/", Headers: f.CookieHeaders("managerA"), TestAppFactory: testutil.NewApp,
			ExpectedStatus: 200, ExpectedContent: []string{`"autostart":true`, `"page":"/approvals/sends"`, `"page":"/invites"`, `"page":"/usage"`},
			NotExpectedContent: []string{`"page":"/money/admin"`, `"page":"/settings"`},
		},
		{
			Name:   "an admin's tour goes to the budgets form on the money administration page, not to the owner's settings",
			Method: http.MethodGet, URL: "/", Headers: f.CookieHeaders("admin"), TestAppFactory: testutil.NewApp,
			ExpectedStatus: 200, ExpectedContent: []string{`"page":"/money/admin","element":"#allocate-form"`, `"page":"/users"`},
			NotExpectedContent: []string{`"page":"/settings"`},
		},
		{
			Name:   "a member who skipped the tour does not get it by itself again",
			Method: http.MethodGet, URL: "/", Headers: f.CookieHeaders("memberA"), TestAppFactory: seenAs("memberA", "member"),
			ExpectedStatus: 200, ExpectedContent: []string{`"autostart":false`},
		},
		{
			Name:   "asking for the tour starts it again",
			Method: http.MethodGet, URL: "/?tour=start", Headers: f.CookieHeaders("memberA"), TestAppFactory: seenAs("memberA", "member"),
			ExpectedStatus: 200, ExpectedContent: []string{`"autostart":true`},
		},
		{
			Name:   "a member promoted to manager gets the manager tour once",
			Method: http.MethodGet, URL: "/", Headers: f.CookieHeaders("managerA"), TestAppFactory: seenAs("managerA", "member"),
			ExpectedStatus: 200, ExpectedContent: []string{`"autostart":true`},
		},
		{
			Name:   "finishing or skipping the tour remembers it for the user's role",
			Method: http.MethodPost, URL: "/tour/seen", Headers: f.CookieHeaders("managerA"), TestAppFactory: testutil.NewApp,
			ExpectedStatus: http.StatusNoContent, ExpectedContent: []string{},
			AfterTestFunc: func(t testing.TB, app *tests.TestApp, _ *http.Response) {
				u := testutil.Member(t, app, f.ID("managerA"))
				if u.TourDue() || !strings.EqualFold(u.GetString("tour_seen"), "manager") {
					t.Errorf("tour_seen = %q, want manager", u.GetString("tour_seen"))
				}
			},
		},
		{
			Name:   "a guest cannot mark a tour",
			Method: http.MethodPost, URL: "/tour/seen", Headers: f.CookieHeaders(""), TestAppFactory: testutil.NewApp,
			ExpectedStatus: http.StatusSeeOther, ExpectedContent: []string{""},
		},
	}
	for _, s := range scenarios {
		s.Test(t)
	}
}
