package web_test

import (
	"encoding/base64"
	"encoding/json"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"strings"
	"testing"

	"github.com/oauth2-proxy/mockoidc"
	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/core"

	"teamfund/internal/invite"
	"teamfund/internal/member"
	"teamfund/internal/testutil"
)

// ssoEnv is the real app served on loopback with mockoidc as its OpenID Connect provider.
type ssoEnv struct {
	app  core.App
	url  string
	oidc *mockoidc.MockOIDC
}

// newSSOEnv starts mockoidc and enables it on the users collection as PocketBase's "oidc"
// provider, the way an admin does in the dashboard. The userinfo URL stays empty: then
// PocketBase reads the signed id_token (checked against mockoidc's JWKS and issuer), whose
// claims carry email_verified; mockoidc's userinfo answer does not.
func newSSOEnv(t *testing.T) *ssoEnv {
	t.Helper()
	app := testutil.NewApp(t)
	t.Cleanup(app.Cleanup)
	m, err := mockoidc.Run()
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = m.Shutdown() })
	enableOIDC(t, app, oidcConfig(m))
	return &ssoEnv{app: app, url: testutil.Serve(t, app).URL, oidc: m}
}

func oidcConfig(m *mockoidc.MockOIDC) core.OAuth2ProviderConfig {
	cfg := m.Config()
	return core.OAuth2ProviderConfig{Name: "oidc", DisplayName: "Acme SSO", ClientId: cfg.ClientID, ClientSecret: cfg.ClientSecret,
		AuthURL: m.AuthorizationEndpoint(), TokenURL: m.TokenEndpoint(),
		Extra: map[string]any{"jwksURL": m.JWKSEndpoint(), "issuers": []string{m.Issuer()}}}
}

func enableOIDC(t testing.TB, app core.App, providers ...core.OAuth2ProviderConfig) {
	t.Helper()
	col, err := app.FindCollectionByNameOrId(member.Collection)
	if err != nil {
		t.Fatal(err)
	}
	col.OAuth2.Enabled = true
	col.OAuth2.Providers = providers
	if err := app.Save(col); err != nil {
		t.Fatal(err)
	}
}

// browser is an HTTP client with its own cookie jar that follows redirects like a browser.
func browser(t *testing.T) *http.Client {
	t.Helper()
	jar, err := cookiejar.New(nil)
	if err != nil {
		t.Fatal(err)
	}
	return &http.Client{Jar: jar}
}

// queue makes the next mockoidc sign-in return this person.
func (env *ssoEnv) queue(email string, verified bool) {
	env.oidc.QueueUser(&mockoidc.MockUser{Subject: "sub-" + email, Email: email, EmailVerified: verified})
}

// signIn follows the whole flow from path (e.g. /auth/oauth2/oidc) through mockoidc back to
// Teamfund and returns the last answer and its body.
func (env *ssoEnv) signIn(t *testing.T, c *http.Client, path string) (*http.Response, string) {
	t.Helper()
	res, err := c.Get(env.url + path)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	body, _ := io.ReadAll(res.Body)
	return res, string(body)
}

// sessionUser is who the cookie jar's session belongs to, via the JSON API ("" for none).
func (env *ssoEnv) sessionUser(t *testing.T, c *http.Client) string {
	t.Helper()
	u, _ := url.Parse(env.url)
	for _, ck := range c.Jar.Cookies(u) {
		if ck.Name == "tf_session" && ck.Value != "" {
			rec, err := env.app.FindAuthRecordByToken(ck.Value, core.TokenTypeAuth)
			if err != nil {
				t.Fatalf("session cookie is not a valid auth token: %v", err)
			}
			return rec.Email()
		}
	}
	return ""
}

func userCount(t *testing.T, app core.App) int64 {
	t.Helper()
	n, err := app.CountRecords(member.Collection)
	if err != nil {
		t.Fatal(err)
	}
	return n
}

