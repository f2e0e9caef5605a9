package web_test

import (
	"bytes"
	"io"
	"net/http"
	"testing"
	"time"

	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tests"
	"github.com/xuri/excelize/v2"

	"teamfund/internal/ledger"
	"teamfund/internal/testutil"
)

// exportApp is the fixture app plus, for each of these users, one grant (reason
// "grant-<key>-") and one send (recipient "to-<key>-"); loner and memberB may export.
func exportApp(tb testing.TB) *tests.TestApp {
	app := testutil.NewApp(tb)
	f := testutil.Fixtures(tb)
	sends, err := app.FindCollectionByNameOrId("sends")
	if err != nil {
		tb.Fatal(err)
	}
	for _, key := range []string{"memberA", "memberA2", "managerA", "memberB", "managerB", "loner"} {
		if _, err := ledger.Post(app, ledger.Entry{Account: f.ID(key), Amount: 5000, Kind: ledger.KindGrant,
			Reason: "grant-" + key + "-"}); err != nil {
			tb.Fatal(err)
		}
		team := map[string]string{"memberA": "alpha", "memberA2": "alpha", "managerA": "alpha", "memberB": "beta", "managerB": "beta"}[key]
		s := core.NewRecord(sends)
		s.Load(map[string]any{"touch_name": "Coffee", "sender": f.ID(key), "sender_email": f.Emails[key],
			"recipient_name": "to-" + key + "-", "recipient_email": "r@example.com", "cost": 1250, "status": "sent"})
		if team != "" {
			s.Set("team", f.ID(team))
		}
		if err := app.Save(s); err != nil {
			tb.Fatal(err)
		}
	}
	for _, key := range []string{"loner", "memberB"} {
		u, err := app.FindRecordById("users", f.ID(key))
		if err != nil {
			tb.Fatal(err)
		}
		u.Set("may_export", true)
		if err := app.Save(u); err != nil {
			tb.Fatal(err)
		}
	}
	return app
}

func grants(keys ...string) []string  { return marked("grant-", keys) }
func sendsOf(keys ...string) []string { return marked("to-", keys) }
func marked(prefix string, keys []string) []string {
	out := make([]string, len(keys))
	for i, k := range keys {
		out[i] = prefix + k + "-"
	}
	return out
}

