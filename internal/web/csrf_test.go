package web_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/pocketbase/pocketbase/tests"

	"teamfund/internal/money"
	"teamfund/internal/testutil"
)

func TestCSRFTokenIsBoundToTheSession(t *testing.T) {
	f := testutil.Fixtures(t)
	app := moneyApp(map[string]money.Cents{"memberA": 1000})
	transfer := func() *strings.Reader {
		return form(url.Values{"to": {f.ID("memberA2")}, "amount": {"5"}})
	}
	victimWith := func(token string) map[string]string {
		return map[string]string{"Cookie": "tf_csrf=" + token + "; tf_session=" + f.Token("memberA"),
			"X-CSRF-Token": token, "Content-Type": "application/x-www-form-urlencoded"}
	}
	unchanged := expectBalances(map[string]money.Cents{"memberA": 1000, "memberA2": 0})
	scenarios := []tests.ApiScenario{
		{
			Name:   "a token an attacker signed for their own account and planted as the victim's cookie is refused",
			Method: http.MethodPost, URL: "/money/transfer", Body: transfer(), Headers: victimWith(f.CSRFToken("managerB")),
			TestAppFactory: app, ExpectedStatus: http.StatusForbidden, ExpectedContent: []string{"Reload the page"},
			AfterTestFunc: unchanged,
		},
		{
			Name:   "a guest's unbound token planted beside the victim's session is refused",
			Method: http.MethodPost, URL: "/money/transfer", Body: transfer(), Headers: victimWith(testutil.CSRF),
			TestAppFactory: app, ExpectedStatus: http.StatusForbidden, ExpectedContent: []string{"Reload the page"},
			AfterTestFunc: unchanged,
		},
		{
			Name: "the victim's own bound token works", Method: http.MethodPost, URL: "/money/transfer", Body: transfer(),
			Headers: victimWith(f.CSRFToken("memberA")), TestAppFactory: app, ExpectedStatus: http.StatusSeeOther,
			AfterTestFunc: expectBalances(map[string]money.Cents{"memberA": 500, "memberA2": 500}),
		},
		{
			Name: "a page opened with a planted token gets a new token bound to the signed-in user", Method: http.MethodGet,
			URL: "/money", Headers: victimWith(f.CSRFToken("managerB")), TestAppFactory: app, ExpectedStatus: http.StatusOK,
			NotExpectedContent: []string{f.CSRFToken("managerB")},
			AfterTestFunc: func(t testing.TB, _ *tests.TestApp, res *http.Response) {
				for _, c := range res.Cookies() {
					if c.Name == "tf_csrf" && c.Value != f.CSRFToken("managerB") && strings.Contains(c.Value, ".") {
						return
					}
				}
				t.Errorf("no new bound tf_csrf cookie in %v", res.Header.Values("Set-Cookie"))
			},
		},
	}
	for _, s := range scenarios {
		s.Test(t)
	}
}
