package web_test

import (
	"encoding/json"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tests"

	"teamfund/internal/budget"
	"teamfund/internal/ledger"
	"teamfund/internal/member"
	"teamfund/internal/money"
	"teamfund/internal/send"
	"teamfund/internal/testutil"
)

// overviewApp: memberA got 100.00, sent a 10.00 mug (went out) and a 30.00 hamper that
// waits for approval (Alpha's threshold is 20.00); memberB got 40.00 in Beta.
func overviewApp(t testing.TB) *tests.TestApp {
	f := testutil.Fixtures(t)
	app := testutil.NewApp(t)
	if _, err := app.DB().NewQuery("UPDATE teams SET approval_threshold = 2000 WHERE id = {:id}").
		Bind(dbx.Params{"id": f.ID("alpha")}).Execute(); err != nil {
		t.Fatal(err)
	}
	for key, amount := range map[string]int64{"memberA": 10000, "memberB": 4000} {
		if _, err := ledger.Post(app, ledger.Entry{Account: f.ID(key), Amount: money.Cents(amount), Kind: ledger.KindGrant, Reason: "test"}); err != nil {
			t.Fatal(err)
		}
	}
	col, err := app.FindCollectionByNameOrId("touches")
	if err != nil {
		t.Fatal(err)
	}
	for id, cost := range map[string]int{"touchmug0000001": 1000, "touchhamper0001": 3000} {
		r := core.NewRecord(col)
		r.Id = id
		r.Load(map[string]any{"name": id[5:11], "cost": cost, "status": "active", "teams": []string{f.ID("alpha")}})
		if err := app.Save(r); err != nil {
			t.Fatal(err)
		}
	}
	sender, err := member.Find(app, f.ID("memberA"))
	if err != nil {
		t.Fatal(err)
	}
	for _, touch := range []string{"touchmug0000001", "touchhamper0001"} {
		if _, err := send.Create(app, sender, send.Input{TouchID: touch, RecipientName: "Client", RecipientEmail: "client@example.com"}); err != nil {
			t.Fatal(err)
		}
	}
	return app
}

// TestTheOwnersMoneyPageIsTheCompanys: the Money page of the owner and admins shows what the
// company handed out as a positive figure, the teams and the monthly budgets the ledger
// really paid (also without a recorded run, as `teamfund demo` writes them); the admin page
// no longer says "No monthly budget has been paid yet".
func TestTheOwnersMoneyPageIsTheCompanys(t *testing.T) {
	f := testutil.Fixtures(t)
	month := string(budget.MonthOf(time.Now(), time.UTC))
	withMonthly := func(t testing.TB) *tests.TestApp {
		app := overviewApp(t)
		if _, err := ledger.Post(app, ledger.Entry{Account: f.ID("memberA2"), Amount: 10000, Kind: ledger.KindMonthly,
			Period: month, Reason: "Monthly budget " + month}); err != nil {
			t.Fatal(err)
		}
		return app
	}
	scenarios := []tests.ApiScenario{
		{
			Name:   "owner's Money page is the company's money, funding as a positive figure",
			Method: http.MethodGet, URL: "/money", Headers: f.CookieHeaders("owner"), TestAppFactory: withMonthly,
			ExpectedStatus: http.StatusOK,
			ExpectedContent: []string{"Company money", `id="funding-handed-out">$240.00`, `id="funding-spent">$10.00`,
				`id="funding-held">$30.00`, `id="funding-available">$200.00`, "Alpha", "Beta", `id="company-runs"`,
				`data-month="` + month + `"`, "When members joined or at month start"},
			NotExpectedContent: []string{"-$", "−$", "ask your manager or an admin to add you to a team", "No monthly budget has been paid yet"},
		},
		{
			Name:   "admin's own wallet stays one click away",
			Method: http.MethodGet, URL: "/money?view=mine", Headers: f.CookieHeaders("admin"), TestAppFactory: withMonthly,
			ExpectedStatus: http.StatusOK, ExpectedContent: []string{`id="balance"`, `href="/money" class="btn">Company money`},
		},
		{
			Name:   "money administration shows the handed-out total and the month paid by the ledger",
			Method: http.MethodGet, URL: "/money/admin", Headers: f.CookieHeaders("admin"), TestAppFactory: withMonthly,
			ExpectedStatus:     http.StatusOK,
			ExpectedContent:    []string{`id="company-handed-out">$240.00`, `data-month="` + month + `"`, "When members joined or at month start"},
			NotExpectedContent: []string{"No monthly budget has been paid yet", "negative balance"},
		},
		{
			Name:   "a manager's Money page stays their wallet",
			Method: http.MethodGet, URL: "/money", Headers: f.CookieHeaders("managerA"), TestAppFactory: withMonthly,
			ExpectedStatus: http.StatusOK, ExpectedContent: []string{`id="balance"`, `id="month-handed-out"`}, NotExpectedContent: []string{"Company money"},
		},
	}
	for _, s := range scenarios {
		s.Test(t)
	}
}

