package webhook

import (
	"encoding/json"
	"errors"
	"math"
	"net/url"
	"strings"
	"time"

	"github.com/pocketbase/dbx"
	validation "github.com/pocketbase/ozzo-validation/v4"
	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tools/types"

	"teamfund/internal/access"
	"teamfund/internal/audit"
	"teamfund/internal/member"
)

// Endpoint is a registered webhook endpoint.
type Endpoint struct {
	core.BaseRecordProxy
}

// Wrap types a webhooks record.
func Wrap(r *core.Record) *Endpoint {
	e := &Endpoint{}
	e.SetProxyRecord(r)
	return e
}

// URL is where deliveries are POSTed.
func (e *Endpoint) URL() string { return e.GetString("url") }

// TeamID is the team whose events the endpoint gets ("" = every event of the company).
func (e *Endpoint) TeamID() string { return e.GetString("team") }

// Active endpoints get deliveries; a disabled one keeps its history.
func (e *Endpoint) Active() bool { return e.GetBool("active") }

// Format is the endpoint's signature format: FormatStandard or FormatLegacy.
func (e *Endpoint) Format() string {
	if f := e.GetString("format"); f != "" {
		return f
	}
	return FormatStandard
}

// Events are the event types the endpoint subscribed to.
func (e *Endpoint) Events() []string {
	var out []string
	_ = json.Unmarshal([]byte(e.GetString("events")), &out)
	return out
}

// Input is the endpoint form.
type Input struct {
	URL         string   `json:"url"`
	Secret      string   `json:"secret"` // empty: one is generated
	Events      []string `json:"events"`
	TeamID      string   `json:"team"`
	Description string   `json:"description"`
	// Format is the signature format: "" or FormatStandard for a new endpoint; an endpoint
	// on FormatLegacy may stay there or move to FormatStandard.
	Format string `json:"format"`
	// Active pauses (false) or resumes (true) the endpoint; nil keeps it as it is (a new
	// endpoint starts active).
	Active *bool `json:"active"`
}

// MinSecretLength keeps typed legacy secrets from being guessable.
const MinSecretLength = 16

// normalize checks the form; current is the format the endpoint has ("" for a new one).
func (in *Input) normalize(app core.App, current string) error {
	in.URL = strings.TrimSpace(in.URL)
	in.Secret = strings.TrimSpace(in.Secret)
	in.Description = strings.TrimSpace(in.Description)
	in.Format = strings.TrimSpace(in.Format)
	if in.Format == "" {
		in.Format = current
	}
	if in.Format == "" {
		in.Format = FormatStandard
	}
	known := []any{AllEvents}
	for _, e := range Events {
		known = append(known, e.Type)
	}
	return validation.Errors{
		"url": validation.Validate(in.URL, validation.Required.Error("enter the endpoint's URL"),
			validation.Length(0, 2000).Error("use at most 2000 characters"), validation.By(checkURL),
			validation.By(func(any) error { return checkTargetOnSave(app, in.URL) })),
		"secret": validation.Validate(in.Secret, validation.By(in.checkSecret)),
		"format": validation.Validate(in.Format, validation.By(func(any) error {
			if in.Format == FormatStandard || (in.Format == FormatLegacy && current == FormatLegacy) {
				return nil
			}
			if in.Format == FormatLegacy {
				return errors.New("new endpoints use the Standard Webhooks format; the legacy format is kept only for endpoints registered before it")
			}
			return errors.New(`choose "standard" (or "legacy" for an endpoint already on it)`)
		})),
		"events": validation.Validate(in.Events, validation.Required.Error("choose at least one event"),
			validation.Each(validation.In(known...).Error(`unknown event: use the types of docs/WEBHOOKS.md, or "*" for all`))),
		"team": validation.Validate(in.TeamID, validation.By(func(any) error {
			if in.TeamID == "" {
				return nil
			}
			if _, err := app.FindRecordById("teams", in.TeamID); err != nil {
				return errors.New("unknown team")
			}
			return nil
		})),
		"description": validation.Validate(in.Description, validation.Length(0, 200).Error("use at most 200 characters")),
	}.Filter()
}

