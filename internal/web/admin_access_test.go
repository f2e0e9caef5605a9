package web_test

import (
	"net/http"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tests"

	"teamfund/internal/testutil"
)

// adminCase is one action of the teams/users/leave/audit area, as a page request and
// its JSON twin, with the status each actor gets: "actor=html/json". A refused request
// must write nothing.
type adminCase struct {
	name                 string
	htmlMethod, htmlPath string
	htmlBody             string // urlencoded
	jsonMethod, jsonPath string
	jsonBody             string
	want                 string
}

const leaveRequestID = "leavereq0000001"

var adminCases = []adminCase{
	{"list teams", "GET", "/teams", "", "GET", "/api/tf/teams", "",
		"owner=200/200 admin=200/200 managerA=200/200 managerB=200/200 memberA=200/200 memberB=200/200"},
	{"create a team", "POST", "/teams", "name=Gamma", "POST", "/api/tf/teams", `{"name":"Gamma"}`,
		"owner=303/201 admin=303/201 managerA=403/403 managerB=403/403 memberA=403/403 memberB=403/403"},
	{"view team alpha", "GET", "/teams/{alpha}", "", "GET", "/api/tf/teams/{alpha}", "",
		"owner=200/200 admin=200/200 managerA=200/200 managerB=404/404 memberA=200/200 memberB=404/404"},
	{"change alpha's settings", "POST", "/teams/{alpha}", "name=Alpha+2&budget_mode=one_time&month_rule=reset", "PATCH", "/api/tf/teams/{alpha}", `{"name":"Alpha 2"}`,
		"owner=303/200 admin=303/200 managerA=303/200 managerB=404/404 memberA=403/403 memberB=404/404"},
	{"delete team alpha", "POST", "/teams/{alpha}/delete", "", "DELETE", "/api/tf/teams/{alpha}", "",
		"owner=303/204 admin=403/403 managerA=403/403 managerB=404/404 memberA=403/403 memberB=404/404"},
	{"add a teamless user to alpha", "POST", "/teams/{alpha}/members", "email=loner%40acme.com", "POST", "/api/tf/teams/{alpha}/members", `{"email":"loner@acme.com"}`,
		"owner=303/204 admin=303/204 managerA=303/204 managerB=404/404 memberA=403/403 memberB=404/404"},
	{"remove a member from alpha", "POST", "/teams/{alpha}/members/{memberA2}/remove", "", "DELETE", "/api/tf/teams/{alpha}/members/{memberA2}", "",
		"owner=303/204 admin=303/204 managerA=303/204 managerB=404/404 memberA=403/403 memberB=404/404"},
	{"list users", "GET", "/users", "", "GET", "/api/tf/users", "",
		"owner=200/200 admin=200/200 managerA=200/200 managerB=200/200 memberA=403/403 memberB=403/403"},
	{"view an alpha member", "GET", "/users/{memberA}", "", "GET", "/api/tf/users/{memberA}", "",
		"owner=200/200 admin=200/200 managerA=200/200 managerB=404/404 memberA=404/404 memberB=404/404"},
	{"make an alpha member a manager", "POST", "/users/{memberA}/role", "role=manager", "POST", "/api/tf/users/{memberA}/role", `{"role":"manager"}`,
		"owner=303/200 admin=303/200 managerA=303/200 managerB=404/404 memberA=404/404 memberB=404/404"},
	{"raise an alpha member to admin", "POST", "/users/{memberA}/role", "role=admin", "POST", "/api/tf/users/{memberA}/role", `{"role":"admin"}`,
		"owner=303/200 admin=303/200 managerA=403/403 managerB=404/404 memberA=404/404 memberB=404/404"},
	{"move an alpha member to beta", "POST", "/users/{memberA}/team", "team={beta}", "POST", "/api/tf/users/{memberA}/team", `{"team":"{beta}"}`,
		"owner=303/200 admin=303/200 managerA=403/403 managerB=404/404 memberA=404/404 memberB=404/404"},
	{"deactivate an alpha member", "POST", "/users/{memberA}/deactivate", "", "POST", "/api/tf/users/{memberA}/deactivate", "",
		"owner=303/200 admin=303/200 managerA=403/403 managerB=404/404 memberA=404/404 memberB=404/404"},
	{"reactivate a locked alpha member", "POST", "/users/{locked}/reactivate", "", "POST", "/api/tf/users/{locked}/reactivate", "",
		"owner=303/200 admin=303/200 managerA=403/403 managerB=404/404 memberA=404/404 memberB=404/404"},
	{"delete an alpha member", "POST", "/users/{memberA}/delete", "successor_email=member.a2%40acme.com", "POST", "/api/tf/users/{memberA}/delete", `{"successor":"{memberA2}"}`,
		"owner=303/200 admin=303/200 managerA=403/403 managerB=404/404 memberA=404/404 memberB=404/404"},
	{"change an alpha member's email", "POST", "/users/{memberA}/email", "email=max%40acme.com", "POST", "/api/tf/users/{memberA}/email", `{"email":"max@acme.com"}`,
		"owner=303/200 admin=303/200 managerA=403/403 managerB=404/404 memberA=404/404 memberB=404/404"},
	{"send an alpha member a password reset", "POST", "/users/{memberA}/password-reset", "", "POST", "/api/tf/users/{memberA}/password-reset", "",
		"owner=303/200 admin=303/200 managerA=403/403 managerB=404/404 memberA=404/404 memberB=404/404"},
	{"set an alpha member's data permissions", "POST", "/users/{memberA}/permissions", "may_export=on&record_visibility=team", "POST", "/api/tf/users/{memberA}/permissions", `{"may_export":true,"record_visibility":"team"}`,
		"owner=303/200 admin=303/200 managerA=303/200 managerB=404/404 memberA=404/404 memberB=404/404"},
	{"transfer ownership to the admin", "POST", "/users/{admin}/transfer-ownership", "", "POST", "/api/tf/users/{admin}/transfer-ownership", "",
		"owner=303/200 admin=403/403 managerA=404/404 managerB=404/404 memberA=404/404 memberB=404/404"},
	{"bulk: make an alpha member a manager", "POST", "/users/bulk", "action=role&role=manager&ids={memberA}", "POST", "/api/tf/users/bulk", `{"action":"role","role":"manager","ids":["{memberA}"]}`,
		"owner=303/200 admin=303/200 managerA=303/200 managerB=409/409 memberA=403/403 memberB=403/403"},
	{"leave their own team", "POST", "/leave", "", "POST", "/api/tf/leave", "",
		"owner=409/409 admin=409/409 managerA=303/200 managerB=303/200 memberA=303/200 memberB=303/200"},
	{"withdraw someone else's leave request (only one's own exists)", "POST", "/leave/withdraw", "", "POST", "/api/tf/leave/withdraw", "",
		"owner=404/404 admin=404/404 managerA=404/404 managerB=404/404 memberA=404/404 memberB=404/404"},
	{"see leave requests", "GET", "/approvals/leave", "", "GET", "/api/tf/leave-requests?status=pending", "",
		"owner=200/200 admin=200/200 managerA=200/200 managerB=200/200 memberA=403/200 memberB=403/200"},
	{"approve a leave request of alpha", "POST", "/approvals/leave/" + leaveRequestID + "/approve", "", "POST", "/api/tf/leave-requests/" + leaveRequestID + "/approve", "",
		"owner=303/204 admin=303/204 managerA=303/204 managerB=403/403 memberA=403/403 memberB=403/403"},
	{"decline a leave request of alpha", "POST", "/approvals/leave/" + leaveRequestID + "/decline", "", "POST", "/api/tf/leave-requests/" + leaveRequestID + "/decline", "",
		"owner=303/204 admin=303/204 managerA=303/204 managerB=403/403 memberA=403/403 memberB=403/403"},
	{"browse the audit log", "GET", "/audit?action=user.role", "", "GET", "/api/tf/audit", "",
		"owner=200/200 admin=200/200 managerA=403/403 managerB=403/403 memberA=403/403 memberB=403/403"},
}

