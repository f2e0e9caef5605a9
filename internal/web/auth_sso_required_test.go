package web_test

import (
	"bytes"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"io"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tests"

	"teamfund/internal/company"
	"teamfund/internal/invite"
	"teamfund/internal/member"
	"teamfund/internal/testutil"
)

// staticOIDC is a complete-looking provider config for tests that never reach the provider.
var staticOIDC = core.OAuth2ProviderConfig{Name: "oidc", DisplayName: "Acme SSO", ClientId: "client", ClientSecret: "secret",
	AuthURL: "https://idp.example.com/authorize", TokenURL: "https://idp.example.com/token"}

// ssoRequiredApp is the fixture app with a provider enabled and single sign-on required.
func ssoRequiredApp(t testing.TB) *tests.TestApp {
	app := testutil.NewApp(t)
	enableOIDC(t, app, staticOIDC)
	setCompany(t, app, "sso_required", true)
	return app
}

func TestSSORequiredRefusesPasswordsOfEveryoneButTheOwner(t *testing.T) {
	f := testutil.Fixtures(t)
	form := func(email string) io.Reader {
		return strings.NewReader(url.Values{"email": {email}, "password": {testutil.Password}, "csrf_token": {testutil.CSRF}}.Encode())
	}
	apiBody := func(email string) io.Reader {
		return strings.NewReader(`{"identity":"` + email + `","password":"` + testutil.Password + `"}`)
	}
	scenarios := []tests.ApiScenario{
		{
			Name: "member's right password is refused on the sign-in page with the SSO message", Method: http.MethodPost, URL: "/login",
			Body: form(f.Emails["memberA"]), Headers: f.FormHeaders(""), TestAppFactory: ssoRequiredApp,
			ExpectedStatus:  http.StatusForbidden,
			ExpectedContent: []string{"Your company signs in with single sign-on", "Sign in with Acme SSO"},
			AfterTestFunc:   expectNoSession,
		},
		{
			Name: "an unknown email gets the same SSO answer (nothing revealed)", Method: http.MethodPost, URL: "/login",
			Body: form("nobody@acme.com"), Headers: f.FormHeaders(""), TestAppFactory: ssoRequiredApp,
			ExpectedStatus: http.StatusForbidden, ExpectedContent: []string{"Your company signs in with single sign-on"},
		},
		{
			Name: "the owner still signs in with a password", Method: http.MethodPost, URL: "/login",
			Body: form(f.Emails["owner"]), Headers: f.FormHeaders(""), TestAppFactory: ssoRequiredApp,
			ExpectedStatus: http.StatusSeeOther, ExpectedContent: []string{}, NotExpectedContent: []string{"single sign-on"},
		},
		{
			Name: "member's password is refused by PocketBase's auth-with-password too", Method: http.MethodPost,
			URL: "/api/collections/users/auth-with-password", Body: apiBody(f.Emails["memberA"]), TestAppFactory: ssoRequiredApp,
			ExpectedStatus: http.StatusForbidden, ExpectedContent: []string{"single sign-on"}, NotExpectedContent: []string{`"token"`},
		},
		{
			Name: "owner's password works on PocketBase's auth-with-password", Method: http.MethodPost,
			URL: "/api/collections/users/auth-with-password", Body: apiBody(f.Emails["owner"]), TestAppFactory: ssoRequiredApp,
			ExpectedStatus: http.StatusOK, ExpectedContent: []string{`"token"`},
		},
		{
			Name: "without the requirement a member's password works", Method: http.MethodPost, URL: "/login",
			Body: form(f.Emails["memberA"]), Headers: f.FormHeaders(""), TestAppFactory: testutil.NewApp,
			ExpectedStatus: http.StatusSeeOther, ExpectedContent: []string{},
		},
	}
	for _, s := range scenarios {
		s.Test(t)
	}
}

func expectNoSession(t testing.TB, _ *tests.TestApp, res *http.Response) {
	t.Helper()
	if hasSession(res) {
		t.Error("a session cookie was set")
	}
}