func inviteAs(t *testing.T, app core.App, c invite.Candidate) *invite.Invite {
	t.Helper()
	actor, err := member.Find(app, testutil.Fixtures(t).ID("admin"))
	if err != nil {
		t.Fatal(err)
	}
	inv, err := invite.Create(app, actor, c)
	if err != nil {
		t.Fatal(err)
	}
	return inv
}

func setCompany(t testing.TB, app core.App, field string, value any) {
	t.Helper()
	recs, err := app.FindAllRecords("company")
	if err != nil || len(recs) != 1 {
		t.Fatalf("company: %v", err)
	}
	recs[0].Set(field, value)
	if err := app.Save(recs[0]); err != nil {
		t.Fatal(err)
	}
}

func TestSSOActiveUserSignsInWithTheSameSessionAsAPassword(t *testing.T) {
	env := newSSOEnv(t)
	f := testutil.Fixtures(t)
	before := userCount(t, env.app)

	login, err := http.Get(env.url + "/login")
	if err != nil {
		t.Fatal(err)
	}
	page, _ := io.ReadAll(login.Body)
	login.Body.Close()
	if !strings.Contains(string(page), `href="/auth/oauth2/oidc"`) || !strings.Contains(string(page), "Sign in with Acme SSO") {
		t.Fatalf("sign-in page has no button for the provider:\n%s", page)
	}

	c := browser(t)
	env.queue(strings.ToUpper(f.Emails["memberA"]), true)
	res, body := env.signIn(t, c, "/auth/oauth2/oidc?next=/money")
	if res.StatusCode != http.StatusOK || res.Request.URL.Path != "/money" {
		t.Fatalf("ended at %s with %d, want /money 200:\n%s", res.Request.URL, res.StatusCode, body)
	}
	if got := env.sessionUser(t, c); got != f.Emails["memberA"] {
		t.Errorf("session belongs to %q, want %q", got, f.Emails["memberA"])
	}
	if n := userCount(t, env.app); n != before {
		t.Errorf("users = %d, want %d (nobody created)", n, before)
	}
	u, _ := url.Parse(env.url)
	for _, ck := range c.Jar.Cookies(u) {
		if ck.Name == "tf_oauth2" {
			t.Errorf("the flow cookie outlived the callback")
		}
	}
}

func TestSSOPendingInviteIsAcceptedWithItsTeamAndRole(t *testing.T) {
	env := newSSOEnv(t)
	f := testutil.Fixtures(t)
	inv := inviteAs(t, env.app, invite.Candidate{Email: "nina.new@acme.com", Name: "Nina New", Role: "manager", Team: f.ID("beta")})

	c := browser(t)
	env.queue("nina.new@acme.com", true)
	res, body := env.signIn(t, c, "/auth/oauth2/oidc")
	if res.StatusCode != http.StatusOK || res.Request.URL.Path != "/" {
		t.Fatalf("ended at %s with %d, want the dashboard:\n%s", res.Request.URL, res.StatusCode, body)
	}
	m, err := member.FindByEmail(env.app, "nina.new@acme.com")
	if err != nil {
		t.Fatalf("invitee has no account: %v", err)
	}
	if m.Role() != member.RoleManager || m.TeamID() != f.ID("beta") || !m.Active() || m.Name() != "Nina New" {
		t.Errorf("got role %s team %s active %v name %q, want manager of beta, active, Nina New", m.Role(), m.TeamID(), m.Active(), m.Name())
	}
	if got := env.sessionUser(t, c); got != "nina.new@acme.com" {
		t.Errorf("session belongs to %q", got)
	}
	r, _ := env.app.FindRecordById(invite.Collection, inv.Id)
	if r.GetString("status") != invite.StatusAccepted || r.GetString("accepted_user") != m.Id {
		t.Errorf("invite status %q accepted_user %q, want accepted by the new user", r.GetString("status"), r.GetString("accepted_user"))
	}
	n, _ := env.app.CountRecords("audit_log", dbx.HashExp{"action": "invite.accept", "target_id": m.Id})
	if n != 1 {
		t.Errorf("audit entries for the acceptance = %d, want 1", n)
	}
}