// checkSecret accepts an empty secret (a random one is made, or the current one kept), a
// Standard Webhooks secret, or on the legacy format any 16 to 200 characters.
func (in *Input) checkSecret(any) error {
	switch {
	case in.Secret == "":
		return nil
	case in.Format == FormatLegacy:
		if n := len(in.Secret); n < MinSecretLength || n > 200 {
			return errors.New("use 16 to 200 characters, or leave it empty to keep the current one")
		}
	case !IsStandardSecret(in.Secret):
		return errors.New("use whsec_ followed by the base64 of 24 to 64 random bytes, or leave it empty to get a random one")
	}
	return nil
}

func checkURL(v any) error {
	s, _ := v.(string)
	if s == "" {
		return nil
	}
	u, err := url.Parse(s)
	if err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" {
		return errors.New("enter a full http:// or https:// URL, e.g. https://hooks.zapier.com/hooks/catch/123/abc/")
	}
	if u.User != nil {
		return errors.New("put credentials in the secret, not in the URL")
	}
	return nil
}

// Create registers an endpoint (owner and admins) and returns it with its secret, which
// is generated when in.Secret is empty.
func Create(app core.App, actor *member.Member, in Input) (*Endpoint, string, error) {
	if err := access.Check(actor, access.ManageWebhooks, ""); err != nil {
		return nil, "", err
	}
	if err := in.normalize(app, ""); err != nil {
		return nil, "", err
	}
	if in.Secret == "" {
		in.Secret = NewSecret()
	}
	var ep *Endpoint
	err := app.RunInTransaction(func(tx core.App) error {
		col, err := tx.FindCachedCollectionByNameOrId(Collection)
		if err != nil {
			return err
		}
		r := core.NewRecord(col)
		r.Set("url", in.URL)
		r.Set("secret", in.Secret)
		r.Set("events", in.Events)
		r.Set("team", in.TeamID)
		r.Set("description", in.Description)
		r.Set("active", in.Active == nil || *in.Active)
		r.Set("format", in.Format)
		r.Set("created_by", actor.Id)
		if err := tx.Save(r); err != nil {
			return err
		}
		ep = Wrap(r)
		return audit.Record(tx, actor, audit.Entry{Action: "webhook.create", TargetType: "webhook", TargetID: r.Id, TargetLabel: in.URL,
			After: map[string]any{"events": in.Events, "team": in.TeamID}})
	})
	if err != nil {
		return nil, "", err
	}
	return ep, in.Secret, nil
}

// InputOf is the endpoint form filled with ep's settings (without its secret).
func InputOf(ep *Endpoint) Input {
	return Input{URL: ep.URL(), Events: ep.Events(), TeamID: ep.TeamID(), Description: ep.GetString("description"), Format: ep.Format()}
}

// Update changes an endpoint's URL, events, scope, description and format; a non-empty
// in.Secret replaces its secret (an empty one keeps it). Deliveries already queued go to
// the new URL. It returns the new secret when it made one: an endpoint moved to the
// standard format whose old secret is not a Standard Webhooks one gets a random one.
func Update(app core.App, actor *member.Member, id string, in Input) (*Endpoint, string, error) {
	if err := access.Check(actor, access.ManageWebhooks, ""); err != nil {
		return nil, "", err
	}
	current, err := Find(app, actor, id)
	if err != nil {
		return nil, "", err
	}
	if err := in.normalize(app, current.Format()); err != nil {
		return nil, "", err
	}
	var ep *Endpoint
	made := ""
	err = change(app, actor, id, "webhook.update", func(r *core.Record) (any, any) {
		old := Wrap(r)
		before := map[string]any{"url": old.URL(), "events": old.Events(), "team": old.TeamID(), "description": r.GetString("description"), "format": old.Format()}
		after := map[string]any{"url": in.URL, "events": in.Events, "team": in.TeamID, "description": in.Description, "format": in.Format}
		r.Set("url", in.URL)
		r.Set("events", in.Events)
		r.Set("team", in.TeamID)
		r.Set("description", in.Description)
		r.Set("format", in.Format)
		if in.Active != nil && *in.Active != old.Active() {
			before["active"], after["active"] = old.Active(), *in.Active
			r.Set("active", *in.Active)
		}
		if in.Secret == "" && in.Format == FormatStandard && !IsStandardSecret(r.GetString("secret")) {
			in.Secret = NewSecret()
			made = in.Secret
		}
		if in.Secret != "" {
			r.Set("secret", in.Secret)
			after["secret"] = "replaced"
		}
		ep = Wrap(r)
		return before, after
	})
	if err == nil && ep.Active() {
		wakeAfterCommit(app) // deliveries held while it was paused go out now
	}
	return ep, made, err
}

