package e2e_test

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
	"github.com/oauth2-proxy/mockoidc"
	"github.com/pocketbase/pocketbase/core"

	"teamfund/internal/e2e"
	"teamfund/internal/invite"
	"teamfund/internal/member"
	"teamfund/internal/testutil"
)

// TestSingleSignOn drives the browser through mockoidc as the company's OpenID Connect
// provider: a stranger is refused with the invite advice, a newcomer follows an invite key
// link and joins its team with the provider, and a member signs in with the button.
func TestSingleSignOn(t *testing.T) {
	idp, err := mockoidc.Run()
	if err != nil {
		t.Fatal(err)
	}
	defer idp.Shutdown()
	f := testutil.Fixtures(t)

	// The running server caches collections, so the provider is set up before it starts.
	dir := filepath.Join(t.TempDir(), "pb_data")
	if err := os.CopyFS(dir, os.DirFS(f.Dir)); err != nil {
		t.Fatal(err)
	}
	var keyToken string
	app := core.NewBaseApp(core.BaseAppConfig{DataDir: dir})
	if err := app.Bootstrap(); err != nil {
		t.Fatal(err)
	}
	col, err := app.FindCollectionByNameOrId(member.Collection)
	if err != nil {
		t.Fatal(err)
	}
	cfg := idp.Config()
	col.OAuth2.Enabled = true
	col.OAuth2.Providers = []core.OAuth2ProviderConfig{{Name: "oidc", DisplayName: "Acme SSO", ClientId: cfg.ClientID,
		ClientSecret: cfg.ClientSecret, AuthURL: idp.AuthorizationEndpoint(), TokenURL: idp.TokenEndpoint(),
		Extra: map[string]any{"jwksURL": idp.JWKSEndpoint(), "issuers": []string{idp.Issuer()}}}}
	if err := app.Save(col); err != nil {
		t.Fatal(err)
	}
	manager, _ := member.Find(app, f.ID("managerA"))
	if _, keyToken, err = invite.CreateKey(app, manager, f.ID("alpha")); err != nil {
		t.Fatal(err)
	}
	app.ResetBootstrapState()
	s := e2e.StartOn(t, dir)

	t.Run("a stranger is told to ask for an invite", func(t *testing.T) {
		b := s.NewBrowser(t)
		idp.QueueUser(&mockoidc.MockUser{Subject: "s1", Email: "stranger@acme.com", EmailVerified: true})
		e2e.Do(t, b,
			chromedp.Navigate(s.URL+"/login"),
			chromedp.WaitVisible(css(`#sso-buttons a`)),
		)
		e2e.Screenshot(t, b, "sso-1-sign-in-page")
		e2e.Do(t, b, chromedp.Click(css(`#sso-buttons a`)))
		waitUntil(t, b, `!!document.querySelector("#sso-refused")`)
		if text := e2e.Text(t, b, "#sso-refused"); !strings.Contains(text, "ask an admin for an invite") {
			t.Errorf("refusal page says %q", text)
		}
		e2e.Screenshot(t, b, "sso-2-refused")
	})

	t.Run("a newcomer joins a team through an invite key link", func(t *testing.T) {
		b := s.NewBrowser(t)
		idp.QueueUser(&mockoidc.MockUser{Subject: "s2", Email: "nico.new@acme.com", EmailVerified: true})
		e2e.Do(t, b,
			chromedp.Navigate(s.URL+invite.JoinPath(keyToken)),
			chromedp.WaitVisible(css(`#sso-buttons a`)),
		)
		e2e.Screenshot(t, b, "sso-3-join-page")
		e2e.Do(t, b, chromedp.Click(css(`#sso-buttons a`)))
		waitUntil(t, b, `!!document.querySelector("#dashboard")`)
		e2e.Screenshot(t, b, "sso-4-joined")
	})

	t.Run("a member signs in with the button", func(t *testing.T) {
		b := s.NewBrowser(t)
		idp.QueueUser(&mockoidc.MockUser{Subject: "s3", Email: f.Emails["memberA"], EmailVerified: true})
		e2e.Do(t, b,
			chromedp.Navigate(s.URL+"/login"),
			chromedp.WaitVisible(css(`#sso-buttons a`)),
			chromedp.Click(css(`#sso-buttons a`)),
		)
		waitUntil(t, b, `!!document.querySelector("#dashboard")`)
	})

	t.Run("the owner sees the provider ready on the settings page", func(t *testing.T) {
		b := s.NewBrowser(t)
		e2e.Login(t, b, s, "owner")
		e2e.Do(t, b,
			chromedp.Navigate(s.URL+"/settings"),
			chromedp.WaitVisible(css(`#sso-providers`)),
		)
		if text := e2e.Text(t, b, "#sso-providers"); !strings.Contains(text, "Acme SSO") || !strings.Contains(text, "ready") {
			t.Errorf("provider list says %q", text)
		}
		e2e.Screenshot(t, b, "sso-5-settings")
		e2e.Do(t, b, chromedp.EmulateViewport(390, 844), chromedp.Navigate(s.URL+"/settings"), chromedp.WaitVisible(css(`#sso-providers`)))
		e2e.Screenshot(t, b, "sso-6-settings-phone")
	})

	s.Seed(t, func(app core.App) error {
		m, err := member.FindByEmail(app, "nico.new@acme.com")
		if err != nil {
			t.Errorf("the newcomer has no account: %v", err)
			return nil
		}
		if m.TeamID() != f.ID("alpha") || m.Role() != member.RoleMember {
			t.Errorf("newcomer team %s role %s, want a member of alpha", m.TeamID(), m.Role())
		}
		if _, err := member.FindByEmail(app, "stranger@acme.com"); err == nil {
			t.Error("the stranger got an account")
		}
		return nil
	})
}
