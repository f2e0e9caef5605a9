package web_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/pocketbase/pocketbase/tests"

	"teamfund/internal/testutil"
)

func jsonReader(s string) *strings.Reader { return strings.NewReader(s) }

func TestAcceptAndJoinPages(t *testing.T) {
	f := testutil.Fixtures(t)
	accept := url.Values{"name": {"Pat Pending"}, "password": {"long-password"}, "password_confirm": {"long-password"}, "phone": {"+1 555"}}
	join := url.Values{"email": {"Joe@Acme.com"}, "name": {"Joe"}, "password": {"long-password"}, "password_confirm": {"long-password"}}
	invalid := []string{"This link is invalid or has expired"}
	scenarios := []tests.ApiScenario{
		{
			Name:   "the accept page shows the team and role",
			Method: http.MethodGet, URL: "/invite/" + alphaToken, Headers: guestForm(), TestAppFactory: inviteApp,
			ExpectedStatus: 200, ExpectedContent: []string{"Alpha", "Member", "pending.a@acme.com", `name="password"`},
		},
		{
			Name:   "accepting signs the new user in and lands on the dashboard",
			Method: http.MethodPost, URL: "/invite/" + alphaToken, Body: form(accept), Headers: guestForm(), TestAppFactory: inviteApp,
			ExpectedStatus: http.StatusSeeOther, ExpectedContent: []string{""},
			AfterTestFunc: func(t testing.TB, app *tests.TestApp, res *http.Response) {
				testutil.ExpectLocation("/")(t, app, res)
				var session bool
				for _, c := range res.Cookies() {
					session = session || (c.Name == "tf_session" && c.Value != "")
				}
				u, err := app.FindAuthRecordByEmail("users", "pending.a@acme.com")
				if !session || err != nil || u.GetString("team") != f.ID("alpha") || u.GetString("role") != "member" {
					t.Errorf("session %v, user %v (%v)", session, u, err)
				}
			},
		},
		{
			Name:   "a short password is named on the form (422) and the link stays valid",
			Method: http.MethodPost, URL: "/invite/" + alphaToken,
			Body:    form(url.Values{"name": {"Pat"}, "password": {"short"}, "password_confirm": {"short"}}),
			Headers: guestForm(), TestAppFactory: inviteApp,
			ExpectedStatus: http.StatusUnprocessableEntity, ExpectedContent: []string{`aria-invalid="true"`, "Pat"},
			ExpectedEvents: map[string]int{"*": 0},
		},
		{
			Name:   "an unknown token gets the invalid-or-expired page",
			Method: http.MethodGet, URL: "/invite/AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA", Headers: guestForm(), TestAppFactory: inviteApp,
			ExpectedStatus: http.StatusNotFound, ExpectedContent: invalid,
		},
		{
			Name:   "posting to an unknown token gets the same page and writes nothing",
			Method: http.MethodPost, URL: "/invite/nonsense", Body: form(accept), Headers: guestForm(), TestAppFactory: inviteApp,
			ExpectedStatus: http.StatusNotFound, ExpectedContent: invalid, ExpectedEvents: map[string]int{"*": 0},
		},
		{
			Name:   "a signed-in user cannot accept someone else's invite",
			Method: http.MethodPost, URL: "/invite/" + alphaToken, Body: form(accept), Headers: f.FormHeaders("memberA"), TestAppFactory: inviteApp,
			ExpectedStatus: http.StatusForbidden, ExpectedContent: []string{"another email address"}, ExpectedEvents: map[string]int{"*": 0},
		},
		{
			Name:   "signing up with an invite key joins its team",
			Method: http.MethodPost, URL: "/join/" + keyToken, Body: form(join), Headers: guestForm(), TestAppFactory: inviteApp,
			ExpectedStatus: http.StatusSeeOther, ExpectedContent: []string{""},
			AfterTestFunc: func(t testing.TB, app *tests.TestApp, res *http.Response) {
				u, err := app.FindAuthRecordByEmail("users", "joe@acme.com")
				if err != nil || u.GetString("team") != f.ID("alpha") {
					t.Errorf("user %v (%v)", u, err)
				}
				k, _ := app.FindRecordById("invite_links", alphaKeyID)
				if k.GetInt("uses") != 1 {
					t.Errorf("uses %d, want 1", k.GetInt("uses"))
				}
			},
		},
		{
			Name:   "an invite key signup with an existing email is refused on the email field",
			Method: http.MethodPost, URL: "/join/" + keyToken,
			Body:    form(url.Values{"email": {f.Emails["memberB"]}, "name": {"Bea"}, "password": {"long-password"}, "password_confirm": {"long-password"}}),
			Headers: guestForm(), TestAppFactory: inviteApp,
			ExpectedStatus: http.StatusConflict, ExpectedContent: []string{"Already a user"}, ExpectedEvents: map[string]int{"*": 0},
		},
		{
			Name:   "an unknown invite key gets the invalid-or-expired page",
			Method: http.MethodGet, URL: "/join/AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA", Headers: guestForm(), TestAppFactory: inviteApp,
			ExpectedStatus: http.StatusNotFound, ExpectedContent: invalid,
		},
	}
	for _, s := range scenarios {
		s.Test(t)
	}
}
