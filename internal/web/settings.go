package web

import (
	"errors"
	"net/http"
	"strconv"
	"strings"

	"github.com/pocketbase/pocketbase/core"

	"teamfund/internal/access"
	"teamfund/internal/company"
	"teamfund/internal/replica"
	"teamfund/internal/sso"
)

// Company settings routes (owner):
//
//	GET   /settings          showSettingsPage
//	POST  /settings          updateSettings
//	GET   /api/tf/settings   getSettingsJSON
//	PUT   /api/tf/settings   updateSettingsJSON
func bindSettingsRoutes(pages, api routeGroup) {
	addNav(99, "Settings", "/settings", ownerOnlyNav)
	pages.GET("/settings", showSettingsPage).BindFunc(requireUser)
	pages.POST("/settings", updateSettings).BindFunc(requireUser)
	api.GET("/settings", getSettingsJSON)
	api.PUT("/settings", updateSettingsJSON)
}

type settingsPage struct {
	Page
	Form   company.Settings
	Errors FormErrors
	// Providers are the single sign-on options enabled in the dashboard, with what is
	// wrong with their settings; CallbackURL is what to register at each provider.
	Providers   []sso.Provider
	CallbackURL string
	// Replica is the state of the continuous replication; nil when the server runs without.
	Replica *replica.Status
}

func newSettingsPage(e *core.RequestEvent, form company.Settings, errs FormErrors) *settingsPage {
	p := &settingsPage{Page: Page{Title: "Company settings"}, Form: form, Errors: errs,
		Providers: sso.Providers(e.App), CallbackURL: callbackURL(e)}
	if st, ok := replica.StatusOf(e.App); ok {
		p.Replica = &st
	}
	return p
}

func showSettingsPage(e *core.RequestEvent) error {
	if err := access.Check(currentUser(e), access.CompanySettings, ""); err != nil {
		return pageError(e, err)
	}
	c, err := company.Load(e.App)
	if err != nil {
		return pageError(e, err)
	}
	return render(e, http.StatusOK, "settings/settings", newSettingsPage(e, c.CurrentSettings(), nil))
}

func updateSettings(e *core.RequestEvent) error {
	if err := access.Check(currentUser(e), access.CompanySettings, ""); err != nil {
		return pageError(e, err)
	}
	f := e.Request.PostFormValue
	in := company.Settings{Name: f("name"), Currency: f("currency"), Timezone: f("timezone"), DomainRule: f("domain_rule") == "on",
		SSORequired: f("sso_required") == "on", AllowInternalWebhooks: f("allow_internal_webhooks") == "on"}
	errs := FormErrors{}
	var err error
	if in.SeatLimit, err = strconv.Atoi(strings.TrimSpace(f("seat_limit"))); err != nil {
		errs["seat_limit"] = "Must be a whole number (0 = unlimited)."
	}
	if in.InviteTTLHours, err = strconv.Atoi(strings.TrimSpace(f("invite_ttl_hours"))); err != nil {
		errs["invite_ttl_hours"] = "Must be a whole number of hours."
	}
	if len(errs) == 0 {
		err = company.UpdateSettings(e.App, currentUser(e), in)
		if fe, ok := formErrors(err); ok {
			errs = fe
		} else if errors.Is(err, company.ErrWebmailDomainRule) {
			errs["domain_rule"] = capitalize(err.Error()) + "."
		} else if errors.Is(err, company.ErrNoSSOProvider) {
			errs["sso_required"] = capitalize(err.Error()) + "."
		} else if err != nil {
			return pageError(e, err)
		}
	}
	if len(errs) > 0 {
		return render(e, http.StatusUnprocessableEntity, "settings/settings", newSettingsPage(e, in, errs))
	}
	setFlash(e, "ok", "Settings saved.")
	return redirect(e, "/settings")
}

func getSettingsJSON(e *core.RequestEvent) error {
	if err := access.Check(currentUser(e), access.CompanySettings, ""); err != nil {
		return apiError(e, err)
	}
	c, err := company.Load(e.App)
	if err != nil {
		return apiError(e, err)
	}
	return e.JSON(http.StatusOK, c.CurrentSettings())
}

func updateSettingsJSON(e *core.RequestEvent) error {
	var in company.Settings
	if err := e.BindBody(&in); err != nil {
		return e.BadRequestError("Send a JSON object with the settings.", nil)
	}
	if err := company.UpdateSettings(e.App, currentUser(e), in); err != nil {
		if errors.Is(err, company.ErrWebmailDomainRule) {
			return e.BadRequestError(capitalize(err.Error())+".", fieldError("domain_rule", "webmail_domain", err))
		}
		if errors.Is(err, company.ErrNoSSOProvider) {
			return e.BadRequestError(capitalize(err.Error())+".", fieldError("sso_required", "no_provider", err))
		}
		return apiError(e, err)
	}
	return getSettingsJSON(e)
}
