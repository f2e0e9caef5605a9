package web_test

import (
	"archive/zip"
	"bytes"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/pocketbase/pocketbase/tests"

	"teamfund/internal/audit"
	"teamfund/internal/company"
	"teamfund/internal/inflight"
	"teamfund/internal/testutil"
)

// expectZipOf checks the response is the download of everything: a ZIP holding the given
// files, named as a download.
func expectZipOf(files ...string) func(testing.TB, *tests.TestApp, *http.Response) {
	return func(t testing.TB, _ *tests.TestApp, res *http.Response) {
		t.Helper()
		if cd := res.Header.Get("Content-Disposition"); !strings.Contains(cd, "teamfund-everything-") {
			t.Errorf("Content-Disposition = %q, want the dated ZIP name", cd)
		}
		var buf bytes.Buffer
		if _, err := buf.ReadFrom(res.Body); err != nil {
			t.Fatal(err)
		}
		zr, err := zip.NewReader(bytes.NewReader(buf.Bytes()), int64(buf.Len()))
		if err != nil {
			t.Fatalf("not a ZIP: %v", err)
		}
		have := map[string]bool{}
		for _, f := range zr.File {
			have[f.Name] = true
		}
		for _, name := range files {
			if !have[name] {
				t.Errorf("ZIP lacks %s", name)
			}
		}
	}
}

// expectAudited checks that one company.export_all entry by actor exists.
func expectAudited(actorEmail string) func(testing.TB, *tests.TestApp, *http.Response) {
	return func(t testing.TB, app *tests.TestApp, _ *http.Response) {
		t.Helper()
		recs, err := app.FindAllRecords("audit_log")
		if err != nil {
			t.Fatal(err)
		}
		n := 0
		for _, r := range recs {
			if r.GetString("action") == "company.export_all" && r.GetString("actor_email") == actorEmail {
				n++
			}
		}
		if n != 1 {
			t.Errorf("%d company.export_all entries by %s, want 1", n, actorEmail)
		}
	}
}

func TestDownloadEverything(t *testing.T) {
	f := testutil.Fixtures(t)
	scenarios := []tests.ApiScenario{
		{
			Name:   "owner downloads everything from the settings page",
			Method: http.MethodGet, URL: "/company/export", Headers: f.CookieHeaders("owner"),
			ExpectedStatus: http.StatusOK, ExpectedContent: []string{"PK"},
			AfterTestFunc: func(t testing.TB, app *tests.TestApp, res *http.Response) {
				expectZipOf("README.txt", "teamfund.xlsx", "users.csv", "ledger.csv", "audit_log.csv")(t, app, res)
				expectAudited(f.Emails["owner"])(t, app, res)
			},
		},
		{
			Name:   "owner downloads everything through the JSON API with a bearer token",
			Method: http.MethodGet, URL: "/api/tf/company/export", Headers: f.AuthHeaders("owner"),
			ExpectedStatus: http.StatusOK, ExpectedContent: []string{"PK"},
			AfterTestFunc: expectZipOf("README.txt", "teamfund.xlsx", "invites.csv"),
		},
		{
			Name:   "admin may not download everything",
			Method: http.MethodGet, URL: "/company/export", Headers: f.CookieHeaders("admin"),
			ExpectedStatus: http.StatusForbidden, ExpectedContent: []string{"not allowed"},
			NotExpectedContent: []string{"PK"}, ExpectedEvents: map[string]int{"*": 0},
		},
		{
			Name:   "admin with export permission may not download everything through the API",
			Method: http.MethodGet, URL: "/api/tf/company/export", Headers: f.AuthHeaders("admin"),
			ExpectedStatus: http.StatusForbidden, ExpectedContent: []string{"not allowed"}, ExpectedEvents: map[string]int{"*": 0},
		},
		{
			Name:   "member with export permission may not download everything",
			Method: http.MethodGet, URL: "/company/export", Headers: f.CookieHeaders("memberA2"),
			ExpectedStatus: http.StatusForbidden, ExpectedContent: []string{"not allowed"}, ExpectedEvents: map[string]int{"*": 0},
		},
		{
			Name:   "settings page offers the download of everything",
			Method: http.MethodGet, URL: "/settings", Headers: f.CookieHeaders("owner"),
			ExpectedStatus: http.StatusOK, ExpectedContent: []string{`href="/company/export"`, "Download everything"},
		},
	}
	for _, s := range scenarios {
		s.TestAppFactory = testutil.NewApp
		s.Test(t)
	}
}

// closeForm is the close-company form body.
func closeForm(name, password string, keepBackups bool) *strings.Reader {
	v := url.Values{"company_name": {name}, "password": {password}}
	if keepBackups {
		v.Set("keep_backups", "on")
	}
	return strings.NewReader(v.Encode())
}

// withBackup is the fixture app with a local backup file.
func withBackup(t testing.TB) *tests.TestApp {
	app := testutil.NewApp(t)
	p := filepath.Join(app.DataDir(), "backups", "pb_backup_test.zip")
	if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(p, []byte("x"), 0o644); err != nil {
		t.Fatal(err)
	}
	return app
}

