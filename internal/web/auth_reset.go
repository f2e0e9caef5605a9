package web

import (
	"errors"
	"net/http"

	"github.com/pocketbase/pocketbase/core"

	"teamfund/internal/company"
	"teamfund/internal/member"
	"teamfund/internal/useradmin"
)

// Password reset routes ("Forgot your password?" on the sign-in page):
//
//	GET  /password-reset          showResetRequestPage
//	POST /password-reset          requestPasswordReset (same answer whether the email has an account)
//	GET  /password-reset/{token}  showResetPasswordPage
//	POST /password-reset/{token}  resetPassword
func bindPasswordResetRoutes(g routeGroup) {
	g.GET("/password-reset", showResetRequestPage)
	g.POST("/password-reset", requestPasswordReset)
	g.GET("/password-reset/{token}", showResetPasswordPage)
	g.POST("/password-reset/{token}", resetPassword)
}

type resetRequestPage struct {
	Page
	Email       string
	Sent        bool
	Error       string
	SSORequired bool // only the owner has a usable password
}

func newResetRequestPage(e *core.RequestEvent, email string) *resetRequestPage {
	d := &resetRequestPage{Page: Page{Title: "Forgot your password?"}, Email: email}
	if c, err := company.Load(e.App); err == nil {
		d.SSORequired = c.SSORequired()
	}
	return d
}

func showResetRequestPage(e *core.RequestEvent) error {
	if !company.IsSetUp(e.App) {
		return redirect(e, "/setup")
	}
	return render(e, http.StatusOK, "auth/reset_request", newResetRequestPage(e, ""))
}

func requestPasswordReset(e *core.RequestEvent) error {
	email := member.NormalizeEmail(e.Request.PostFormValue("email"))
	data := newResetRequestPage(e, email)
	if email == "" {
		data.Error = "Enter the email you sign in with."
		return render(e, http.StatusUnprocessableEntity, "auth/reset_request", data)
	}
	if err := requestOwnPasswordReset(e.App, email); err != nil {
		return pageError(e, err)
	}
	data.Sent = true
	return render(e, http.StatusOK, "auth/reset_request", data)
}

// requestOwnPasswordReset is "Forgot your password?" for email, on the page and through
// PocketBase's request-password-reset: the link goes to the outbox (and out by mail),
// audited. While single sign-on is required a password is of use to the owner only, so
// nobody else gets a link (the answer is the same, whatever the email).
func requestOwnPasswordReset(app core.App, email string) error {
	if c, err := company.Load(app); err == nil && c.SSORequired() {
		if u, err := member.FindByEmail(app, email); err != nil || u.Role() != member.RoleOwner {
			return nil
		}
	}
	return useradmin.RequestPasswordReset(app, email)
}

type resetPasswordPage struct {
	Page
	Action string
	Email  string
	Errors FormErrors
}

// showInvalidResetLink is the one page for unknown, used and expired password links.
func showInvalidResetLink(e *core.RequestEvent) error {
	return render(e, http.StatusNotFound, "invite/invalid", &errorPage{Page: Page{Title: "Invalid or expired link"},
		Heading: "This link is invalid or has expired", Message: "Ask for a new one under “Forgot your password?” on the sign-in page."})
}

func showResetPasswordPage(e *core.RequestEvent) error {
	token := e.Request.PathValue("token")
	u, err := useradmin.ResetLinkHolder(e.App, token)
	if err != nil {
		return showInvalidResetLink(e)
	}
	return render(e, http.StatusOK, "auth/reset", &resetPasswordPage{Page: Page{Title: "Choose a new password"},
		Action: useradmin.ResetPath(token), Email: u.Email()})
}

func resetPassword(e *core.RequestEvent) error {
	token := e.Request.PathValue("token")
	_, err := useradmin.ResetPassword(e.App, token, e.Request.PostFormValue("password"), e.Request.PostFormValue("password_confirm"))
	if errors.Is(err, useradmin.ErrResetLinkInvalid) {
		return showInvalidResetLink(e)
	}
	if fe, ok := formErrors(err); ok {
		data := &resetPasswordPage{Page: Page{Title: "Choose a new password"}, Action: useradmin.ResetPath(token), Errors: fe}
		if u, err := useradmin.ResetLinkHolder(e.App, token); err == nil {
			data.Email = u.Email()
		}
		return render(e, http.StatusUnprocessableEntity, "auth/reset", data)
	}
	if err != nil {
		return pageError(e, err)
	}
	clearSession(e)
	setFlash(e, "ok", "Your password is changed. Sign in with it.")
	return redirect(e, "/login")
}
