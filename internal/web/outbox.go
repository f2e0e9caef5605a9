package web

import (
	"net/http"
	"regexp"

	"github.com/pocketbase/pocketbase/core"

	"teamfund/internal/access"
	"teamfund/internal/outbox"
)

// Outbox routes (admins):
//
//	GET /outbox       showOutboxPage
//	GET /outbox/{id}  showOutboxMessage
//	GET /api/tf/outbox  listOutboxJSON
func bindOutboxRoutes(pages, api routeGroup) {
	addNav(95, "Outbox", "/outbox", adminsOnly)
	pages.GET("/outbox", showOutboxPage).BindFunc(requireUser)
	pages.GET("/outbox/{id}", showOutboxMessage).BindFunc(requireUser)
	api.GET("/outbox", listOutboxJSON)
}

// outboxShown is how many of the newest messages the outbox lists.
const outboxShown = 200

type outboxPage struct {
	Page
	Messages []*core.Record
	SMTP     bool
}

type outboxMessagePage struct {
	Page
	Message *core.Record
	Links   []string
}

func newestMail(app core.App, to string) ([]*core.Record, error) {
	filter, params := "", map[string]any{}
	if to != "" {
		filter, params["to"] = "to = {:to}", to
	}
	return app.FindRecordsByFilter(outbox.Collection, filter, "-created,-id", outboxShown, 0, params)
}

func showOutboxPage(e *core.RequestEvent) error {
	if err := access.Check(currentUser(e), access.ViewOutbox, ""); err != nil {
		return pageError(e, err)
	}
	msgs, err := newestMail(e.App, e.Request.URL.Query().Get("to"))
	if err != nil {
		return pageError(e, err)
	}
	return render(e, http.StatusOK, "outbox/list", &outboxPage{Page: Page{Title: "Outbox"}, Messages: msgs, SMTP: outbox.SMTPEnabled(e.App)})
}

var linkPattern = regexp.MustCompile(`https?://[^\s<>"]+`)

func showOutboxMessage(e *core.RequestEvent) error {
	if err := access.Check(currentUser(e), access.ViewOutbox, ""); err != nil {
		return pageError(e, err)
	}
	r, err := e.App.FindRecordById(outbox.Collection, e.Request.PathValue("id"))
	if err != nil {
		return pageError(e, err)
	}
	links := linkPattern.FindAllString(r.GetString("text"), -1)
	return render(e, http.StatusOK, "outbox/view", &outboxMessagePage{Page: Page{Title: r.GetString("subject")}, Message: r, Links: dedupe(links)})
}

func dedupe(in []string) []string {
	seen := map[string]bool{}
	var out []string
	for _, s := range in {
		if !seen[s] {
			seen[s] = true
			out = append(out, s)
		}
	}
	return out
}

type outboxJSON struct {
	ID       string `json:"id"`
	To       string `json:"to"`
	Subject  string `json:"subject"`
	Text     string `json:"text"`
	Kind     string `json:"kind"`
	Delivery string `json:"delivery"`
	Created  string `json:"created"`
}

func listOutboxJSON(e *core.RequestEvent) error {
	if err := access.Check(currentUser(e), access.ViewOutbox, ""); err != nil {
		return apiError(e, err)
	}
	msgs, err := newestMail(e.App, e.Request.URL.Query().Get("to"))
	if err != nil {
		return apiError(e, err)
	}
	items := make([]outboxJSON, len(msgs))
	for i, r := range msgs {
		items[i] = outboxJSON{ID: r.Id, To: r.GetString("to"), Subject: r.GetString("subject"), Text: r.GetString("text"),
			Kind: r.GetString("kind"), Delivery: r.GetString("delivery"), Created: r.GetString("created")}
	}
	return e.JSON(http.StatusOK, map[string]any{"items": items})
}