// closedApp is the fixture app after the owner closed the company.
func closedApp(t testing.TB) *tests.TestApp {
	app := testutil.NewApp(t)
	owner := testutil.Member(t, app, testutil.Fixtures(t).ID("owner"))
	if err := company.Close(app, owner, company.CloseInput{CompanyName: "Acme", Password: testutil.Password}); err != nil {
		t.Fatal(err)
	}
	return app
}

// expectOpen checks nothing was deleted and no closing was started.
func expectOpen(t testing.TB, app *tests.TestApp, _ *http.Response) {
	t.Helper()
	if n, _ := app.CountRecords("users"); n < 9 || !company.IsSetUp(app) || company.Closing(app) {
		t.Errorf("users %d, set up %v, closing %v: want the company untouched", n, company.IsSetUp(app), company.Closing(app))
	}
}

func TestCloseCompany(t *testing.T) {
	f := testutil.Fixtures(t)
	scenarios := []tests.ApiScenario{
		{
			Name:   "owner sees what closing deletes, the download first, and the confirmation form",
			Method: http.MethodGet, URL: "/company/close", Headers: f.CookieHeaders("owner"),
			ExpectedStatus: http.StatusOK,
			ExpectedContent: []string{"What will be deleted", `href="/company/export"`, `name="company_name"`,
				`name="password"`, `name="keep_backups"`, "Type the company name: <strong>Acme</strong>"},
		},
		{
			Name:   "settings page links to closing the company",
			Method: http.MethodGet, URL: "/settings", Headers: f.CookieHeaders("owner"),
			ExpectedStatus: http.StatusOK, ExpectedContent: []string{`href="/company/close"`},
		},
		{
			Name:   "admin cannot open the close page",
			Method: http.MethodGet, URL: "/company/close", Headers: f.CookieHeaders("admin"),
			ExpectedStatus: http.StatusForbidden, ExpectedContent: []string{"not allowed"},
		},
		{
			Name:   "admin cannot close the company, even with the name and their own password",
			Method: http.MethodPost, URL: "/company/close", Body: closeForm("Acme", testutil.Password, false),
			Headers: f.FormHeaders("admin"), ExpectedStatus: http.StatusForbidden, ExpectedContent: []string{"not allowed"},
			ExpectedEvents: map[string]int{"*": 0}, AfterTestFunc: expectOpen,
		},
		{
			Name:   "owner with a wrong company name gets the field error and nothing is deleted",
			Method: http.MethodPost, URL: "/company/close", Body: closeForm("acme inc", testutil.Password, false),
			Headers: f.FormHeaders("owner"), ExpectedStatus: http.StatusUnprocessableEntity,
			ExpectedContent:    []string{"Type the company name exactly as shown: Acme.", `value="acme inc"`, `aria-invalid="true"`},
			NotExpectedContent: []string{"not your password"},
			ExpectedEvents:     map[string]int{"*": 0}, AfterTestFunc: expectOpen,
		},
		{
			Name:   "owner with a wrong password gets the field error and nothing is deleted",
			Method: http.MethodPost, URL: "/company/close", Body: closeForm("Acme", "not-the-password", false),
			Headers: f.FormHeaders("owner"), ExpectedStatus: http.StatusUnprocessableEntity,
			ExpectedContent:    []string{"That is not your password."},
			NotExpectedContent: []string{"exactly as shown", "not-the-password"},
			ExpectedEvents:     map[string]int{"*": 0}, AfterTestFunc: expectOpen,
		},
		{
			Name:   "owner closes the company: everything goes, the session ends, the first-run setup is shown",
			Method: http.MethodPost, URL: "/company/close", Body: closeForm(" Acme ", testutil.Password, false),
			Headers: f.FormHeaders("owner"), TestAppFactory: withBackup,
			ExpectedStatus: http.StatusSeeOther, ExpectedContent: []string{""},
			AfterTestFunc: func(t testing.TB, app *tests.TestApp, res *http.Response) {
				testutil.ExpectLocation("/setup")(t, app, res)
				if c := res.Header.Get("Set-Cookie"); !strings.Contains(c, "tf_session=;") {
					t.Errorf("Set-Cookie = %q, want the session cleared", c)
				}
				var links int
				if err := app.DB().NewQuery("SELECT COUNT(*) FROM setup_links WHERE expires > strftime('%Y-%m-%dT%H:%M:%fZ','now')").Row(&links); err != nil || links != 1 {
					t.Errorf("working setup links after the close: %d (%v), want the one printed on the console", links, err)
				}
				for _, table := range []string{"users", "teams", "company", "ledger_entries", "audit_log", "_superusers"} {
					if n, _ := app.CountRecords(table); n != 0 {
						t.Errorf("%s: %d records left", table, n)
					}
				}
				if _, err := os.Stat(filepath.Join(app.DataDir(), "backups", "pb_backup_test.zip")); !os.IsNotExist(err) {
					t.Errorf("the local backup is still there (%v)", err)
				}
			},
		},
		{
			Name:   "after closing, a guest without the new setup link sees no setup form",
			Method: http.MethodGet, URL: "/setup", TestAppFactory: closedApp,
			ExpectedStatus: http.StatusForbidden, ExpectedContent: []string{"waiting to be set up"},
			NotExpectedContent: []string{`name="company_name"`},
		},
		{
			Name:   "after closing, a guest cannot set the server up again (nor become a dashboard superuser) without the link",
			Method: http.MethodPost, URL: "/setup", TestAppFactory: closedApp, Headers: guestForm(),
			Body: form(url.Values{"company_name": {"Intruder"}, "owner_name": {"Eve"}, "email": {"eve@evil.example"},
				"password": {"password123"}, "password_confirm": {"password123"}, "superuser": {"on"}}),
			ExpectedStatus: http.StatusForbidden, ExpectedContent: []string{"waiting to be set up"},
			ExpectedEvents: map[string]int{"*": 0},
		},
		{
			Name:   "after closing, a member's old session is signed out and sent to the setup",
			Method: http.MethodGet, URL: "/", Headers: f.CookieHeaders("memberA"), TestAppFactory: closedApp,
			ExpectedStatus: http.StatusSeeOther, ExpectedContent: []string{""}, AfterTestFunc: testutil.ExpectLocation("/setup"),
		},
		{
			Name:   "after closing, an old bearer token is refused by the JSON API",
			Method: http.MethodGet, URL: "/api/tf/me", Headers: f.AuthHeaders("owner"), TestAppFactory: closedApp,
			ExpectedStatus: http.StatusUnauthorized, ExpectedContent: []string{`"status":401`},
		},
		{
			Name:   "owner closes the company and keeps the local backups",
			Method: http.MethodPost, URL: "/company/close", Body: closeForm("Acme", testutil.Password, true),
			Headers: f.FormHeaders("owner"), TestAppFactory: withBackup,
			ExpectedStatus: http.StatusSeeOther, ExpectedContent: []string{""},
			AfterTestFunc: func(t testing.TB, app *tests.TestApp, res *http.Response) {
				if company.IsSetUp(app) {
					t.Error("the company is still set up")
				}
				if _, err := os.Stat(filepath.Join(app.DataDir(), "backups", "pb_backup_test.zip")); err != nil {
					t.Errorf("the kept backup is gone: %v", err)
				}
			},
		},
	}
	for _, s := range scenarios {
		if s.TestAppFactory == nil {
			s.TestAppFactory = testutil.NewApp
		}
		s.Test(t)
	}
}

