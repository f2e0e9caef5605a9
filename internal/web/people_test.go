package web_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/pocketbase/pocketbase/tests"

	"teamfund/internal/ledger"
	"teamfund/internal/member"
	"teamfund/internal/testutil"
)

func TestThePersonPickerSearchesByNameOrEmail(t *testing.T) {
	f := testutil.Fixtures(t)
	funded := func(t testing.TB) *tests.TestApp {
		app := testutil.NewApp(t)
		if _, err := ledger.Post(app, ledger.Entry{Account: f.ID("memberA"), Amount: 5000, Kind: ledger.KindGrant}); err != nil {
			t.Fatal(err)
		}
		return app
	}
	move := func(from, to string) *strings.Reader {
		return strings.NewReader(url.Values{"csrf_token": {f.CSRFToken("admin")}, "from": {from}, "to": {to},
			"amount": {"12.50"}, "reason": {"trade fair"}}.Encode())
	}
	scenarios := []tests.ApiScenario{
		{
			Name:   "the move form offers a searchable picker that works without JavaScript",
			Method: http.MethodGet, URL: "/money/admin", Headers: f.CookieHeaders("admin"), TestAppFactory: testutil.NewApp,
			ExpectedStatus: http.StatusOK,
			ExpectedContent: []string{`list="move-from-people"`, `<datalist id="move-to-people">`, `hx-get="/people/search?purpose=move&field=to"`,
				`<option value="member.a@acme.com">Max Member · Alpha</option>`, `<label class="form-label" for="move-from">From</label>`},
			NotExpectedContent: []string{`type="email" name="from"`, "locked@acme.com"},
		},
		{
			Name:   "admin finds people by first name",
			Method: http.MethodGet, URL: "/people/search?field=to&to=mon", Headers: f.HTMXHeaders("admin"), TestAppFactory: testutil.NewApp,
			ExpectedStatus:     http.StatusOK,
			ExpectedContent:    []string{`<option value="member.a2@acme.com">Mona Member · Alpha</option>`},
			NotExpectedContent: []string{"member.a@acme.com", "<html"},
		},
		{
			Name:   "admin finds people by email",
			Method: http.MethodGet, URL: "/people/search?field=from&from=manager.b", Headers: f.HTMXHeaders("admin"), TestAppFactory: testutil.NewApp,
			ExpectedStatus: http.StatusOK, ExpectedContent: []string{`value="manager.b@acme.com"`}, NotExpectedContent: []string{"manager.a@acme.com"},
		},
		{
			Name:   "a manager finds only their own team",
			Method: http.MethodGet, URL: "/people/search?field=to&to=b", Headers: f.HTMXHeaders("managerA"), TestAppFactory: testutil.NewApp,
			ExpectedStatus: http.StatusOK, NotExpectedContent: []string{"acme.com"},
		},
		{
			Name:   "a member cannot search people",
			Method: http.MethodGet, URL: "/people/search?field=to&to=m", Headers: f.HTMXHeaders("memberA"), TestAppFactory: testutil.NewApp,
			ExpectedStatus: http.StatusForbidden, ExpectedContent: []string{"not allowed"},
		},
		{
			Name:   "the move accepts a picked email and a unique name",
			Method: http.MethodPost, URL: "/money/admin/move", Headers: f.FormHeaders("admin"), TestAppFactory: funded,
			Body:           move("member.a@acme.com", "mona member"),
			ExpectedStatus: http.StatusSeeOther, ExpectedContent: []string{},
			AfterTestFunc: func(t testing.TB, app *tests.TestApp, _ *http.Response) {
				m, err := member.Find(app, f.ID("memberA2"))
				if err != nil || m.Balance() != 1250 {
					t.Errorf("Mona's balance: %v, %v; want 12.50", m.Balance(), err)
				}
			},
		},
		{
			Name:   "an unknown person is named on the field, nothing moves",
			Method: http.MethodPost, URL: "/money/admin/move", Headers: f.FormHeaders("admin"), TestAppFactory: funded,
			Body:            move("member.a@acme.com", "Nobody Here"),
			ExpectedStatus:  http.StatusUnprocessableEntity,
			ExpectedContent: []string{`value="Nobody Here"`, "No active user has that email or name"},
			AfterTestFunc: func(t testing.TB, app *tests.TestApp, _ *http.Response) {
				m, _ := member.Find(app, f.ID("memberA"))
				if m.Balance() != 5000 {
					t.Errorf("memberA's balance %v, want 50.00 untouched", m.Balance())
				}
			},
		},
	}
	for _, s := range scenarios {
		s.Test(t)
	}
}
