package web_test

import (
	"bytes"
	"mime/multipart"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tests"

	"teamfund/internal/testutil"
)

// upload builds a multipart body with the CSV as "file" and the CSRF field.
func upload(t testing.TB, csv string) (*bytes.Buffer, string) {
	var body bytes.Buffer
	w := multipart.NewWriter(&body)
	_ = w.WriteField("csrf_token", testutil.CSRF)
	fw, err := w.CreateFormFile("file", "people.csv")
	if err != nil {
		t.Fatal(err)
	}
	_, _ = fw.Write([]byte(csv))
	_ = w.Close()
	return &body, w.FormDataContentType()
}

const webCSV = "\ufeffEmail,Name,Role,Team\r\n" +
	"\"New.One@ACME.com\",\"One, New\",member,alpha\r\n" +
	"pending.a@acme.com,Pat,member,Alpha\r\n" +
	"bad-email,X,member,Alpha\r\n" +
	"new.one@acme.com,Again,member,Alpha\r\n"

func TestCSVPages(t *testing.T) {
	f := testutil.Fixtures(t)
	body, ct := upload(t, webCSV)
	headers := f.CookieHeaders("managerA")
	headers["Content-Type"] = ct
	big, bigCT := upload(t, "email\n"+strings.Repeat("someone@acme.com\n", 300_000))
	bigHeaders := f.CookieHeaders("admin")
	bigHeaders["Content-Type"] = bigCT
	noEmail, noEmailCT := upload(t, "name,team\nX,Alpha\n")
	noEmailHeaders := f.CookieHeaders("admin")
	noEmailHeaders["Content-Type"] = noEmailCT
	badRole, badRoleCT := upload(t, "team,email,role\nAlpha,boss.person@acme.com,boss\nNowhere,nowhere@acme.com,member\n")
	badRoleHeaders := f.CookieHeaders("admin")
	badRoleHeaders["Content-Type"] = badRoleCT
	var empty bytes.Buffer
	emptyForm := multipart.NewWriter(&empty)
	_ = emptyForm.WriteField("csrf_token", testutil.CSRF)
	_, _ = emptyForm.CreateFormFile("file", "") // what a browser sends when no file was chosen
	_ = emptyForm.Close()
	emptyHeaders := f.CookieHeaders("admin")
	emptyHeaders["Content-Type"] = emptyForm.FormDataContentType()
	scenarios := []tests.ApiScenario{
		{
			Name:   "an upload without a file asks to choose one, under the file field",
			Method: http.MethodPost, URL: "/invites/preview", Body: &empty, Headers: emptyHeaders, TestAppFactory: inviteApp,
			ExpectedStatus:     http.StatusBadRequest,
			ExpectedContent:    []string{`class="form-control is-invalid" type="file"`, "Choose a CSV file to upload"},
			NotExpectedContent: []string{"has no rows"},
			ExpectedEvents:     map[string]int{"*": 0},
		},
		{
			Name:   "a file without the email column keeps the admin on the invites page with the reason under the file field",
			Method: http.MethodPost, URL: "/invites/preview", Body: noEmail, Headers: noEmailHeaders, TestAppFactory: inviteApp,
			ExpectedStatus: http.StatusBadRequest,
			ExpectedContent: []string{`id="csv-upload"`, `class="form-control is-invalid" type="file"`,
				"email is required; name, role and team are optional, in any order", `id="invite-list"`},
			NotExpectedContent: []string{"Back to the dashboard"},
			ExpectedEvents:     map[string]int{"*": 0},
		},
		{
			Name:   "the preview marks each refused row and shows the refused value as typed",
			Method: http.MethodPost, URL: "/invites/preview", Body: badRole, Headers: badRoleHeaders, TestAppFactory: inviteApp,
			ExpectedStatus: 200,
			ExpectedContent: []string{`<mark class="refused-value">boss</mark>`, `<mark class="refused-value">Nowhere</mark>`,
				`class="refused table-danger"`, "invalid role", "unknown team"},
			ExpectedEvents: map[string]int{"*": 0},
		},
		{
			Name:   "manager uploads a CSV and sees every refused row with its line and reason, nothing written",
			Method: http.MethodPost, URL: "/invites/preview", Body: body, Headers: headers, TestAppFactory: inviteApp,
			ExpectedStatus: 200,
			ExpectedContent: []string{"Preview: nothing is sent yet", "new.one@acme.com", "already invited", "malformed email",
				"duplicate in file (line 2)", "Send all valid (1)", `name="csv"`},
			ExpectedEvents: map[string]int{"*": 0},
		},
		{
			Name:   "send all valid imports the valid rows and reports the refused ones",
			Method: http.MethodPost, URL: "/invites/import", Body: form(url.Values{"csv": {webCSV}}),
			Headers: f.FormHeaders("managerA"), TestAppFactory: inviteApp,
			ExpectedStatus: 200, ExpectedContent: []string{"Invites imported", `id="valid-count">1<`, `id="refused-count">3<`},
			AfterTestFunc: func(t testing.TB, app *tests.TestApp, _ *http.Response) {
				r, err := app.FindFirstRecordByData("invites", "email", "new.one@acme.com")
				if err != nil || r.GetString("team") != f.ID("alpha") || r.GetString("name") != "One, New" {
					t.Errorf("imported invite %v (%v)", r, err)
				}
			},
		},
		{
			Name:   "a file over the size limit gets a clear message",
			Method: http.MethodPost, URL: "/invites/preview", Body: big, Headers: bigHeaders, TestAppFactory: inviteApp,
			ExpectedStatus: http.StatusRequestEntityTooLarge, ExpectedContent: []string{"too large", "4 MB"},
		},
		{
			Name:   "JSON import of a raw text/csv body",
			Method: http.MethodPost, URL: "/api/tf/invites/import", Body: strings.NewReader(webCSV),
			Headers: map[string]string{"Authorization": f.Token("admin"), "Content-Type": "text/csv"}, TestAppFactory: inviteApp,
			ExpectedStatus: 200, ExpectedContent: []string{`"invited":1`, `"refused":3`, `"line":5`, `"reason":"duplicate in file (line 2)"`},
		},
		{
			Name:   "JSON preview of a file without the email column names the header problem",
			Method: http.MethodPost, URL: "/api/tf/invites/preview", Body: strings.NewReader("name,team\nX,Alpha\n"),
			Headers: map[string]string{"Authorization": f.Token("admin"), "Content-Type": "text/csv"}, TestAppFactory: inviteApp,
			ExpectedStatus: http.StatusBadRequest, ExpectedContent: []string{"email is required; name, role and team are optional, in any order"},
		},
		{
			Name:   "an outbox message shows its link in a copyable field",
			Method: http.MethodGet, URL: "/outbox/mailmessage0001", Headers: f.CookieHeaders("admin"),
			TestAppFactory: func(tb testing.TB) *tests.TestApp {
				app := inviteApp(tb)
				col, _ := app.FindCollectionByNameOrId("outbox")
				r := newRecord(col, map[string]any{"to": "x@acme.com", "subject": "You are invited to Acme on Teamfund",
					"text": "Accept: http://localhost:8090/invite/abc", "delivery": "stored"})
				r.Id = "mailmessage0001"
				if err := app.Save(r); err != nil {
					tb.Fatal(err)
				}
				return app
			},
			ExpectedStatus: 200, ExpectedContent: []string{"You are invited to Acme on Teamfund", "x@acme.com", "Stored",
				`class="form-control mail-link" readonly value="http://localhost:8090/invite/abc"`, `data-copy="#mail-link-0"`},
		},
	}
	for _, s := range scenarios {
		s.Test(t)
	}
}

func newRecord(col *core.Collection, data map[string]any) *core.Record {
	r := core.NewRecord(col)
	r.Load(data)
	return r
}
