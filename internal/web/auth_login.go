package web

import (
	"net/http"
	"strings"

	"github.com/pocketbase/pocketbase/core"
	"golang.org/x/crypto/bcrypt"

	"teamfund/internal/company"
	"teamfund/internal/member"
	"teamfund/internal/telemetry"
)

// Sign-in routes:
//
//	GET  /login   showLoginPage
//	POST /login   login
//	POST /logout  logout
func bindAuthRoutes(g routeGroup) {
	g.GET("/login", showLoginPage)
	g.POST("/login", login)
	g.POST("/logout", logout)
}

type loginPage struct {
	Page
	Email       string
	Next        string
	Error       string
	SSO         []ssoButton // one "Sign in with …" link per usable provider
	SSORequired bool        // everyone but the owner signs in through SSO
}

// newLoginPage is the sign-in form with the company's single sign-on options.
func newLoginPage(e *core.RequestEvent, email, next string) *loginPage {
	data := &loginPage{Page: Page{Title: "Sign in"}, Email: email, Next: safeNext(next)}
	data.SSO = ssoButtons(e, "Sign in", "", data.Next)
	if c, err := company.Load(e.App); err == nil {
		data.SSORequired = c.SSORequired()
	}
	return data
}

func showLoginPage(e *core.RequestEvent) error {
	if !company.IsSetUp(e.App) {
		return redirect(e, "/setup")
	}
	if currentUser(e) != nil {
		return redirect(e, "/")
	}
	return render(e, http.StatusOK, "auth/login", newLoginPage(e, "", e.Request.URL.Query().Get("next")))
}

// wrongCredentials is the same for an unknown email and a wrong password, so sign-in
// does not reveal who has an account.
const wrongCredentials = "Wrong email or password."

// ssoRequiredMessage answers a password sign-in while the company requires single sign-on.
const ssoRequiredMessage = "Your company signs in with single sign-on: use a \"Sign in with …\" button. Only the owner signs in with a password."

// dummyHash is compared against when the email is unknown (same cost as PocketBase's passwords).
var dummyHash, _ = bcrypt.GenerateFromPassword([]byte("teamfund-no-such-user"), bcrypt.DefaultCost)

func login(e *core.RequestEvent) error {
	email := member.NormalizeEmail(e.Request.PostFormValue("email"))
	password := e.Request.PostFormValue("password")
	data := newLoginPage(e, email, e.Request.PostFormValue("next"))
	if email == "" || password == "" {
		data.Error = "Enter your email and password."
		return render(e, http.StatusUnprocessableEntity, "auth/login", data)
	}
	u, err := member.FindByEmail(e.App, email)
	if err != nil {
		// Spend the same bcrypt time as for a real account, so response times do not reveal who has one.
		_ = bcrypt.CompareHashAndPassword(dummyHash, []byte(password))
	}
	passwordOK := err == nil && u.ValidatePassword(password)
	// With single sign-on required only the owner keeps a password (so a broken provider
	// cannot lock the company out); everyone else gets the same answer whatever they typed.
	if data.SSORequired && (err != nil || u.Role() != member.RoleOwner) {
		data.Error = ssoRequiredMessage
		if len(data.SSO) == 0 {
			data.Error += " No provider is available right now: ask the owner."
		}
		return render(e, http.StatusForbidden, "auth/login", data)
	}
	if !passwordOK {
		telemetry.For(e.App).LoginFailures.WithLabelValues("page").Inc()
		data.Error = wrongCredentials
		return render(e, http.StatusUnauthorized, "auth/login", data)
	}
	if !u.Active() {
		data.Error = "This account is deactivated. Ask an admin to reactivate it."
		return render(e, http.StatusForbidden, "auth/login", data)
	}
	if err := startSession(e, u); err != nil {
		return pageError(e, err)
	}
	next := data.Next
	if next == "" {
		next = "/"
	}
	return redirect(e, next)
}

func logout(e *core.RequestEvent) error {
	clearSession(e)
	setFlash(e, "ok", "You are signed out.")
	return redirect(e, "/login")
}

// safeNext keeps only local paths, so ?next= cannot send people to another site.
func safeNext(next string) string {
	if !strings.HasPrefix(next, "/") || strings.HasPrefix(next, "//") || strings.HasPrefix(next, "/\\") {
		return ""
	}
	return next
}
