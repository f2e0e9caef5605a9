package web_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tests"

	"teamfund/internal/company"
	"teamfund/internal/testutil"
)

func form(v url.Values) *strings.Reader { return strings.NewReader(v.Encode()) }

func guestForm() map[string]string {
	return map[string]string{"Cookie": "tf_csrf=" + testutil.CSRF, "X-CSRF-Token": testutil.CSRF,
		"Content-Type": "application/x-www-form-urlencoded"}
}

func TestFirstRunSetup(t *testing.T) {
	good := url.Values{"company_name": {"Acme"}, "owner_name": {"Olivia"}, "email": {" Olivia@Acme.COM "},
		"password": {"password123"}, "password_confirm": {"password123"}, "superuser": {"on"}, "token": {testutil.SetupToken},
		"currency": {"EUR"}, "timezone": {"Europe/Berlin"}}
	without := func(key string) url.Values {
		v := url.Values{}
		for k, vs := range good {
			if k != key {
				v[k] = vs
			}
		}
		return v
	}
	with := func(key, value string) url.Values {
		v := without(key)
		v.Set(key, value)
		return v
	}
	expireLink := func(t testing.TB, app *tests.TestApp, _ *core.ServeEvent) {
		if _, err := app.DB().NewQuery("UPDATE setup_links SET expires = '2000-01-01T00:00:00Z'").Execute(); err != nil {
			t.Fatal(err)
		}
	}
	scenarios := []tests.ApiScenario{
		{
			Name:            "guest on an empty install is sent to the setup form",
			Method:          http.MethodGet,
			URL:             "/",
			TestAppFactory:  testutil.NewEmptyApp,
			ExpectedStatus:  http.StatusSeeOther,
			ExpectedContent: []string{""},
			AfterTestFunc:   testutil.ExpectLocation("/setup"),
		},
		{
			Name:            "guest asking for a password link on an empty install is sent to the setup form",
			Method:          http.MethodGet,
			URL:             "/password-reset",
			TestAppFactory:  testutil.NewEmptyApp,
			ExpectedStatus:  http.StatusSeeOther,
			ExpectedContent: []string{""},
			AfterTestFunc:   testutil.ExpectLocation("/setup"),
		},
		{
			Name:           "setup form is shown through the setup link on an empty install",
			Method:         http.MethodGet,
			URL:            "/setup?token=" + testutil.SetupToken,
			TestAppFactory: testutil.NewEmptyAppWithSetupLink,
			ExpectedStatus: http.StatusOK,
			ExpectedContent: []string{`name="company_name"`, `name="csrf_token"`, `name="token" value="` + testutil.SetupToken + `"`,
				`name="currency" type="text" maxlength="3" list="currency-list" data-in-list`, `<option value="EUR">`,
				`name="timezone" type="text" list="timezone-list" data-in-list autocomplete="off" data-guess-timezone required`, `<option value="Europe/Berlin">`},
			NotExpectedContent: []string{`name="currency" type="text" value=`, `name="timezone" type="text" value=`},
		},
		{
			Name:   "setup without a currency or a time zone names both fields and writes nothing (no silent USD/UTC)",
			Method: http.MethodPost, URL: "/setup",
			Body: form(func() url.Values {
				v := without("timezone")
				v.Set("currency", " ")
				return v
			}()),
			Headers: guestForm(), TestAppFactory: testutil.NewEmptyAppWithSetupLink,
			ExpectedStatus: http.StatusUnprocessableEntity,
			ExpectedContent: []string{"Choose the currency your company counts in", "Choose the time zone your company&#39;s months start in",
				`name="company_name" type="text" value="Acme"`},
			ExpectedEvents: map[string]int{"*": 0},
		},
		{
			Name:   "setup keeps the chosen currency and time zone",
			Method: http.MethodPost, URL: "/setup",
			Body: form(url.Values{"company_name": {"Acme GmbH"}, "owner_name": {"Olivia"}, "email": {"olivia@acme.de"},
				"password": {"password123"}, "password_confirm": {"password123"}, "currency": {"eur"}, "timezone": {"Europe/Berlin"}, "token": {testutil.SetupToken}}),
			Headers: guestForm(), TestAppFactory: testutil.NewEmptyAppWithSetupLink,
			ExpectedStatus: http.StatusSeeOther, ExpectedContent: []string{""},
			AfterTestFunc: func(t testing.TB, app *tests.TestApp, res *http.Response) {
				c, err := app.FindFirstRecordByFilter("company", "id != ''")
				if err != nil {
					t.Fatal(err)
				}
				if c.GetString("currency") != "EUR" || c.GetString("timezone") != "Europe/Berlin" {
					t.Errorf("company has %s / %s, want EUR / Europe/Berlin", c.GetString("currency"), c.GetString("timezone"))
				}
			},
		},
		{
			Name:   "setup refuses a currency without cents and an unknown time zone, naming both fields",
			Method: http.MethodPost, URL: "/setup",
			Body: form(url.Values{"company_name": {"Acme"}, "owner_name": {"Olivia"}, "email": {"olivia@acme.com"},
				"password": {"password123"}, "password_confirm": {"password123"}, "currency": {"JPY"}, "timezone": {"Mars/Olympus"}, "token": {testutil.SetupToken}}),
			Headers: guestForm(), TestAppFactory: testutil.NewEmptyAppWithSetupLink,
			ExpectedStatus:  http.StatusUnprocessableEntity,
			ExpectedContent: []string{"two decimals", "not a known time zone", `value="Mars/Olympus"`},
			ExpectedEvents:  map[string]int{"*": 0},
		},
		{
			Name:               "a guest without the setup link sees no form on an empty install",
			Method:             http.MethodGet,
			URL:                "/setup",
			TestAppFactory:     testutil.NewEmptyAppWithSetupLink,
			ExpectedStatus:     http.StatusForbidden,
			ExpectedContent:    []string{"waiting to be set up", "teamfund setup-link"},
			NotExpectedContent: []string{`name="company_name"`, "already used"},
		},
		{
			Name:               "a guest with a wrong setup link sees no form",
			Method:             http.MethodGet,
			URL:                "/setup?token=guessed",
			TestAppFactory:     testutil.NewEmptyAppWithSetupLink,
			ExpectedStatus:     http.StatusForbidden,
			ExpectedContent:    []string{"invalid, already used or expired"},
			NotExpectedContent: []string{`name="company_name"`},
		},
		{
			Name:               "an expired setup link opens nothing",
			Method:             http.MethodGet,
			URL:                "/setup?token=" + testutil.SetupToken,
			TestAppFactory:     testutil.NewEmptyAppWithSetupLink,
			BeforeTestFunc:     expireLink,
			ExpectedStatus:     http.StatusForbidden,
			ExpectedContent:    []string{"invalid, already used or expired"},
			NotExpectedContent: []string{`name="company_name"`},
		},
		{
			Name:               "setup posted without the setup link is refused and writes nothing",
			Method:             http.MethodPost,
			URL:                "/setup",
			Body:               form(without("token")),
			Headers:            guestForm(),
			TestAppFactory:     testutil.NewEmptyAppWithSetupLink,
			ExpectedStatus:     http.StatusForbidden,
			ExpectedContent:    []string{"waiting to be set up"},
			NotExpectedContent: []string{`name="company_name"`},
			ExpectedEvents:     map[string]int{"*": 0},
		},
		{
			Name:               "setup with a look-alike owner email (soft hyphen in the domain) names the field and writes nothing",
			Method:             http.MethodPost,
			URL:                "/setup",
			Body:               form(with("email", "olivia@ac\u00adme.com")),
			Headers:            guestForm(),
			TestAppFactory:     testutil.NewEmptyAppWithSetupLink,
			ExpectedStatus:     http.StatusUnprocessableEntity,
			ExpectedContent:    []string{"invisible character"},
			NotExpectedContent: []string{"Welcome"},
			ExpectedEvents:     map[string]int{"*": 0},
		},
		{
			Name:            "setup posted with a wrong setup link is refused and writes nothing",
			Method:          http.MethodPost,
			URL:             "/setup",
			Body:            form(with("token", "guessed")),
			Headers:         guestForm(),
			TestAppFactory:  testutil.NewEmptyAppWithSetupLink,
			ExpectedStatus:  http.StatusForbidden,
			ExpectedContent: []string{"invalid, already used or expired"},
			ExpectedEvents:  map[string]int{"*": 0},
		},
		{
			Name:            "setup posted with an expired setup link is refused and writes nothing",
			Method:          http.MethodPost,
			URL:             "/setup",
			Body:            form(good),
			Headers:         guestForm(),
			TestAppFactory:  testutil.NewEmptyAppWithSetupLink,
			BeforeTestFunc:  expireLink,
			ExpectedStatus:  http.StatusForbidden,
			ExpectedContent: []string{"invalid, already used or expired"},
			ExpectedEvents:  map[string]int{"*": 0},
		},
		{
			Name:               "setup with bad input names every field, keeps the link and writes nothing",
			Method:             http.MethodPost,
			URL:                "/setup",
			Body:               form(url.Values{"company_name": {strings.Repeat("x", 101)}, "email": {"not-an-email"}, "password": {"short"}, "password_confirm": {"other"}, "token": {testutil.SetupToken}}),
			Headers:            guestForm(),
			TestAppFactory:     testutil.NewEmptyAppWithSetupLink,
			ExpectedStatus:     http.StatusUnprocessableEntity,
			ExpectedContent:    []string{"The length must be between 1 and 100", "Cannot be blank", "Must be a valid email address", "Does not match the password", `name="token" value="` + testutil.SetupToken + `"`},
			NotExpectedContent: []string{"short"},
			ExpectedEvents:     map[string]int{"*": 0},
		},
		{
			Name:            "setup without a CSRF token is refused and writes nothing",
			Method:          http.MethodPost,
			URL:             "/setup",
			Body:            form(good),
			Headers:         map[string]string{"Content-Type": "application/x-www-form-urlencoded"},
			TestAppFactory:  testutil.NewEmptyAppWithSetupLink,
			ExpectedStatus:  http.StatusForbidden,
			ExpectedContent: []string{"Reload the page"},
			ExpectedEvents:  map[string]int{"*": 0},
		},
		{
			Name:   "setup with a forged CSRF token is refused",
			Method: http.MethodPost,
			URL:    "/setup",
			Body:   form(good),
			Headers: map[string]string{"Content-Type": "application/x-www-form-urlencoded",
				"Cookie": "tf_csrf=" + testutil.CSRF, "X-CSRF-Token": "forged-forged-forged-forged-forged-forged"},
			TestAppFactory:  testutil.NewEmptyAppWithSetupLink,
			ExpectedStatus:  http.StatusForbidden,
			ExpectedContent: []string{"Reload the page"},
			ExpectedEvents:  map[string]int{"*": 0},
		},
		{
			Name:            "setup creates company, owner and superuser, and signs the owner in",
			Method:          http.MethodPost,
			URL:             "/setup",
			Body:            form(good),
			Headers:         guestForm(),
			TestAppFactory:  testutil.NewEmptyAppWithSetupLink,
			ExpectedStatus:  http.StatusSeeOther,
			ExpectedContent: []string{""},
			AfterTestFunc: func(t testing.TB, app *tests.TestApp, res *http.Response) {
				if !strings.Contains(res.Header.Get("Set-Cookie"), "tf_session=") {
					t.Errorf("no session cookie set: %q", res.Header.Values("Set-Cookie"))
				}
				u, err := app.FindAuthRecordByEmail("users", "olivia@acme.com")
				if err != nil {
					t.Fatalf("owner not created: %v", err)
				}
				if u.GetString("role") != "owner" || u.Email() != "olivia@acme.com" {
					t.Errorf("got role %q email %q, want owner olivia@acme.com", u.GetString("role"), u.Email())
				}
				if _, err := app.FindAuthRecordByEmail("_superusers", "olivia@acme.com"); err != nil {
					t.Errorf("superuser not created: %v", err)
				}
				if m := app.Settings().Meta; m.AppName != "Acme" || m.AppURL != "http://example.com" {
					t.Errorf("app name %q, url %q; want Acme and the address setup was reached at", m.AppName, m.AppURL)
				}
				if company.ValidSetupToken(app, testutil.SetupToken) {
					t.Error("the setup link still works after it was used")
				}
			},
		},
		{
			Name:            "setup form is gone once the company exists",
			Method:          http.MethodGet,
			URL:             "/setup",
			TestAppFactory:  testutil.NewApp,
			ExpectedStatus:  http.StatusSeeOther,
			ExpectedContent: []string{""},
		},
		{
			Name:            "a second setup post is refused and writes nothing",
			Method:          http.MethodPost,
			URL:             "/setup",
			Body:            form(good),
			Headers:         guestForm(),
			TestAppFactory:  testutil.NewApp,
			ExpectedStatus:  http.StatusForbidden,
			ExpectedContent: []string{"already set up"},
			ExpectedEvents:  map[string]int{"*": 0},
		},
	}
	scenarios = append(scenarios,
		tests.ApiScenario{
			Name: "an unknown page gets an HTML 404 page", Method: http.MethodGet, URL: "/no-such-page",
			Headers: testutil.Fixtures(t).CookieHeaders("memberA"), TestAppFactory: testutil.NewApp,
			ExpectedStatus: http.StatusNotFound, ExpectedContent: []string{"There is no page at this address", `id="sidebar-menu"`},
		},
		tests.ApiScenario{
			Name: "an unknown API address still gets JSON", Method: http.MethodGet, URL: "/api/no-such-thing",
			TestAppFactory: testutil.NewApp, ExpectedStatus: http.StatusNotFound, ExpectedContent: []string{`"status":404`},
		})
	for _, s := range scenarios {
		s.Test(t)
	}
}