func TestSSORequiredInviteAcceptanceGoesThroughTheProvider(t *testing.T) {
	f := testutil.Fixtures(t)
	var token string
	factory := func(tb testing.TB) *tests.TestApp {
		app := ssoRequiredApp(tb)
		admin, _ := member.Find(app, f.ID("admin"))
		if _, err := invite.Create(app, admin, invite.Candidate{Email: "ivy@acme.com", Name: "Ivy"}); err != nil {
			tb.Fatal(err)
		}
		token = lastInviteToken(tb, app, "ivy@acme.com")
		return app
	}
	t.Run("the accept page offers the provider instead of a password", func(t *testing.T) {
		app := factory(t)
		defer app.Cleanup()
		(&tests.ApiScenario{Method: http.MethodGet, URL: invite.AcceptPath(token), TestAppFactory: func(testing.TB) *tests.TestApp { return app },
			DisableTestAppCleanup: true, ExpectedStatus: http.StatusOK,
			ExpectedContent: []string{"Join with Acme SSO", `href="/auth/oauth2/oidc"`}, NotExpectedContent: []string{`name="password"`}}).Test(t)
	})
	t.Run("a password signup is refused and creates no account", func(t *testing.T) {
		app := factory(t)
		defer app.Cleanup()
		body := url.Values{"name": {"Ivy"}, "password": {"long-password"}, "password_confirm": {"long-password"}, "csrf_token": {testutil.CSRF}}
		(&tests.ApiScenario{Method: http.MethodPost, URL: invite.AcceptPath(token), Body: strings.NewReader(body.Encode()),
			Headers: f.FormHeaders(""), TestAppFactory: func(testing.TB) *tests.TestApp { return app }, DisableTestAppCleanup: true,
			ExpectedStatus: http.StatusForbidden, ExpectedContent: []string{"signs in with single sign-on"}}).Test(t)
		if _, err := member.FindByEmail(app, "ivy@acme.com"); err == nil {
			t.Error("an account was created")
		}
	})
}

// lastInviteToken reads the invite token from the newest outbox mail to email.
func lastInviteToken(tb testing.TB, app core.App, email string) string {
	tb.Helper()
	recs, err := app.FindRecordsByFilter("outbox", "to = {:to}", "-created,-id", 1, 0, map[string]any{"to": email})
	if err != nil || len(recs) == 0 {
		tb.Fatalf("no mail to %s in the outbox (%v)", email, err)
	}
	text := recs[0].GetString("text")
	i := strings.Index(text, "/invite/")
	if i < 0 {
		tb.Fatalf("no invite link in %q", text)
	}
	rest := text[i+len("/invite/"):]
	if j := strings.IndexAny(rest, " \n\r\"<"); j >= 0 {
		rest = rest[:j]
	}
	return rest
}

