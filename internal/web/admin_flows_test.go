package web_test

import (
	"io"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tests"

	"teamfund/internal/ledger"
	"teamfund/internal/member"
	"teamfund/internal/money"
	"teamfund/internal/testutil"
	"teamfund/internal/useradmin"
)

// do sends one request to srv with headers and returns the response (body closed).
func do(t *testing.T, srvURL, method, path, body string, headers map[string]string) *http.Response {
	t.Helper()
	res, _ := exchange(t, method, srvURL+path, body, headers)
	return res
}

// exchange sends one request without following redirects and returns the response with
// its body read (and closed).
func exchange(t *testing.T, method, u, payload string, headers map[string]string) (*http.Response, []byte) {
	t.Helper()
	req, err := http.NewRequest(method, u, strings.NewReader(payload))
	if err != nil {
		t.Fatal(err)
	}
	for k, v := range headers {
		req.Header.Set(k, v)
	}
	client := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	res, err := client.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	checkAnswerAgainstOpenAPI(t, req, res, b)
	return res, b
}

func TestDeactivationEndsAnExistingBrowserSession(t *testing.T) {
	f := testutil.Fixtures(t)
	app := testutil.NewApp(t)
	defer app.Cleanup()
	srv := testutil.Serve(t, app)
	if res := do(t, srv.URL, "GET", "/", "", f.CookieHeaders("memberA")); res.StatusCode != http.StatusOK {
		t.Fatalf("before: got %d, want 200", res.StatusCode)
	}
	if res := do(t, srv.URL, "POST", "/users/"+f.ID("memberA")+"/deactivate", "", f.FormHeaders("admin")); res.StatusCode != http.StatusSeeOther {
		t.Fatalf("deactivate: got %d", res.StatusCode)
	}
	res := do(t, srv.URL, "GET", "/", "", f.CookieHeaders("memberA"))
	if res.StatusCode != http.StatusSeeOther || !strings.HasPrefix(res.Header.Get("Location"), "/login") {
		t.Errorf("after: got %d to %q, want a redirect to /login", res.StatusCode, res.Header.Get("Location"))
	}
	if res := do(t, srv.URL, "GET", "/api/tf/me", "", f.AuthHeaders("memberA")); res.StatusCode != http.StatusUnauthorized {
		t.Errorf("bearer token after deactivation: got %d, want 401", res.StatusCode)
	}
}

func TestTeamChangeThroughThePageReturnsTheBalance(t *testing.T) {
	f := testutil.Fixtures(t)
	app := testutil.NewApp(t)
	defer app.Cleanup()
	if _, err := ledger.Post(app, ledger.Entry{Account: f.ID("memberA"), Amount: 3500, Kind: ledger.KindGrant}); err != nil {
		t.Fatal(err)
	}
	srv := testutil.Serve(t, app)
	res := do(t, srv.URL, "POST", "/users/"+f.ID("memberA")+"/team", url.Values{"team": {f.ID("beta")}}.Encode(), f.FormHeaders("admin"))
	if res.StatusCode != http.StatusSeeOther {
		t.Fatalf("got %d", res.StatusCode)
	}
	u, _ := member.Find(app, f.ID("memberA"))
	if u.TeamID() != f.ID("beta") || u.Balance() != 0 {
		t.Errorf("team %s balance %d, want beta and 0", u.TeamID(), u.Balance())
	}
	if bad, err := ledger.Reconcile(app); err != nil || len(bad) > 0 {
		t.Errorf("reconcile: %v %v", bad, err)
	}
	if co, _ := ledger.CompanyBalance(app); co != money.Cents(0) {
		t.Errorf("company balance %d, want 0", co)
	}
}

// appWithMoney is the fixture app where memberA has 12.00 and memberA2 7.00.
func appWithMoney(t testing.TB) *tests.TestApp {
	f := testutil.Fixtures(t)
	app := testutil.NewApp(t)
	for key, c := range map[string]money.Cents{"memberA": 1200, "memberA2": 700} {
		if _, err := ledger.Post(app, ledger.Entry{Account: f.ID(key), Amount: c, Kind: ledger.KindGrant}); err != nil {
			t.Fatal(err)
		}
	}
	return app
}

