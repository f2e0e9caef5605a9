package sso

import (
	"errors"
	"strings"

	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tools/auth"

	"teamfund/internal/member"
)

// ErrUnknownProvider means the provider in a sign-in link is not enabled (any more).
var ErrUnknownProvider = errors.New("this sign-in option is not enabled; ask an admin")

// Provider is one enabled sign-in option with what is wrong with its settings, if anything.
type Provider struct {
	Name        string // PocketBase's provider name, used in the sign-in URL
	DisplayName string // "Google", "Microsoft", or the name set in the dashboard
	Problem     string // empty when the settings look complete
}

// Providers lists the enabled providers of the users collection, in the dashboard's order.
func Providers(app core.App) []Provider {
	cfgs := member.SSOProviders(app)
	out := make([]Provider, 0, len(cfgs))
	for _, cfg := range cfgs {
		p := Provider{Name: cfg.Name, DisplayName: cfg.DisplayName}
		client, err := Init(cfg)
		if err != nil {
			p.Problem = err.Error()
		}
		if p.DisplayName == "" && client != nil {
			p.DisplayName = client.DisplayName()
		}
		if p.DisplayName == "" {
			p.DisplayName = cfg.Name
		}
		out = append(out, p)
	}
	return out
}

// Usable lists the providers whose settings look complete: the sign-in buttons.
func Usable(app core.App) []Provider {
	var out []Provider
	for _, p := range Providers(app) {
		if p.Problem == "" {
			out = append(out, p)
		}
	}
	return out
}

// Find returns the enabled provider config of name.
func Find(app core.App, name string) (core.OAuth2ProviderConfig, error) {
	for _, cfg := range member.SSOProviders(app) {
		if cfg.Name == name {
			return cfg, nil
		}
	}
	return core.OAuth2ProviderConfig{}, ErrUnknownProvider
}

// Init makes PocketBase's client for cfg, refusing settings that could only fail later at
// the provider with a less helpful message. The messages name the dashboard field to fix.
func Init(cfg core.OAuth2ProviderConfig) (auth.Provider, error) {
	var missing []string
	if cfg.ClientId == "" {
		missing = append(missing, "Client ID")
	}
	if cfg.ClientSecret == "" {
		missing = append(missing, "Client secret")
	}
	// note: PocketBase's generic OpenID Connect providers (oidc, oidc2, oidc3) have no
	// default endpoints; Google and Microsoft do.
	if strings.HasPrefix(cfg.Name, auth.NameOIDC) {
		if cfg.AuthURL == "" {
			missing = append(missing, "Auth URL")
		}
		if cfg.TokenURL == "" {
			missing = append(missing, "Token URL")
		}
	}
	if len(missing) > 0 {
		return nil, errors.New("missing " + strings.Join(missing, ", ") + " in the dashboard (Collections → users → Options → OAuth2)")
	}
	client, err := cfg.InitProvider()
	if err != nil {
		return nil, errors.New("unknown provider " + cfg.Name + " in the dashboard settings")
	}
	if cfg.Name == auth.NameMicrosoft && multiTenant(client.AuthURL()) && !verifiedMicrosoftEmail(cfg) {
		return nil, errors.New("Microsoft is set to accept any Microsoft tenant and to trust the unverified Graph \"mail\" field, which another tenant's admin can set to one of your addresses: " +
			"set the Auth URL and Token URL to your own tenant (https://login.microsoftonline.com/<tenant-id>/oauth2/v2.0/authorize and …/token), " +
			"or pick a verified email claim under \"Extract email from\" in the dashboard")
	}
	return client, nil
}

// multiTenant reports whether a Microsoft auth URL admits accounts of any tenant.
func multiTenant(authURL string) bool {
	for _, shared := range []string{"/common/", "/organizations/", "/consumers/"} {
		if strings.Contains(authURL, shared) {
			return true
		}
	}
	return false
}

// verifiedMicrosoftEmail reports whether the provider reads the email from a claim Microsoft verifies.
func verifiedMicrosoftEmail(cfg core.OAuth2ProviderConfig) bool {
	switch cfg.Extra["idTokenEmailClaim"] {
	case "any_verified", "verified_primary_email", "email_and_xms_edov":
		return true
	}
	return false
}