func TestSSORequiredSettingNeedsAProvider(t *testing.T) {
	f := testutil.Fixtures(t)
	body := func() io.Reader {
		return strings.NewReader(url.Values{"name": {"Acme"}, "currency": {"USD"}, "timezone": {"UTC"}, "seat_limit": {"0"},
			"invite_ttl_hours": {"168"}, "sso_required": {"on"}, "csrf_token": {testutil.CSRF}}.Encode())
	}
	scenarios := []tests.ApiScenario{
		{
			Name: "owner cannot require SSO before a provider is enabled", Method: http.MethodPost, URL: "/settings",
			Body: body(), Headers: f.FormHeaders("owner"), TestAppFactory: testutil.NewApp,
			ExpectedStatus:  http.StatusUnprocessableEntity,
			ExpectedContent: []string{"Single sign-on can be required only once a provider is enabled", "Collections → users → Options → OAuth2"},
			AfterTestFunc: func(t testing.TB, app *tests.TestApp, _ *http.Response) {
				if c, _ := company.Load(app); c.SSORequired() {
					t.Error("sso_required was saved")
				}
			},
		},
		{
			Name: "the JSON settings API names sso_required when no provider is enabled", Method: http.MethodPut, URL: "/api/tf/settings",
			Body:    strings.NewReader(`{"name":"Acme","currency":"USD","timezone":"UTC","seat_limit":0,"invite_ttl_hours":168,"sso_required":true}`),
			Headers: f.AuthHeaders("owner"), TestAppFactory: testutil.NewApp,
			ExpectedStatus: http.StatusBadRequest, ExpectedContent: []string{`"sso_required"`, "no_provider"},
		},
		{
			Name: "owner requires SSO once a provider is enabled", Method: http.MethodPost, URL: "/settings",
			Body: body(), Headers: f.FormHeaders("owner"),
			TestAppFactory: func(tb testing.TB) *tests.TestApp {
				app := testutil.NewApp(tb)
				enableOIDC(tb, app, staticOIDC)
				return app
			},
			ExpectedStatus: http.StatusSeeOther, ExpectedContent: []string{},
			AfterTestFunc: func(t testing.TB, app *tests.TestApp, _ *http.Response) {
				if c, _ := company.Load(app); !c.SSORequired() {
					t.Error("sso_required was not saved")
				}
			},
		},
		{
			Name: "the settings page lists a provider's missing settings and the redirect URL", Method: http.MethodGet, URL: "/settings",
			Headers: f.CookieHeaders("owner"),
			TestAppFactory: func(tb testing.TB) *tests.TestApp {
				app := testutil.NewApp(tb)
				broken := staticOIDC
				broken.AuthURL = ""
				enableOIDC(tb, app, broken)
				return app
			},
			ExpectedStatus:  http.StatusOK,
			ExpectedContent: []string{"Acme SSO", "missing Auth URL", "/auth/oauth2/callback"},
		},
	}
	for _, s := range scenarios {
		s.Test(t)
	}
}

// apiOAuth2 signs in through PocketBase's own /api/collections/users/auth-with-oauth2 with a
// code mockoidc issued for the queued person, as an SDK client would.
func (env *ssoEnv) apiOAuth2(t *testing.T) (int, string) {
	t.Helper()
	verifier := strings.Repeat("v", 50)
	sum := sha256.Sum256([]byte(verifier))
	redirectURL := env.url + "/api/oauth2-redirect"
	q := url.Values{"client_id": {env.oidc.ClientID}, "redirect_uri": {redirectURL}, "response_type": {"code"},
		"scope": {"openid email profile"}, "state": {"s"}, "code_challenge": {base64.RawURLEncoding.EncodeToString(sum[:])},
		"code_challenge_method": {"S256"}}
	noFollow := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	res, err := noFollow.Get(env.oidc.AuthorizationEndpoint() + "?" + q.Encode())
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	back, _ := url.Parse(res.Header.Get("Location"))
	payload, _ := json.Marshal(map[string]string{"provider": "oidc", "code": back.Query().Get("code"), "codeVerifier": verifier, "redirectURL": redirectURL})
	res, err = http.Post(env.url+"/api/collections/users/auth-with-oauth2", "application/json", bytes.NewReader(payload))
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	body, _ := io.ReadAll(res.Body)
	return res.StatusCode, string(body)
}