func TestSSOInviteRulesAreCheckedAgain(t *testing.T) {
	cases := []struct {
		name  string
		setup func(t *testing.T, app core.App)
		want  string
	}{
		{"seat limit reached since the invite", func(t *testing.T, app core.App) {
			setCompany(t, app, "seat_limit", 1)
		}, "seat limit"},
		{"domain rule turned on since the invite", func(t *testing.T, app core.App) {
			setCompany(t, app, "domain_rule", true)
		}, "domain"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			env := newSSOEnv(t)
			inviteAs(t, env.app, invite.Candidate{Email: "outsider@elsewhere.org", Name: "Out Sider"})
			tc.setup(t, env.app)
			before := userCount(t, env.app)
			c := browser(t)
			env.queue("outsider@elsewhere.org", true)
			res, body := env.signIn(t, c, "/auth/oauth2/oidc")
			if res.StatusCode < 400 || res.StatusCode >= 500 || !strings.Contains(strings.ToLower(body), tc.want) {
				t.Fatalf("got %d, want a 4xx page about %q:\n%s", res.StatusCode, tc.want, body)
			}
			if n := userCount(t, env.app); n != before {
				t.Errorf("users = %d, want %d", n, before)
			}
			if got := env.sessionUser(t, c); got != "" {
				t.Errorf("signed in as %q after a refusal", got)
			}
		})
	}
}

func TestSSOInviteKeyLinkJoinsThatTeam(t *testing.T) {
	env := newSSOEnv(t)
	f := testutil.Fixtures(t)
	manager, _ := member.Find(env.app, f.ID("managerA"))
	key, token, err := invite.CreateKey(env.app, manager, f.ID("alpha"))
	if err != nil {
		t.Fatal(err)
	}
	c := browser(t)
	join, err := c.Get(env.url + invite.JoinPath(token))
	if err != nil {
		t.Fatal(err)
	}
	page, _ := io.ReadAll(join.Body)
	join.Body.Close()
	if !strings.Contains(string(page), "/auth/oauth2/oidc?key="+token) {
		t.Fatalf("join page has no SSO button carrying the key:\n%s", page)
	}

	env.queue("kim.key@acme.com", true)
	res, body := env.signIn(t, c, "/auth/oauth2/oidc?key="+url.QueryEscape(token))
	if res.StatusCode != http.StatusOK || res.Request.URL.Path != "/" {
		t.Fatalf("ended at %s with %d:\n%s", res.Request.URL, res.StatusCode, body)
	}
	m, err := member.FindByEmail(env.app, "kim.key@acme.com")
	if err != nil {
		t.Fatalf("no account after joining: %v", err)
	}
	if m.Role() != member.RoleMember || m.TeamID() != f.ID("alpha") {
		t.Errorf("role %s team %s, want member of alpha", m.Role(), m.TeamID())
	}
	r, _ := env.app.FindRecordById(invite.KeyCollection, key.Id)
	if r.GetInt("uses") != 1 {
		t.Errorf("key uses = %d, want 1", r.GetInt("uses"))
	}
}

