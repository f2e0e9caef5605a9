package web

import (
	"net/http"
	"strconv"

	"github.com/pocketbase/pocketbase/core"

	"teamfund/internal/access"
	"teamfund/internal/company"
	"teamfund/internal/team"
	"teamfund/internal/webhook"
)

// Webhook routes (owner and admins):
//
//	GET    /webhooks                               showWebhooksPage
//	POST   /webhooks                               createWebhook
//	POST   /webhooks/{id}/toggle                   toggleWebhook
//	POST   /webhooks/{id}/delete                   deleteWebhook
//	POST   /webhooks/{id}/test                     testWebhook
//	GET    /webhooks/{id}/edit                     editWebhookPage
//	POST   /webhooks/{id}                          updateWebhook
//	POST   /webhooks/deliveries/{id}/redeliver     redeliverWebhook
//	GET    /api/tf/webhooks                                 listWebhooksJSON
//	GET    /api/tf/webhooks/{id}                            showWebhookJSON
//	POST   /api/tf/webhooks                                 createWebhookJSON
//	DELETE /api/tf/webhooks/{id}                            deleteWebhookJSON
//	POST   /api/tf/webhooks/{id}/test                       testWebhookJSON
//	PATCH  /api/tf/webhooks/{id}                            updateWebhookJSON
//	POST   /api/tf/webhooks/{id}/pause                      pauseWebhookJSON
//	POST   /api/tf/webhooks/{id}/resume                     resumeWebhookJSON
//	GET    /api/tf/webhooks/deliveries                      listWebhookDeliveriesJSON
//	POST   /api/tf/webhooks/deliveries/{id}/redeliver       redeliverWebhookJSON
func bindWebhookRoutes(pages, api routeGroup) {
	addNav(96, "Webhooks", "/webhooks", adminsOnly)
	pages.GET("/webhooks", showWebhooksPage).BindFunc(requireUser)
	pages.POST("/webhooks", createWebhook).BindFunc(requireUser)
	pages.POST("/webhooks/{id}/toggle", toggleWebhook).BindFunc(requireUser)
	pages.POST("/webhooks/{id}/delete", deleteWebhook).BindFunc(requireUser)
	pages.POST("/webhooks/{id}/test", testWebhook).BindFunc(requireUser)
	pages.GET("/webhooks/{id}/edit", editWebhookPage).BindFunc(requireUser)
	pages.POST("/webhooks/{id}", updateWebhook).BindFunc(requireUser)
	pages.POST("/webhooks/deliveries/{id}/redeliver", redeliverWebhook).BindFunc(requireUser)
	api.GET("/webhooks", listWebhooksJSON)
	api.GET("/webhooks/{id}", showWebhookJSON)
	api.POST("/webhooks", createWebhookJSON)
	api.DELETE("/webhooks/{id}", deleteWebhookJSON)
	api.POST("/webhooks/{id}/test", testWebhookJSON)
	api.PATCH("/webhooks/{id}", updateWebhookJSON)
	api.POST("/webhooks/{id}/pause", pauseWebhookJSON)
	api.POST("/webhooks/{id}/resume", resumeWebhookJSON)
	api.GET("/webhooks/deliveries", listWebhookDeliveriesJSON)
	api.POST("/webhooks/deliveries/{id}/redeliver", redeliverWebhookJSON)
}

// deliveriesPerPage is how many deliveries a page of the list shows (the API's default).
const deliveriesPerPage = 50

type webhooksPage struct {
	Page
	Endpoints  []*webhook.Endpoint
	Deliveries webhook.DeliveryPage
	Teams      []team.Summary
	Events     []struct{ Type, Label string }
	AllEvents  string
	Form       webhook.Input
	Errors     FormErrors
	Editing    *webhook.Endpoint // the endpoint the form changes; nil: the form adds one
	// AllowInternal is the owner's switch that lets endpoints be on internal addresses.
	AllowInternal bool
}

// Chosen reports whether the form had event t ticked.
func (p *webhooksPage) Chosen(t string) bool {
	for _, c := range p.Form.Events {
		if c == t {
			return true
		}
	}
	return false
}

// NewerURL is the previous page of deliveries ("" on the first).
func (p *webhooksPage) NewerURL() string {
	if p.Deliveries.Page <= 1 {
		return ""
	}
	return "/webhooks?page=" + strconv.Itoa(p.Deliveries.Page-1) + "#webhook-deliveries"
}

// OlderURL is the next page of deliveries ("" on the last).
func (p *webhooksPage) OlderURL() string {
	if p.Deliveries.Page >= p.Deliveries.TotalPages {
		return ""
	}
	return "/webhooks?page=" + strconv.Itoa(p.Deliveries.Page+1) + "#webhook-deliveries"
}

// TeamName names an endpoint's team for people.
func (p *webhooksPage) TeamName(id string) string {
	for _, t := range p.Teams {
		if t.ID == id {
			return t.Name
		}
	}
	return id
}

