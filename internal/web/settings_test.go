package web_test

import (
	"net/http"
	"net/url"
	"testing"

	"github.com/pocketbase/pocketbase/tests"

	"teamfund/internal/testutil"
)

func TestSettingsPage(t *testing.T) {
	f := testutil.Fixtures(t)
	settings := func(tz, rule string) *url.Values {
		v := url.Values{"name": {"Acme"}, "currency": {"usd"}, "timezone": {tz}, "seat_limit": {"0"}, "invite_ttl_hours": {"24"}}
		if rule != "" {
			v.Set("domain_rule", rule)
		}
		return &v
	}
	gmailOwner := map[string]string{}
	scenarios := []tests.ApiScenario{
		{
			Name:   "owner sees the settings form",
			Method: http.MethodGet, URL: "/settings", Headers: f.CookieHeaders("owner"), TestAppFactory: testutil.NewApp,
			ExpectedStatus: 200, ExpectedContent: []string{"Company settings", `name="invite_ttl_hours"`, `value="168"`, "Domain rule"},
		},
		{
			Name:   "owner sets a 24 hour invite TTL and the domain rule",
			Method: http.MethodPost, URL: "/settings", Body: form(*settings("America/New_York", "on")),
			Headers: f.FormHeaders("owner"), TestAppFactory: testutil.NewApp,
			ExpectedStatus: http.StatusSeeOther, ExpectedContent: []string{""}, AfterTestFunc: testutil.ExpectLocation("/settings"),
			ExpectedEvents: map[string]int{"OnRecordUpdate": 1, "OnRecordCreate": 1},
		},
		{
			Name:   "an unknown time zone is named on the form and nothing is saved",
			Method: http.MethodPost, URL: "/settings", Body: form(*settings("Europe/Atlantis", "")),
			Headers: f.FormHeaders("owner"), TestAppFactory: testutil.NewApp,
			ExpectedStatus: http.StatusUnprocessableEntity, ExpectedContent: []string{"not a known time zone"},
			ExpectedEvents: map[string]int{"*": 0},
		},
		{
			Name:   "settings without a currency or a time zone name both fields and save nothing",
			Method: http.MethodPost, URL: "/settings",
			Body:    form(url.Values{"name": {"Acme"}, "currency": {""}, "timezone": {" "}, "seat_limit": {"0"}, "invite_ttl_hours": {"24"}}),
			Headers: f.FormHeaders("owner"), TestAppFactory: testutil.NewApp,
			ExpectedStatus:  http.StatusUnprocessableEntity,
			ExpectedContent: []string{"Choose the currency your company counts in", "Choose the time zone your company&#39;s months start in"},
			ExpectedEvents:  map[string]int{"*": 0},
		},
		{
			Name:   "JSON: settings without a currency or a time zone answer 400 naming both fields",
			Method: http.MethodPut, URL: "/api/tf/settings",
			Body:    jsonReader(`{"name":"Acme","seat_limit":0,"invite_ttl_hours":24}`),
			Headers: f.AuthHeaders("owner"), TestAppFactory: testutil.NewApp,
			ExpectedStatus:  http.StatusBadRequest,
			ExpectedContent: []string{`"currency":{"code":"validation_required","message":"Choose the currency your company counts in."}`, `"timezone":{"code":"validation_required"`},
			ExpectedEvents:  map[string]int{"*": 0},
		},
		{
			Name:   "a non-number seat limit is named on the form",
			Method: http.MethodPost, URL: "/settings",
			Body:    form(url.Values{"name": {"Acme"}, "currency": {"USD"}, "timezone": {"UTC"}, "seat_limit": {"ten"}, "invite_ttl_hours": {"24"}}),
			Headers: f.FormHeaders("owner"), TestAppFactory: testutil.NewApp,
			ExpectedStatus: http.StatusUnprocessableEntity, ExpectedContent: []string{"Must be a whole number (0 = unlimited)."},
			ExpectedEvents: map[string]int{"*": 0},
		},
		{
			Name:   "admin cannot change company settings",
			Method: http.MethodPost, URL: "/settings", Body: form(*settings("UTC", "")),
			Headers: f.FormHeaders("admin"), TestAppFactory: testutil.NewApp,
			ExpectedStatus: http.StatusForbidden, ExpectedContent: []string{"not allowed"}, ExpectedEvents: map[string]int{"*": 0},
		},
		{
			Name:   "JSON: owner on a webmail domain cannot turn the domain rule on",
			Method: http.MethodPut, URL: "/api/tf/settings",
			Body:    jsonReader(`{"name":"Acme","currency":"USD","timezone":"UTC","seat_limit":0,"invite_ttl_hours":24,"domain_rule":true}`),
			Headers: gmailOwner,
			TestAppFactory: func(tb testing.TB) *tests.TestApp {
				app := testutil.NewApp(tb)
				owner, _ := app.FindRecordById("users", f.ID("owner"))
				owner.SetEmail("olivia@gmail.com")
				if err := app.Save(owner); err != nil {
					tb.Fatal(err)
				}
				token, err := owner.NewAuthToken() // the email change rotated the token key
				if err != nil {
					tb.Fatal(err)
				}
				gmailOwner["Authorization"] = token
				return app
			},
			ExpectedStatus: http.StatusBadRequest, ExpectedContent: []string{`"domain_rule"`, "public webmail"},
			ExpectedEvents: map[string]int{"*": 0},
		},
	}
	for _, s := range scenarios {
		s.Test(t)
	}
}
