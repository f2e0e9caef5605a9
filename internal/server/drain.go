package server

import (
	"strings"
	"sync/atomic"
	"time"

	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tools/hook"
)

// drainTimeout bounds how long shutdown waits for in-flight requests.
const drainTimeout = 20 * time.Second

// bindDrain makes shutdown finish in-flight requests: PocketBase's own graceful shutdown
// cancels request contexts at once and waits only one second, which could cut a CSV
// import or an export short. On SIGTERM this first refuses new requests (503) and waits
// until the running ones are done, then lets PocketBase stop the server. Event streams
// are long-lived by design and are not waited for.
func bindDrain(app core.App) {
	var inflight atomic.Int64
	var draining atomic.Bool
	app.OnServe().BindFunc(func(se *core.ServeEvent) error {
		se.Router.Bind(&hook.Handler[*core.RequestEvent]{
			Id:       "teamfundDrain",
			Priority: -2000, // before everything else, so every handler is counted
			Func: func(e *core.RequestEvent) error {
				if strings.Contains(e.Request.Header.Get("Accept"), "text/event-stream") {
					return e.Next()
				}
				if draining.Load() {
					e.Response.Header().Set("Connection", "close")
					e.Response.Header().Set("Retry-After", "5")
					return e.Error(503, "Teamfund is restarting; try again in a few seconds.", nil)
				}
				inflight.Add(1)
				defer inflight.Add(-1)
				return e.Next()
			},
		})
		return se.Next()
	})
	app.OnTerminate().Bind(&hook.Handler[*core.TerminateEvent]{
		Id:       "teamfundDrain",
		Priority: -100, // before PocketBase's pbGracefulShutdown
		Func: func(e *core.TerminateEvent) error {
			draining.Store(true)
			deadline := time.Now().Add(drainTimeout)
			for inflight.Load() > 0 && time.Now().Before(deadline) {
				time.Sleep(20 * time.Millisecond)
			}
			return e.Next()
		},
	})
}
