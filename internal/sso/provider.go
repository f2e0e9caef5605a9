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
	return client, nil
}
