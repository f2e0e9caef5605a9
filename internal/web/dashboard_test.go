package web_test

import (
	"net/http"
	"testing"

	"github.com/pocketbase/pocketbase/tests"

	"teamfund/internal/ledger"
	"teamfund/internal/member"
	"teamfund/internal/testutil"
	"teamfund/internal/transfer"
)

func TestDashboardShowsWhatWaits(t *testing.T) {
	f := testutil.Fixtures(t)
	withRequest := func(t testing.TB) *tests.TestApp {
		app := testutil.NewApp(t)
		if _, err := ledger.Post(app, ledger.Entry{Account: f.ID("memberA"), Amount: 5000, Kind: ledger.KindGrant}); err != nil {
			t.Fatal(err)
		}
		asker, err := member.Find(app, f.ID("memberA2"))
		if err != nil {
			t.Fatal(err)
		}
		if _, err := transfer.Ask(app, asker, f.ID("memberA"), 1200, "lunch with a prospect"); err != nil {
			t.Fatal(err)
		}
		return app
	}
	scenarios := []tests.ApiScenario{
		{
			Name:   "member asked for money sees the request waiting and this month's figures",
			Method: http.MethodGet, URL: "/", Headers: f.CookieHeaders("memberA"), TestAppFactory: withRequest,
			ExpectedStatus:  http.StatusOK,
			ExpectedContent: []string{"1 money request to answer", "$50.00", "Handed out to you in", "Send a touch"},
		},
		{
			Name:   "the asker has nothing to answer and no admin actions",
			Method: http.MethodGet, URL: "/", Headers: f.CookieHeaders("memberA2"), TestAppFactory: withRequest,
			ExpectedStatus:     http.StatusOK,
			ExpectedContent:    []string{"Nothing to approve or answer."},
			NotExpectedContent: []string{"Run monthly budgets", "Invite people"},
		},
		{
			Name:   "admin lands on the company overview with the budgets action",
			Method: http.MethodGet, URL: "/", Headers: f.CookieHeaders("admin"), TestAppFactory: testutil.NewApp,
			ExpectedStatus: http.StatusOK, ExpectedContent: []string{"Company overview", `id="allocate-action"`, "Invite people"},
		},
	}
	for _, s := range scenarios {
		s.Test(t)
	}
}
