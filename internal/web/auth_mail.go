package web

import (
	"net/http"
	"strings"

	"github.com/pocketbase/pocketbase/core"

	"teamfund/internal/member"
)

// Messages of the refused PocketBase mail endpoints of the users collection: Teamfund has
// no page for what their links would open.
const (
	verificationHere = "Teamfund confirms a person's email when they accept their invite, so there is nothing to verify. " +
		"Invite people on Teamfund's Invites page."
	emailChangeHere = "A login email is changed by the owner or an admin on Teamfund's user page (Users → the person → Login email), " +
		"which applies the company's domain rule and audits the change."
	otpHere = "Teamfund has no sign-in by one-time code: sign in with your password or single sign-on on the sign-in page (/login); " +
		"a forgotten password is reset under \"Forgot your password?\"."
)

// refusedMailEndpoints are PocketBase's auth endpoints of the users collection that would
// mail a link or code to a page Teamfund does not have (its dashboard's), by the last
// segment of their path, with what to do instead. Their confirm-* and auth-with-otp
// halves stay: without the mail they have nothing to confirm, and auth-with-otp keeps the
// single-sign-on guard of bindAuthGuards.
var refusedMailEndpoints = map[string]string{
	"request-verification": verificationHere,
	"request-email-change": emailChangeHere,
	"request-otp":          otpHere,
}

// bindMailEndpoints makes PocketBase's own mail endpoints of the users collection go
// Teamfund's way: request-password-reset (the JS SDK's requestPasswordReset) puts
// Teamfund's reset mail — in the company's name, linking to Teamfund's reset page — in the
// outbox and audits it, like "Forgot your password?"; the others are refused with a
// message that says where to do it instead.
func bindMailEndpoints(app core.App) {
	app.OnRecordRequestPasswordResetRequest(member.Collection).BindFunc(func(e *core.RecordRequestPasswordResetRequestEvent) error {
		if err := requestOwnPasswordReset(e.App, e.Record.Email()); err != nil {
			return apiError(e.RequestEvent, err)
		}
		// note: e.Next() is not called: it would send PocketBase's own mail, which links
		// to the dashboard's page and bypasses the outbox.
		return e.NoContent(http.StatusNoContent)
	})
}

// refuseMailEndpoints answers the refused endpoints before PocketBase looks anything up,
// so the answer is the same for every email.
func refuseMailEndpoints(e *core.RequestEvent) error {
	rest, ok := strings.CutPrefix(e.Request.URL.Path, "/api/collections/")
	if !ok || e.Request.Method != http.MethodPost {
		return e.Next()
	}
	collection, action, ok := strings.Cut(rest, "/")
	msg, refused := refusedMailEndpoints[action]
	if !ok || !refused {
		return e.Next()
	}
	if c, err := e.App.FindCachedCollectionByNameOrId(collection); err != nil || c.Name != member.Collection {
		return e.Next()
	}
	return e.BadRequestError(msg, nil)
}
