package web_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/pocketbase/pocketbase/tests"

	"teamfund/internal/testutil"
)

func TestLogin(t *testing.T) {
	f := testutil.Fixtures(t)
	login := func(email, password string) *strings.Reader {
		return form(url.Values{"email": {email}, "password": {password}})
	}
	scenarios := []tests.ApiScenario{
		{
			Name:   "member signs in with an upper-case email and gets an HttpOnly SameSite session cookie",
			Method: http.MethodPost, URL: "/login", Body: login(" MEMBER.A@acme.com ", testutil.Password),
			Headers: guestForm(), TestAppFactory: testutil.NewApp,
			ExpectedStatus: http.StatusSeeOther, ExpectedContent: []string{""},
			AfterTestFunc: func(t testing.TB, app *tests.TestApp, res *http.Response) {
				var found bool
				for _, c := range res.Cookies() {
					if c.Name == "tf_session" && c.Value != "" {
						found = true
						if !c.HttpOnly || c.SameSite != http.SameSiteLaxMode {
							t.Errorf("session cookie HttpOnly=%v SameSite=%v, want true/Lax", c.HttpOnly, c.SameSite)
						}
					}
				}
				if !found {
					t.Error("no session cookie")
				}
			},
		},
		{
			Name:   "wrong password gets the same message as an unknown email",
			Method: http.MethodPost, URL: "/login", Body: login(f.Emails["memberA"], "wrong-password"),
			Headers: guestForm(), TestAppFactory: testutil.NewApp,
			ExpectedStatus: http.StatusUnauthorized, ExpectedContent: []string{"Wrong email or password."},
			NotExpectedContent: []string{"tf_session"},
		},
		{
			Name:   "unknown email gets the same message as a wrong password",
			Method: http.MethodPost, URL: "/login", Body: login("nobody@acme.com", "wrong-password"),
			Headers: guestForm(), TestAppFactory: testutil.NewApp,
			ExpectedStatus: http.StatusUnauthorized, ExpectedContent: []string{"Wrong email or password."},
		},
		{
			Name:   "empty form asks for both fields",
			Method: http.MethodPost, URL: "/login", Body: login("", ""),
			Headers: guestForm(), TestAppFactory: testutil.NewApp,
			ExpectedStatus: http.StatusUnprocessableEntity, ExpectedContent: []string{"Enter your email and password."},
		},
		{
			Name:   "deactivated user cannot sign in",
			Method: http.MethodPost, URL: "/login", Body: login(f.Emails["locked"], testutil.Password),
			Headers: guestForm(), TestAppFactory: testutil.NewApp,
			ExpectedStatus: http.StatusForbidden, ExpectedContent: []string{"deactivated"},
		},
		{
			Name:   "login without CSRF token is refused",
			Method: http.MethodPost, URL: "/login", Body: login(f.Emails["memberA"], testutil.Password),
			Headers: map[string]string{"Content-Type": "application/x-www-form-urlencoded"}, TestAppFactory: testutil.NewApp,
			ExpectedStatus: http.StatusForbidden, ExpectedContent: []string{"Reload the page"},
		},
		{
			Name:   "open redirect via next is ignored",
			Method: http.MethodPost, URL: "/login",
			Body:    form(url.Values{"email": {f.Emails["memberA"]}, "password": {testutil.Password}, "next": {"//evil.example/"}}),
			Headers: guestForm(), TestAppFactory: testutil.NewApp,
			ExpectedStatus: http.StatusSeeOther, ExpectedContent: []string{""},
			AfterTestFunc: func(t testing.TB, app *tests.TestApp, res *http.Response) {
				if loc := res.Header.Get("Location"); loc != "/" {
					t.Errorf("Location = %q, want /", loc)
				}
			},
		},
		{
			Name:   "dashboard shows the signed-in member's name, role, team and balance",
			Method: http.MethodGet, URL: "/", Headers: f.CookieHeaders("memberA"), TestAppFactory: testutil.NewApp,
			ExpectedStatus: http.StatusOK, ExpectedContent: []string{"Max Member", "Member", "Alpha", "$0.00"},
		},
		{
			Name:   "a deactivated user's still-signed session cookie is refused",
			Method: http.MethodGet, URL: "/", Headers: f.CookieHeaders("locked"), TestAppFactory: testutil.NewApp,
			ExpectedStatus: http.StatusSeeOther, ExpectedContent: []string{""},
			AfterTestFunc: testutil.ExpectLocation("/login"),
		},
		{
			Name:   "an expired or garbage session cookie sends the browser to sign in",
			Method: http.MethodGet, URL: "/",
			Headers:        map[string]string{"Cookie": "tf_session=eyJhbGciOiJIUzI1NiJ9.e30.garbage"},
			TestAppFactory: testutil.NewApp,
			ExpectedStatus: http.StatusSeeOther, ExpectedContent: []string{""},
			AfterTestFunc: testutil.ExpectLocation("/login"),
		},
		{
			Name:   "logout clears the session cookie",
			Method: http.MethodPost, URL: "/logout", Headers: f.FormHeaders("memberA"), TestAppFactory: testutil.NewApp,
			ExpectedStatus: http.StatusSeeOther, ExpectedContent: []string{""},
			AfterTestFunc: func(t testing.TB, app *tests.TestApp, res *http.Response) {
				for _, c := range res.Cookies() {
					if c.Name == "tf_session" && c.MaxAge < 0 {
						return
					}
				}
				t.Error("session cookie not cleared")
			},
		},
		{
			Name:   "JSON me endpoint answers for a bearer token",
			Method: http.MethodGet, URL: "/api/tf/me", Headers: f.AuthHeaders("managerA"), TestAppFactory: testutil.NewApp,
			ExpectedStatus: http.StatusOK, ExpectedContent: []string{`"email":"manager.a@acme.com"`, `"role":"manager"`},
		},
		{
			Name:   "JSON me endpoint refuses guests with 401",
			Method: http.MethodGet, URL: "/api/tf/me", TestAppFactory: testutil.NewApp,
			ExpectedStatus: http.StatusUnauthorized, ExpectedContent: []string{"Sign in first."},
		},
	}
	for _, s := range scenarios {
		s.Test(t)
	}
}
