package web

import (
	"github.com/pocketbase/pocketbase/core"

	"teamfund/internal/company"
	"teamfund/internal/member"
	"teamfund/internal/sso"
)

// bindAuthGuards makes PocketBase's own auth endpoints of the users collection keep the
// company rules of the sign-in page: /api/collections/users/auth-with-oauth2 goes through
// sso.SignIn (so it never creates an account for an unknown email, and a pending invite
// is accepted with its team and role), and auth-with-password admits only the owner
// while single sign-on is required.
func bindAuthGuards(app core.App) {
	app.OnRecordAuthWithOAuth2Request(member.Collection).BindFunc(func(e *core.RecordAuthWithOAuth2RequestEvent) error {
		m, _, err := sso.SignIn(e.App, sso.Identity{Provider: e.ProviderName, Email: e.OAuth2User.Email, Name: e.OAuth2User.Name}, "")
		if err != nil {
			return oauth2APIRefusal(e.RequestEvent, err)
		}
		// note: identity is the verified email, as on the sign-in page; PocketBase's own
		// matching (an earlier provider link, or the signed-in record) is overridden.
		e.Record = m.ProxyRecord()
		e.IsNewRecord = false
		return e.Next()
	})
	app.OnRecordAuthWithPasswordRequest(member.Collection).BindFunc(func(e *core.RecordAuthWithPasswordRequestEvent) error {
		if e.Record == nil || !e.Record.ValidatePassword(e.Password) || member.Wrap(e.Record).Role() == member.RoleOwner {
			return e.Next()
		}
		if c, err := company.Load(e.App); err == nil && c.SSORequired() {
			return e.ForbiddenError(ssoRequiredMessage, nil)
		}
		return e.Next()
	})
}

// oauth2APIRefusal answers a refused OAuth2 sign-in as JSON with the sign-in page's reason.
func oauth2APIRefusal(e *core.RequestEvent, err error) error {
	status, msg := inviteMessage(err)
	if status >= 500 {
		return apiError(e, err)
	}
	return e.Error(status, msg, nil)
}
