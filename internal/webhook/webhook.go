// Package webhook tells a company's other systems (a CRM, Zapier, Make, a Salesforce
// flow) what happens in Teamfund. An owner or admin registers endpoints; each event is
// queued, inside the transaction that caused it, as one delivery per matching endpoint,
// and a background worker POSTs it, signed, after the commit. A slow or failing endpoint
// never slows or breaks the action that caused the event.
package webhook

import (
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tools/types"

	"teamfund/internal/stmt"
	"teamfund/internal/telemetry"
)

// Collections.
const (
	Collection           = "webhooks"
	DeliveriesCollection = "webhook_deliveries"
)

// Event types an endpoint can subscribe to.
const (
	SendCreated     = "send.created"
	SendApproved    = "send.approved"
	SendRejected    = "send.rejected"
	SendCancelled   = "send.cancelled"
	MoneyMoved      = "money.moved"
	BudgetRun       = "budget.run"
	InviteAccepted  = "invite.accepted"
	UserDeactivated = "user.deactivated"

	// Test is the event "Send a test event" delivers to one endpoint, whatever it subscribed to.
	Test = "webhook.test"

	// AllEvents subscribes an endpoint to every event type, including ones added later.
	AllEvents = "*"
)

// Events lists every event type in the order the settings page shows them, with its label.
var Events = []struct{ Type, Label string }{
	{SendCreated, "Send created"},
	{SendApproved, "Send approved"},
	{SendRejected, "Send rejected"},
	{SendCancelled, "Send cancelled"},
	{MoneyMoved, "Money moved"},
	{BudgetRun, "Monthly budget run"},
	{InviteAccepted, "Invite accepted"},
	{UserDeactivated, "User deactivated"},
}

// EventLabel is the label of an event type for people.
func EventLabel(t string) string {
	switch t {
	case Test:
		return "Test event"
	case AllEvents:
		return "All events"
	}
	for _, e := range Events {
		if e.Type == t {
			return e.Label
		}
	}
	return t
}

// Delivery states.
const (
	Pending = "pending"
	Sent    = "sent"
	Failed  = "failed"
)

// Event is something that happened, as endpoints receive it.
type Event struct {
	Type   string // one of the event types
	TeamID string // the team it happened in ("" = company-wide: only company endpoints get it)
	// AlsoTeamID is a second team the event concerns (money moved between two teams: the
	// giver's); its endpoints get the event too. The payload's team stays TeamID.
	AlsoTeamID string
	Data       any // JSON-encodable details
}

// endpointsSQL lists the active endpoints of the company and of teams ?1 and ?2 as
// "id<US>events" rows joined by RS (empty when there are none).
const endpointsSQL = `SELECT coalesce(group_concat(id || char(31) || events, char(30)), '') FROM webhooks
	WHERE active = 1 AND (team = '' OR team = ?1 OR team = ?2)`

// Emit queues ev for every active endpoint that subscribed to its type: the company's,
// and the ones of ev.TeamID. Call it with the transaction's app: the deliveries exist
// only if the transaction commits, and the worker is woken only then.
//
// note: deliveries are written with a plain INSERT, not record saves, like the outbox:
// sends call this on their hot path and record hooks on deliveries have nothing to do.
func Emit(tx core.App, ev Event) error {
	// One prepared statement, one row: sends run this inside the writer's transaction, and
	// most companies have no endpoint at all.
	var list string
	if err := stmt.QueryRow(tx, endpointsSQL, []any{ev.TeamID, ev.AlsoTeamID}, &list); err != nil {
		return err
	}
	type endpoint struct{ ID, Events string }
	var endpoints []endpoint
	for _, row := range strings.Split(list, "\x1e") {
		if id, events, ok := strings.Cut(row, "\x1f"); ok {
			endpoints = append(endpoints, endpoint{id, events})
		}
	}
	var targets []string
	for _, e := range endpoints {
		var types []string
		if json.Unmarshal([]byte(e.Events), &types) == nil && (slices.Contains(types, ev.Type) || slices.Contains(types, AllEvents)) {
			targets = append(targets, e.ID)
		}
	}
	return queue(tx, ev, targets)
}

// queue writes one pending delivery of ev for each endpoint id in targets and wakes the
// worker after the commit.
func queue(tx core.App, ev Event, targets []string) error {
	if len(targets) == 0 {
		return nil
	}
	eventID := core.GenerateDefaultRandomId()
	now := time.Now().UTC()
	data, err := json.Marshal(ev.Data)
	if err != nil {
		return fmt.Errorf("webhook: encoding %s: %w", ev.Type, err)
	}
	// The queue keeps the standard body; bodyFor turns it into each endpoint's format.
	body, err := json.Marshal(payload{Type: ev.Type, Timestamp: now.Format(time.RFC3339), Version: PayloadVersion, Team: ev.TeamID, Data: data})
	if err != nil {
		return fmt.Errorf("webhook: encoding %s: %w", ev.Type, err)
	}
	var sql strings.Builder
	sql.WriteString("INSERT INTO webhook_deliveries (id, webhook, event, event_id, payload, status, attempts, next_attempt_at, response_code, error, delivered_at, request_id, created) VALUES ")
	params := dbx.Params{"event": ev.Type, "eventID": eventID, "payload": string(body), "pending": Pending,
		"now": now.Format(types.DefaultDateLayout), "requestID": telemetry.RequestIDOf(tx)}
	for i, id := range targets {
		if i > 0 {
			sql.WriteString(", ")
		}
		fmt.Fprintf(&sql, "({:id%[1]d}, {:hook%[1]d}, {:event}, {:eventID}, {:payload}, {:pending}, 0, {:now}, 0, '', '', {:requestID}, {:now})", i)
		params[fmt.Sprintf("id%d", i)] = core.GenerateDefaultRandomId()
		params[fmt.Sprintf("hook%d", i)] = id
	}
	if _, err := tx.DB().NewQuery(sql.String()).Bind(params).Execute(); err != nil {
		return err
	}
	wakeAfterCommit(tx)
	return nil
}
