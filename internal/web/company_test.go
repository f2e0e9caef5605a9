package web_test

import (
	"archive/zip"
	"bytes"
	"net/http"
	"strings"
	"testing"

	"github.com/pocketbase/pocketbase/tests"

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
