package web_test

import (
	"net/http"
	"strings"
	"testing"

	"github.com/pocketbase/pocketbase/tests"

	"teamfund/internal/money"
	"teamfund/internal/testutil"
)

// TestMoneyAccessMatrix walks role × own/other team for every money endpoint that is not
// open to everyone, as JSON (bearer) and as pages (cookie). Alpha is managerA's team.
func TestMoneyAccessMatrix(t *testing.T) {
	f := testutil.Fixtures(t)
	alpha, beta := f.ID("alpha"), f.ID("beta")
	type want map[string]int // actor → status
	cases := []struct {
		name, method, url, body string
		json                    bool
		want                    want
	}{
		{"group limit for Alpha", "POST", "/api/tf/money/group", `{"team":"` + alpha + `","amount":100}`, true,
			want{"owner": 200, "admin": 200, "managerA": 200, "managerB": 403, "memberA": 403, "loner": 403}},
		{"team balances of Alpha", "POST", "/api/tf/money/balances",
			`{"team":"` + alpha + `","reason":"r","changes":[{"user":"` + f.ID("memberA2") + `","amount":100}]}`, true,
			want{"owner": 200, "admin": 200, "managerA": 200, "managerB": 403, "memberA": 403}},
		{"admin move", "POST", "/api/tf/money/move",
			`{"from":"` + f.ID("memberA") + `","to":"` + f.ID("memberB") + `","amount":100,"reason":"r"}`, true,
			want{"owner": 200, "admin": 200, "managerA": 403, "managerB": 403, "memberA": 403}},
		{"monthly allocation", "POST", "/api/tf/budgets/run", `{}`, true,
			want{"owner": 200, "admin": 200, "managerA": 403, "memberA": 403}},
		{"usage of Alpha (JSON)", "GET", "/api/tf/usage?team=" + alpha, "", true,
			want{"owner": 200, "admin": 200, "managerA": 200, "managerB": 403, "memberA": 403, "memberA2": 403}},
		{"usage of Beta (page)", "GET", "/usage?team=" + beta, "", false,
			want{"owner": 200, "admin": 200, "managerA": 403, "managerB": 200, "memberB": 403}},
		{"team balances page", "GET", "/money/team", "", false,
			want{"owner": 200, "admin": 200, "managerA": 200, "memberA": 403, "loner": 403}},
		{"money administration page", "GET", "/money/admin", "", false,
			want{"owner": 200, "admin": 200, "managerA": 403, "memberA": 403}},
		{"own money page", "GET", "/money", "", false,
			want{"owner": 200, "admin": 200, "managerA": 200, "memberA": 200, "loner": 200}},
		{"own money JSON", "GET", "/api/tf/money/me", "", true,
			want{"owner": 200, "managerB": 200, "memberA": 200, "loner": 200}},
	}
	for _, c := range cases {
		for actor, status := range c.want {
			s := tests.ApiScenario{
				Name:   c.name + " as " + actor,
				Method: c.method, URL: c.url,
				TestAppFactory: moneyApp(map[string]money.Cents{"memberA": 1000}),
				ExpectedStatus: status, NotExpectedContent: []string{"Something went wrong"},
			}
			if c.body != "" {
				s.Body = strings.NewReader(c.body)
			}
			if c.json {
				s.Headers = f.AuthHeaders(actor)
			} else {
				s.Headers = f.CookieHeaders(actor)
			}
			if status == http.StatusForbidden {
				s.ExpectedContent = []string{"not"} // "not allowed", or "not in a team" for the teamless
				s.ExpectedEvents = map[string]int{"*": 0}
			}
			s.Test(t)
		}
	}
}
