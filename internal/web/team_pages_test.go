package web_test

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/pocketbase/pocketbase/tests"

	"teamfund/internal/testutil"
)

// bigTeamExtra is how many members appWithBigTeam adds to beta (which has managerB and
// memberB already): 62 members, two pages of 50 and 12.
const bigTeamExtra = 60

// appWithBigTeam is the fixture app with bigTeamExtra more members in beta
// (testutil.InsertTeamMembers: zbeta00000@acme.com …, after the fixture members).
func appWithBigTeam(t testing.TB) *tests.TestApp {
	app := testutil.NewApp(t)
	testutil.InsertTeamMembers(t, app, bigTeamExtra)
	return app
}

// memberRows checks that the team page in res has want member rows, and returns the body.
func memberRows(t testing.TB, res *http.Response, want int) string {
	t.Helper()
	b, _ := io.ReadAll(res.Body)
	body := string(b)
	if got := strings.Count(body, `<tr data-user="`); got != want {
		t.Errorf("%d member rows, want %d", got, want)
	}
	return body
}

func TestTeamPageShowsMembersFiftyAtATime(t *testing.T) {
	f := testutil.Fixtures(t)
	beta := f.ID("beta")
	first, last := `data-user="`+f.ID("managerB")+`"`, fmt.Sprintf("zbeta%05d@acme.com", bigTeamExtra-1)
	onPage1 := fmt.Sprintf("zbeta%05d@acme.com", 47) // 2 fixture members + zbeta00000…00047
	onPage2 := fmt.Sprintf("zbeta%05d@acme.com", 48)
	pageOne := func(t testing.TB, _ *tests.TestApp, res *http.Response) {
		body := memberRows(t, res, 50)
		for _, want := range []string{"page 1 of 2", `href="/teams/` + beta + `?page=2"`, first, onPage1} {
			if !strings.Contains(body, want) {
				t.Errorf("page 1 lacks %q", want)
			}
		}
		if strings.Contains(body, onPage2) || strings.Contains(body, "← Previous") {
			t.Error("page 1 shows page 2's members or a link back")
		}
	}
	pageTwo := func(t testing.TB, _ *tests.TestApp, res *http.Response) {
		body := memberRows(t, res, 12)
		for _, want := range []string{"page 2 of 2", `href="/teams/` + beta + `?page=1"`, onPage2, last,
			// every row keeps its remove action, which comes back to this page
			`action="/teams/` + beta + `/members/betamember00059/remove?page=2"`,
			`action="/teams/` + beta + `/members?page=2"`} {
			if !strings.Contains(body, want) {
				t.Errorf("page 2 lacks %q", want)
			}
		}
		if strings.Contains(body, first) || strings.Contains(body, "Next →") {
			t.Error("page 2 shows page 1's members or a link further")
		}
		if n := strings.Count(body, "/remove?page=2\""); n != 12 {
			t.Errorf("%d remove buttons on page 2, want 12", n)
		}
	}
	scenarios := []tests.ApiScenario{
		{
			Name: "page 1 of a big team: 50 members, the total and a link to page 2", Method: "GET", URL: "/teams/" + beta,
			Headers: f.CookieHeaders("managerB"), TestAppFactory: appWithBigTeam,
			ExpectedStatus: 200, ExpectedContent: []string{"62 members", `id="team-member-count">62<`}, AfterTestFunc: pageOne,
		},
		{
			Name: "page 2 of a big team: the other 12 and a link back", Method: "GET", URL: "/teams/" + beta + "?page=2",
			Headers: f.CookieHeaders("managerB"), TestAppFactory: appWithBigTeam,
			ExpectedStatus: 200, ExpectedContent: []string{"62 members"}, AfterTestFunc: pageTwo,
		},
		{
			Name: "an admin sees the same pages with the data permissions column", Method: "GET", URL: "/teams/" + beta + "?page=2",
			Headers: f.CookieHeaders("admin"), TestAppFactory: appWithBigTeam,
			ExpectedStatus: 200, ExpectedContent: []string{"Data permissions", `href="/users/betamember00059"`}, AfterTestFunc: pageTwo,
		},
		{
			Name: "a page past the end shows the last page", Method: "GET", URL: "/teams/" + beta + "?page=99",
			Headers: f.CookieHeaders("managerB"), TestAppFactory: appWithBigTeam,
			ExpectedStatus: 200, ExpectedContent: []string{"62 members"}, AfterTestFunc: pageTwo,
		},
		{
			Name: "a small team has one page and no pager", Method: "GET", URL: "/teams/" + f.ID("alpha") + "?page=3",
			Headers: f.CookieHeaders("managerA"), TestAppFactory: testutil.NewApp,
			ExpectedStatus: 200, ExpectedContent: []string{"4 members", "member.a2@acme.com"},
			NotExpectedContent: []string{"page 1 of", "Next →", "← Previous", "?page="},
		},
	}
	for _, bad := range []string{"0", "-3", "abc", "2.5", "%20"} {
		scenarios = append(scenarios, tests.ApiScenario{
			Name: "page=" + bad + " is page 1", Method: "GET", URL: "/teams/" + beta + "?page=" + bad,
			Headers: f.CookieHeaders("managerB"), TestAppFactory: appWithBigTeam,
			ExpectedStatus: 200, ExpectedContent: []string{"62 members"}, AfterTestFunc: pageOne,
		})
	}
	scenarios = append(scenarios,
		tests.ApiScenario{
			Name: "removing a member from page 2 comes back to page 2", Method: "POST",
			URL: "/teams/" + beta + "/members/betamember00059/remove?page=2", Headers: f.FormHeaders("managerB"),
			TestAppFactory: appWithBigTeam, ExpectedStatus: 303, ExpectedContent: []string{""},
			AfterTestFunc: func(t testing.TB, app *tests.TestApp, res *http.Response) {
				testutil.ExpectLocation("/teams/"+beta+"?page=2")(t, app, res)
				if m := testutil.Member(t, app, "betamember00059"); m.TeamID() != "" {
					t.Error("the member is still in the team")
				}
			},
		},
		tests.ApiScenario{
			Name: "saving the settings from page 2 comes back to page 2", Method: "POST", URL: "/teams/" + beta + "?page=2",
			Body: form(url.Values{"name": {"Beta"}, "budget_mode": {"one_time"}, "month_rule": {"rollover"}}), Headers: f.FormHeaders("admin"),
			TestAppFactory: appWithBigTeam, ExpectedStatus: 303, ExpectedContent: []string{""},
			AfterTestFunc: testutil.ExpectLocation("/teams/" + beta + "?page=2"),
		},
		tests.ApiScenario{
			Name: "a form sent from page 1 comes back without a page", Method: "POST",
			URL: "/teams/" + beta + "/members/betamember00000/remove", Headers: f.FormHeaders("managerB"),
			TestAppFactory: appWithBigTeam, ExpectedStatus: 303, ExpectedContent: []string{""},
			AfterTestFunc: func(t testing.TB, app *tests.TestApp, res *http.Response) {
				if got := res.Header.Get("Location"); got != "/teams/"+beta {
					t.Errorf("Location = %q, want /teams/%s", got, beta)
				}
			},
		},
		tests.ApiScenario{
			Name: "the JSON team still lists every member", Method: "GET", URL: "/api/tf/teams/" + beta,
			Headers: f.AuthHeaders("managerB"), TestAppFactory: appWithBigTeam,
			ExpectedStatus: 200, ExpectedContent: []string{`"email":"manager.b@acme.com"`, `"email":"` + last + `"`},
		},
	)
	for _, s := range scenarios {
		s.Test(t)
	}
}

