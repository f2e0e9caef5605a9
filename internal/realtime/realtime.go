// Package realtime tells open pages that a user's money changed. It reuses PocketBase's
// subscriptions broker: the web layer registers one client per open page subscribed to
// the user's topic (see web/events.go); this package sends small named events to it after
// the change has committed.
package realtime

import (
	"github.com/pocketbase/pocketbase/core"
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
				send(c, event)
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
			if len(c.Subscriptions(topicPrefix)) > 0 {
				send(c, event)
			}
		}
	})
}

// Disconnect ends the open event streams of a user after the surrounding transaction
// commits (deactivation and deletion end every session at once, streams included).
func Disconnect(app core.App, userID string) {
	afterCommit(app, func() {
		for _, c := range app.SubscriptionsBroker().Clients() {
			if c.HasSubscription(Topic(userID)) {
				app.SubscriptionsBroker().Unregister(c.Id())
			}
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

// send never blocks the caller: a client's channel is unbuffered and its page may be slow.
func send(c subscriptions.Client, event string) {
	go c.Send(subscriptions.Message{Name: event, Data: []byte("{}")})
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
// (ledger.Post, the request endpoints); batches call NotifyAll themselves.
// note: PocketBase already defers these hooks until the transaction commits.
func Bind(app core.App) {
	app.OnRecordAfterCreateSuccess("ledger_entries").BindFunc(func(e *core.RecordEvent) error {
		notify(e.App, BalanceChanged, []string{e.Record.GetString("account")})
		return e.Next()
	})
	requestChanged := func(e *core.RecordEvent) error {
		notify(e.App, RequestsChanged, []string{e.Record.GetString("requester"), e.Record.GetString("giver")})
		return e.Next()
	}
	app.OnRecordAfterCreateSuccess("money_requests").BindFunc(requestChanged)
	app.OnRecordAfterUpdateSuccess("money_requests").BindFunc(requestChanged)
}
