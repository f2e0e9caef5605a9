package web_test

import (
	"bytes"
	"mime/multipart"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/pocketbase/pocketbase/tests"

	"teamfund/internal/money"
	"teamfund/internal/testutil"
)

// multipartForm builds a multipart body of plain fields and returns it with its content type.
func multipartForm(tb testing.TB, fields map[string]string) (*bytes.Buffer, string) {
	var body bytes.Buffer
	w := multipart.NewWriter(&body)
	for k, v := range fields {
		if err := w.WriteField(k, v); err != nil {
			tb.Fatal(err)
		}
	}
	if err := w.Close(); err != nil {
		tb.Fatal(err)
	}
	return &body, w.FormDataContentType()
}

func with(h map[string]string, k, v string) map[string]string {
	out := map[string]string{k: v}
	for key, val := range h {
		if key != k {
			out[key] = val
		}
	}
	return out
}

func TestBadInputIsRefusedNotStored(t *testing.T) {
	f := testutil.Fixtures(t)
	before, after := ledgerUnchanged()
	nulName, nulType := multipartForm(t, map[string]string{"name": "Max\x00Member"})
	scenarios := []tests.ApiScenario{
		{
			Name: "JSON followed by trailing data is refused and not executed", Method: http.MethodPost,
			URL: "/api/tf/money/transfer", Body: jsonBody(`{"to":"` + f.ID("memberA2") + `","amount":100} {"to":"x"}`),
			Headers: f.AuthHeaders("memberA"), TestAppFactory: moneyApp(map[string]money.Cents{"memberA": 1000}),
			BeforeTestFunc: before, AfterTestFunc: after,
			ExpectedStatus: http.StatusBadRequest, ExpectedContent: []string{"exactly one JSON value"},
		},
		{
			Name: "JSON with a NUL character in a text is refused (team name)", Method: http.MethodPost,
			URL: "/api/tf/teams", Body: jsonBody(`{"name":"Gam\u0000ma"}`), Headers: f.AuthHeaders("admin"),
			TestAppFactory: testutil.NewApp, AfterTestFunc: expectCount("teams", 2),
			ExpectedStatus: http.StatusBadRequest, ExpectedContent: []string{"without NUL characters"},
		},
		{
			Name: "JSON with invalid UTF-8 in a text is refused (team name)", Method: http.MethodPost,
			URL: "/api/tf/teams", Body: jsonBody("{\"name\":\"Gam\xffma\"}"), Headers: f.AuthHeaders("admin"),
			TestAppFactory: testutil.NewApp, AfterTestFunc: expectCount("teams", 2),
			ExpectedStatus: http.StatusBadRequest, ExpectedContent: []string{"UTF-8"},
		},
		{
			Name: "records API JSON followed by trailing data is refused", Method: http.MethodPatch,
			URL: "/api/collections/users/records/" + f.ID("memberA"), Body: jsonBody(`{"name":"New"}garbage`),
			Headers: f.AuthHeaders("superuser"), TestAppFactory: testutil.NewApp, ExpectedEvents: map[string]int{"OnRecordUpdate": 0},
			ExpectedStatus: http.StatusBadRequest, ExpectedContent: []string{"exactly one JSON value"},
		},
		{
			Name: "records API (dashboard) cannot store a NUL character: the field is named", Method: http.MethodPatch,
			URL: "/api/collections/users/records/" + f.ID("memberA"), Body: nulName,
			Headers: with(f.AuthHeaders("superuser"), "Content-Type", nulType), TestAppFactory: testutil.NewApp,
			ExpectedStatus: http.StatusBadRequest, ExpectedContent: []string{`"name"`, "without NUL characters"},
		},
		{
			Name: "a form field with a NUL character is refused (team form)", Method: http.MethodPost,
			URL: "/teams", Body: form(url.Values{"name": {"Gam\x00ma"}}), Headers: f.FormHeaders("admin"),
			TestAppFactory: testutil.NewApp, AfterTestFunc: expectCount("teams", 2),
			ExpectedStatus: http.StatusBadRequest, ExpectedContent: []string{"without NUL characters"},
		},
		{
			Name: "a form field with invalid UTF-8 is refused (team form)", Method: http.MethodPost,
			URL: "/teams", Body: form(url.Values{"name": {"Gam\xffma"}}), Headers: f.FormHeaders("admin"),
			TestAppFactory: testutil.NewApp, AfterTestFunc: expectCount("teams", 2),
			ExpectedStatus: http.StatusBadRequest, ExpectedContent: []string{"UTF-8"},
		},
		{
			Name: "a CSV cell with a NUL character is refused with its line", Method: http.MethodPost,
			URL: "/api/tf/invites/preview", Body: strings.NewReader("email,name\r\nann@acme.com,Ann\r\nbob@acme.com,B\x00b\r\n"),
			Headers: with(f.AuthHeaders("admin"), "Content-Type", "text/csv"), TestAppFactory: testutil.NewApp,
			ExpectedStatus: http.StatusBadRequest, ExpectedContent: []string{"line 3", "NUL"},
		},
		{
			Name: "a CSV cell with invalid UTF-8 is refused with its line", Method: http.MethodPost,
			URL: "/api/tf/invites/import", Body: strings.NewReader("email,name\r\nann@acme.com,Ann\xe9\r\n"),
			Headers: with(f.AuthHeaders("admin"), "Content-Type", "text/csv"), TestAppFactory: testutil.NewApp,
			AfterTestFunc:  expectCount("invites", 0),
			ExpectedStatus: http.StatusBadRequest, ExpectedContent: []string{"line 2", "UTF-8"},
		},
		{
			Name: "owner cannot set the currency to XXX (JSON)", Method: http.MethodPut, URL: "/api/tf/settings",
			Body:    jsonBody(`{"name":"Acme","currency":"XXX","timezone":"UTC","seat_limit":0,"invite_ttl_hours":168}`),
			Headers: f.AuthHeaders("owner"), TestAppFactory: testutil.NewApp,
			ExpectedStatus: http.StatusBadRequest, ExpectedContent: []string{`"currency"`, "no currency"},
		},
		{
			Name: "dashboard cannot set the currency to XXX", Method: http.MethodPatch,
			URL: "/api/collections/company/records/{company}", Body: jsonBody(`{"currency":"XXX"}`),
			Headers: f.AuthHeaders("superuser"), TestAppFactory: testutil.NewApp,
			ExpectedStatus: http.StatusBadRequest, ExpectedContent: []string{`"currency"`, "no currency"},
		},
		{
			Name: "a form larger than the body limit gets 413, not the CSRF check's 403", Method: http.MethodPost,
			URL: "/teams", Body: strings.NewReader("name=" + strings.Repeat("a", 11<<20)), Headers: f.FormHeaders("admin"),
			TestAppFactory: testutil.NewApp, AfterTestFunc: expectCount("teams", 2),
			ExpectedStatus: http.StatusRequestEntityTooLarge, ExpectedContent: []string{"larger than"},
		},
	}
	for _, s := range scenarios {
		if strings.Contains(s.URL, "{company}") {
			url := s.URL
			base := s.TestAppFactory
			s.TestAppFactory = func(tb testing.TB) *tests.TestApp {
				app := base(tb)
				recs, err := app.FindAllRecords("company")
				if err != nil || len(recs) != 1 {
					tb.Fatal(err)
				}
				s.URL = strings.Replace(url, "{company}", recs[0].Id, 1)
				return app
			}
		}
		s.Test(t)
	}
}

