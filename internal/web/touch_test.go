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

	"teamfund/internal/testutil"
)

// touchByName loads the one touch called name.
func touchByName(t testing.TB, app core.App, name string) *core.Record {
	t.Helper()
	r, err := app.FindFirstRecordByData("touches", "name", name)
	if err != nil {
		t.Fatalf("touch %q: %v", name, err)
	}
	return r
}

func TestTouchesPages(t *testing.T) {
	f := testutil.Fixtures(t)
	newTouch := url.Values{"name": {" Coffee voucher "}, "description": {"A coffee"}, "cost": {"12.50"}, "status": {"active"},
		"track_inventory": {"on"}, "inventory": {"20"}, "starts_on": {"2026-03-01"}, "ends_on": {"2026-03-31"}}
	scenarios := []tests.ApiScenario{
		{
			Name: "member sees only the touches assigned to their team, with a Send button on sendable ones", Method: http.MethodGet,
			URL: "/touches", Headers: f.CookieHeaders("memberA"), TestAppFactory: newSendsApp, ExpectedStatus: http.StatusOK,
			ExpectedContent:    []string{"Mug", "Hamper", "Done campaign", `/sends/new?touch=` + mugID},
			NotExpectedContent: []string{"Beta pens", "/touches/new", "/edit", `/sends/new?touch=` + doneID, `/sends/new?touch=` + futureID, `/sends/new?touch=` + emptyID},
		},
		{
			Name: "member of the other team does not see alpha's touches", Method: http.MethodGet,
			URL: "/touches", Headers: f.CookieHeaders("memberB"), TestAppFactory: newSendsApp, ExpectedStatus: http.StatusOK,
			ExpectedContent: []string{"Mug", "Beta pens"}, NotExpectedContent: []string{"Hamper", "Yacht"},
		},
		{
			Name: "manager sees every touch and the assignments link", Method: http.MethodGet,
			URL: "/touches", Headers: f.CookieHeaders("managerB"), TestAppFactory: newSendsApp, ExpectedStatus: http.StatusOK,
			ExpectedContent: []string{"Hamper", "Beta pens", "/touches/assignments"}, NotExpectedContent: []string{"/touches/new"},
		},
		{
			Name: "status filter lists only matching touches", Method: http.MethodGet,
			URL: "/touches?status=paused_no_inventory", Headers: f.CookieHeaders("admin"), TestAppFactory: newSendsApp,
			ExpectedStatus: http.StatusOK, ExpectedContent: []string{"Empty box", "Paused (no inventory)", "/touches/new"},
			NotExpectedContent: []string{"Mug", "Hamper"},
		},
		{
			Name: "status filter as an HTMX request returns only the rows", Method: http.MethodGet,
			URL: "/touches?status=completed", TestAppFactory: newSendsApp, ExpectedStatus: http.StatusOK,
			Headers:         map[string]string{"Cookie": "tf_session=" + f.Token("admin"), "HX-Request": "true", "HX-Target": "touch-rows"},
			ExpectedContent: []string{`<div id="touch-rows">`, "Done campaign"}, NotExpectedContent: []string{"<html", "Mug"},
		},
		{
			Name: "unknown status filter is a 400", Method: http.MethodGet,
			URL: "/api/tf/touches?status=lost", Headers: f.AuthHeaders("admin"), TestAppFactory: newSendsApp,
			ExpectedStatus: http.StatusBadRequest, ExpectedContent: []string{`"status"`},
		},
		{
			Name: "JSON list for a member has only assigned touches, cost in cents", Method: http.MethodGet,
			URL: "/api/tf/touches?status=active", Headers: f.AuthHeaders("memberB"), TestAppFactory: newSendsApp,
			ExpectedStatus: http.StatusOK, ExpectedContent: []string{`"name":"Mug"`, `"cost":1000`, `"name":"Beta pens"`},
			NotExpectedContent: []string{"Hamper"},
		},
		{
			Name: "records API hides alpha-only touches from a beta member", Method: http.MethodGet,
			URL: "/api/collections/touches/records", Headers: f.AuthHeaders("memberB"), TestAppFactory: newSendsApp,
			ExpectedStatus: http.StatusOK, ExpectedContent: []string{"Mug", "Beta pens", `"totalItems":2`}, NotExpectedContent: []string{"Hamper"},
		},
		{
			Name: "member cannot read an unassigned touch by id (JSON)", Method: http.MethodGet,
			URL: "/api/tf/touches/" + betaOnlyID, Headers: f.AuthHeaders("memberA"), TestAppFactory: newSendsApp,
			ExpectedStatus: http.StatusNotFound, ExpectedContent: []string{"Not found."},
		},
		{
			Name: "admin creates a touch from the form; dates are days in the company time zone; audited", Method: http.MethodPost,
			URL: "/touches", Body: form(newTouch), Headers: f.FormHeaders("admin"), TestAppFactory: berlinApp,
			ExpectedStatus: http.StatusSeeOther, ExpectedContent: []string{""}, AfterTestFunc: func(t testing.TB, app *tests.TestApp, res *http.Response) {
				r := touchByName(t, app, "Coffee voucher")
				if r.GetInt("cost") != 1250 || r.GetInt("inventory") != 20 || !r.GetBool("track_inventory") || r.GetString("status") != "active" {
					t.Errorf("saved %v", r.FieldsData())
				}
				if got := r.GetDateTime("starts_at").String(); got != "2026-02-28 23:00:00.000Z" {
					t.Errorf("starts_at %s, want Berlin midnight 2026-02-28 23:00 UTC", got)
				}
				if got := r.GetDateTime("ends_at").String(); got != "2026-03-31 21:59:59.999Z" {
					t.Errorf("ends_at %s, want the end of 2026-03-31 in Berlin (summer time)", got)
				}
				if n, _ := app.CountRecords("audit_log", dbx.HashExp{"action": "touch.create", "target_id": r.Id}); n != 1 {
					t.Error("touch.create not audited")
				}
			},
		},
		{
			Name: "edit form shows the stored dates as the typed days", Method: http.MethodGet,
			URL: "/touches/" + oldID + "/edit", Headers: f.CookieHeaders("admin"), TestAppFactory: newSendsApp,
			ExpectedStatus: http.StatusOK, ExpectedContent: []string{`value="Old campaign"`, `value="5.00"`, `name="starts_on" value="20`},
		},
		{
			Name: "bad touch form names every bad field and writes nothing", Method: http.MethodPost, URL: "/touches",
			Body: form(url.Values{"name": {""}, "cost": {"12.3456"}, "status": {"lost"}, "track_inventory": {"on"}, "inventory": {"-1"},
				"starts_on": {"2026-03-10"}, "ends_on": {"2026-03-01"}}),
			Headers: f.FormHeaders("admin"), TestAppFactory: newSendsApp, ExpectedStatus: http.StatusUnprocessableEntity,
			ExpectedContent: []string{"Enter a name.", "The cost must be an amount like 12, 12.50 or 12,50", "Choose active, scheduled",
				"Enter the number of items left", "The end date must not be before the start date."},
			AfterTestFunc: expectNothingWritten,
		},
		{
			Name: "manager cannot create touches", Method: http.MethodPost, URL: "/touches", Body: form(newTouch),
			Headers: f.FormHeaders("managerA"), TestAppFactory: newSendsApp, ExpectedStatus: http.StatusForbidden,
			ExpectedContent: []string{"You are not allowed to do that."}, AfterTestFunc: expectNothingWritten,
		},
		{
			Name: "member cannot open the new-touch form", Method: http.MethodGet, URL: "/touches/new",
			Headers: f.CookieHeaders("memberA"), TestAppFactory: newSendsApp, ExpectedStatus: http.StatusForbidden,
			ExpectedContent: []string{"You are not allowed to do that."},
		},
		{
			Name: "admin creates a touch by JSON with the cost as a number", Method: http.MethodPost, URL: "/api/tf/touches",
			Body:    jsonBody(`{"name":"Pen","cost":12.5,"status":"active","track_inventory":true,"inventory":0}`),
			Headers: f.AuthHeaders("admin"), TestAppFactory: newSendsApp, ExpectedStatus: http.StatusCreated,
			ExpectedContent: []string{`"cost":1250`, `"status":"paused_no_inventory"`, `"teams":[]`},
		},
		{
			Name: "admin edits a touch by JSON and restocks it; audited with before and after", Method: http.MethodPut, URL: "/api/tf/touches/" + emptyID,
			Body:    jsonBody(`{"name":"Full box","cost":"5","status":"active","track_inventory":true,"inventory":7}`),
			Headers: f.AuthHeaders("admin"), TestAppFactory: newSendsApp, ExpectedStatus: http.StatusOK,
			ExpectedContent: []string{`"name":"Full box"`, `"inventory":7`, `"status":"active"`},
			AfterTestFunc: func(t testing.TB, app *tests.TestApp, res *http.Response) {
				if n, _ := app.CountRecords("audit_log", dbx.HashExp{"action": "touch.update", "target_id": emptyID}); n != 1 {
					t.Error("touch.update not audited")
				}
			},
		},
		{
			Name: "manager cannot edit touches by JSON", Method: http.MethodPut, URL: "/api/tf/touches/" + mugID,
			Body:    jsonBody(`{"name":"Cheap mug","cost":"0.01","status":"active"}`),
			Headers: f.AuthHeaders("managerA"), TestAppFactory: newSendsApp, ExpectedStatus: http.StatusForbidden,
			ExpectedContent: []string{"You are not allowed to do that."}, AfterTestFunc: expectNothingWritten,
		},
	}
	for _, s := range scenarios {
		s.Test(t)
	}
}