func TestPocketBaseOAuth2EndpointKeepsTheCompanyRules(t *testing.T) {
	f := testutil.Fixtures(t)
	t.Run("an unknown email gets no account", func(t *testing.T) {
		env := newSSOEnv(t)
		before := userCount(t, env.app)
		env.queue("stranger@acme.com", true)
		status, body := env.apiOAuth2(t)
		if status != http.StatusForbidden || !strings.Contains(body, "ask an admin for an invite") {
			t.Fatalf("got %d %s", status, body)
		}
		if n := userCount(t, env.app); n != before {
			t.Errorf("users = %d, want %d", n, before)
		}
	})
	t.Run("a deactivated user is refused", func(t *testing.T) {
		env := newSSOEnv(t)
		env.queue(f.Emails["locked"], true)
		if status, body := env.apiOAuth2(t); status != http.StatusForbidden || strings.Contains(body, `"token"`) {
			t.Fatalf("got %d %s", status, body)
		}
	})
	t.Run("an unverified email is refused", func(t *testing.T) {
		env := newSSOEnv(t)
		env.queue(f.Emails["memberA"], false)
		if status, body := env.apiOAuth2(t); status != http.StatusForbidden || strings.Contains(body, `"token"`) {
			t.Fatalf("got %d %s", status, body)
		}
	})
	t.Run("a pending invite is accepted with its team and role", func(t *testing.T) {
		env := newSSOEnv(t)
		inviteAs(t, env.app, invite.Candidate{Email: "api.new@acme.com", Name: "Api New", Role: "manager", Team: f.ID("alpha")})
		env.queue("api.new@acme.com", true)
		status, body := env.apiOAuth2(t)
		if status != http.StatusOK || !strings.Contains(body, `"token"`) {
			t.Fatalf("got %d %s", status, body)
		}
		m, err := member.FindByEmail(env.app, "api.new@acme.com")
		if err != nil || m.Role() != member.RoleManager || m.TeamID() != f.ID("alpha") {
			t.Fatalf("account %v role %v, want manager of alpha", err, m)
		}
	})
	t.Run("an active user signs in", func(t *testing.T) {
		env := newSSOEnv(t)
		env.queue(f.Emails["memberB"], true)
		if status, body := env.apiOAuth2(t); status != http.StatusOK || !strings.Contains(body, f.Emails["memberB"]) {
			t.Fatalf("got %d %s", status, body)
		}
	})
}

func TestSSORequiredSendsPasswordLinksToTheOwnerOnly(t *testing.T) {
	f := testutil.Fixtures(t)
	mails := func(app core.App, email string) int64 {
		n, _ := app.CountRecords("outbox", dbx.HashExp{"to": email, "kind": "password_reset"})
		return n
	}
	for _, tc := range []struct {
		key  string
		want int64
	}{{"memberA", 0}, {"owner", 1}} {
		body := url.Values{"email": {f.Emails[tc.key]}, "csrf_token": {testutil.CSRF}}
		(&tests.ApiScenario{
			Name: tc.key + " asks for a password link while SSO is required", Method: http.MethodPost, URL: "/password-reset",
			Body: strings.NewReader(body.Encode()), Headers: f.FormHeaders(""), TestAppFactory: ssoRequiredApp,
			ExpectedStatus: http.StatusOK, ExpectedContent: []string{`id="reset-sso"`, `id="reset-sent"`},
			AfterTestFunc: func(t testing.TB, app *tests.TestApp, _ *http.Response) {
				if n := mails(app, f.Emails[tc.key]); n != tc.want {
					t.Errorf("reset mails = %d, want %d", n, tc.want)
				}
			},
		}).Test(t)
	}
}

func TestSSORequiredRefusesOneTimePasswordsOfEveryoneButTheOwner(t *testing.T) {
	f := testutil.Fixtures(t)
	app := ssoRequiredApp(t)
	defer app.Cleanup()
	col, _ := app.FindCollectionByNameOrId(member.Collection)
	col.OTP.Enabled = true
	if err := app.Save(col); err != nil {
		t.Fatal(err)
	}
	srv := testutil.Serve(t, app)
	for _, tc := range []struct {
		key    string
		status int
	}{{"memberA", http.StatusForbidden}, {"owner", http.StatusOK}} {
		otp := core.NewOTP(app)
		otp.SetCollectionRef(col.Id)
		otp.SetRecordRef(f.ID(tc.key))
		otp.SetPassword("123456")
		if err := app.Save(otp); err != nil {
			t.Fatal(err)
		}
		res, err := http.Post(srv.URL+"/api/collections/users/auth-with-otp", "application/json",
			strings.NewReader(`{"otpId":"`+otp.Id+`","password":"123456"}`))
		if err != nil {
			t.Fatal(err)
		}
		body, _ := io.ReadAll(res.Body)
		res.Body.Close()
		if res.StatusCode != tc.status {
			t.Errorf("%s: got %d %s, want %d", tc.key, res.StatusCode, body, tc.status)
		}
	}
}