func TestOverviewPagesAndJSON(t *testing.T) {
	f := testutil.Fixtures(t)
	month := string(budget.MonthOf(time.Now(), time.UTC))
	scenarios := []tests.ApiScenario{
		{
			Name:   "owner lands on the company overview with every team, what waits and the setup checklist",
			Method: http.MethodGet, URL: "/", Headers: f.CookieHeaders("owner"), TestAppFactory: overviewApp,
			ExpectedStatus: http.StatusOK,
			ExpectedContent: []string{"Company overview", `id="kpi-handed-out">$140.00`, `id="kpi-spent">$10.00`, `id="kpi-held">$30.00`,
				`id="kpi-available">$100.00`, `data-team="` + f.ID("alpha"), `data-team="` + f.ID("beta"), "13%",
				`id="wait-sends"`, "send waiting for approval", `id="setup-checklist"`, "4 of 5 steps done", `id="wait-mails"`,
				`href="/ledger?from=` + month + `-01&amp;kind=handed_out&amp;to=`, `href="/sends?status=pending"`, `class="sparkline"`},
			NotExpectedContent: []string{`id="balance"`},
		},
		{
			Name:   "admin may look at one team's overview",
			Method: http.MethodGet, URL: "/?team=" + f.ID("beta"), Headers: f.CookieHeaders("admin"), TestAppFactory: overviewApp,
			ExpectedStatus:     http.StatusOK,
			ExpectedContent:    []string{"Team overview", `id="kpi-handed-out">$40.00`, `data-team="` + f.ID("beta")},
			NotExpectedContent: []string{`data-team="` + f.ID("alpha"), `id="setup-checklist"`},
		},
		{
			Name:   "manager lands on their own team's overview, without the company's mail and webhook failures",
			Method: http.MethodGet, URL: "/", Headers: f.CookieHeaders("managerA"), TestAppFactory: overviewApp,
			ExpectedStatus:     http.StatusOK,
			ExpectedContent:    []string{"Team overview", "Alpha", `id="kpi-spent">$10.00`, `href="/sends?status=pending&amp;team=` + f.ID("alpha")},
			NotExpectedContent: []string{`data-team="` + f.ID("beta"), `id="wait-mails"`, `id="setup-checklist"`, "$40.00"},
		},
		{
			Name:   "manager cannot open another team's overview",
			Method: http.MethodGet, URL: "/?team=" + f.ID("beta"), Headers: f.CookieHeaders("managerA"), TestAppFactory: overviewApp,
			ExpectedStatus: http.StatusForbidden, ExpectedContent: []string{"not allowed"},
		},
		{
			Name:   "member keeps the wallet dashboard with spent and held in the same words",
			Method: http.MethodGet, URL: "/", Headers: f.CookieHeaders("memberA"), TestAppFactory: overviewApp,
			ExpectedStatus:     http.StatusOK,
			ExpectedContent:    []string{`id="balance"`, `id="dash-spent">$10.00`, `$30.00 held for approval`},
			NotExpectedContent: []string{"overview-figures"},
		},
		{
			Name:   "the overview JSON for the company",
			Method: http.MethodGet, URL: "/api/tf/overview?month=" + month, Headers: f.AuthHeaders("admin"), TestAppFactory: overviewApp,
			ExpectedStatus: http.StatusOK,
			ExpectedContent: []string{`"month":"` + month + `"`, `"figures":{"opening":0,"held_before":0,"handed_out":14000,"transferred_in":0,"transferred_out":0,"returned":0,"refunded":0,"spent":1000,"held":3000,"available":10000}`,
				`"monthly_budget":30000`, `"used_percent":13`, `"failed_mails":0`, `"sends":1`, `"checklist":{`},
		},
		{
			Name:   "manager's JSON is their team's",
			Method: http.MethodGet, URL: "/api/tf/overview", Headers: f.AuthHeaders("managerA"), TestAppFactory: overviewApp,
			ExpectedStatus:     http.StatusOK,
			ExpectedContent:    []string{`"team":"` + f.ID("alpha") + `"`, `"handed_out":10000`},
			NotExpectedContent: []string{`"failed_mails"`, `"checklist"`, "Beta"},
		},
		{
			Name:   "manager's JSON for another team is refused",
			Method: http.MethodGet, URL: "/api/tf/overview?team=" + f.ID("beta"), Headers: f.AuthHeaders("managerA"), TestAppFactory: overviewApp,
			ExpectedStatus: http.StatusForbidden, ExpectedContent: []string{"not allowed"},
		},
		{
			Name:   "member's JSON is refused",
			Method: http.MethodGet, URL: "/api/tf/overview", Headers: f.AuthHeaders("memberA"), TestAppFactory: overviewApp,
			ExpectedStatus: http.StatusForbidden, ExpectedContent: []string{"not allowed"},
		},
		{
			Name:   "a bad month names the field",
			Method: http.MethodGet, URL: "/api/tf/overview?month=2026-13", Headers: f.AuthHeaders("owner"), TestAppFactory: overviewApp,
			ExpectedStatus: http.StatusBadRequest, ExpectedContent: []string{`"month"`, "2026-03"},
		},
		{
			Name:   "an unknown team is not found",
			Method: http.MethodGet, URL: "/api/tf/overview?team=nosuchteam0000", Headers: f.AuthHeaders("owner"), TestAppFactory: overviewApp,
			ExpectedStatus: http.StatusNotFound, ExpectedContent: []string{`"status":404`},
		},
		{
			Name:   "the ledger behind handed out lists grants, not sends",
			Method: http.MethodGet, URL: "/ledger?kind=handed_out", Headers: f.CookieHeaders("owner"), TestAppFactory: overviewApp,
			ExpectedStatus: http.StatusOK, ExpectedContent: []string{"member.b@acme.com", "$100.00", `value="handed_out" selected`},
			NotExpectedContent: []string{"Sent touchmug"},
		},
		{
			Name:   "a manager cannot hide the company's checklist",
			Method: http.MethodPost, URL: "/overview/checklist/dismiss", Headers: f.CookieHeaders("managerA"), TestAppFactory: overviewApp,
			ExpectedStatus: http.StatusForbidden, ExpectedContent: []string{"not allowed"},
		},
	}
	for _, s := range scenarios {
		s.Test(t)
	}
}