// berlinApp is newSendsApp with the company in Europe/Berlin.
func berlinApp(tb testing.TB) *tests.TestApp {
	app := newSendsApp(tb)
	exec(tb, app, "UPDATE company SET timezone = 'Europe/Berlin'", nil)
	return app
}

func TestTouchAssignments(t *testing.T) {
	f := testutil.Fixtures(t)
	assigned := func(touchID, teamKey string, want bool) func(testing.TB, *tests.TestApp, *http.Response) {
		return func(t testing.TB, app *tests.TestApp, res *http.Response) {
			r, err := app.FindRecordById("touches", touchID)
			if err != nil {
				t.Fatal(err)
			}
			if got := contains(r.GetStringSlice("teams"), f.ID(teamKey)); got != want {
				t.Errorf("assigned to %s = %v, want %v", teamKey, got, want)
			}
			action := "touch.unassign"
			if want {
				action = "touch.assign"
			}
			if n, _ := app.CountRecords("audit_log", dbx.HashExp{"action": action, "target_id": touchID}); n != 1 {
				t.Errorf("%s not audited once (got %d)", action, n)
			}
		}
	}
	scenarios := []tests.ApiScenario{
		{
			Name: "manager assigns their own team (JSON)", Method: http.MethodPut, URL: "/api/tf/touches/" + betaOnlyID + "/teams/" + f.ID("alpha"),
			Headers: f.AuthHeaders("managerA"), TestAppFactory: newSendsApp, ExpectedStatus: http.StatusOK,
			ExpectedContent: []string{f.ID("alpha"), f.ID("beta")}, AfterTestFunc: assigned(betaOnlyID, "alpha", true),
		},
		{
			Name: "manager unassigns their own team (JSON)", Method: http.MethodDelete, URL: "/api/tf/touches/" + mugID + "/teams/" + f.ID("alpha"),
			Headers: f.AuthHeaders("managerA"), TestAppFactory: newSendsApp, ExpectedStatus: http.StatusOK,
			ExpectedContent: []string{f.ID("beta")}, AfterTestFunc: assigned(mugID, "alpha", false),
		},
		{
			Name: "manager cannot assign another team (JSON)", Method: http.MethodPut, URL: "/api/tf/touches/" + hamperID + "/teams/" + f.ID("beta"),
			Headers: f.AuthHeaders("managerA"), TestAppFactory: newSendsApp, ExpectedStatus: http.StatusForbidden,
			ExpectedContent: []string{"You are not allowed to do that."}, AfterTestFunc: expectNothingWritten,
		},
		{
			Name: "manager cannot unassign another team (JSON)", Method: http.MethodDelete, URL: "/api/tf/touches/" + mugID + "/teams/" + f.ID("beta"),
			Headers: f.AuthHeaders("managerA"), TestAppFactory: newSendsApp, ExpectedStatus: http.StatusForbidden,
			ExpectedContent: []string{"You are not allowed to do that."}, AfterTestFunc: expectNothingWritten,
		},
		{
			Name: "member cannot assign their own team (JSON)", Method: http.MethodPut, URL: "/api/tf/touches/" + betaOnlyID + "/teams/" + f.ID("alpha"),
			Headers: f.AuthHeaders("memberA"), TestAppFactory: newSendsApp, ExpectedStatus: http.StatusForbidden,
			ExpectedContent: []string{"You are not allowed to do that."}, AfterTestFunc: expectNothingWritten,
		},
		{
			Name: "admin assigns any team (JSON)", Method: http.MethodPut, URL: "/api/tf/touches/" + hamperID + "/teams/" + f.ID("beta"),
			Headers: f.AuthHeaders("admin"), TestAppFactory: newSendsApp, ExpectedStatus: http.StatusOK,
			ExpectedContent: []string{f.ID("beta")}, AfterTestFunc: assigned(hamperID, "beta", true),
		},
		{
			Name: "assigning an already assigned team changes nothing (JSON)", Method: http.MethodPut, URL: "/api/tf/touches/" + mugID + "/teams/" + f.ID("alpha"),
			Headers: f.AuthHeaders("admin"), TestAppFactory: newSendsApp, ExpectedStatus: http.StatusOK,
			ExpectedContent: []string{f.ID("alpha")}, AfterTestFunc: expectNothingWritten,
		},
		{
			Name: "admin assigning an unknown team gets a 404 (JSON)", Method: http.MethodPut, URL: "/api/tf/touches/" + mugID + "/teams/nosuchteam00000",
			Headers: f.AuthHeaders("admin"), TestAppFactory: newSendsApp, ExpectedStatus: http.StatusNotFound,
			ExpectedContent: []string{"No such team."}, AfterTestFunc: expectNothingWritten,
		},
		{
			Name: "manager's assignment view has buttons only in their own team's column", Method: http.MethodGet, URL: "/touches/assignments",
			Headers: f.CookieHeaders("managerA"), TestAppFactory: newSendsApp, ExpectedStatus: http.StatusOK,
			ExpectedContent:    []string{"Beta pens", "/touches/" + betaOnlyID + "/teams/" + f.ID("alpha") + `"`, "/touches/" + mugID + "/teams/" + f.ID("alpha") + "/remove"},
			NotExpectedContent: []string{"/teams/" + f.ID("beta")},
		},
		{
			Name: "member cannot open the assignment view", Method: http.MethodGet, URL: "/touches/assignments",
			Headers: f.CookieHeaders("memberA"), TestAppFactory: newSendsApp, ExpectedStatus: http.StatusForbidden,
			ExpectedContent: []string{"You are not allowed to do that."},
		},
		{
			Name: "manager assigns from the view with HTMX and gets the updated row", Method: http.MethodPost,
			URL: "/touches/" + betaOnlyID + "/teams/" + f.ID("alpha"), Headers: f.HTMXHeaders("managerA"), TestAppFactory: newSendsApp,
			ExpectedStatus: http.StatusOK, ExpectedContent: []string{`<tr id="assign-` + betaOnlyID + `"`, "Unassign"},
			NotExpectedContent: []string{"<html"}, AfterTestFunc: assigned(betaOnlyID, "alpha", true),
		},
		{
			Name: "manager unassigns from the view without JavaScript and is redirected back", Method: http.MethodPost,
			URL: "/touches/" + mugID + "/teams/" + f.ID("alpha") + "/remove", Headers: f.FormHeaders("managerA"), TestAppFactory: newSendsApp,
			ExpectedStatus: http.StatusSeeOther, ExpectedContent: []string{""}, AfterTestFunc: func(t testing.TB, app *tests.TestApp, res *http.Response) {
				testutil.ExpectLocation("/touches/assignments")(t, app, res)
				assigned(mugID, "alpha", false)(t, app, res)
			},
		},
	}
	for _, s := range scenarios {
		s.Test(t)
	}
}