func renderWebhooks(e *core.RequestEvent, status int, form webhook.Input, errs FormErrors) error {
	return renderWebhooksEditing(e, status, nil, form, errs)
}

func renderWebhooksEditing(e *core.RequestEvent, status int, editing *webhook.Endpoint, form webhook.Input, errs FormErrors) error {
	u := currentUser(e)
	eps, err := webhook.List(e.App, u)
	if err != nil {
		return pageError(e, err)
	}
	ds, err := webhook.Deliveries(e.App, u, "", pagingOf(e, deliveriesPerPage).Page, deliveriesPerPage, nil)
	if err != nil {
		return pageError(e, err)
	}
	teams, err := team.Names(e.App, u)
	if err != nil {
		return pageError(e, err)
	}
	c, err := company.Load(e.App)
	if err != nil {
		return pageError(e, err)
	}
	return render(e, status, "webhook/list", &webhooksPage{Page: Page{Title: "Webhooks"}, AllowInternal: c.AllowInternalWebhooks(), Endpoints: eps, Deliveries: ds,
		Teams: teams, Events: webhook.Events, AllEvents: webhook.AllEvents, Form: form, Errors: errs, Editing: editing})
}

func showWebhooksPage(e *core.RequestEvent) error {
	if err := access.Check(currentUser(e), access.ManageWebhooks, ""); err != nil {
		return pageError(e, err)
	}
	return renderWebhooks(e, http.StatusOK, webhook.Input{}, nil)
}

// webhookForm reads the endpoint form (add and edit).
func webhookForm(e *core.RequestEvent) (webhook.Input, error) {
	if err := e.Request.ParseForm(); err != nil {
		return webhook.Input{}, err
	}
	f := e.Request.PostForm
	return webhook.Input{URL: f.Get("url"), Secret: f.Get("secret"), Events: f["events"], TeamID: f.Get("team"),
		Description: f.Get("description"), Format: f.Get("format")}, nil
}

func createWebhook(e *core.RequestEvent) error {
	in, err := webhookForm(e)
	if err != nil {
		return pageError(e, err)
	}
	_, _, err = webhook.Create(e.App, currentUser(e), in)
	if errs, ok := formErrors(err); ok {
		return renderWebhooks(e, http.StatusUnprocessableEntity, in, errs)
	}
	if err != nil {
		return pageError(e, err)
	}
	setFlash(e, "ok", "Endpoint added. Copy its secret from the list to verify signatures.")
	return redirect(e, "/webhooks")
}

func toggleWebhook(e *core.RequestEvent) error {
	on := e.Request.PostFormValue("active") == "on"
	if err := webhook.SetActive(e.App, currentUser(e), e.Request.PathValue("id"), on); err != nil {
		return pageError(e, err)
	}
	if on {
		setFlash(e, "ok", "Endpoint resumed: what was queued while it was paused goes out now.")
	} else {
		setFlash(e, "ok", "Endpoint paused: it gets no new events, and what is queued waits until you resume it.")
	}
	return redirect(e, "/webhooks")
}

func deleteWebhook(e *core.RequestEvent) error {
	if err := webhook.Delete(e.App, currentUser(e), e.Request.PathValue("id")); err != nil {
		return pageError(e, err)
	}
	setFlash(e, "ok", "Endpoint deleted with its delivery history.")
	return redirect(e, "/webhooks")
}

func editWebhookPage(e *core.RequestEvent) error {
	ep, err := webhook.Find(e.App, currentUser(e), e.Request.PathValue("id"))
	if err != nil {
		return pageError(e, err)
	}
	return renderWebhooksEditing(e, http.StatusOK, ep, webhook.InputOf(ep), nil)
}

func updateWebhook(e *core.RequestEvent) error {
	ep, err := webhook.Find(e.App, currentUser(e), e.Request.PathValue("id"))
	if err != nil {
		return pageError(e, err)
	}
	in, err := webhookForm(e)
	if err != nil {
		return pageError(e, err)
	}
	_, made, err := webhook.Update(e.App, currentUser(e), ep.Id, in)
	if errs, ok := formErrors(err); ok {
		return renderWebhooksEditing(e, http.StatusUnprocessableEntity, ep, in, errs)
	}
	if err != nil {
		return pageError(e, err)
	}
	if made != "" {
		setFlash(e, "ok", "Endpoint saved on the Standard Webhooks format with a new secret: copy it from the list into your receiver.")
	} else {
		setFlash(e, "ok", "Endpoint saved.")
	}
	return redirect(e, "/webhooks")
}

func testWebhook(e *core.RequestEvent) error {
	if err := webhook.SendTest(e.App, currentUser(e), e.Request.PathValue("id")); err != nil {
		return pageError(e, err)
	}
	setFlash(e, "ok", "Test event queued: its answer shows under Recent deliveries in a moment.")
	return redirect(e, "/webhooks")
}

