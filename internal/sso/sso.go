// Package sso holds the company rules of single sign-on: who may come in through an
// OAuth2 provider (PocketBase's providers, configured on the users collection in the
// dashboard) and as whom. The OAuth2 exchange itself lives in the web layer.
package sso

import (
	"errors"

	"github.com/pocketbase/pocketbase/core"

	"teamfund/internal/invite"
	"teamfund/internal/member"
)

// Errors a person signing in can act on; the web layer turns each into a page.
var (
	ErrUnverifiedEmail = errors.New("the provider did not confirm a verified email address for your account")
	ErrNoAccount       = errors.New("there is no Teamfund account or pending invite for this email; ask an admin for an invite")
	ErrDeactivated     = errors.New("this account is deactivated; ask an admin to reactivate it")
)

// Identity is what an OAuth2 provider vouched for about a person.
type Identity struct {
	Provider string // PocketBase's provider name: "google", "microsoft", "oidc", …
	Email    string // empty unless the provider reports it verified (PocketBase's providers drop unverified ones)
	Name     string
}

// Outcome says how SignIn let someone in.
type Outcome int

// The ways in: an existing account, a pending invite, or an invite key.
const (
	SignedIn Outcome = iota
	AcceptedInvite
	JoinedTeam
)

// SignIn applies the company rules to a verified identity: an active user signs in; a
// deactivated one is refused; an email with a pending invite accepts it (domain rule and
// seat limit re-checked, team and role from the invite); with keyToken, the invite key
// signs the email up into its team; any other email is refused and no account is made.
func SignIn(app core.App, id Identity, keyToken string) (*member.Member, Outcome, error) {
	if id.Email == "" {
		return nil, 0, ErrUnverifiedEmail
	}
	email, err := member.ParseEmail(id.Email)
	if err != nil {
		return nil, 0, err // a look-alike of a real address, or no address at all
	}
	if m, err := member.FindByEmail(app, email); err == nil {
		if !m.Active() {
			return nil, 0, ErrDeactivated
		}
		return m, SignedIn, nil
	}
	via := "sso:" + id.Provider
	m, err := invite.AcceptVerified(app, email, id.Name, via)
	if err == nil {
		return m, AcceptedInvite, nil
	}
	if !errors.Is(err, invite.ErrNoInvite) {
		return nil, 0, err
	}
	if keyToken == "" {
		return nil, 0, ErrNoAccount
	}
	m, err = invite.JoinVerified(app, keyToken, email, id.Name, via)
	if err != nil {
		return nil, 0, err
	}
	return m, JoinedTeam, nil
}