func TestSSORefusals(t *testing.T) {
	f := testutil.Fixtures(t)
	cases := []struct {
		name     string
		email    string
		verified bool
		status   int
		want     string
	}{
		{"unknown email is told to ask for an invite", "stranger@acme.com", true, http.StatusForbidden, "ask an admin for an invite"},
		{"deactivated user is refused", f.Emails["locked"], true, http.StatusForbidden, "deactivated"},
		{"unverified email is refused even for an active user", f.Emails["memberA"], false, http.StatusForbidden, "verified email"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			env := newSSOEnv(t)
			before := userCount(t, env.app)
			c := browser(t)
			env.queue(tc.email, tc.verified)
			res, body := env.signIn(t, c, "/auth/oauth2/oidc")
			if res.StatusCode != tc.status || !strings.Contains(body, tc.want) || !strings.Contains(body, `id="sso-refused"`) {
				t.Fatalf("got %d, want %d with %q:\n%s", res.StatusCode, tc.status, tc.want, body)
			}
			if got := env.sessionUser(t, c); got != "" {
				t.Errorf("signed in as %q", got)
			}
			if n := userCount(t, env.app); n != before {
				t.Errorf("users = %d, want %d (no account created)", n, before)
			}
		})
	}
}

// start begins a flow without following redirects and returns the provider URL and the flow cookie.
func (env *ssoEnv) start(t *testing.T) (*url.URL, *http.Cookie) {
	t.Helper()
	c := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	res, err := c.Get(env.url + "/auth/oauth2/oidc")
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	loc, err := url.Parse(res.Header.Get("Location"))
	if err != nil || res.StatusCode != http.StatusFound {
		t.Fatalf("start answered %d %q", res.StatusCode, res.Header.Get("Location"))
	}
	for _, ck := range res.Cookies() {
		if ck.Name == "tf_oauth2" {
			if !ck.HttpOnly || ck.Path != "/auth/oauth2/" || ck.MaxAge <= 0 {
				t.Errorf("flow cookie %+v, want HttpOnly, short-lived, path /auth/oauth2/", ck)
			}
			return loc, ck
		}
	}
	t.Fatal("no flow cookie")
	return nil, nil
}

// callback asks mockoidc for a code at authURL and brings it to Teamfund with cookie.
func (env *ssoEnv) callback(t *testing.T, authURL *url.URL, cookie *http.Cookie, state string) (*http.Response, string) {
	t.Helper()
	noFollow := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	res, err := noFollow.Get(authURL.String())
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	back, err := url.Parse(res.Header.Get("Location"))
	if err != nil {
		t.Fatal(err)
	}
	q := back.Query()
	if state != "" {
		q.Set("state", state)
	}
	back.RawQuery = q.Encode()
	req, _ := http.NewRequest(http.MethodGet, back.String(), nil)
	if cookie != nil {
		req.AddCookie(cookie)
	}
	res, err = noFollow.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	body, _ := io.ReadAll(res.Body)
	return res, string(body)
}