// TestExportPermissions is the export access table: role × own/other team × may_export,
// for the three lists, through the page routes (cookie) and the JSON API (bearer).
func TestExportPermissions(t *testing.T) {
	f := testutil.Fixtures(t)
	alpha, beta := f.ID("alpha"), f.ID("beta")
	all := []string{"memberA", "memberA2", "managerA", "memberB", "managerB", "loner"}
	scenarios := []tests.ApiScenario{
		{
			Name:   "member without the export permission gets a clear 403",
			Method: http.MethodGet, URL: "/export/ledger.csv", Headers: f.CookieHeaders("memberA"),
			ExpectedStatus: http.StatusForbidden, ExpectedContent: []string{"may not export data"},
			NotExpectedContent: grants(all...),
		},
		{
			Name:   "member without the export permission gets a JSON 403 from the API",
			Method: http.MethodGet, URL: "/api/tf/export/sends.xlsx", Headers: f.AuthHeaders("memberA"),
			ExpectedStatus: http.StatusForbidden, ExpectedContent: []string{`"status":403`, "may not export data"},
		},
		{
			Name:   "member with export and team visibility exports their team's ledger",
			Method: http.MethodGet, URL: "/export/ledger.csv", Headers: f.CookieHeaders("memberA2"),
			ExpectedStatus: http.StatusOK, ExpectedContent: grants("memberA", "memberA2", "managerA"),
			NotExpectedContent: grants("memberB", "managerB", "loner"),
		},
		{
			Name:   "member with export and team visibility exports their team's sends",
			Method: http.MethodGet, URL: "/export/sends.csv", Headers: f.CookieHeaders("memberA2"),
			ExpectedStatus: http.StatusOK, ExpectedContent: sendsOf("memberA", "memberA2", "managerA"),
			NotExpectedContent: sendsOf("memberB", "managerB", "loner"),
		},
		{
			Name:   "member with export but own visibility exports only their own ledger rows",
			Method: http.MethodGet, URL: "/export/ledger.csv", Headers: f.CookieHeaders("memberB"),
			ExpectedStatus: http.StatusOK, ExpectedContent: grants("memberB"),
			NotExpectedContent: grants("managerB", "memberA", "memberA2", "managerA", "loner"),
		},
		{
			Name:   "teamless member with export exports only their own sends",
			Method: http.MethodGet, URL: "/export/sends.csv", Headers: f.CookieHeaders("loner"),
			ExpectedStatus: http.StatusOK, ExpectedContent: sendsOf("loner"),
			NotExpectedContent: sendsOf("memberA", "memberA2", "managerA", "memberB", "managerB"),
		},
		{
			Name:   "member cannot export another team's ledger by naming it",
			Method: http.MethodGet, URL: "/export/ledger.csv?team=" + beta, Headers: f.CookieHeaders("memberA2"),
			ExpectedStatus: http.StatusForbidden, ExpectedContent: []string{"not allowed"},
			NotExpectedContent: grants(all...),
		},
		{
			Name:   "member cannot export the users list (they have no Users page)",
			Method: http.MethodGet, URL: "/export/users.csv", Headers: f.CookieHeaders("memberA2"),
			ExpectedStatus: http.StatusForbidden, ExpectedContent: []string{"not allowed"},
			NotExpectedContent: []string{"manager.a@acme.com"},
		},
		{
			Name:   "manager exports their team's users only",
			Method: http.MethodGet, URL: "/export/users.csv", Headers: f.CookieHeaders("managerA"),
			ExpectedStatus: http.StatusOK, ExpectedContent: []string{"member.a@acme.com", "member.a2@acme.com", "manager.a@acme.com"},
			NotExpectedContent: []string{"member.b@acme.com", "owner@acme.com", "loner@acme.com"},
		},
		{
			Name:   "manager exports their team's ledger only",
			Method: http.MethodGet, URL: "/export/ledger.csv", Headers: f.CookieHeaders("managerA"),
			ExpectedStatus: http.StatusOK, ExpectedContent: grants("memberA", "memberA2", "managerA"),
			NotExpectedContent: grants("memberB", "managerB", "loner"),
		},
		{
			Name:   "manager cannot export another team's sends",
			Method: http.MethodGet, URL: "/export/sends.csv?team=" + alpha, Headers: f.CookieHeaders("managerB"),
			ExpectedStatus: http.StatusForbidden, ExpectedContent: []string{"not allowed"},
			NotExpectedContent: sendsOf(all...),
		},
		{
			Name:   "manager exports their own team's sends through the API with a bearer token",
			Method: http.MethodGet, URL: "/api/tf/export/sends.csv?team=" + beta, Headers: f.AuthHeaders("managerB"),
			ExpectedStatus: http.StatusOK, ExpectedContent: sendsOf("memberB", "managerB"),
			NotExpectedContent: sendsOf("memberA", "memberA2", "managerA", "loner"),
		},
		{
			Name:   "admin exports every user",
			Method: http.MethodGet, URL: "/export/users.csv", Headers: f.CookieHeaders("admin"),
			ExpectedStatus:  http.StatusOK,
			ExpectedContent: []string{"owner@acme.com", "member.a@acme.com", "member.b@acme.com", "loner@acme.com", "locked@acme.com"},
		},
		{
			Name:   "admin exports another team's ledger when filtering on it",
			Method: http.MethodGet, URL: "/export/ledger.csv?team=" + beta, Headers: f.CookieHeaders("admin"),
			ExpectedStatus: http.StatusOK, ExpectedContent: grants("memberB", "managerB"),
			NotExpectedContent: grants("memberA", "memberA2", "managerA", "loner"),
		},
		{
			Name:   "owner exports every send",
			Method: http.MethodGet, URL: "/export/sends.csv", Headers: f.CookieHeaders("owner"),
			ExpectedStatus: http.StatusOK, ExpectedContent: sendsOf(all...),
		},
		{
			Name:   "guest is sent to sign in",
			Method: http.MethodGet, URL: "/export/ledger.csv",
			ExpectedStatus: http.StatusSeeOther, ExpectedContent: []string{""},
			AfterTestFunc: testutil.ExpectLocation("/login"),
		},
		{
			Name:   "guest gets 401 from the API",
			Method: http.MethodGet, URL: "/api/tf/export/ledger.csv",
			ExpectedStatus: http.StatusUnauthorized, ExpectedContent: []string{"Sign in first."},
		},
		{
			Name:   "deactivated user's session cannot export",
			Method: http.MethodGet, URL: "/export/ledger.csv", Headers: f.CookieHeaders("locked"),
			ExpectedStatus: http.StatusSeeOther, ExpectedContent: []string{""},
			AfterTestFunc: testutil.ExpectLocation("/login"),
		},
	}
	for _, s := range scenarios {
		s.TestAppFactory = exportApp
		if s.ExpectedEvents == nil {
			s.ExpectedEvents = map[string]int{"*": 0}
		}
		s.Test(t)
	}
}

