package web

import (
	"errors"
	"net/http"

	"github.com/pocketbase/pocketbase/core"

	"teamfund/internal/company"
)

// First-run routes (only until the company exists):
//
//	GET  /setup  showSetupPage
//	POST /setup  setupCompany
func bindSetupRoutes(g routeGroup) {
	g.GET("/setup", showSetupPage)
	g.POST("/setup", setupCompany)
}

type setupPage struct {
	Page
	Form   company.SetupInput
	Errors FormErrors
}

func showSetupPage(e *core.RequestEvent) error {
	if company.IsSetUp(e.App) {
		return redirect(e, "/")
	}
	return render(e, http.StatusOK, "setup/setup", &setupPage{Page: Page{Title: "Set up Teamfund"},
		Form: company.SetupInput{Currency: company.DefaultCurrency, Timezone: company.DefaultTimezone}})
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
		AppURL: requestOrigin(e),
	}
	owner, err := company.Setup(e.App, in)
	if errs, ok := formErrors(err); ok {
		in.Password, in.PasswordConfirm = "", ""
		return render(e, http.StatusUnprocessableEntity, "setup/setup", &setupPage{Page: Page{Title: "Set up Teamfund"}, Form: in, Errors: errs})
	}
	if errors.Is(err, company.ErrAlreadySetUp) {
		return renderError(e, http.StatusForbidden, "Teamfund is already set up. Sign in instead.")
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