// TestTheChecklistIsTickedFromTheDataAndCanBeHidden: creating a touch ticks its step;
// hiding the checklist is stored with the company (gone for every admin).
func TestTheChecklistIsTickedFromTheDataAndCanBeHidden(t *testing.T) {
	f := testutil.Fixtures(t)
	app := testutil.NewApp(t)
	defer app.Cleanup()
	srv := testutil.Serve(t, app)
	get := func(who string) map[string]any {
		t.Helper()
		req, _ := http.NewRequest(http.MethodGet, srv.URL+"/api/tf/overview", nil)
		for k, v := range f.AuthHeaders(who) {
			req.Header.Set(k, v)
		}
		res, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer res.Body.Close()
		var out map[string]any
		if err := json.NewDecoder(res.Body).Decode(&out); err != nil {
			t.Fatal(err)
		}
		return out
	}
	steps := func(o map[string]any) map[string]bool {
		out := map[string]bool{}
		c, _ := o["checklist"].(map[string]any)
		list, _ := c["steps"].([]any)
		for _, s := range list {
			m := s.(map[string]any)
			out[m["key"].(string)] = m["done"].(bool)
		}
		return out
	}
	got := steps(get("owner"))
	if !got["team"] || !got["invite"] || !got["budget"] || got["touch"] || got["smtp"] {
		t.Fatalf("fixture company steps = %v, want team, invite and budget done, touch and smtp not", got)
	}
	col, _ := app.FindCollectionByNameOrId("touches")
	r := core.NewRecord(col)
	r.Load(map[string]any{"name": "Mug", "cost": 100, "status": "active"})
	if err := app.Save(r); err != nil {
		t.Fatal(err)
	}
	if got := steps(get("admin")); !got["touch"] {
		t.Errorf("after the first touch, steps = %v, want touch done", got)
	}

	req, _ := http.NewRequest(http.MethodPost, srv.URL+"/overview/checklist/dismiss", strings.NewReader("csrf_token="+f.CSRFToken("admin")))
	for k, v := range f.FormHeaders("admin") {
		req.Header.Set(k, v)
	}
	client := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	res, err := client.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(res.Body)
	res.Body.Close()
	if res.StatusCode != http.StatusSeeOther {
		t.Fatalf("dismiss: %d %s", res.StatusCode, body)
	}
	if o := get("owner"); o["checklist"] != nil {
		t.Errorf("after an admin hid it, the owner still gets the checklist %v", o["checklist"])
	}
}

