package web

import (
	"fmt"
	"net/http"
	"time"

	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tools/subscriptions"

	"teamfund/internal/member"
	"teamfund/internal/realtime"
)

// eventsPing keeps idle connections (and proxies such as Fly's) open.
const eventsPing = 25 * time.Second

// streamEvents is the Server-Sent Events stream of the signed-in user's page events
// (balanceChanged, requestsChanged). It registers a client in PocketBase's subscriptions
// broker subscribed to the user's topic, so internal/realtime can reach it; unlike
// /api/realtime it needs no POST-subscribe step, which the htmx sse extension cannot do,
// and it authenticates with the session cookie like every page.
func streamEvents(e *core.RequestEvent) error {
	u := currentUser(e)
	// note: the server's write timeout would cut the stream; PocketBase's realtime does the same.
	_ = http.NewResponseController(e.Response).SetWriteDeadline(time.Time{})
	h := e.Response.Header()
	h.Set("Content-Type", "text/event-stream")
	h.Set("Cache-Control", "no-store")
	h.Set("X-Accel-Buffering", "no")

	client := subscriptions.NewDefaultClient()
	client.Subscribe(realtime.Topic(u.Id))
	e.App.SubscriptionsBroker().Register(client)
	defer e.App.SubscriptionsBroker().Unregister(client.Id())

	if _, err := fmt.Fprint(e.Response, "retry: 3000\n: connected\n\n"); err != nil {
		return nil
	}
	if err := e.Flush(); err != nil {
		return nil
	}
	ping := time.NewTicker(eventsPing)
	defer ping.Stop()
	for {
		var frame string
		select {
		case <-e.Request.Context().Done():
			return nil
		case msg, ok := <-client.Channel():
			if !ok {
				return nil
			}
			frame = "event: " + msg.Name + "\ndata: " + string(msg.Data) + "\n\n"
		case <-ping.C:
			// A user deactivated meanwhile loses the stream (their session is dead already).
			if m, err := member.Find(e.App, u.Id); err != nil || !m.Active() {
				return nil
			}
			frame = ": ping\n\n"
		}
		if _, err := fmt.Fprint(e.Response, frame); err != nil {
			return nil
		}
		if err := e.Flush(); err != nil {
			return nil
		}
	}
}
