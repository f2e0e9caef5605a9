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
// is accepted with its team and role), and auth-with-password (and auth-with-otp, should
// an admin turn one-time passwords on) admit only the owner while single sign-on is required.
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
		if e.Record == nil {
			e.Record = findByNormalisedEmail(e)
		}
		// A wrong password keeps PocketBase's own answer, so the refusal reveals no account.
		if e.Record == nil || !e.Record.ValidatePassword(e.Password) {
			return e.Next()
		}
		return refuseUnlessOwner(e.RequestEvent, e.Record, e.Next)
	})
	app.OnRecordAuthWithOTPRequest(member.Collection).BindFunc(func(e *core.RecordAuthWithOTPRequestEvent) error {
		return refuseUnlessOwner(e.RequestEvent, e.Record, e.Next)
	})
}

// findByNormalisedEmail finds the account of an identity PocketBase compared as typed
// (only case-folded): "ｏｗｎｅｒ＠ａｃｍｅ．ｃｏｍ" is the owner, as on the sign-in page.
// A look-alike the normalisation refuses finds nobody.
func findByNormalisedEmail(e *core.RecordAuthWithPasswordRequestEvent) *core.Record {
	if e.IdentityField != "" && e.IdentityField != core.FieldNameEmail {
		return nil
	}
	email, err := member.ParseEmail(e.Identity)
	if err != nil || email == e.Identity {
		return nil
	}
	rec, err := e.App.FindAuthRecordByEmail(member.Collection, email)
	if err != nil {
		return nil
	}
	return rec
}

// refuseUnlessOwner stops a sign-in without the provider while single sign-on is required.
func refuseUnlessOwner(e *core.RequestEvent, rec *core.Record, next func() error) error {
	if rec == nil || member.Wrap(rec).Role() == member.RoleOwner {
		return next()
	}
	if c, err := company.Load(e.App); err == nil && c.SSORequired() {
		return e.ForbiddenError(ssoRequiredMessage, nil)
	}
	return next()
}

// oauth2APIRefusal answers a refused OAuth2 sign-in as JSON with the sign-in page's reason.
func oauth2APIRefusal(e *core.RequestEvent, err error) error {
	status, msg := inviteMessage(err)
	if status >= 500 {
		return apiError(e, err)
	}
	return e.Error(status, msg, nil)
}