func TestSSOStateAndPKCEAreChecked(t *testing.T) {
	f := testutil.Fixtures(t)
	env := newSSOEnv(t)

	authURL, cookie := env.start(t)
	q := authURL.Query()
	if q.Get("code_challenge") == "" || q.Get("code_challenge_method") != "S256" || q.Get("state") == "" {
		t.Fatalf("authorize request %s lacks state or an S256 PKCE challenge", authURL)
	}

	t.Run("a callback with another state is refused", func(t *testing.T) {
		env.queue(f.Emails["memberA"], true)
		res, body := env.callback(t, authURL, cookie, "forged-state")
		if res.StatusCode != http.StatusBadRequest || !strings.Contains(body, "expired or was started in another browser") {
			t.Fatalf("got %d:\n%s", res.StatusCode, body)
		}
	})
	t.Run("a callback without the flow cookie is refused", func(t *testing.T) {
		authURL, _ := env.start(t)
		env.queue(f.Emails["memberA"], true)
		res, _ := env.callback(t, authURL, nil, "")
		if res.StatusCode != http.StatusBadRequest || hasSession(res) {
			t.Fatalf("got %d, want 400 and no session", res.StatusCode)
		}
	})
	t.Run("a wrong PKCE verifier fails the code exchange", func(t *testing.T) {
		authURL, cookie := env.start(t)
		raw, err := base64.RawURLEncoding.DecodeString(cookie.Value)
		if err != nil {
			t.Fatal(err)
		}
		var flow map[string]any
		if err := json.Unmarshal(raw, &flow); err != nil {
			t.Fatal(err)
		}
		flow["v"] = strings.Repeat("x", 64)
		raw, _ = json.Marshal(flow)
		cookie.Value = base64.RawURLEncoding.EncodeToString(raw)
		env.queue(f.Emails["memberA"], true)
		res, body := env.callback(t, authURL, cookie, "")
		if res.StatusCode != http.StatusBadGateway || hasSession(res) {
			t.Fatalf("got %d, want 502 and no session:\n%s", res.StatusCode, body)
		}
	})
	t.Run("a refusal at the provider is shown with its reason", func(t *testing.T) {
		authURL, cookie := env.start(t)
		back := env.url + "/auth/oauth2/callback?" + url.Values{"state": {authURL.Query().Get("state")},
			"error": {"access_denied"}, "error_description": {"The user cancelled"}}.Encode()
		req, _ := http.NewRequest(http.MethodGet, back, nil)
		req.AddCookie(cookie)
		res, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		body, _ := io.ReadAll(res.Body)
		res.Body.Close()
		if res.StatusCode != http.StatusUnauthorized || !strings.Contains(string(body), "Acme SSO did not sign you in (The user cancelled)") {
			t.Fatalf("got %d:\n%s", res.StatusCode, body)
		}
	})
	t.Run("the untouched flow signs in", func(t *testing.T) {
		authURL, cookie := env.start(t)
		env.queue(f.Emails["memberA"], true)
		res, body := env.callback(t, authURL, cookie, "")
		if res.StatusCode != http.StatusSeeOther || !hasSession(res) {
			t.Fatalf("got %d, want 303 with a session:\n%s", res.StatusCode, body)
		}
	})
}

func hasSession(res *http.Response) bool {
	for _, ck := range res.Cookies() {
		if ck.Name == "tf_session" && ck.Value != "" {
			return true
		}
	}
	return false
}

func TestSSOBadSettingsGiveAClearMessage(t *testing.T) {
	app := testutil.NewApp(t)
	defer app.Cleanup()
	m, err := mockoidc.Run()
	if err != nil {
		t.Fatal(err)
	}
	defer m.Shutdown()
	incomplete := oidcConfig(m)
	incomplete.TokenURL = ""
	wrongSecret := oidcConfig(m)
	wrongSecret.Name, wrongSecret.DisplayName, wrongSecret.ClientSecret = "oidc2", "Okta", "not-the-secret"
	enableOIDC(t, app, incomplete, wrongSecret)
	srv := testutil.Serve(t, app)

	res, err := http.Get(srv.URL + "/login")
	if err != nil {
		t.Fatal(err)
	}
	page, _ := io.ReadAll(res.Body)
	res.Body.Close()
	if strings.Contains(string(page), `/auth/oauth2/oidc"`) || !strings.Contains(string(page), `/auth/oauth2/oidc2"`) {
		t.Errorf("sign-in page should hide only the incomplete provider:\n%s", page)
	}

	res, err = http.Get(srv.URL + "/auth/oauth2/oidc")
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(res.Body)
	res.Body.Close()
	if res.StatusCode != http.StatusServiceUnavailable || !strings.Contains(string(body), "missing Token URL") {
		t.Errorf("incomplete provider: got %d:\n%s", res.StatusCode, body)
	}

	env := &ssoEnv{app: app, url: srv.URL, oidc: m}
	env.queue(testutil.Fixtures(t).Emails["memberA"], true)
	res, text := env.signIn(t, browser(t), "/auth/oauth2/oidc2")
	if res.StatusCode != http.StatusBadGateway || !strings.Contains(text, "Okta did not accept") || !strings.Contains(text, "Client secret") {
		t.Errorf("wrong secret: got %d:\n%s", res.StatusCode, text)
	}
}