// TestCloseWaitsForRequestsInFlight: a request that is still running when the owner closes
// the company (an export that writes its audit row at the end) finishes before the wipe,
// new requests are refused meanwhile, and nothing it wrote survives the close.
func TestCloseWaitsForRequestsInFlight(t *testing.T) {
	f := testutil.Fixtures(t)
	app := testutil.NewApp(t)
	defer app.Cleanup()
	srv := testutil.Serve(t, app)
	leave, ok, _ := inflight.For(app).Enter() // the export, still streaming
	if !ok {
		t.Fatal("the gate is shut")
	}
	closed := make(chan int, 1)
	go func() {
		res, _ := exchange(t, http.MethodPost, srv.URL+"/company/close", url.Values{"company_name": {"Acme"}, "password": {testutil.Password}}.Encode(), f.FormHeaders("owner"))
		closed <- res.StatusCode
	}()
	deadline := time.Now().Add(10 * time.Second)
	for {
		res, body := exchange(t, http.MethodGet, srv.URL+"/login", "", nil)
		if res.StatusCode == http.StatusServiceUnavailable {
			if !strings.Contains(string(body), "being closed") {
				t.Errorf("refusal during the close: %s", body)
			}
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("new requests were never refused while the close waited")
		}
		time.Sleep(10 * time.Millisecond)
	}
	if !company.IsSetUp(app) {
		t.Fatal("the company was wiped while a request was still running")
	}
	// The export's last act, still before the wipe.
	owner := testutil.Member(t, app, f.ID("owner"))
	if err := audit.Record(app, owner, audit.Entry{Action: "export.ledger", TargetType: "ledger"}); err != nil {
		t.Fatal(err)
	}
	leave()
	if status := <-closed; status != http.StatusSeeOther {
		t.Fatalf("close: %d, want 303", status)
	}
	if n, _ := app.CountRecords("audit_log"); n != 0 {
		t.Errorf("%d audit rows outlived the close", n)
	}
	if res, _ := exchange(t, http.MethodGet, srv.URL+"/login", "", nil); res.StatusCode != http.StatusSeeOther {
		t.Errorf("after the close: %d, want the redirect to the setup (requests let in again)", res.StatusCode)
	}
}