// Find returns endpoint id (owner and admins).
func Find(app core.App, actor *member.Member, id string) (*Endpoint, error) {
	if err := access.Check(actor, access.ManageWebhooks, ""); err != nil {
		return nil, err
	}
	r, err := app.FindRecordById(Collection, id)
	if err != nil {
		return nil, err
	}
	return Wrap(r), nil
}

// SetActive pauses (false) or resumes (true) an endpoint. A paused endpoint gets no new
// events, and what was queued for it waits: it goes out, in order, once it is resumed.
func SetActive(app core.App, actor *member.Member, id string, active bool) error {
	action := "webhook.pause"
	if active {
		action = "webhook.resume"
	}
	return act(app, actor, id, action, func(tx core.App, r *core.Record) (any, any, error) {
		before := r.GetBool("active")
		r.Set("active", active)
		if active {
			wakeAfterCommit(tx)
		}
		return map[string]any{"active": before}, map[string]any{"active": active}, tx.Save(r)
	})
}

// SendTest queues a "webhook.test" event for endpoint id alone (enabled or not: a disabled
// endpoint records why it got nothing), so an admin can check the URL and the signature
// check on the other side before real events flow.
func SendTest(app core.App, actor *member.Member, id string) error {
	return act(app, actor, id, "webhook.test", func(tx core.App, r *core.Record) (any, any, error) {
		ev := Event{Type: Test, TeamID: r.GetString("team"), Data: map[string]any{
			"message": "This is a test event from Teamfund. Real events carry the same headers and signature.",
			"by":      actor.Email()}}
		return nil, nil, queue(tx, ev, []string{r.Id})
	})
}

// Delete removes an endpoint and its delivery history.
func Delete(app core.App, actor *member.Member, id string) error {
	return act(app, actor, id, "webhook.delete", func(tx core.App, r *core.Record) (any, any, error) {
		return nil, nil, tx.Delete(r)
	})
}

// change saves the edit of endpoint id and audits it under action.
func change(app core.App, actor *member.Member, id, action string, edit func(r *core.Record) (before, after any)) error {
	return act(app, actor, id, action, func(tx core.App, r *core.Record) (any, any, error) {
		before, after := edit(r)
		return before, after, tx.Save(r)
	})
}

// act runs do on endpoint id in a transaction, for owners and admins, and audits it under
// action with the before/after do returns.
func act(app core.App, actor *member.Member, id, action string, do func(tx core.App, r *core.Record) (before, after any, err error)) error {
	if err := access.Check(actor, access.ManageWebhooks, ""); err != nil {
		return err
	}
	return app.RunInTransaction(func(tx core.App) error {
		r, err := tx.FindRecordById(Collection, id)
		if err != nil {
			return err
		}
		before, after, err := do(tx, r)
		if err != nil {
			return err
		}
		return audit.Record(tx, actor, audit.Entry{Action: action, TargetType: "webhook", TargetID: id, TargetLabel: r.GetString("url"),
			Before: before, After: after})
	})
}

// List returns every endpoint, newest first (owner and admins).
func List(app core.App, actor *member.Member) ([]*Endpoint, error) {
	if err := access.Check(actor, access.ManageWebhooks, ""); err != nil {
		return nil, err
	}
	recs, err := app.FindRecordsByFilter(Collection, "", "-created,-id", 200, 0)
	if err != nil {
		return nil, err
	}
	out := make([]*Endpoint, len(recs))
	for i, r := range recs {
		out[i] = Wrap(r)
	}
	return out, nil
}

