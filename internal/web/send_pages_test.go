package web_test

import (
	"net/http"
	"net/url"
	"testing"

	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tests"

	"teamfund/internal/testutil"
)

// pendingSendID is the id of the one pending send of newSendsAppWithSends ("Pam Pending").
func pendingSendID(tb testing.TB, app core.App) string {
	tb.Helper()
	r, err := app.FindFirstRecordByData("sends", "recipient_name", "Pam Pending")
	if err != nil {
		tb.Fatal(err)
	}
	return r.Id
}

// rewriteURLToPending makes the path value "PENDING" of a scenario's URL the id of the
// fixture's pending send (ids are random, URLs are fixed before the app exists).
func rewriteURLToPending(tb testing.TB, app *tests.TestApp, se *core.ServeEvent) {
	id := pendingSendID(tb, app)
	se.Router.BindFunc(func(re *core.RequestEvent) error {
		if re.Request.PathValue("id") == "PENDING" {
			re.Request.SetPathValue("id", id)
		}
		return re.Next()
	})
}

func TestSendPages(t *testing.T) {
	f := testutil.Fixtures(t)
	sendForm := func(touchID string) *url.Values {
		return &url.Values{"touch": {touchID}, "recipient_name": {"Carla Client"}, "recipient_email": {"carla@client.example"}}
	}
	scenarios := []tests.ApiScenario{
		{
			Name: "member opens the send form of an assigned touch and sees the approval note", Method: http.MethodGet,
			URL: "/sends/new?touch=" + hamperID, Headers: f.CookieHeaders("memberA"), TestAppFactory: newSendsApp,
			ExpectedStatus: http.StatusOK, ExpectedContent: []string{"Send “Hamper”", `id="needs-approval"`, "$30.00", `name="recipient_email"`},
		},
		{
			Name: "member cannot open the send form of another team's touch", Method: http.MethodGet,
			URL: "/sends/new?touch=" + betaOnlyID, Headers: f.CookieHeaders("memberA"), TestAppFactory: newSendsApp,
			ExpectedStatus: http.StatusNotFound, ExpectedContent: []string{"No such touch for your team."},
		},
		{
			Name: "member opens the send form without a touch and picks one of their team's sendable touches", Method: http.MethodGet,
			URL: "/sends/new", Headers: f.CookieHeaders("memberA"), TestAppFactory: newSendsApp,
			ExpectedStatus: http.StatusOK, ExpectedContent: []string{`id="send-touch"`, `value="` + mugID + `"`, "Mug · $10.00", `value="` + socksID + `"`, `name="recipient_email"`},
			NotExpectedContent: []string{`value="` + emptyID + `"`, `value="` + oldID + `"`, `value="` + futureID + `"`, `value="` + doneID + `"`, `value="` + betaOnlyID + `"`},
		},
		{
			Name: "a member without a team gets an empty state instead of a picker", Method: http.MethodGet,
			URL: "/sends/new", Headers: f.CookieHeaders("loner"), TestAppFactory: newSendsApp,
			ExpectedStatus: http.StatusOK, ExpectedContent: []string{`id="send-unavailable"`, "No touch can be sent right now", "you are not in a team"},
			NotExpectedContent: []string{`id="send-form"`},
		},
		{
			Name: "the picker without a choice names the touch field and keeps what was typed", Method: http.MethodPost, URL: "/sends",
			Body:    form(url.Values{"picker": {"on"}, "touch": {""}, "recipient_name": {"Carla Client"}, "recipient_email": {"carla@client.example"}}),
			Headers: f.FormHeaders("memberA"), TestAppFactory: newSendsApp,
			ExpectedStatus: http.StatusUnprocessableEntity, ExpectedContent: []string{`id="send-touch"`, "Choose a touch.", `value="Carla Client"`},
			ExpectedEvents: map[string]int{"*": 0},
		},
		{
			Name: "a paused touch shows as unavailable, without a form", Method: http.MethodGet,
			URL: "/sends/new?touch=" + emptyID, Headers: f.CookieHeaders("memberA"), TestAppFactory: newSendsApp,
			ExpectedStatus: http.StatusOK, ExpectedContent: []string{`id="send-unavailable"`, "cannot be sent now", "out of inventory", "Choose another touch"},
			NotExpectedContent: []string{`id="send-form"`},
		},
		{
			Name: "an ended touch shows as unavailable, without a form", Method: http.MethodGet,
			URL: "/sends/new?touch=" + oldID, Headers: f.CookieHeaders("memberA"), TestAppFactory: newSendsApp,
			ExpectedStatus: http.StatusOK, ExpectedContent: []string{`id="send-unavailable"`, "has ended"},
			NotExpectedContent: []string{`id="send-form"`},
		},
		{
			Name: "member sends from the form and lands on the sends list", Method: http.MethodPost, URL: "/sends",
			Body: form(*sendForm(mugID)), Headers: f.FormHeaders("memberA"), TestAppFactory: newSendsApp,
			ExpectedStatus: http.StatusSeeOther, ExpectedContent: []string{""},
			AfterTestFunc: func(t testing.TB, app *tests.TestApp, res *http.Response) {
				testutil.ExpectLocation("/sends")(t, app, res)
				if got := balanceOf(t, app, "memberA"); got != 9000 {
					t.Errorf("balance %v, want 9000", got)
				}
			},
		},
		{
			Name: "manager approves a pending send from the approvals page", Method: http.MethodPost, URL: "/approvals/sends/PENDING/approve",
			Body: form(url.Values{}), Headers: f.FormHeaders("managerA"), TestAppFactory: newSendsAppWithSends,
			BeforeTestFunc: rewriteURLToPending, ExpectedStatus: http.StatusSeeOther, ExpectedContent: []string{""},
			AfterTestFunc: func(t testing.TB, app *tests.TestApp, res *http.Response) {
				testutil.ExpectLocation("/approvals/sends")(t, app, res)
				if st := statusOfSend(t, app, "Pam Pending"); st != "sent" {
					t.Errorf("status %s, want sent", st)
				}
			},
		},
		{
			Name: "member's approve attempt is refused with a flash and changes nothing", Method: http.MethodPost, URL: "/approvals/sends/PENDING/approve",
			Body: form(url.Values{}), Headers: f.FormHeaders("memberA2"), TestAppFactory: newSendsAppWithSends,
			BeforeTestFunc: rewriteURLToPending, ExpectedStatus: http.StatusSeeOther, ExpectedContent: []string{""},
			AfterTestFunc: func(t testing.TB, app *tests.TestApp, res *http.Response) {
				if st := statusOfSend(t, app, "Pam Pending"); st != "pending" {
					t.Errorf("status %s, want pending", st)
				}
			},
		},
		{
			Name: "the sender cancels from the sends page and gets the money back", Method: http.MethodPost, URL: "/sends/PENDING/cancel",
			Body: form(url.Values{}), Headers: f.FormHeaders("memberA"), TestAppFactory: newSendsAppWithSends,
			BeforeTestFunc: rewriteURLToPending, ExpectedStatus: http.StatusSeeOther, ExpectedContent: []string{""},
			AfterTestFunc: func(t testing.TB, app *tests.TestApp, res *http.Response) {
				if st := statusOfSend(t, app, "Pam Pending"); st != "cancelled" {
					t.Errorf("status %s, want cancelled", st)
				}
				if got := balanceOf(t, app, "memberA"); got != 9000 {
					t.Errorf("balance %v, want 9000 (only the mug spent)", got)
				}
			},
		},
	}
	for _, s := range scenarios {
		s.Test(t)
	}
}

func statusOfSend(t testing.TB, app core.App, recipient string) string {
	t.Helper()
	var row struct {
		Status string `db:"status"`
	}
	if err := app.DB().NewQuery("SELECT status FROM sends WHERE recipient_name = {:r}").Bind(dbx.Params{"r": recipient}).One(&row); err != nil {
		t.Fatal(err)
	}
	return row.Status
}

func TestApprovalsNavIsOneEntryCurrentOnEveryTab(t *testing.T) {
	f := testutil.Fixtures(t)
	for _, path := range []string{"/approvals/sends", "/approvals/leave"} {
		s := tests.ApiScenario{
			Name: "manager on " + path + " sees one current Approvals entry", Method: http.MethodGet, URL: path,
			Headers: f.CookieHeaders("managerA"), TestAppFactory: testutil.NewApp, ExpectedStatus: http.StatusOK,
			ExpectedContent: []string{`<a class="nav-link" href="/approvals/sends" aria-current="page">`},
		}
		s.Test(t)
	}
}
