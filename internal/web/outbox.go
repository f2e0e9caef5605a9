package web

import (
	"errors"
	"fmt"
	"net/http"
	"regexp"
	"strings"

	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/core"

	"teamfund/internal/access"
	"teamfund/internal/audit"
	"teamfund/internal/member"
	"teamfund/internal/outbox"
)

// Outbox routes (admins):
//
//	GET  /outbox                     showOutboxPage
//	GET  /outbox/{id}                showOutboxMessage
//	POST /outbox/{id}/resend         resendOutboxMessage
//	GET  /api/tf/outbox              listOutboxJSON
//	POST /api/tf/outbox/{id}/resend  resendOutboxMessageJSON
func bindOutboxRoutes(pages, api routeGroup) {
	addNav(95, "Outbox", "/outbox", adminsOnly)
	pages.GET("/outbox", showOutboxPage).BindFunc(requireUser)
	pages.GET("/outbox/{id}", showOutboxMessage).BindFunc(requireUser)
	pages.POST("/outbox/{id}/resend", resendOutboxMessage).BindFunc(requireUser)
	api.GET("/outbox", listOutboxJSON)
	api.POST("/outbox/{id}/resend", resendOutboxMessageJSON)
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
	// Hidden: the message went to someone the viewer may not act on (another admin, the
	// owner), so its body and links are not shown: a reset link is the account.
	Hidden bool
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
	readable, err := readableBodies(e.App, currentUser(e), []*core.Record{r})
	if err != nil {
		return pageError(e, err)
	}
	page := &outboxMessagePage{Page: Page{Title: r.GetString("subject")}, Message: r, Hidden: !readable[r.Id]}
	if !page.Hidden {
		page.Links = dedupe(linkPattern.FindAllString(r.GetString("text"), -1))
	}
	return render(e, http.StatusOK, "outbox/view", page)
}

// readableBodies says, per message id, whether viewer may read the message's body. A
// message to an existing user carries what acts on that account (a password-reset link, a
// code), so only someone allowed to act on the account reads it (access.MayActOnAccount);
// a message to an address that is no user yet (an invitation) is readable by whoever sees
// the outbox.
func readableBodies(app core.App, viewer *member.Member, msgs []*core.Record) (map[string]bool, error) {
	var emails []any
	for _, m := range msgs {
		emails = append(emails, strings.ToLower(strings.TrimSpace(m.GetString("to"))))
	}
	users := map[string]*member.Member{}
	if len(emails) > 0 {
		recs, err := app.FindAllRecords(member.Collection, dbx.In("email", emails...))
		if err != nil {
			return nil, err
		}
		for _, r := range recs {
			users[strings.ToLower(r.Email())] = member.Wrap(r)
		}
	}
	out := make(map[string]bool, len(msgs))
	for _, m := range msgs {
		u, ok := users[strings.ToLower(strings.TrimSpace(m.GetString("to")))]
		out[m.Id] = !ok || access.MayActOnAccount(viewer, u)
	}
	return out, nil
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

// resend delivers a stored message again (an admin fixed the address or the SMTP
// settings) and audits it. A refusal by the mail server comes back as errResendFailed.
func resend(e *core.RequestEvent) (*core.Record, error) {
	u := currentUser(e)
	if err := access.Check(u, access.ViewOutbox, ""); err != nil {
		return nil, err
	}
	id := e.Request.PathValue("id")
	r, err := e.App.FindRecordById(outbox.Collection, id)
	if err != nil {
		return nil, err
	}
	sendErr := outbox.Resend(e.App, id)
	if errors.Is(sendErr, outbox.ErrNoSMTP) {
		return nil, sendErr
	}
	if err := audit.Record(e.App, u, audit.Entry{Action: "outbox.resend", TargetType: "outbox", TargetID: id,
		TargetLabel: r.GetString("to"), Before: map[string]any{"delivery": r.GetString("delivery")}}); err != nil {
		return nil, err
	}
	if sendErr != nil {
		return nil, fmt.Errorf("%w: %s", errResendFailed, sendErr.Error())
	}
	return e.App.FindRecordById(outbox.Collection, id)
}

// errResendFailed: the mail server refused the message again; the outbox keeps why.
var errResendFailed = errors.New("the message could not be delivered")

func resendOutboxMessage(e *core.RequestEvent) error {
	id := e.Request.PathValue("id")
	if _, err := resend(e); err != nil {
		switch {
		case errors.Is(err, outbox.ErrNoSMTP), errors.Is(err, errResendFailed):
			setFlash(e, "error", capitalize(err.Error()))
			return redirect(e, "/outbox/"+id)
		}
		return pageError(e, err)
	}
	setFlash(e, "ok", "Message delivered to the mail server.")
	return redirect(e, "/outbox/"+id)
}

func resendOutboxMessageJSON(e *core.RequestEvent) error {
	r, err := resend(e)
	switch {
	case errors.Is(err, outbox.ErrNoSMTP):
		return e.Error(http.StatusConflict, capitalize(err.Error()), nil)
	case errors.Is(err, errResendFailed):
		return e.Error(http.StatusBadGateway, capitalize(err.Error()), nil)
	case err != nil:
		return apiError(e, err)
	}
	readable, err := readableBodies(e.App, currentUser(e), []*core.Record{r})
	if err != nil {
		return apiError(e, err)
	}
	out := toOutboxJSON(r)
	if !readable[r.Id] {
		out.Text, out.Hidden = "", true
	}
	return e.JSON(http.StatusOK, out)
}

type outboxJSON struct {
	ID       string `json:"id"`
	To       string `json:"to"`
	Subject  string `json:"subject"`
	Text     string `json:"text"`
	Hidden   bool   `json:"hidden"` // text withheld: the recipient is someone the caller may not act on
	Kind     string `json:"kind"`
	Delivery string `json:"delivery"`
	Error    string `json:"error,omitempty"`
	Attempts int    `json:"attempts"`
	Retry    string `json:"next_attempt_at,omitempty"` // a temporary failure is tried again then
	Created  string `json:"created"`
}

func toOutboxJSON(r *core.Record) outboxJSON {
	out := outboxJSON{ID: r.Id, To: r.GetString("to"), Subject: r.GetString("subject"), Text: r.GetString("text"),
		Kind: r.GetString("kind"), Delivery: r.GetString("delivery"), Error: r.GetString("error"),
		Attempts: r.GetInt("attempts"), Created: r.GetString("created")}
	if out.Delivery == outbox.Failed {
		out.Retry = r.GetString("next_attempt_at")
	}
	return out
}

func listOutboxJSON(e *core.RequestEvent) error {
	if err := access.Check(currentUser(e), access.ViewOutbox, ""); err != nil {
		return apiError(e, err)
	}
	// note: recipient, not to, which every other list reads as the last day of a date range;
	// to still works here (its old name).
	recipient := e.Request.URL.Query().Get("recipient")
	if recipient == "" {
		recipient = e.Request.URL.Query().Get("to")
	}
	msgs, err := newestMail(e.App, recipient)
	if err != nil {
		return apiError(e, err)
	}
	readable, err := readableBodies(e.App, currentUser(e), msgs)
	if err != nil {
		return apiError(e, err)
	}
	items := make([]outboxJSON, len(msgs))
	for i, r := range msgs {
		items[i] = toOutboxJSON(r)
		if !readable[r.Id] {
			items[i].Text, items[i].Hidden = "", true
		}
	}
	return writeSortedList(e, items, listSorts["/api/tf/outbox"])
}