// Delivery is one queued or attempted delivery, as the page and the API list it. Reason is
// one of a few fixed phrases (never what the endpoint answered): see failureReasons.
type Delivery struct {
	ID           string         `db:"id" json:"id"`
	Webhook      string         `db:"webhook" json:"webhook"`
	URL          string         `db:"url" json:"url"`
	Event        string         `db:"event" json:"event"`
	Status       string         `db:"status" json:"status"`
	Attempts     int            `db:"attempts" json:"attempts"`
	ResponseCode int            `db:"response_code" json:"response_code"`
	Reason       string         `db:"error" json:"reason"`
	NextAttempt  types.DateTime `db:"next_attempt_at" json:"next_attempt_at"`
	DeliveredAt  types.DateTime `db:"delivered_at" json:"delivered_at"`
	Created      types.DateTime `db:"created" json:"created"`
}

// EventLabel is the delivery's event for people.
func (d Delivery) EventLabel() string { return EventLabel(d.Event) }

// DeliveryPage is one page of deliveries, newest first, in PocketBase's list shape.
type DeliveryPage struct {
	Page       int        `json:"page"`
	PerPage    int        `json:"perPage"`
	TotalItems int        `json:"totalItems"`
	TotalPages int        `json:"totalPages"`
	Items      []Delivery `json:"items"`
}

// MaxPerPage bounds a page of deliveries, as PocketBase bounds its lists.
const MaxPerPage = 500

// Deliveries lists page (from 1) of the deliveries, perPage of them, of one endpoint when
// webhookID is set, in order (ORDER BY terms from the caller's allow-list; nil: newest first).
func Deliveries(app core.App, actor *member.Member, webhookID string, page, perPage int, order []string) (DeliveryPage, error) {
	if err := access.Check(actor, access.ManageWebhooks, ""); err != nil {
		return DeliveryPage{}, err
	}
	// A page past the last is empty; the cap keeps (page-1)*perPage from overflowing.
	page, perPage = min(max(page, 1), math.MaxInt32), min(max(perPage, 1), MaxPerPage)
	where := dbx.Expression(dbx.NewExp("1=1"))
	if webhookID != "" {
		where = dbx.HashExp{"d.webhook": webhookID}
	}
	if len(order) == 0 {
		order = []string{"d.created DESC", "d.id DESC"}
	}
	var total int
	if err := app.DB().Select("count(*)").From(DeliveriesCollection + " d").Where(where).Row(&total); err != nil {
		return DeliveryPage{}, err
	}
	out := DeliveryPage{Page: page, PerPage: perPage, TotalItems: total, TotalPages: (total + perPage - 1) / perPage, Items: []Delivery{}}
	err := app.DB().Select("d.id", "d.webhook", "h.url", "d.event", "d.status", "d.attempts", "d.response_code", "d.error",
		"d.next_attempt_at", "d.delivered_at", "d.created").
		From(DeliveriesCollection+" d").InnerJoin(Collection+" h", dbx.NewExp("h.id = d.webhook")).Where(where).
		OrderBy(order...).Limit(int64(perPage)).Offset(int64((page - 1) * perPage)).All(&out.Items)
	return out, err
}

// Redeliver queues a delivery again now, whatever happened to it before (the endpoint
// was fixed), with the same webhook-id so that a receiver that got it can tell; the
// worker picks it up at once (or when its endpoint is resumed). It is audited.
func Redeliver(app core.App, actor *member.Member, id string) error {
	if err := access.Check(actor, access.ManageWebhooks, ""); err != nil {
		return err
	}
	return app.RunInTransaction(func(tx core.App) error {
		r, err := tx.FindRecordById(DeliveriesCollection, id)
		if err != nil {
			return err
		}
		hook, err := tx.FindRecordById(Collection, r.GetString("webhook"))
		if err != nil {
			return err
		}
		before := r.GetString("status")
		r.Set("status", Pending)
		r.Set("next_attempt_at", time.Now().UTC())
		r.Set("attempts", 0)
		r.Set("error", "")
		if err := tx.SaveNoValidate(r); err != nil {
			return err
		}
		wakeAfterCommit(tx)
		return audit.Record(tx, actor, audit.Entry{Action: "webhook.redeliver", TargetType: "webhook", TargetID: hook.Id,
			TargetLabel: hook.GetString("url"), Before: map[string]any{"delivery": id, "status": before},
			After: map[string]any{"delivery": id, "status": Pending}})
	})
}
