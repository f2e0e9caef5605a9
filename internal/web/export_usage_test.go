package web_test

import (
	"net/http"
	"testing"
	"time"

	"github.com/pocketbase/pocketbase/tests"

	"teamfund/internal/testutil"
)

// TestUsageExport: who may download the Usage page's figures, what the file says, and the
// 400s naming the field for a bad filter (before any byte of a file). The figures
// themselves are checked against the ledger by TestRandomCompanyHistoriesReconcile.
func TestUsageExport(t *testing.T) {
	f := testutil.Fixtures(t)
	month := time.Now().UTC().Format("2006-01")
	header := "\uFEFFMonth,Row,Team,Member,Email,Note,Opening balance (USD),Held at the start (USD),Handed out (USD)," +
		"Transferred in (USD),Transferred out (USD),Returned (USD),Refunded (USD),Spent (USD),Held (USD),Available (USD)"
	scenarios := []tests.ApiScenario{
		{
			Name:   "a manager downloads their team's month in the money words: the team row, then its members",
			Method: http.MethodGet, URL: "/api/tf/export/usage.csv", Headers: f.AuthHeaders("managerA"),
			ExpectedStatus: http.StatusOK,
			ExpectedContent: []string{header, month + ",Team,Alpha,,,,0.00,0.00,150.00,0.00,0.00,0.00,0.00,0.00,0.00,150.00",
				",member.a@acme.com,,0.00,0.00,50.00,0.00,0.00,0.00,0.00,0.00,0.00,50.00"},
			NotExpectedContent: []string{"Beta", ",Company,"},
		},
		{
			Name:   "an admin's download of the company has the company row, every team and the money on no team",
			Method: http.MethodGet, URL: "/export/usage.csv?month=" + month, Headers: f.CookieHeaders("admin"),
			ExpectedStatus: http.StatusOK,
			ExpectedContent: []string{month + ",Company,,,,,0.00,0.00,300.00,0.00,0.00,0.00,0.00,0.00,0.00,300.00",
				month + ",Team,Beta,", month + ",Team,No team (people without one and deleted teams),", "loner@acme.com"},
		},
		{
			Name:   "an admin downloads only the money on no team (team=none)",
			Method: http.MethodGet, URL: "/api/tf/export/usage.csv?team=none", Headers: f.AuthHeaders("admin"),
			ExpectedStatus: http.StatusOK, ExpectedContent: []string{",Team,No team (people without one and deleted teams),", "loner@acme.com"},
			NotExpectedContent: []string{",Team,Alpha,", ",Company,"},
		},
		{
			Name:   "a manager cannot download another team's usage",
			Method: http.MethodGet, URL: "/api/tf/export/usage.csv?team=" + f.ID("beta"), Headers: f.AuthHeaders("managerA"),
			ExpectedStatus: http.StatusForbidden, ExpectedContent: []string{"not allowed"},
		},
		{
			Name:   "a member with the export permission cannot download usage (members have no Usage page)",
			Method: http.MethodGet, URL: "/api/tf/export/usage.xlsx", Headers: f.AuthHeaders("memberB"),
			ExpectedStatus: http.StatusForbidden, ExpectedContent: []string{"not allowed"},
		},
		{
			Name:   "a bad month is a 400 naming month",
			Method: http.MethodGet, URL: "/api/tf/export/usage.csv?month=2026-13", Headers: f.AuthHeaders("admin"),
			ExpectedStatus: http.StatusBadRequest, ExpectedContent: []string{`"month"`, "must be a month like 2026-03"},
		},
		{
			Name:   "a range that ends before it starts is a 400 naming to",
			Method: http.MethodGet, URL: "/api/tf/export/usage.csv?from=2026-05&to=2026-04", Headers: f.AuthHeaders("admin"),
			ExpectedStatus: http.StatusBadRequest, ExpectedContent: []string{`"to"`, "must not be before from"},
		},
		{
			Name:   "more than 36 months at once is a 400 naming to",
			Method: http.MethodGet, URL: "/api/tf/export/usage.csv?from=2020-01&to=2026-01", Headers: f.AuthHeaders("admin"),
			ExpectedStatus: http.StatusBadRequest, ExpectedContent: []string{`"to"`, "at most 36 months"},
		},
		{
			Name:   "an unknown team is a 400 naming team",
			Method: http.MethodGet, URL: "/api/tf/export/usage.csv?team=nosuchteam00000", Headers: f.AuthHeaders("admin"),
			ExpectedStatus: http.StatusBadRequest, ExpectedContent: []string{`"team"`, "no such team"},
		},
		{
			Name:   "the Usage page offers the month's download to a manager",
			Method: http.MethodGet, URL: "/usage", Headers: f.CookieHeaders("managerA"),
			ExpectedStatus: http.StatusOK, ExpectedContent: []string{`href="/export/usage.csv?month=` + month + `&amp;team=` + f.ID("alpha")},
		},
		{
			Name:   "the sends list refuses an unknown dates value, naming dates",
			Method: http.MethodGet, URL: "/api/tf/sends?dates=yesterday", Headers: f.AuthHeaders("admin"),
			ExpectedStatus: http.StatusBadRequest, ExpectedContent: []string{`"dates"`},
		},
		{
			Name:   "the sends list refuses a held_on that is not a day, naming held_on",
			Method: http.MethodGet, URL: "/api/tf/sends?held_on=2026-02-30", Headers: f.AuthHeaders("admin"),
			ExpectedStatus: http.StatusBadRequest, ExpectedContent: []string{`"held_on"`},
		},
	}
	for _, s := range scenarios {
		s.TestAppFactory = exportApp
		s.Test(t)
	}
}

// TestNoTeamIsAFilterOfTheLedgerAndSends: team=none lists the rows booked on no team (the
// loner's), on the pages (whose team menu offers it to admins) and in their exports.
func TestNoTeamIsAFilterOfTheLedgerAndSends(t *testing.T) {
	f := testutil.Fixtures(t)
	scenarios := []tests.ApiScenario{
		{
			Name:   "an admin's ledger page with team=none lists the teamless loner's entries only",
			Method: http.MethodGet, URL: "/ledger?team=none", Headers: f.CookieHeaders("admin"),
			ExpectedStatus: http.StatusOK, ExpectedContent: []string{`<option value="none" selected>No team</option>`, "grant-loner-"},
			NotExpectedContent: grants("memberA", "memberB"),
		},
		{
			Name:   "an admin's sends page with team=none lists the sends of no team",
			Method: http.MethodGet, URL: "/sends?team=none", Headers: f.CookieHeaders("admin"),
			ExpectedStatus: http.StatusOK, ExpectedContent: []string{`<option value="none" selected>No team</option>`, "to-loner-"},
			NotExpectedContent: sendsOf("memberA", "memberB"),
		},
		{
			Name:   "the ledger export with team=none holds the same rows",
			Method: http.MethodGet, URL: "/api/tf/export/ledger.csv?team=none", Headers: f.AuthHeaders("admin"),
			ExpectedStatus: http.StatusOK, ExpectedContent: []string{"grant-loner-"}, NotExpectedContent: grants("memberA", "memberB"),
		},
	}
	for _, s := range scenarios {
		s.TestAppFactory = exportApp
		s.Test(t)
	}
}