// appWithRoleChange is the fixture app after the admin made memberA a manager and moved memberB.
func appWithRoleChange(t testing.TB) *tests.TestApp {
	f := testutil.Fixtures(t)
	app := testutil.NewApp(t)
	admin, _ := member.Find(app, f.ID("admin"))
	if err := useradmin.Apply(app, admin, f.ID("memberA"), useradmin.Op{Kind: useradmin.OpRole, Role: member.RoleManager}); err != nil {
		t.Fatal(err)
	}
	if err := useradmin.Apply(app, admin, f.ID("memberB"), useradmin.Op{Kind: useradmin.OpTeam}); err != nil {
		t.Fatal(err)
	}
	return app
}

func TestAdminPagesShowTheRightThings(t *testing.T) {
	f := testutil.Fixtures(t)
	alpha, beta := f.ID("alpha"), f.ID("beta")
	scenarios := []tests.ApiScenario{
		{
			Name: "member sees only their own team on the teams page", Method: "GET", URL: "/teams",
			Headers: f.CookieHeaders("memberB"), TestAppFactory: testutil.NewApp,
			ExpectedStatus: 200, ExpectedContent: []string{"Beta"}, NotExpectedContent: []string{"Alpha", "New team"},
		},
		{
			Name: "admin searches teams by a member's first name", Method: "GET", URL: "/teams?q=mona",
			Headers: f.CookieHeaders("admin"), TestAppFactory: testutil.NewApp,
			ExpectedStatus: 200, ExpectedContent: []string{`data-team="` + alpha + `"`, "New team"}, NotExpectedContent: []string{`data-team="` + beta + `"`},
		},
		{
			Name: "team page lists members with balances and the reset note", Method: "GET", URL: "/teams/" + alpha,
			Headers: f.CookieHeaders("managerA"), TestAppFactory: testutil.NewApp,
			ExpectedStatus: 200, ExpectedContent: []string{"member.a2@acme.com", "$0.00", "limit − balance", "Add to team"},
			NotExpectedContent: []string{"Delete team"},
		},
		{
			Name: "creating a team without a name re-renders the form with the field message", Method: "POST", URL: "/teams",
			Body: form(url.Values{"name": {" "}}), Headers: f.FormHeaders("admin"), TestAppFactory: testutil.NewApp,
			ExpectedStatus: 422, ExpectedContent: []string{"Cannot be blank", `aria-invalid="true"`}, ExpectedEvents: map[string]int{"*": 0},
		},
		{
			Name: "a bad amount in the settings form names the field", Method: "POST", URL: "/teams/" + alpha,
			Body: form(url.Values{"name": {"Alpha"}, "monthly_limit": {"12.3456"}}), Headers: f.FormHeaders("admin"), TestAppFactory: testutil.NewApp,
			ExpectedStatus: 422, ExpectedContent: []string{"Must be an amount like 12, 12.50 or 12,50"}, ExpectedEvents: map[string]int{"*": 0},
		},
		{
			Name: "JSON team create with a taken name answers 400 naming the field", Method: "POST", URL: "/api/tf/teams",
			Body: strings.NewReader(`{"name":"alpha"}`), Headers: f.AuthHeaders("admin"), TestAppFactory: testutil.NewApp,
			ExpectedStatus: 400, ExpectedContent: []string{`"name"`, "already exists"}, ExpectedEvents: map[string]int{"*": 0},
		},
		{
			Name: "manager's users page shows their team only, with the Invited tab", Method: "GET", URL: "/users",
			Headers: f.CookieHeaders("managerA"), TestAppFactory: testutil.NewApp,
			ExpectedStatus: 200, ExpectedContent: []string{"member.a@acme.com", "/invites?status=pending", "4 users",
				`id="bulk-role" class="form-select form-select-sm"><option value="manager">Manager</option><option value="member">Member</option></select>`},
			NotExpectedContent: []string{"member.b@acme.com", "owner@acme.com", `value="deactivate"`, `value="team"`},
		},
		{
			Name: "users page filters by role and status and paginates", Method: "GET", URL: "/users?role=member&status=active&per_page=2&page=2",
			Headers: f.CookieHeaders("admin"), TestAppFactory: testutil.NewApp,
			ExpectedStatus: 200, ExpectedContent: []string{"4 users", "page 2 of 2", "member.a@acme.com", "member.b@acme.com", "Previous"},
			NotExpectedContent: []string{"locked@acme.com", "manager.a@acme.com", "loner@acme.com", "Next →"},
		},
		{
			Name: "HTMX search on the users page returns the fragment", Method: "GET", URL: "/users?q=bea",
			Headers: map[string]string{"Cookie": f.CookieHeaders("admin")["Cookie"], "HX-Request": "true"}, TestAppFactory: testutil.NewApp,
			ExpectedStatus: 200, ExpectedContent: []string{`id="user-table"`, "member.b@acme.com"}, NotExpectedContent: []string{"<html", "member.a@acme.com"},
		},
		{
			Name: "the filter form's HTMX request (target user-table) gets the table without the form", Method: "GET", URL: "/users?q=bea",
			Headers:        map[string]string{"Cookie": f.CookieHeaders("admin")["Cookie"], "HX-Request": "true", "HX-Target": "user-table"},
			TestAppFactory: testutil.NewApp,
			ExpectedStatus: 200, ExpectedContent: []string{`<div id="user-table">`, "member.b@acme.com", "1 user"},
			NotExpectedContent: []string{"<html", `id="user-filters"`, "member.a@acme.com"},
		},
		{
			Name: "JSON users list answers with totals", Method: "GET", URL: "/api/tf/users?team=none",
			Headers: f.AuthHeaders("admin"), TestAppFactory: testutil.NewApp,
			ExpectedStatus: 200, ExpectedContent: []string{`"totalItems":3`, "loner@acme.com"},
		},
		{
			Name: "bulk role change including the owner lists the refused row and writes nothing", Method: "POST", URL: "/users/bulk",
			Body:    form(url.Values{"action": {"role"}, "role": {"manager"}, "ids": {f.ID("memberA"), f.ID("owner"), f.ID("memberB")}}),
			Headers: f.FormHeaders("admin"), TestAppFactory: testutil.NewApp,
			ExpectedStatus: 409, ExpectedContent: []string{"Nothing was changed", "owner@acme.com: the owner cannot be demoted", `value="` + f.ID("memberA") + `" aria-label="Select member.a@acme.com" checked`},
			ExpectedEvents: map[string]int{"*": 0},
		},
		{
			Name: "JSON bulk deactivate including the admin's own account is refused as a whole", Method: "POST", URL: "/api/tf/users/bulk",
			Body:    strings.NewReader(`{"action":"deactivate","ids":["` + f.ID("memberA") + `","` + f.ID("admin") + `"]}`),
			Headers: f.AuthHeaders("admin"), TestAppFactory: testutil.NewApp,
			ExpectedStatus: 409, ExpectedContent: []string{`"refused"`, "your own account"}, ExpectedEvents: map[string]int{"*": 0},
		},
		{
			Name: "JSON bulk with an unknown action is a 400, not a list of refusals", Method: "POST", URL: "/api/tf/users/bulk",
			Body:    strings.NewReader(`{"action":"promote","ids":["` + f.ID("memberA") + `"]}`),
			Headers: f.AuthHeaders("admin"), TestAppFactory: testutil.NewApp,
			ExpectedStatus: 400, ExpectedContent: []string{"Unknown bulk action"}, ExpectedEvents: map[string]int{"*": 0},
		},
		{
			Name: "bulk with nothing selected asks for a selection", Method: "POST", URL: "/users/bulk",
			Body: form(url.Values{"action": {"deactivate"}, "back": {"role=member"}}), Headers: f.FormHeaders("admin"), TestAppFactory: testutil.NewApp,
			ExpectedStatus: 303, ExpectedContent: []string{""}, ExpectedEvents: map[string]int{"*": 0},
			AfterTestFunc: testutil.ExpectLocation("/users?role=member"),
		},
		{
			Name: "bulk team change moves everyone and audits each", Method: "POST", URL: "/api/tf/users/bulk",
			Body:    strings.NewReader(`{"action":"team","team":"` + beta + `","ids":["` + f.ID("memberA") + `","` + f.ID("loner") + `"]}`),
			Headers: f.AuthHeaders("admin"), TestAppFactory: testutil.NewApp,
			ExpectedStatus: 200, ExpectedContent: []string{`"updated":2`},
			AfterTestFunc: func(t testing.TB, app *tests.TestApp, res *http.Response) {
				n, _ := app.CountRecords("users", dbx.HashExp{"team": beta})
				a, _ := app.CountRecords("audit_log", dbx.HashExp{"action": "user.team"})
				if n != 4 || a != 2 {
					t.Errorf("beta has %d users and %d audit entries, want 4 and 2", n, a)
				}
			},
		},
		{
			Name: "admin cannot demote the owner (JSON 409)", Method: "POST", URL: "/api/tf/users/" + f.ID("owner") + "/role",
			Body: strings.NewReader(`{"role":"member"}`), Headers: f.AuthHeaders("admin"), TestAppFactory: testutil.NewApp,
			ExpectedStatus: 409, ExpectedContent: []string{"transfer ownership first"}, ExpectedEvents: map[string]int{"*": 0},
		},
		{
			Name: "nobody makes a second owner by role change", Method: "POST", URL: "/users/" + f.ID("admin") + "/role",
			Body: form(url.Values{"role": {"owner"}}), Headers: f.FormHeaders("owner"), TestAppFactory: testutil.NewApp,
			ExpectedStatus: 409, ExpectedContent: []string{"Ownership moves only by transfer"}, ExpectedEvents: map[string]int{"*": 0},
		},
		{
			Name: "changing an email to a taken one re-renders with the field message", Method: "POST", URL: "/users/" + f.ID("memberA") + "/email",
			Body: form(url.Values{"email": {"MEMBER.B@acme.com"}}), Headers: f.FormHeaders("admin"), TestAppFactory: testutil.NewApp,
			ExpectedStatus: 422, ExpectedContent: []string{"Another user already has this email"}, ExpectedEvents: map[string]int{"*": 0},
		},
		{
			Name: "deleting without a successor asks for one", Method: "POST", URL: "/users/" + f.ID("memberA") + "/delete",
			Body: form(url.Values{"successor_email": {"nobody@acme.com"}}), Headers: f.FormHeaders("admin"), TestAppFactory: testutil.NewApp,
			ExpectedStatus: 422, ExpectedContent: []string{"No user with this email"}, ExpectedEvents: map[string]int{"*": 0},
		},
		{
			Name: "owner's user page offers no demote, lock or delete", Method: "GET", URL: "/users/" + f.ID("owner"),
			Headers: f.CookieHeaders("admin"), TestAppFactory: testutil.NewApp,
			ExpectedStatus:     200,
			ExpectedContent:    []string{"The owner cannot be demoted", `href="/audit?target=` + f.ID("owner") + `"`},
			NotExpectedContent: []string{`id="change-role"`, `id="lock"`, `id="delete-user"`, `id="transfer-ownership"`},
		},
		{
			Name: "transfer ownership through the page swaps owner and admin", Method: "POST", URL: "/users/" + f.ID("admin") + "/transfer-ownership",
			Headers: f.FormHeaders("owner"), TestAppFactory: testutil.NewApp,
			ExpectedStatus: 303, ExpectedContent: []string{""},
			AfterTestFunc: func(t testing.TB, app *tests.TestApp, res *http.Response) {
				o, _ := member.Find(app, f.ID("owner"))
				a, _ := member.Find(app, f.ID("admin"))
				if o.Role() != member.RoleAdmin || a.Role() != member.RoleOwner {
					t.Errorf("roles %s/%s, want admin/owner", o.Role(), a.Role())
				}
			},
		},
		{
			Name: "a manager adding someone from another team gets the reason on the form", Method: "POST", URL: "/teams/" + alpha + "/members",
			Body: form(url.Values{"email": {"member.b@acme.com"}}), Headers: f.FormHeaders("managerA"), TestAppFactory: testutil.NewApp,
			ExpectedStatus: 422, ExpectedContent: []string{"This user is in another team; an admin can move them."}, ExpectedEvents: map[string]int{"*": 0},
		},
		{
			Name: "a member with own-records visibility sees teammates' names but not their emails or balances", Method: "GET", URL: "/teams/" + alpha,
			Headers: f.CookieHeaders("memberA"), TestAppFactory: appWithMoney,
			ExpectedStatus: 200, ExpectedContent: []string{"Mona Member", "member.a@acme.com", "$12.00", "$19.00"},
			NotExpectedContent: []string{"member.a2@acme.com", "$7.00", "manager.a@acme.com"},
		},
		{
			Name: "a member with team visibility sees the team's emails and balances", Method: "GET", URL: "/teams/" + alpha,
			Headers: f.CookieHeaders("memberA2"), TestAppFactory: appWithMoney,
			ExpectedStatus: 200, ExpectedContent: []string{"member.a@acme.com", "$12.00", "$7.00"},
		},
		{
			Name: "JSON team members follow the same visibility", Method: "GET", URL: "/api/tf/teams/" + alpha,
			Headers: f.AuthHeaders("memberA"), TestAppFactory: appWithMoney,
			ExpectedStatus: 200, ExpectedContent: []string{`"email":"member.a@acme.com"`, `"balance":1200`, `"private":true`},
			NotExpectedContent: []string{"member.a2@acme.com", `"balance":700`},
		},
		{
			Name: "a member withdraws their pending leave request from the team page", Method: "POST", URL: "/leave/withdraw",
			Headers: f.FormHeaders("memberA2"), TestAppFactory: appWithLeaveRequest,
			ExpectedStatus: 303, ExpectedContent: []string{""}, AfterTestFunc: func(t testing.TB, app *tests.TestApp, res *http.Response) {
				if _, err := app.FindRecordById("leave_requests", leaveRequestID); err == nil {
					t.Error("the request still exists")
				}
				if n, _ := app.CountRecords("audit_log", dbx.HashExp{"action": "leave.withdraw"}); n != 1 {
					t.Errorf("%d withdraw audit entries, want 1", n)
				}
			},
		},
		{
			Name: "the team page offers to withdraw a pending request", Method: "GET", URL: "/teams/" + alpha,
			Headers: f.CookieHeaders("memberA2"), TestAppFactory: appWithLeaveRequest,
			ExpectedStatus: 200, ExpectedContent: []string{"You asked to leave this team", `action="/leave/withdraw"`},
		},
		{
			Name: "the Invited status filter opens the pending invites", Method: "GET", URL: "/users?status=invited",
			Headers: f.CookieHeaders("managerA"), TestAppFactory: testutil.NewApp,
			ExpectedStatus: 303, ExpectedContent: []string{""}, AfterTestFunc: testutil.ExpectLocation("/invites?status=pending"),
		},
		{
			Name: "JSON team update takes amounts in cents", Method: "PATCH", URL: "/api/tf/teams/" + alpha,
			Body:    strings.NewReader(`{"monthly_limit":25050,"rollover_cap":50000,"leave_needs_approval":true}`),
			Headers: f.AuthHeaders("managerA"), TestAppFactory: testutil.NewApp,
			ExpectedStatus: 200, ExpectedContent: []string{`"monthly_limit":25050`, `"name":"Alpha"`, `"leave_needs_approval":true`},
		},
		{
			Name: "JSON team update with a negative amount names the field", Method: "PATCH", URL: "/api/tf/teams/" + alpha,
			Body: strings.NewReader(`{"max_per_send":-1}`), Headers: f.AuthHeaders("admin"), TestAppFactory: testutil.NewApp,
			ExpectedStatus: 400, ExpectedContent: []string{`"max_per_send"`, "must not be negative"}, ExpectedEvents: map[string]int{"*": 0},
		},
		{
			Name: "records API: a member sees teammates once a manager grants team visibility", Method: "GET", URL: "/api/collections/users/records",
			Headers: f.AuthHeaders("memberA"), TestAppFactory: testutil.NewApp,
			BeforeTestFunc: func(t testing.TB, app *tests.TestApp, _ *core.ServeEvent) {
				mgr, _ := member.Find(app, f.ID("managerA"))
				if err := useradmin.SetPermissions(app, mgr, f.ID("memberA"), useradmin.Permissions{RecordVisibility: "team"}); err != nil {
					t.Fatal(err)
				}
			},
			ExpectedStatus: 200, ExpectedContent: []string{"Mona Member", "Mia Manager", `"totalItems":4`}, NotExpectedContent: []string{"Bea Member"},
		},
		{
			Name: "records API: without team visibility a member sees only themselves", Method: "GET", URL: "/api/collections/users/records",
			Headers: f.AuthHeaders("memberA"), TestAppFactory: testutil.NewApp,
			ExpectedStatus: 200, ExpectedContent: []string{`"totalItems":1`}, NotExpectedContent: []string{"Mona Member"},
		},
		{
			Name: "audit log filters by action and shows what changed", Method: "GET", URL: "/audit?action=user.role&actor=ADMIN@acme.com",
			Headers: f.CookieHeaders("admin"), TestAppFactory: appWithRoleChange,
			ExpectedStatus: 200, ExpectedContent: []string{`title="user.role">Role changed</span>`, `title="member.a@acme.com"><a href="/users/` + f.ID("memberA") + `">Max Member</a>`,
				`<a href="/users/` + f.ID("admin") + `" class="text-reset">`, `title="Adam Admin · admin@acme.com">Adam Admin</span>`,
				`<span class="text-secondary">Role:</span> <del>Member</del> → Manager`},
			NotExpectedContent: []string{`title="user.team"`, "<code>"},
		},
		{
			Name: "JSON audit log gives before and after as objects", Method: "GET", URL: "/api/tf/audit?target=member.a",
			Headers: f.AuthHeaders("owner"), TestAppFactory: appWithRoleChange,
			ExpectedStatus: 200, ExpectedContent: []string{`"action":"user.role"`, `"before":{`, `"role":"member"`, `"after":{`},
		},
	}
	for _, s := range scenarios {
		s.Test(t)
	}
}
