// Package realtime tells open pages that a user's money changed. It reuses PocketBase's
// subscriptions broker: the web layer registers one client per open page subscribed to
// the user's topic (see web/events.go); this package sends small named events to it after
// the change has committed.
package realtime

import (
	"context"
	"log/slog"
	"strings"

	"github.com/pocketbase/pocketbase/apis"
	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tools/routine"
	"github.com/pocketbase/pocketbase/tools/subscriptions"
)

// Events the pages listen to (htmx: hx-trigger="sse:balanceChanged").
const (
	BalanceChanged  = "balanceChanged"
	RequestsChanged = "requestsChanged"
)

// topicPrefix keeps our topics apart from PocketBase's collection topics.
const topicPrefix = "teamfund/user/"

// Topic is the subscription topic of one user's page events.
func Topic(userID string) string { return topicPrefix + userID }

// Notify sends event to every open page of the given users, after the surrounding
// transaction commits (at once outside a transaction; never after a rollback).
func Notify(app core.App, event string, userIDs ...string) {
	afterCommit(app, func() { notify(app, event, userIDs) })
}

func notify(app core.App, event string, userIDs []string) {
	for _, c := range app.SubscriptionsBroker().Clients() {
		for _, id := range userIDs {
			if id != "" && c.HasSubscription(Topic(id)) {
				send(c, event, Topic(id))
				break
			}
		}
	}
}

// NotifyAll sends event to every open Teamfund page (after a batch such as the monthly
// allocation, which changes many balances at once).
func NotifyAll(app core.App, event string) {
	afterCommit(app, func() {
		for _, c := range app.SubscriptionsBroker().Clients() {
			for topic := range c.Subscriptions(topicPrefix) {
				send(c, event, topic)
				break
			}
		}
	})
}

// Disconnect ends the open event streams of a user after the surrounding transaction
// commits (deactivation and deletion end every session at once, streams included): the
// app's own /events streams (subscribed to the user's topic) and PocketBase's /api/realtime
// connections authenticated as the user. Closing a client's channel ends its SSE response.
// note: the clients are picked when Disconnect is called, because PocketBase drops the
// auth of a realtime client as soon as the user's token key changes, after which it could
// no longer be told apart from a guest.
func Disconnect(app core.App, userID string) {
	picked := clientsOf(app, userID)
	afterCommit(app, func() {
		broker := app.SubscriptionsBroker()
		for _, id := range append(picked, clientsOf(app, userID)...) {
			broker.Unregister(id) // an already closed client is fine
		}
	})
}

// DisconnectAll ends every open event stream (closing the company signs everyone out).
func DisconnectAll(app core.App) {
	afterCommit(app, func() {
		for _, c := range app.SubscriptionsBroker().Clients() {
			app.SubscriptionsBroker().Unregister(c.Id())
		}
	})
}

// DisconnectAllBut ends the open event streams of every user except keepID after the
// surrounding transaction commits, like Disconnect for each (single sign-on becoming
// required signs out everyone but the owner). Guests' and superusers' streams stay.
func DisconnectAllBut(app core.App, keepID string) {
	picked := clientsOfAllBut(app, keepID)
	afterCommit(app, func() {
		broker := app.SubscriptionsBroker()
		for _, id := range append(picked, clientsOfAllBut(app, keepID)...) {
			broker.Unregister(id)
		}
	})
}

// clientsOfAllBut lists the ids of the realtime clients of every user but keepID.
func clientsOfAllBut(app core.App, keepID string) []string {
	var ids []string
	for _, c := range app.SubscriptionsBroker().Clients() {
		auth, _ := c.Get(apis.RealtimeClientAuthKey).(*core.Record)
		other := auth != nil && auth.Id != keepID && auth.Collection().Name == usersCollection
		for sub := range c.Subscriptions(topicPrefix) {
			topic, _, _ := strings.Cut(sub, "?") // a subscription may carry "?options=…"
			other = other || topic != Topic(keepID)
		}
		if other {
			ids = append(ids, c.Id())
		}
	}
	return ids
}

// clientsOf lists the ids of the realtime clients that belong to userID.
func clientsOf(app core.App, userID string) []string {
	var ids []string
	for _, c := range app.SubscriptionsBroker().Clients() {
		auth, _ := c.Get(apis.RealtimeClientAuthKey).(*core.Record)
		if c.HasSubscription(Topic(userID)) || (auth != nil && auth.Id == userID && auth.Collection().Name == usersCollection) {
			ids = append(ids, c.Id())
		}
	}
	return ids
}

// usersCollection is member.Collection (not imported: member imports this package).
const usersCollection = "users"

// send never blocks the caller: a client's channel is unbuffered and its page may be slow.
// A PocketBase /api/realtime client (the JS SDK: pb.realtime.subscribe("teamfund/user/<id>", cb))
// routes a message by its name, which must be the topic; the event goes in the data. The
// app's /events stream (htmx) names the message after the event.
func send(c subscriptions.Client, event, topic string) {
	msg := subscriptions.Message{Name: event, Data: []byte("{}")}
	if _, sdk := c.Get(apis.RealtimeClientIPKey).(string); sdk {
		msg = subscriptions.Message{Name: topic, Data: []byte(`{"event":"` + event + `"}`)}
	}
	go c.Send(msg)
}

func afterCommit(app core.App, fn func()) {
	if !app.IsTransactional() {
		fn()
		return
	}
	app.TxInfo().OnComplete(func(txErr error) error {
		if txErr == nil {
			fn()
		}
		return nil
	})
}