var fixtureRef = regexp.MustCompile(`\{(\w+)\}`)

func fillIDs(f *testutil.Fixture, s string) string {
	return fixtureRef.ReplaceAllStringFunc(s, func(m string) string { return f.ID(m[1 : len(m)-1]) })
}

// appWithLeaveRequest is the fixture app plus a pending request of memberA2 to leave alpha.
func appWithLeaveRequest(t testing.TB) *tests.TestApp {
	f := testutil.Fixtures(t)
	app := testutil.NewApp(t)
	col, err := app.FindCollectionByNameOrId("leave_requests")
	if err != nil {
		t.Fatal(err)
	}
	r := core.NewRecord(col)
	r.Id = leaveRequestID
	r.Load(map[string]any{"user": f.ID("memberA2"), "team": f.ID("alpha"), "status": "pending"})
	if err := app.Save(r); err != nil {
		t.Fatal(err)
	}
	return app
}

func TestAdminActionsAccessTable(t *testing.T) {
	f := testutil.Fixtures(t)
	for _, c := range adminCases {
		for _, cell := range strings.Fields(c.want) {
			actor, codes, _ := strings.Cut(cell, "=")
			htmlCode, jsonCode, _ := strings.Cut(codes, "/")
			for _, kind := range []string{"html", "json"} {
				code, _ := strconv.Atoi(htmlCode)
				s := tests.ApiScenario{
					Name:   kind + ": " + actor + " may " + c.name + "? " + strconv.Itoa(code),
					Method: c.htmlMethod, URL: fillIDs(f, c.htmlPath), Body: strings.NewReader(fillIDs(f, c.htmlBody)),
					Headers: f.FormHeaders(actor), TestAppFactory: appWithLeaveRequest,
					NotExpectedContent: []string{"Something went wrong"},
				}
				if kind == "json" {
					code, _ = strconv.Atoi(jsonCode)
					s.Name = kind + ": " + actor + " may " + c.name + "? " + strconv.Itoa(code)
					s.Method, s.URL, s.Body = c.jsonMethod, fillIDs(f, c.jsonPath), strings.NewReader(fillIDs(f, c.jsonBody))
					s.Headers = f.AuthHeaders(actor)
					s.Headers["Content-Type"] = "application/json"
				}
				s.ExpectedStatus = code
				if code >= 400 && s.Method != http.MethodGet {
					s.ExpectedEvents = map[string]int{"*": 0}
				}
				if code == http.StatusNoContent || code == http.StatusSeeOther {
					s.NotExpectedContent = nil
					s.ExpectedContent = []string{""}
				}
				s.Test(t)
			}
		}
	}
}