// TestUsagePageShowsMembersFiftyAtATime: the usage page's member table and chart show 50
// members at a time with links between the pages that keep the month and team; a page past
// the end shows the last; the JSON twin still lists every member.
func TestUsagePageShowsMembersFiftyAtATime(t *testing.T) {
	f := testutil.Fixtures(t)
	beta := f.ID("beta")
	rows := func(want int, has, hasNot []string) func(testing.TB, *tests.TestApp, *http.Response) {
		return func(t testing.TB, _ *tests.TestApp, res *http.Response) {
			b, _ := io.ReadAll(res.Body)
			body := string(b)
			table := body[strings.Index(body, `id="usage-members-table"`):]
			table = table[:strings.Index(table, "</table>")]
			if got := strings.Count(table, `<td data-label="Member">`); got != want {
				t.Errorf("%d member rows, want %d", got, want)
			}
			for _, s := range has {
				if !strings.Contains(body, s) {
					t.Errorf("the page lacks %q", s)
				}
			}
			for _, s := range hasNot {
				if strings.Contains(body, s) {
					t.Errorf("the page shows %q", s)
				}
			}
		}
	}
	month := "month=" + time.Now().Format("2006-01")
	scenarios := []tests.ApiScenario{
		{
			Name: "page 1: 50 members and a link to page 2", Method: "GET", URL: "/usage?team=" + beta,
			Headers: f.CookieHeaders("managerB"), TestAppFactory: appWithBigTeam, ExpectedStatus: 200, ExpectedContent: []string{"Members of Beta"},
			AfterTestFunc: rows(50, []string{"62 members · page 1 of 2", "Zed 00047", `rel="next"`}, []string{"Zed 00048", `rel="prev"`}),
		},
		{
			Name: "page 2: the other 12 and a link back that keeps the team", Method: "GET", URL: "/usage?team=" + beta + "&page=2",
			Headers: f.CookieHeaders("admin"), TestAppFactory: appWithBigTeam, ExpectedStatus: 200, ExpectedContent: []string{"Members of Beta"},
			AfterTestFunc: rows(12, []string{"page 2 of 2", "Zed 00048", "Zed 00059", `rel="prev"`, "team=" + beta}, []string{"Zed 00047<", `rel="next"`}),
		},
		{
			Name: "a page past the end shows the last", Method: "GET", URL: "/usage?team=" + beta + "&page=99",
			Headers: f.CookieHeaders("managerB"), TestAppFactory: appWithBigTeam, ExpectedStatus: 200, ExpectedContent: []string{"Members of Beta"},
			AfterTestFunc: rows(12, []string{"page 2 of 2"}, nil),
		},
		{
			Name: "a bad page is page 1", Method: "GET", URL: "/usage?team=" + beta + "&page=abc",
			Headers: f.CookieHeaders("managerB"), TestAppFactory: appWithBigTeam, ExpectedStatus: 200, ExpectedContent: []string{"Members of Beta"},
			AfterTestFunc: rows(50, []string{"page 1 of 2"}, nil),
		},
		{
			Name: "the JSON twin lists every member", Method: "GET", URL: "/api/tf/usage?team=" + beta + "&" + month,
			Headers: f.AuthHeaders("managerB"), TestAppFactory: appWithBigTeam, ExpectedStatus: 200,
			ExpectedContent: []string{`"email":"zbeta00059@acme.com"`},
			AfterTestFunc: func(t testing.TB, _ *tests.TestApp, res *http.Response) {
				var out struct {
					Members []struct {
						Email string `json:"email"`
					} `json:"members"`
				}
				if err := json.NewDecoder(res.Body).Decode(&out); err != nil || len(out.Members) != bigTeamExtra+2 {
					t.Errorf("%d members in the JSON (%v), want %d", len(out.Members), err, bigTeamExtra+2)
				}
			},
		},
	}
	for _, s := range scenarios {
		s.Test(t)
	}
}