// Bind sends the events for every ledger entry and money request written through records
// (ledger.Post, the request endpoints); batches call NotifyAll themselves. It also
// announces each balance change to records-API subscribers of "users", and refuses
// subscriptions to another user's topic.
// note: PocketBase already defers these hooks until the transaction commits.
func Bind(app core.App) {
	app.Store().Set(rootAppKey, app)
	app.OnRecordAfterCreateSuccess("ledger_entries").BindFunc(func(e *core.RecordEvent) error {
		// The entry itself reaches "ledger_entries" subscribers through PocketBase (it is a
		// record save); the balance was changed with guarded SQL, so announce the user.
		BalanceWritten(e.App, e.Record.GetString("account"))
		return e.Next()
	})
	requestChanged := func(e *core.RecordEvent) error {
		notify(e.App, RequestsChanged, []string{e.Record.GetString("requester"), e.Record.GetString("giver")})
		return e.Next()
	}
	app.OnRecordAfterCreateSuccess("money_requests").BindFunc(requestChanged)
	app.OnRecordAfterUpdateSuccess("money_requests").BindFunc(requestChanged)
	app.OnRealtimeSubscribeRequest().BindFunc(authorizeSubscriptions)
}

// authorizeSubscriptions lets a /api/realtime client subscribe to Teamfund's user topics
// only for the user it is signed in as (PocketBase checks API rules for collection topics
// when it broadcasts, but knows nothing about ours).
func authorizeSubscriptions(e *core.RealtimeSubscribeRequestEvent) error {
	for _, sub := range e.Subscriptions {
		topic, _, _ := strings.Cut(sub, "?")
		if !strings.HasPrefix(strings.ToLower(topic), topicPrefix) {
			continue
		}
		if e.Auth == nil || e.Auth.Collection().Name != usersCollection || topic != Topic(e.Auth.Id) {
			return e.ForbiddenError("You can subscribe only to your own topic, "+topicPrefix+"<your user id>.", nil)
		}
	}
	return e.Next()
}

// rootAppKey keeps, in the app's store (shared with its transaction clones), the app
// outside any transaction: announcements run after the commit and must read through it.
const rootAppKey = "teamfund.realtime.app"

func root(app core.App) core.App {
	if r, ok := app.Store().Get(rootAppKey).(core.App); ok {
		return r
	}
	return app
}

// BalanceWritten tells account's open pages and the records-API subscribers of "users" that
// its balance changed (with guarded SQL), after the surrounding transaction commits.
func BalanceWritten(app core.App, account string) {
	Notify(app, BalanceChanged, account)
	Announce(app, core.ModelEventTypeUpdate, usersCollection, account)
}

// Announce tells records-API realtime subscribers that rows of collection written with SQL
// (guarded balance updates, set-based ledger batches) were created or updated (action
// core.ModelEventTypeCreate or Update), after the surrounding transaction commits. It fires
// PocketBase's model after-success hooks with a stand-in model naming the row, so
// PocketBase's own realtime broadcast loads the row and sends it to each subscriber its
// List/View rule admits, exactly as for a record save. Record hooks do not fire (the
// stand-in is no record): nothing else mistakes the announcement for a save.
func Announce(app core.App, action, collection string, ids ...string) {
	AnnounceFunc(app, action, collection, func(core.App) []string { return ids })
}

// AnnounceFunc is Announce for rows found only after the commit (a batch's entries), and
// only when some client subscribes to collection. Large batches are announced in the
// background.
func AnnounceFunc(app core.App, action, collection string, ids func(core.App) []string) {
	afterCommit(app, func() {
		r := root(app)
		if !subscribed(r, collection) {
			return
		}
		rows := ids(r)
		if len(rows) > 16 {
			routine.FireAndForget(func() { announce(r, action, collection, rows) })
			return
		}
		announce(r, action, collection, rows)
	})
}

func announce(app core.App, action, collection string, ids []string) {
	hook := app.OnModelAfterUpdateSuccess()
	if action == core.ModelEventTypeCreate {
		hook = app.OnModelAfterCreateSuccess()
	}
	for _, id := range ids {
		e := &core.ModelEvent{App: app, Context: context.Background(), Type: action}
		e.Model = &row{table: collection, id: id}
		if err := hook.Trigger(e); err != nil {
			app.Logger().Debug("realtime: announcing a row failed", slog.String("collection", collection),
				slog.String("id", id), slog.Any("error", err))
		}
	}
}

// subscribed reports whether any realtime client subscribes to a topic of collection
// ("users/*", "users/<id>", by name or id), so that unobserved changes cost nothing.
func subscribed(app core.App, collection string) bool {
	col, err := app.FindCachedCollectionByNameOrId(collection)
	if err != nil {
		return false
	}
	for _, c := range app.SubscriptionsBroker().Clients() {
		if len(c.Subscriptions(col.Name+"/", col.Id+"/", col.Name+"?", col.Id+"?")) > 0 {
			return true
		}
	}
	return false
}

// row stands for a database row in a model event; PocketBase's realtime resolves it to
// the record by table name and id.
type row struct{ table, id string }

func (r *row) TableName() string { return r.table }
func (r *row) PK() any           { return r.id }
func (r *row) LastSavedPK() any  { return r.id }
func (r *row) IsNew() bool       { return false }
func (r *row) MarkAsNew()        {}
func (r *row) MarkAsNotNew()     {}
