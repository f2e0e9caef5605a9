package web_test

import (
	"net/http"
	"testing"

	"github.com/pocketbase/pocketbase/tests"

	"teamfund/internal/testutil"
)

// TestSendVisibility is the visibility table of sends: role × own/other team × the
// team-records permission, the same on the HTML page, the JSON endpoint and the generic
// records API. Recipients of newSendsAppWithSends: memberA's "Rita Own" and "Pam Pending",
// memberA2's "Rick Teammate", managerA's "Manny Manager" (all alpha), memberB's "Bob Beta".
func TestSendVisibility(t *testing.T) {
	f := testutil.Fixtures(t)
	all := []string{"Rita Own", "Pam Pending", "Rick Teammate", "Manny Manager", "Bob Beta"}
	cases := []struct {
		who  string
		why  string
		sees []string
	}{
		{"memberA", "member without the team permission sees only own sends", []string{"Rita Own", "Pam Pending"}},
		{"memberA2", "member with the team permission sees the whole team's", []string{"Rita Own", "Pam Pending", "Rick Teammate", "Manny Manager"}},
		{"managerA", "manager sees their own team's sends", []string{"Rita Own", "Pam Pending", "Rick Teammate", "Manny Manager"}},
		{"managerB", "manager of the other team sees only that team's", []string{"Bob Beta"}},
		{"memberB", "member of the other team sees only own", []string{"Bob Beta"}},
		{"admin", "admin sees every send", all},
		{"owner", "owner sees every send", all},
		{"loner", "teamless member sees nothing", nil},
	}
	var scenarios []tests.ApiScenario
	for _, c := range cases {
		var hidden []string
		for _, name := range all {
			if !contains(c.sees, name) {
				hidden = append(hidden, name)
			}
		}
		expected := append([]string{}, c.sees...)
		if len(expected) == 0 {
			expected = []string{"No sends"}
		}
		scenarios = append(scenarios, tests.ApiScenario{
			Name: c.why + " (HTML)", Method: http.MethodGet, URL: "/sends", Headers: f.CookieHeaders(c.who),
			TestAppFactory: newSendsAppWithSends, ExpectedStatus: http.StatusOK,
			ExpectedContent: expected, NotExpectedContent: hidden,
		})
		if len(c.sees) == 0 {
			expected = []string{`"items":[]`}
		}
		scenarios = append(scenarios, tests.ApiScenario{
			Name: c.why + " (JSON)", Method: http.MethodGet, URL: "/api/tf/sends", Headers: f.AuthHeaders(c.who),
			TestAppFactory: newSendsAppWithSends, ExpectedStatus: http.StatusOK,
			ExpectedContent: expected, NotExpectedContent: hidden,
		})
		if len(c.sees) == 0 {
			expected = []string{`"items":[]`}
		}
		scenarios = append(scenarios, tests.ApiScenario{
			Name: c.why + " (records API)", Method: http.MethodGet, URL: "/api/collections/sends/records?perPage=100",
			Headers: f.AuthHeaders(c.who), TestAppFactory: newSendsAppWithSends, ExpectedStatus: http.StatusOK,
			ExpectedContent: append(expected, `"totalItems":`+itoa(len(c.sees))), NotExpectedContent: hidden,
		})
	}
	scenarios = append(scenarios,
		tests.ApiScenario{
			Name: "member cannot widen visibility with the member filter (JSON)", Method: http.MethodGet,
			URL: "/api/tf/sends?member=" + f.ID("memberB"), Headers: f.AuthHeaders("memberA"),
			TestAppFactory: newSendsAppWithSends, ExpectedStatus: http.StatusOK,
			ExpectedContent: []string{`"items":[]`}, NotExpectedContent: []string{"Bob Beta"},
		},
		tests.ApiScenario{
			Name: "a bad filter value is a 400 naming the parameter (JSON)", Method: http.MethodGet,
			URL: "/api/tf/sends?status=lost&from=yesterday", Headers: f.AuthHeaders("admin"),
			TestAppFactory: newSendsAppWithSends, ExpectedStatus: http.StatusBadRequest,
			ExpectedContent: []string{`"status"`, `"from"`},
		},
		tests.ApiScenario{
			Name: "a bad filter value is shown on the page with a 400 (HTML)", Method: http.MethodGet,
			URL: "/sends?to=2026-13-01", Headers: f.CookieHeaders("admin"),
			TestAppFactory: newSendsAppWithSends, ExpectedStatus: http.StatusBadRequest,
			ExpectedContent: []string{"Must be a date like 2026-01-31.", `name="member"`},
		},
		tests.ApiScenario{
			Name: "admin filters sends by status (HTML)", Method: http.MethodGet, URL: "/sends?status=pending",
			Headers: f.CookieHeaders("admin"), TestAppFactory: newSendsAppWithSends, ExpectedStatus: http.StatusOK,
			ExpectedContent: []string{"Pam Pending"}, NotExpectedContent: []string{"Rita Own", "Bob Beta"},
		},
		tests.ApiScenario{
			Name: "admin filters sends by team and member (JSON)", Method: http.MethodGet,
			URL:     "/api/tf/sends?team=" + f.ID("alpha") + "&member=" + f.ID("memberA2"),
			Headers: f.AuthHeaders("admin"), TestAppFactory: newSendsAppWithSends, ExpectedStatus: http.StatusOK,
			ExpectedContent: []string{"Rick Teammate"}, NotExpectedContent: []string{"Rita Own", "Bob Beta", "Manny Manager"},
		},
		tests.ApiScenario{
			Name: "admin filters sends by a date range without sends (JSON)", Method: http.MethodGet,
			URL: "/api/tf/sends?from=2020-01-01&to=2020-01-31", Headers: f.AuthHeaders("admin"),
			TestAppFactory: newSendsAppWithSends, ExpectedStatus: http.StatusOK, ExpectedContent: []string{`"items":[]`},
		},
		tests.ApiScenario{
			Name: "the sender sees a Cancel button on their pending send, a teammate does not (HTML)", Method: http.MethodGet,
			URL: "/sends", Headers: f.CookieHeaders("memberA"), TestAppFactory: newSendsAppWithSends,
			ExpectedStatus: http.StatusOK, ExpectedContent: []string{"/cancel", ">Pending</span>"},
		},
		tests.ApiScenario{
			Name: "a manager sees the team's pending send but cannot cancel it (HTML)", Method: http.MethodGet,
			URL: "/sends", Headers: f.CookieHeaders("managerA"), TestAppFactory: newSendsAppWithSends,
			ExpectedStatus: http.StatusOK, ExpectedContent: []string{"Pam Pending"}, NotExpectedContent: []string{"/cancel"},
		},
		tests.ApiScenario{
			Name: "manager approvals page lists the team's pending send (HTML)", Method: http.MethodGet,
			URL: "/approvals/sends", Headers: f.CookieHeaders("managerA"), TestAppFactory: newSendsAppWithSends,
			ExpectedStatus: http.StatusOK, ExpectedContent: []string{"Pam Pending", "Approve", "Reject", `aria-current="page">Sends`},
		},
		tests.ApiScenario{
			Name: "other team's manager has nothing to approve (HTML)", Method: http.MethodGet,
			URL: "/approvals/sends", Headers: f.CookieHeaders("managerB"), TestAppFactory: newSendsAppWithSends,
			ExpectedStatus: http.StatusOK, ExpectedContent: []string{"Nothing waits for your approval"}, NotExpectedContent: []string{"Pam Pending"},
		},
		tests.ApiScenario{
			Name: "member cannot open the approvals page (HTML)", Method: http.MethodGet,
			URL: "/approvals/sends", Headers: f.CookieHeaders("memberA2"), TestAppFactory: newSendsAppWithSends,
			ExpectedStatus: http.StatusForbidden, ExpectedContent: []string{"Only managers and admins approve sends."},
		},
		tests.ApiScenario{
			Name: "records API refuses to create a send (writes go through /api/tf/sends only)", Method: http.MethodPost,
			URL:     "/api/collections/sends/records",
			Body:    jsonBody(`{"touch":"` + mugID + `","sender":"` + f.ID("memberA") + `","recipient_name":"X","recipient_email":"x@y.example","cost":0,"status":"sent"}`),
			Headers: f.AuthHeaders("admin"), TestAppFactory: newSendsAppWithSends, ExpectedStatus: http.StatusForbidden,
			ExpectedContent: []string{"superusers"}, ExpectedEvents: map[string]int{"*": 0},
		},
		tests.ApiScenario{
			Name: "records API refuses to approve a pending send by patching it", Method: http.MethodPatch,
			URL: "/api/collections/sends/records/PENDING", Body: jsonBody(`{"status":"sent"}`),
			Headers: f.AuthHeaders("managerA"), TestAppFactory: newSendsAppWithSends, BeforeTestFunc: rewriteURLToPending,
			ExpectedStatus: http.StatusForbidden, ExpectedContent: []string{"superusers"}, ExpectedEvents: map[string]int{"*": 0},
		},
		tests.ApiScenario{
			Name: "records API refuses an admin restocking a touch directly", Method: http.MethodPatch,
			URL: "/api/collections/touches/records/" + emptyID, Body: jsonBody(`{"inventory":100,"status":"active"}`),
			Headers: f.AuthHeaders("admin"), TestAppFactory: newSendsApp, ExpectedStatus: http.StatusForbidden,
			ExpectedContent: []string{"superusers"}, ExpectedEvents: map[string]int{"*": 0},
		},
		tests.ApiScenario{
			Name: "member cannot read another team's send by id (JSON)", Method: http.MethodGet,
			URL: "/api/tf/sends/nosuchsend00000", Headers: f.AuthHeaders("memberA"), TestAppFactory: newSendsAppWithSends,
			ExpectedStatus: http.StatusNotFound, ExpectedContent: []string{"Not found."},
		},
	)
	for _, s := range scenarios {
		s.Test(t)
	}
}

func contains(list []string, s string) bool {
	for _, v := range list {
		if v == s {
			return true
		}
	}
	return false
}

func itoa(n int) string { return string(rune('0' + n)) }
