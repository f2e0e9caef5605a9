package web

import (
	"net/http"
	"time"

	"github.com/pocketbase/pocketbase/core"

	"teamfund/internal/apikey"
)

// bindAPIKeyPages lists the key page's routes (owner and admins):
//
//	GET  /settings/api-keys              the keys and the create form
//	POST /settings/api-keys              create a key; the page shows its secret once
//	POST /settings/api-keys/{id}/revoke  revoke a key
func bindAPIKeyPages(pages routeGroup) {
	addNav(98, "API keys", "/settings/api-keys", adminsOnly)
	pages.GET("/settings/api-keys", showAPIKeysPage).BindFunc(requireUser)
	pages.POST("/settings/api-keys", createAPIKey).BindFunc(requireUser)
	pages.POST("/settings/api-keys/{id}/revoke", revokeAPIKey).BindFunc(requireUser)
}

type apiKeysPage struct {
	Page
	Keys       []*apikey.Key
	RoleLabels map[string]string
	TeamNames  map[string]string
	Form       apikey.Input
	ExpiresOn  string
	Errors     FormErrors
	NewSecret  string
}

var apiKeyRoleLabels = map[string]string{apikey.ReadOnly: "Read-only", apikey.Manager: "Manager of one team", apikey.Admin: "Admin"}

func renderAPIKeysPage(e *core.RequestEvent, status int, data *apiKeysPage) error {
	keys, err := apikey.List(e.App, currentUser(e))
	if err != nil {
		return pageError(e, err)
	}
	data.Page.Title, data.Keys, data.RoleLabels, data.TeamNames = "API keys", keys, apiKeyRoleLabels, teamNames(e.App)
	if data.Form.Role == "" {
		data.Form.Role = apikey.ReadOnly
	}
	return render(e, status, "apikey/list", data)
}

func showAPIKeysPage(e *core.RequestEvent) error {
	return renderAPIKeysPage(e, http.StatusOK, &apiKeysPage{})
}

func createAPIKey(e *core.RequestEvent) error {
	data := &apiKeysPage{ExpiresOn: e.Request.PostFormValue("expires")}
	data.Form = apikey.Input{Name: e.Request.PostFormValue("name"), Role: e.Request.PostFormValue("role"), Team: e.Request.PostFormValue("team")}
	if data.ExpiresOn != "" {
		day, err := time.ParseInLocation("2006-01-02", data.ExpiresOn, companyLoc(e.App))
		if err != nil {
			data.Errors = FormErrors{"expires": "Choose a date."}
			return renderAPIKeysPage(e, http.StatusUnprocessableEntity, data)
		}
		data.Form.Expires = day
	}
	_, secret, err := apikey.Create(e.App, currentUser(e), data.Form)
	if errs, ok := formErrors(err); ok {
		data.Errors = errs
		return renderAPIKeysPage(e, http.StatusUnprocessableEntity, data)
	}
	if err != nil {
		return pageError(e, err)
	}
	return renderAPIKeysPage(e, http.StatusCreated, &apiKeysPage{NewSecret: secret})
}

func revokeAPIKey(e *core.RequestEvent) error {
	if err := apikey.Revoke(e.App, currentUser(e), e.Request.PathValue("id")); err != nil {
		return pageError(e, err)
	}
	setFlash(e, "ok", "Key revoked. It stopped working at once.")
	return redirect(e, "/settings/api-keys")
}
