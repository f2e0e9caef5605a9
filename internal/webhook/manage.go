package webhook

import (
	"encoding/json"
	"errors"
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
	known := make([]any, len(Events))
	for i, e := range Events {
		known[i] = e.Type
	}
	return validation.Errors{
		"url": validation.Validate(in.URL, validation.Required.Error("enter the endpoint's URL"),
			validation.Length(0, 2000).Error("use at most 2000 characters"), validation.By(checkURL)),
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
			validation.Each(validation.In(known...).Error("unknown event"))),
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
		r.Set("active", true)
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

// SetActive turns an endpoint's deliveries on or off.
func SetActive(app core.App, actor *member.Member, id string, active bool) error {
	return change(app, actor, id, "webhook.update", func(r *core.Record) (any, any) {
		before := r.GetBool("active")
		r.Set("active", active)
		return map[string]any{"active": before}, map[string]any{"active": active}
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

// Delivery is one queued or attempted delivery, as the settings page lists it.
type Delivery struct {
	ID           string         `db:"id" json:"id"`
	Webhook      string         `db:"webhook" json:"webhook"`
	URL          string         `db:"url" json:"url"`
	Event        string         `db:"event" json:"event"`
	Status       string         `db:"status" json:"status"`
	Attempts     int            `db:"attempts" json:"attempts"`
	ResponseCode int            `db:"response_code" json:"response_code"`
	Error        string         `db:"error" json:"error"`
	NextAttempt  types.DateTime `db:"next_attempt_at" json:"next_attempt_at"`
	Created      types.DateTime `db:"created" json:"created"`
}

// EventLabel is the delivery's event for people.
func (d Delivery) EventLabel() string { return EventLabel(d.Event) }

// Deliveries lists the newest deliveries (of one endpoint when webhookID is set).
func Deliveries(app core.App, actor *member.Member, webhookID string, limit int) ([]Delivery, error) {
	if err := access.Check(actor, access.ManageWebhooks, ""); err != nil {
		return nil, err
	}
	q := app.DB().Select("d.id", "d.webhook", "h.url", "d.event", "d.status", "d.attempts", "d.response_code", "d.error",
		"d.next_attempt_at", "d.created").
		From(DeliveriesCollection+" d").InnerJoin(Collection+" h", dbx.NewExp("h.id = d.webhook")).OrderBy("d.created DESC", "d.id DESC").Limit(int64(limit))
	if webhookID != "" {
		q = q.Where(dbx.HashExp{"d.webhook": webhookID})
	}
	var out []Delivery
	err := q.All(&out)
	return out, err
}

// Redeliver queues a delivery again now, whatever happened to it before (the endpoint
// was fixed); the worker picks it up at once.
func Redeliver(app core.App, actor *member.Member, id string) error {
	if err := access.Check(actor, access.ManageWebhooks, ""); err != nil {
		return err
	}
	r, err := app.FindRecordById(DeliveriesCollection, id)
	if err != nil {
		return err
	}
	r.Set("status", Pending)
	r.Set("next_attempt_at", time.Now().UTC())
	r.Set("error", "")
	if err := app.SaveNoValidate(r); err != nil {
		return err
	}
	wakeAfterCommit(app)
	return nil
}