func TestExportFiles(t *testing.T) {
	f := testutil.Fixtures(t)
	today := time.Now().UTC().Format("2006-01-02")
	scenarios := []tests.ApiScenario{
		{
			Name:   "CSV download has a dated attachment name, a BOM and plain decimals",
			Method: http.MethodGet, URL: "/export/ledger.csv?member=" + f.ID("memberA"), Headers: f.CookieHeaders("admin"),
			ExpectedStatus: http.StatusOK, ExpectedContent: []string{"\uFEFFDate,Email,Team,Kind,Amount", "member.a@acme.com,Alpha,grant,50.00,50.00"},
			NotExpectedContent: grants("memberA2"),
			AfterTestFunc: func(t testing.TB, _ *tests.TestApp, res *http.Response) {
				want := `attachment; filename=teamfund-ledger-` + today + `.csv`
				if got := res.Header.Get("Content-Disposition"); got != want {
					t.Errorf("Content-Disposition = %q, want %q", got, want)
				}
				if got := res.Header.Get("Content-Type"); got != "text/csv; charset=utf-8" {
					t.Errorf("Content-Type = %q", got)
				}
			},
		},
		{
			Name:   "users CSV applies the Users page filters (role)",
			Method: http.MethodGet, URL: "/export/users.csv?role=manager", Headers: f.CookieHeaders("admin"),
			ExpectedStatus: http.StatusOK, ExpectedContent: []string{"manager.a@acme.com", "manager.b@acme.com"},
			NotExpectedContent: []string{"member.a@acme.com", "owner@acme.com"},
		},
		{
			Name:   "sends XLSX reads back with money as numbers and the filter applied",
			Method: http.MethodGet, URL: "/export/sends.xlsx?team=" + f.ID("beta"), Headers: f.CookieHeaders("admin"),
			ExpectedStatus: http.StatusOK, ExpectedContent: []string{"PK"},
			AfterTestFunc: func(t testing.TB, _ *tests.TestApp, res *http.Response) {
				rows := readXLSXBody(t, res, "Sends")
				if len(rows) != 3 {
					t.Fatalf("got %d rows, want header + 2 beta sends: %q", len(rows), rows)
				}
				for _, r := range rows[1:] {
					if r[3] != "Beta" || r[6] != "12.5" {
						t.Errorf("row %q: want team Beta and cost 12.5", r)
					}
				}
			},
		},
		{
			Name:   "a bad date filter is a 400 naming the field, before any download starts",
			Method: http.MethodGet, URL: "/api/tf/export/ledger.csv?from=yesterday", Headers: f.AuthHeaders("admin"),
			ExpectedStatus: http.StatusBadRequest, ExpectedContent: []string{`"from"`},
		},
		{
			Name:   "an unknown export format is a 404",
			Method: http.MethodGet, URL: "/export/users.pdf", Headers: f.CookieHeaders("admin"),
			ExpectedStatus: http.StatusNotFound, ExpectedContent: []string{"Unknown export format"},
		},
		{
			Name:   "an unknown list is a 404",
			Method: http.MethodGet, URL: "/api/tf/export/audit.csv", Headers: f.AuthHeaders("admin"),
			ExpectedStatus: http.StatusNotFound, ExpectedContent: []string{"Unknown export: use users"},
		},
	}
	for _, s := range scenarios {
		s.TestAppFactory = exportApp
		s.Test(t)
	}
}

func readXLSXBody(t testing.TB, res *http.Response, sheet string) [][]string {
	t.Helper()
	var buf bytes.Buffer
	if _, err := buf.ReadFrom(res.Body); err != nil {
		t.Fatal(err)
	}
	x, err := excelize.OpenReader(&buf)
	if err != nil {
		t.Fatal(err)
	}
	defer x.Close()
	rows, err := x.GetRows(sheet, excelize.Options{RawCellValue: true})
	if err != nil {
		t.Fatal(err)
	}
	return rows
}

