package sso_test

import (
	"strings"
	"testing"

	"github.com/pocketbase/pocketbase/core"

	"teamfund/internal/sso"
)

func TestInitNamesWhatIsWrongWithTheSettings(t *testing.T) {
	tenant := "https://login.microsoftonline.com/0d6f5e1c-1111-2222-3333-444455556666/oauth2/v2.0/"
	cases := []struct {
		name string
		cfg  core.OAuth2ProviderConfig
		want string // "" = usable
	}{
		{"complete Google", core.OAuth2ProviderConfig{Name: "google", ClientId: "id", ClientSecret: "s"}, ""},
		{"Google without a secret", core.OAuth2ProviderConfig{Name: "google", ClientId: "id"}, "missing Client secret"},
		{"OIDC without endpoints", core.OAuth2ProviderConfig{Name: "oidc2", ClientId: "id", ClientSecret: "s"}, "missing Auth URL, Token URL"},
		{"complete OIDC", core.OAuth2ProviderConfig{Name: "oidc", ClientId: "id", ClientSecret: "s",
			AuthURL: "https://idp.example.com/auth", TokenURL: "https://idp.example.com/token"}, ""},
		{"unknown provider", core.OAuth2ProviderConfig{Name: "nosuch", ClientId: "id", ClientSecret: "s"}, "unknown provider nosuch"},
		{"Microsoft on the shared endpoints trusting Graph mail", core.OAuth2ProviderConfig{Name: "microsoft", ClientId: "id", ClientSecret: "s"}, "your own tenant"},
		{"Microsoft on the shared endpoints with a verified claim", core.OAuth2ProviderConfig{Name: "microsoft", ClientId: "id", ClientSecret: "s",
			Extra: map[string]any{"idTokenEmailClaim": "verified_primary_email"}}, ""},
		{"Microsoft on one tenant", core.OAuth2ProviderConfig{Name: "microsoft", ClientId: "id", ClientSecret: "s",
			AuthURL: tenant + "authorize", TokenURL: tenant + "token"}, ""},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			_, err := sso.Init(tc.cfg)
			switch {
			case tc.want == "" && err != nil:
				t.Errorf("got %v, want usable", err)
			case tc.want != "" && (err == nil || !strings.Contains(err.Error(), tc.want)):
				t.Errorf("got %v, want an error containing %q", err, tc.want)
			}
		})
	}
}