// TestTouchAssignmentsShowTeamsTwentyFiveAtATime: with 62 teams the matrix shows 25 team
// columns at a time; a manager's own team comes first; on page 3 the forms keep the page, an
// HTMX click answers the row with page 3's columns and a plain form returns to page 3.
func TestTouchAssignmentsShowTeamsTwentyFiveAtATime(t *testing.T) {
	f := testutil.Fixtures(t)
	manyTeams := func(tb testing.TB) *tests.TestApp {
		app := newSendsApp(tb)
		testutil.InsertTeams(tb, app, 60, "")
		return app
	}
	columns := func(want int, first string) func(testing.TB, *tests.TestApp, *http.Response) {
		return func(t testing.TB, _ *tests.TestApp, res *http.Response) {
			b, _ := io.ReadAll(res.Body)
			body := string(b)
			head := body[strings.Index(body, "<thead>"):strings.Index(body, "</thead>")]
			if got := strings.Count(head, "<th>") - 2; got != want { // less Touch and Status
				t.Errorf("%d team columns, want %d", got, want)
			}
			if !strings.HasPrefix(head, "<thead><tr><th>Touch</th><th>Status</th><th>"+first+"</th>") {
				t.Errorf("the first team column is not %s: %.120s", first, head)
			}
		}
	}
	scenarios := []tests.ApiScenario{
		{
			Name: "page 1 of an admin: Alpha, Beta and 23 more", Method: http.MethodGet, URL: "/touches/assignments",
			Headers: f.CookieHeaders("admin"), TestAppFactory: manyTeams, ExpectedStatus: http.StatusOK,
			ExpectedContent:    []string{"Teams 1–25 of 62", `href="/touches/assignments?page=2" class="btn btn-sm ms-auto" rel="next"`},
			NotExpectedContent: []string{"Zteam 23<", `rel="prev"`},
			AfterTestFunc:      columns(25, "Alpha"),
		},
		{
			Name: "a manager's own team comes first", Method: http.MethodGet, URL: "/touches/assignments",
			Headers: f.CookieHeaders("managerB"), TestAppFactory: manyTeams, ExpectedStatus: http.StatusOK,
			ExpectedContent: []string{"Teams 1–25 of 62", "/touches/" + mugID + "/teams/" + f.ID("beta") + "/remove"},
			AfterTestFunc:   columns(25, "Beta"),
		},
		{
			Name: "page 3: the last 12 teams, the forms keep the page", Method: http.MethodGet, URL: "/touches/assignments?page=3",
			Headers: f.CookieHeaders("admin"), TestAppFactory: manyTeams, ExpectedStatus: http.StatusOK,
			ExpectedContent: []string{"Teams 51–62 of 62", `href="/touches/assignments?page=2" class="btn btn-sm" rel="prev"`,
				`action="/touches/` + mugID + `/teams/zteam0000000059?page=3"`},
			NotExpectedContent: []string{`rel="next"`},
			AfterTestFunc:      columns(12, "Zteam 48"),
		},
		{
			Name: "an HTMX click on page 3 answers the row with page 3's columns", Method: http.MethodPost,
			URL: "/touches/" + mugID + "/teams/zteam0000000059?page=3", Headers: f.HTMXHeaders("admin"), TestAppFactory: manyTeams,
			ExpectedStatus: http.StatusOK,
			ExpectedContent: []string{`<tr id="assign-` + mugID + `"`, `data-label="Zteam 48"`,
				`action="/touches/` + mugID + `/teams/zteam0000000059/remove?page=3"`},
			NotExpectedContent: []string{"<html", `data-label="Alpha"`},
		},
		{
			Name: "a plain form on page 3 returns to page 3", Method: http.MethodPost,
			URL: "/touches/" + mugID + "/teams/zteam0000000059?page=3", Headers: f.FormHeaders("admin"), TestAppFactory: manyTeams,
			ExpectedStatus: http.StatusSeeOther, ExpectedContent: []string{""},
			AfterTestFunc: testutil.ExpectLocation("/touches/assignments?page=3"),
		},
	}
	for _, s := range scenarios {
		s.Test(t)
	}
}