// TestOverviewShowsTeamsFiftyAtATime: with 62 teams the owner's overview lists them 50 at a
// time by name, with a pager that keeps the month; the company's figures are still those of
// every team (memberA2's grant is booked on the last team, on page 2), the owner's Money page
// pages its teams the same way, and the JSON twin holds every row.
func TestOverviewShowsTeamsFiftyAtATime(t *testing.T) {
	f := testutil.Fixtures(t)
	month := string(budget.MonthOf(time.Now(), time.UTC))
	manyTeams := func(t testing.TB) *tests.TestApp {
		app := overviewApp(t)
		testutil.InsertTeams(t, app, 60, "")
		if _, err := app.DB().NewQuery("UPDATE users SET team = 'zteam0000000059' WHERE id = {:id}").
			Bind(dbx.Params{"id": f.ID("memberA2")}).Execute(); err != nil {
			t.Fatal(err)
		}
		if _, err := ledger.Post(app, ledger.Entry{Account: f.ID("memberA2"), Amount: 5000, Kind: ledger.KindGrant, Reason: "test"}); err != nil {
			t.Fatal(err)
		}
		return app
	}
	rows := func(want int, page, notOnPage string) func(testing.TB, *tests.TestApp, *http.Response) {
		return func(t testing.TB, _ *tests.TestApp, res *http.Response) {
			b, _ := io.ReadAll(res.Body)
			body := string(b)
			if got := strings.Count(body, `<tr data-team="`); got != want {
				t.Errorf("%d team rows, want %d", got, want)
			}
			if !strings.Contains(body, page) || strings.Contains(body, notOnPage) {
				t.Errorf("want %q and not %q on the page", page, notOnPage)
			}
		}
	}
	scenarios := []tests.ApiScenario{
		{
			Name:   "page 1: Alpha, Beta and 48 more; the company's figures count the last team too",
			Method: http.MethodGet, URL: "/", Headers: f.CookieHeaders("owner"), TestAppFactory: manyTeams,
			ExpectedStatus: http.StatusOK,
			ExpectedContent: []string{`id="kpi-handed-out">$190.00`, `data-team="` + f.ID("alpha"), "Teams 1–50 of 62",
				`href="/?month=` + month + `&amp;page=2#overview-teams" class="btn btn-sm ms-auto" rel="next"`},
			NotExpectedContent: []string{`rel="prev"`},
			AfterTestFunc:      rows(50, `data-team="zteam0000000047"`, `data-team="zteam0000000048"`),
		},
		{
			Name:   "page 2: the other 12 and a link back, for another month too",
			Method: http.MethodGet, URL: "/?month=" + month + "&page=2", Headers: f.CookieHeaders("admin"), TestAppFactory: manyTeams,
			ExpectedStatus: http.StatusOK,
			ExpectedContent: []string{`id="kpi-handed-out">$190.00`, `data-team="zteam0000000059"`, "Teams 51–62 of 62", "$50.00",
				`href="/?month=` + month + `#overview-teams" class="btn btn-sm" rel="prev"`},
			NotExpectedContent: []string{`rel="next"`},
			AfterTestFunc:      rows(12, `data-team="zteam0000000048"`, `data-team="`+f.ID("alpha")),
		},
		{
			Name:   "a page past the end shows the last",
			Method: http.MethodGet, URL: "/?page=9", Headers: f.CookieHeaders("owner"), TestAppFactory: manyTeams,
			ExpectedStatus: http.StatusOK, ExpectedContent: []string{"Teams 51–62 of 62"},
			AfterTestFunc: rows(12, `data-team="zteam0000000059"`, `data-team="zteam0000000047"`),
		},
		{
			Name:   "the owner's Money page lists the teams 50 at a time too",
			Method: http.MethodGet, URL: "/money?page=2", Headers: f.CookieHeaders("owner"), TestAppFactory: manyTeams,
			ExpectedStatus: http.StatusOK,
			ExpectedContent: []string{"Teams 51–62 of 62", `href="/money#company-teams" class="btn btn-sm" rel="prev"`,
				`<a href="/teams/zteam0000000059">`, "$50.00"},
			NotExpectedContent: []string{`<a href="/teams/` + f.ID("alpha") + `">`, `rel="next"`},
			AfterTestFunc: func(t testing.TB, _ *tests.TestApp, res *http.Response) {
				b, _ := io.ReadAll(res.Body)
				if n := strings.Count(string(b), `<tr><td data-label="Team">`); n != 12 {
					t.Errorf("%d team rows on page 2 of Money, want 12", n)
				}
			},
		},
		{
			Name:   "Usage of all teams lists them 50 at a time; its pager keeps the month",
			Method: http.MethodGet, URL: "/usage?month=" + month + "&page=2", Headers: f.CookieHeaders("admin"), TestAppFactory: manyTeams,
			ExpectedStatus: http.StatusOK,
			ExpectedContent: []string{`id="usage-team-pages"`, "Teams 51–62 of 62", "$50.00",
				`href="/usage?month=` + month + `#usage-teams" class="btn btn-sm" rel="prev"`,
				`<a href="/usage?month=` + month + `&amp;team=zteam0000000059">`},
			NotExpectedContent: []string{`&amp;team=` + f.ID("alpha") + `">`, `rel="next"`},
			AfterTestFunc: func(t testing.TB, _ *tests.TestApp, res *http.Response) {
				b, _ := io.ReadAll(res.Body)
				if n := strings.Count(string(b), `<tr><td data-label="Team">`); n != 12 {
					t.Errorf("%d team rows on page 2 of Usage, want 12", n)
				}
			},
		},
		{
			Name:   "Usage of one team shows its row without a team pager",
			Method: http.MethodGet, URL: "/usage?team=zteam0000000059&page=2", Headers: f.CookieHeaders("owner"), TestAppFactory: manyTeams,
			ExpectedStatus: http.StatusOK, ExpectedContent: []string{`<a href="/usage?month=` + month + `&amp;team=zteam0000000059">`},
			NotExpectedContent: []string{`id="usage-team-pages"`},
		},
		{
			Name:   "the usage JSON holds every team",
			Method: http.MethodGet, URL: "/api/tf/usage?month=" + month, Headers: f.AuthHeaders("owner"), TestAppFactory: manyTeams,
			ExpectedStatus: http.StatusOK, ExpectedContent: []string{`"id":"zteam0000000059"`, `"id":"` + f.ID("alpha")},
			AfterTestFunc: func(t testing.TB, _ *tests.TestApp, res *http.Response) {
				var u struct{ Teams []json.RawMessage }
				if err := json.NewDecoder(res.Body).Decode(&u); err != nil || len(u.Teams) != 62 {
					t.Errorf("%d teams in the usage JSON (%v), want 62", len(u.Teams), err)
				}
			},
		},
		{
			Name:   "the JSON twin holds every team",
			Method: http.MethodGet, URL: "/api/tf/overview", Headers: f.AuthHeaders("owner"), TestAppFactory: manyTeams,
			ExpectedStatus: http.StatusOK, ExpectedContent: []string{`"handed_out":19000`, `"id":"zteam0000000059"`, `"id":"` + f.ID("alpha")},
			AfterTestFunc: func(t testing.TB, _ *tests.TestApp, res *http.Response) {
				var o struct{ Teams []json.RawMessage }
				if err := json.NewDecoder(res.Body).Decode(&o); err != nil || len(o.Teams) != 62 {
					t.Errorf("%d teams in the JSON (%v), want 62", len(o.Teams), err)
				}
			},
		},
	}
	for _, s := range scenarios {
		s.Test(t)
	}
}
