// Package rules_test checks the records API rules of the migration: what the generic
// PocketBase API lets each role read and write. Writes to domain data must go through
// Teamfund's endpoints, so the records API refuses them.
package rules_test

import (
	"net/http"
	"strings"
	"testing"

	"github.com/pocketbase/pocketbase/tests"

	"teamfund/internal/ledger"
	"teamfund/internal/testutil"
)

func TestMain(m *testing.M) { testutil.Main(m) }

// withMoney gives memberA and memberB a balance and a ledger entry each.
func withMoney(t testing.TB) *tests.TestApp {
	app := testutil.NewApp(t)
	f := testutil.Fixtures(t)
	for _, key := range []string{"memberA", "memberB"} {
		if _, err := ledger.Post(app, ledger.Entry{Account: f.ID(key), Amount: 5000, Kind: ledger.KindGrant, Reason: "seed " + key}); err != nil {
			t.Fatal(err)
		}
	}
	return app
}

func TestRecordsAPIRules(t *testing.T) {
	f := testutil.Fixtures(t)
	usersURL := "/api/collections/users/records"
	ledgerURL := "/api/collections/ledger_entries/records"
	scenarios := []tests.ApiScenario{
		{
			Name:   "member cannot raise their own balance through the records API",
			Method: http.MethodPatch, URL: usersURL + "/" + f.ID("memberA"), Body: strings.NewReader(`{"balance": 999999}`),
			Headers: f.AuthHeaders("memberA"), TestAppFactory: testutil.NewApp,
			ExpectedStatus: http.StatusNotFound, ExpectedContent: []string{`"data":{}`},
			ExpectedEvents: map[string]int{"*": 0},
		},
		{
			Name:   "member cannot make themselves admin through the records API",
			Method: http.MethodPatch, URL: usersURL + "/" + f.ID("memberA"), Body: strings.NewReader(`{"role": "admin"}`),
			Headers: f.AuthHeaders("memberA"), TestAppFactory: testutil.NewApp,
			ExpectedStatus: http.StatusNotFound, ExpectedContent: []string{`"data":{}`},
			ExpectedEvents: map[string]int{"*": 0},
		},
		{
			Name:   "member cannot move themselves to another team through the records API",
			Method: http.MethodPatch, URL: usersURL + "/" + f.ID("memberA"), Body: strings.NewReader(`{"team": "` + f.ID("beta") + `"}`),
			Headers: f.AuthHeaders("memberA"), TestAppFactory: testutil.NewApp,
			ExpectedStatus: http.StatusNotFound, ExpectedContent: []string{`"data":{}`},
			ExpectedEvents: map[string]int{"*": 0},
		},
		{
			Name:   "member can change their own name and phone",
			Method: http.MethodPatch, URL: usersURL + "/" + f.ID("memberA"), Body: strings.NewReader(`{"name": "Maxi", "phone": "+49 30 1234"}`),
			Headers: f.AuthHeaders("memberA"), TestAppFactory: testutil.NewApp,
			ExpectedStatus: http.StatusOK, ExpectedContent: []string{`"name":"Maxi"`},
		},
		{
			Name:   "member cannot edit a teammate's name",
			Method: http.MethodPatch, URL: usersURL + "/" + f.ID("memberA2"), Body: strings.NewReader(`{"name": "Hacked"}`),
			Headers: f.AuthHeaders("memberA"), TestAppFactory: testutil.NewApp,
			ExpectedStatus: http.StatusNotFound, ExpectedContent: []string{`"data":{}`},
			ExpectedEvents: map[string]int{"*": 0},
		},
		{
			Name:   "nobody creates users through the records API",
			Method: http.MethodPost, URL: usersURL,
			Body:    strings.NewReader(`{"email":"new@acme.com","password":"password123","passwordConfirm":"password123","role":"owner","status":"active","record_visibility":"own"}`),
			Headers: f.AuthHeaders("admin"), TestAppFactory: testutil.NewApp,
			ExpectedStatus: http.StatusForbidden, ExpectedContent: []string{`"data":{}`},
			ExpectedEvents: map[string]int{"*": 0},
		},
		{
			Name:   "member with own visibility lists only themselves",
			Method: http.MethodGet, URL: usersURL, Headers: f.AuthHeaders("memberA"), TestAppFactory: testutil.NewApp,
			ExpectedStatus: http.StatusOK, ExpectedContent: []string{`"totalItems":1`, f.ID("memberA")},
		},
		{
			Name:   "member with team visibility lists their teammates but not another team",
			Method: http.MethodGet, URL: usersURL, Headers: f.AuthHeaders("memberA2"), TestAppFactory: testutil.NewApp,
			ExpectedStatus: http.StatusOK, ExpectedContent: []string{f.ID("memberA"), f.ID("managerA")},
			NotExpectedContent: []string{f.ID("memberB"), f.ID("managerB")},
		},
		{
			Name:   "manager lists their team but not another team",
			Method: http.MethodGet, URL: usersURL, Headers: f.AuthHeaders("managerA"), TestAppFactory: testutil.NewApp,
			ExpectedStatus: http.StatusOK, ExpectedContent: []string{f.ID("memberA")},
			NotExpectedContent: []string{f.ID("memberB"), f.ID("loner")},
		},
		{
			Name:   "admin lists everyone",
			Method: http.MethodGet, URL: usersURL, Headers: f.AuthHeaders("admin"), TestAppFactory: testutil.NewApp,
			ExpectedStatus: http.StatusOK, ExpectedContent: []string{`"totalItems":9`},
		},
		{
			Name:   "deactivated user cannot sign in through the records API",
			Method: http.MethodPost, URL: "/api/collections/users/auth-with-password",
			Body:           strings.NewReader(`{"identity":"locked@acme.com","password":"` + testutil.Password + `"}`),
			TestAppFactory: testutil.NewApp,
			ExpectedStatus: http.StatusForbidden, ExpectedContent: []string{`"data":{}`},
		},
		{
			Name:   "member sees only their own ledger entries",
			Method: http.MethodGet, URL: ledgerURL, Headers: f.AuthHeaders("memberA"), TestAppFactory: withMoney,
			ExpectedStatus: http.StatusOK, ExpectedContent: []string{`"totalItems":1`, "seed memberA"},
			NotExpectedContent: []string{"seed memberB"},
		},
		{
			Name:   "manager sees their team's ledger, not another team's",
			Method: http.MethodGet, URL: ledgerURL, Headers: f.AuthHeaders("managerA"), TestAppFactory: withMoney,
			ExpectedStatus: http.StatusOK, ExpectedContent: []string{"seed memberA"},
			NotExpectedContent: []string{"seed memberB"},
		},
		{
			Name:   "nobody writes ledger entries through the records API, not even a superuser",
			Method: http.MethodPost, URL: ledgerURL,
			Body:    strings.NewReader(`{"account":"` + f.ID("memberA") + `","amount":100,"kind":"grant"}`),
			Headers: f.AuthHeaders("admin"), TestAppFactory: testutil.NewApp,
			ExpectedStatus: http.StatusForbidden, ExpectedContent: []string{`"data":{}`},
			ExpectedEvents: map[string]int{"*": 0},
		},
		{
			Name:   "members cannot read the audit log",
			Method: http.MethodGet, URL: "/api/collections/audit_log/records", Headers: f.AuthHeaders("managerA"), TestAppFactory: testutil.NewApp,
			ExpectedStatus: http.StatusOK, ExpectedContent: []string{`"totalItems":0`},
		},
		{
			Name:   "invite token hashes are never returned",
			Method: http.MethodGet, URL: "/api/collections/invites/records", Headers: f.AuthHeaders("admin"), TestAppFactory: testutil.NewApp,
			ExpectedStatus: http.StatusOK, NotExpectedContent: []string{"token_hash"},
		},
	}
	for _, s := range scenarios {
		s.Test(t)
	}
}