func TestInviteAPIErrorsUseTheDocumentedShape(t *testing.T) {
	f := testutil.Fixtures(t)
	scenarios := []tests.ApiScenario{
		{
			Name: "admin's invite of an already invited email names the field with its message (JSON)", Method: http.MethodPost,
			URL: "/api/tf/invites", Body: jsonBody(`{"email":"pending.a@acme.com","role":"member"}`),
			Headers: f.AuthHeaders("admin"), TestAppFactory: inviteApp, ExpectedStatus: http.StatusConflict,
			ExpectedContent: []string{`"data":{"email":{"code":"invalid","message":"Already invited`},
		},
		{
			Name: "admin's invite of a malformed email names the field with its message (JSON)", Method: http.MethodPost,
			URL: "/api/tf/invites", Body: jsonBody(`{"email":"not-an-email","role":"member"}`),
			Headers: f.AuthHeaders("admin"), TestAppFactory: inviteApp, ExpectedStatus: http.StatusBadRequest,
			ExpectedContent: []string{`"data":{"email":{"code":"invalid","message":"`}, NotExpectedContent: []string{"Invalid value."},
		},
		{
			Name: "a bulk invite action that is refused lists every refused invite (JSON)", Method: http.MethodPost,
			URL: "/api/tf/invites/bulk", Body: jsonBody(`{"action":"revoke","ids":["` + alphaInviteID + `","` + betaInviteID + `"]}`),
			Headers: f.AuthHeaders("managerA"), TestAppFactory: inviteApp, ExpectedStatus: http.StatusConflict,
			ExpectedContent: []string{`"refused":[{"`, "pending.b@acme.com"},
		},
		{
			Name: "an unknown bulk action names the field (JSON)", Method: http.MethodPost,
			URL: "/api/tf/invites/bulk", Body: jsonBody(`{"action":"explode","ids":["` + alphaInviteID + `"]}`),
			Headers: f.AuthHeaders("admin"), TestAppFactory: inviteApp, ExpectedStatus: http.StatusBadRequest,
			ExpectedContent: []string{`"action":{"code":"invalid","message":"Use resend, revoke, delete or edit."}`},
		},
	}
	for _, s := range scenarios {
		s.Test(t)
	}
}
