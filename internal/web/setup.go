package web

import (
	"errors"
	"fmt"
	"io"
	"net/http"
	"os"

	"github.com/pocketbase/pocketbase/core"

	"teamfund/internal/company"
)

// First-run routes (only until the company exists, and only through the setup link):
//
//	GET  /setup?token=  showSetupPage
//	POST /setup         setupCompany
func bindSetupRoutes(g routeGroup) {
	g.GET("/setup", showSetupPage)
	g.POST("/setup", setupCompany)
}

type setupPage struct {
	Page
	Form   company.SetupInput
	Errors FormErrors
}

// setupLockedPage is what anyone without the setup link sees on a server with no company.
type setupLockedPage struct {
	Page
	Tried bool // a link was given, but it is used, replaced or expired
}

func showSetupPage(e *core.RequestEvent) error {
	if company.IsSetUp(e.App) {
		return redirect(e, "/")
	}
	token := e.Request.URL.Query().Get("token")
	if !company.ValidSetupToken(e.App, token) {
		return showSetupLocked(e, token != "")
	}
	return render(e, http.StatusOK, "setup/setup", &setupPage{Page: Page{Title: "Set up Teamfund"},
		Form: company.SetupInput{Token: token}}) // no currency or time zone: the owner chooses both
}

func showSetupLocked(e *core.RequestEvent, tried bool) error {
	return render(e, http.StatusForbidden, "setup/locked", &setupLockedPage{Page: Page{Title: "Set up Teamfund"}, Tried: tried})
}

func setupCompany(e *core.RequestEvent) error {
	if company.IsSetUp(e.App) {
		return renderError(e, http.StatusForbidden, "Teamfund is already set up. Sign in instead.")
	}
	f := e.Request.PostFormValue
	in := company.SetupInput{
		CompanyName: f("company_name"), OwnerName: f("owner_name"), Email: f("email"),
		Password: f("password"), PasswordConfirm: f("password_confirm"), Superuser: f("superuser") == "on",
		Currency: f("currency"), Timezone: f("timezone"),
		AppURL: requestOrigin(e), Token: f("token"),
	}
	if !company.ValidSetupToken(e.App, in.Token) {
		return showSetupLocked(e, in.Token != "")
	}
	owner, err := company.Setup(e.App, in)
	if errs, ok := formErrors(err); ok {
		in.Password, in.PasswordConfirm = "", ""
		return render(e, http.StatusUnprocessableEntity, "setup/setup", &setupPage{Page: Page{Title: "Set up Teamfund"}, Form: in, Errors: errs})
	}
	if errors.Is(err, company.ErrAlreadySetUp) {
		return renderError(e, http.StatusForbidden, "Teamfund is already set up. Sign in instead.")
	}
	if errors.Is(err, company.ErrSetupLinkInvalid) {
		return showSetupLocked(e, true)
	}
	if err != nil {
		return pageError(e, err)
	}
	if err := startSession(e, owner); err != nil {
		return pageError(e, err)
	}
	setFlash(e, "ok", "Welcome to Teamfund. Your company is ready.")
	return redirect(e, "/")
}

// requestOrigin is scheme://host as the browser reached us (behind Fly's proxy: https).
func requestOrigin(e *core.RequestEvent) string {
	scheme := "http"
	if isHTTPS(e) {
		scheme = "https"
	}
	return scheme + "://" + e.Request.Host
}

// console is where the server tells its operator the setup link: standard output, which
// only whoever runs the server reads (never the logs table, which superusers can browse).
var console io.Writer = os.Stdout

// announceSetupLink replaces PocketBase's superuser installer (whose console link makes a
// dashboard superuser) with Teamfund's setup link while no company exists: the operator's
// first message on a new server is where to set it up.
func announceSetupLink(se *core.ServeEvent) {
	se.InstallerFunc = nil
	if se.Server == nil || company.IsSetUp(se.App) {
		return // a test's router, not a listening server: no console to print on
	}
	printNewSetupLink(se.App, "Teamfund is not set up yet.")
}

// printNewSetupLink makes a new setup link (the earlier one stops working) and prints it.
func printNewSetupLink(app core.App, why string) {
	token, err := company.NewSetupToken(app)
	if err != nil {
		app.Logger().Error("making the setup link", "error", err)
		return
	}
	fmt.Fprintf(console, "%s Open this one-time link to create the company and its owner (valid for %s):\n\n    %s\n\n"+
		"Lost it? `teamfund setup-link` prints a new one.\n",
		why, company.SetupLinkTTL, company.SetupURL(app.Settings().Meta.AppURL, token))
}