func TestExportButtons(t *testing.T) {
	f := testutil.Fixtures(t)
	beta := f.ID("beta")
	scenarios := []tests.ApiScenario{
		{
			Name:   "sends page offers CSV and XLSX links carrying the current filter",
			Method: http.MethodGet, URL: "/sends?status=sent&team=" + beta, Headers: f.CookieHeaders("admin"),
			ExpectedStatus: http.StatusOK,
			ExpectedContent: []string{`href="/export/sends.csv?status=sent&amp;team=` + beta + `"`,
				`href="/export/sends.xlsx?status=sent&amp;team=` + beta + `"`},
		},
		{
			Name:   "users page offers download links with its filters to a manager",
			Method: http.MethodGet, URL: "/users?role=member&q=mem", Headers: f.CookieHeaders("managerA"),
			ExpectedStatus:  http.StatusOK,
			ExpectedContent: []string{`href="/export/users.csv?q=mem&amp;role=member"`, `href="/export/users.xlsx?q=mem&amp;role=member"`},
		},
		{
			Name:   "ledger page offers download links with its filters to a member with the export permission",
			Method: http.MethodGet, URL: "/ledger?kind=grant", Headers: f.CookieHeaders("memberA2"),
			ExpectedStatus:  http.StatusOK,
			ExpectedContent: []string{`href="/export/ledger.csv?kind=grant"`, `href="/export/ledger.xlsx?kind=grant"`},
		},
		{
			Name:   "ledger page shows no download links to a member without the export permission",
			Method: http.MethodGet, URL: "/ledger", Headers: f.CookieHeaders("memberA"),
			ExpectedStatus: http.StatusOK, ExpectedContent: []string{"Ledger"}, NotExpectedContent: []string{"/export/ledger"},
		},
		{
			Name:   "sends page shows no download links to a member without the export permission",
			Method: http.MethodGet, URL: "/sends", Headers: f.CookieHeaders("memberA"),
			ExpectedStatus: http.StatusOK, ExpectedContent: []string{"Sends"}, NotExpectedContent: []string{"/export/sends"},
		},
	}
	for _, s := range scenarios {
		s.TestAppFactory = exportApp
		s.Test(t)
	}
}

// TestExportFailingMidStreamAbortsTheDownload: when reading fails after rows were sent, the
// client must see a broken transfer, not a complete-looking short file. One corrupt ledger
// row (text in the amount column, written around the app) sits behind 3,000 good ones.
func TestExportFailingMidStreamAbortsTheDownload(t *testing.T) {
	f := testutil.Fixtures(t)
	app := testutil.NewApp(t)
	defer app.Cleanup()
	_, err := app.DB().NewQuery(`
		WITH RECURSIVE seq(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM seq WHERE i < 3001)
		INSERT INTO ledger_entries (id, account, user_email, team, amount, kind, reason, actor, actor_email, period, balance_after, ref, created)
		SELECT printf('midstream%06d', i), {:account}, 'member.a@acme.com', '', CASE WHEN i = 3001 THEN 'oops' ELSE 100 END,
			'adjust', 'row ' || i, '', '', '', 0, '', strftime('%Y-%m-%d %H:%M:%fZ', '2026-11-20', '-' || i || ' seconds')
		FROM seq`).Bind(dbx.Params{"account": f.ID("memberA")}).Execute()
	if err != nil {
		t.Fatal(err)
	}
	srv := testutil.Serve(t, app)
	req, err := http.NewRequest(http.MethodGet, srv.URL+"/api/tf/export/ledger.csv", nil)
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Authorization", f.Token("admin"))
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	if res.StatusCode != http.StatusOK {
		t.Fatalf("status %d, want 200 (the failure comes after the first rows)", res.StatusCode)
	}
	body, err := io.ReadAll(res.Body)
	if err == nil {
		t.Fatalf("read %d bytes and a clean end of the download; want a broken transfer", len(body))
	}
	if !bytes.Contains(body, []byte("row 1,")) {
		t.Errorf("the good rows before the failure did not arrive (%d bytes)", len(body))
	}
}
