package web

import (
	"errors"
	"time"

	"github.com/pocketbase/pocketbase/apis"
	"github.com/pocketbase/pocketbase/core"

	"teamfund/internal/apikey"
	"teamfund/internal/member"
)

// realtimeKeyClientKey holds, in a realtime client's store, the id of the API key its
// subscriptions were made with.
const realtimeKeyClientKey = "teamfund.apiKeyId"

// errKeyStreamEnded ends a key's realtime connection that may no longer receive messages.
var errKeyStreamEnded = errors.New("the API key of this realtime connection may no longer be used")

// bindKeyRealtime keeps a /api/realtime connection subscribed with an API key within what
// the key may do now, as every request with the key is: revoking or expiring the key, or
// deactivating or deleting its creator, or the key's scope becoming narrower than its
// creator's role (see narrowedKey), ends the connection at once. Without this a connection would keep the scope it had when it
// subscribed until PocketBase's 30-minute maximum, and PocketBase's own refresh of a
// client's auth after the creator's record changes would replace the key's capped user by
// the creator's full record.
func bindKeyRealtime(app core.App) {
	app.OnRealtimeSubscribeRequest().BindFunc(func(e *core.RealtimeSubscribeRequestEvent) error {
		if k, ok := e.Get(apiKeyStoreKey).(*apikey.Key); ok {
			e.Client.Set(realtimeKeyClientKey, k.Id)
		} else {
			e.Client.Unset(realtimeKeyClientKey)
		}
		return e.Next()
	})
	// every message is checked too: it covers expiry and a key or creator changed by SQL.
	app.OnRealtimeMessageSend().BindFunc(func(e *core.RealtimeMessageEvent) error {
		if id, _ := e.Client.Get(realtimeKeyClientKey).(string); id != "" {
			if _, acting, err := apikey.Recheck(e.App, id, time.Now()); err != nil || narrowedKey(acting) {
				e.App.SubscriptionsBroker().Unregister(e.Client.Id())
				return errKeyStreamEnded
			}
		}
		return e.Next()
	})
	// note: bound at app start, these run around PocketBase's realtime hooks (bound at serve),
	// so the work after e.Next() comes after PocketBase refreshed the clients' auth.
	recheck := func(e *core.RecordEvent) error {
		err := e.Next()
		recheckKeyClients(e.App)
		return err
	}
	app.OnRecordAfterUpdateSuccess(member.Collection, apikey.Collection).BindFunc(recheck)
	app.OnRecordAfterDeleteSuccess(member.Collection, apikey.Collection).BindFunc(recheck)
}

// recheckKeyClients ends the realtime connections whose key may no longer be used and sets
// the others' auth back to the user their key acts as now.
func recheckKeyClients(app core.App) {
	broker := app.SubscriptionsBroker()
	for _, c := range broker.Clients() {
		id, _ := c.Get(realtimeKeyClientKey).(string)
		if id == "" {
			continue
		}
		k, acting, err := apikey.Recheck(app, id, time.Now())
		if err != nil || narrowedKey(acting) {
			broker.Unregister(c.Id())
			continue
		}
		c.Set(apis.RealtimeClientAuthKey, markActing(acting, k))
	}
}