func redeliverWebhook(e *core.RequestEvent) error {
	if err := webhook.Redeliver(e.App, currentUser(e), e.Request.PathValue("id")); err != nil {
		return pageError(e, err)
	}
	setFlash(e, "ok", "Delivery queued again.")
	return redirect(e, "/webhooks")
}

type webhookJSON struct {
	ID          string   `json:"id"`
	URL         string   `json:"url"`
	Events      []string `json:"events"`
	Team        string   `json:"team"`
	Active      bool     `json:"active"`
	Description string   `json:"description"`
	Format      string   `json:"format"`
	Secret      string   `json:"secret,omitempty"` // only in the answer to a create, or an update that made one
}

func toWebhookJSON(ep *webhook.Endpoint) webhookJSON {
	return webhookJSON{ID: ep.Id, URL: ep.URL(), Events: ep.Events(), Team: ep.TeamID(), Active: ep.Active(),
		Description: ep.GetString("description"), Format: ep.Format()}
}

func listWebhooksJSON(e *core.RequestEvent) error {
	eps, err := webhook.List(e.App, currentUser(e))
	if err != nil {
		return apiError(e, err)
	}
	items := make([]webhookJSON, len(eps))
	for i, ep := range eps {
		items[i] = toWebhookJSON(ep)
	}
	return writeSortedList(e, items, listSorts["/api/tf/webhooks"])
}

func createWebhookJSON(e *core.RequestEvent) error {
	var in webhook.Input
	if err := e.BindBody(&in); err != nil {
		return e.BadRequestError("Send a JSON object with url, events, and optionally secret, team, description.", nil)
	}
	ep, secret, err := webhook.Create(e.App, currentUser(e), in)
	if err != nil {
		return apiError(e, err)
	}
	out := toWebhookJSON(ep)
	out.Secret = secret
	return e.JSON(http.StatusCreated, out)
}

func deleteWebhookJSON(e *core.RequestEvent) error {
	if err := webhook.Delete(e.App, currentUser(e), e.Request.PathValue("id")); err != nil {
		return apiError(e, err)
	}
	return e.NoContent(http.StatusNoContent)
}

func testWebhookJSON(e *core.RequestEvent) error {
	if err := webhook.SendTest(e.App, currentUser(e), e.Request.PathValue("id")); err != nil {
		return apiError(e, err)
	}
	return e.JSON(http.StatusAccepted, map[string]any{"queued": true})
}

// updateWebhookJSON changes the fields the body names and keeps the others.
func updateWebhookJSON(e *core.RequestEvent) error {
	ep, err := webhook.Find(e.App, currentUser(e), e.Request.PathValue("id"))
	if err != nil {
		return apiError(e, err)
	}
	in := webhook.InputOf(ep)
	if err := e.BindBody(&in); err != nil {
		return e.BadRequestError("Send a JSON object with any of url, events, team, description, secret, format.", nil)
	}
	ep, made, err := webhook.Update(e.App, currentUser(e), ep.Id, in)
	if err != nil {
		return apiError(e, err)
	}
	out := toWebhookJSON(ep)
	out.Secret = made
	return e.JSON(http.StatusOK, out)
}

func showWebhookJSON(e *core.RequestEvent) error {
	ep, err := webhook.Find(e.App, currentUser(e), e.Request.PathValue("id"))
	if err != nil {
		return apiError(e, err)
	}
	return e.JSON(http.StatusOK, toWebhookJSON(ep))
}

func pauseWebhookJSON(e *core.RequestEvent) error  { return setWebhookActiveJSON(e, false) }
func resumeWebhookJSON(e *core.RequestEvent) error { return setWebhookActiveJSON(e, true) }

func setWebhookActiveJSON(e *core.RequestEvent, active bool) error {
	id := e.Request.PathValue("id")
	if err := webhook.SetActive(e.App, currentUser(e), id, active); err != nil {
		return apiError(e, err)
	}
	return showWebhookJSON(e)
}

// listWebhookDeliveriesJSON pages the deliveries the PocketBase way (page, perPage up to
// 500), newest first, of one endpoint with ?webhook=ID.
func listWebhookDeliveriesJSON(e *core.RequestEvent) error {
	p := pagingOf(e, deliveriesPerPage)
	keys, err := sortOf(e, listSorts["/api/tf/webhooks/deliveries"])
	if err != nil {
		return apiError(e, err)
	}
	ds, err := webhook.Deliveries(e.App, currentUser(e), e.Request.URL.Query().Get("webhook"), p.Page, p.PerPage, orderBy(keys, "d.id DESC"))
	if err != nil {
		return apiError(e, err)
	}
	if p.SkipTotal {
		ds.TotalItems, ds.TotalPages = -1, -1
	}
	return e.JSON(http.StatusOK, ds)
}

func redeliverWebhookJSON(e *core.RequestEvent) error {
	if err := webhook.Redeliver(e.App, currentUser(e), e.Request.PathValue("id")); err != nil {
		return apiError(e, err)
	}
	return e.JSON(http.StatusAccepted, map[string]any{"queued": true})
}
