package server

import (
	"strings"
	"time"

	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tools/hook"

	"teamfund/internal/inflight"
)

// drainTimeout bounds how long shutdown waits for in-flight requests.
const drainTimeout = 20 * time.Second

// bindDrain counts every request through the data folder's gate (inflight), so that
// shutdown and the company's close can wait for the running ones and refuse new ones (503).
// PocketBase's own graceful shutdown cancels request contexts at once and waits only one
// second, which could cut a CSV import or an export short. Event streams are long-lived by
// design and are not counted.
func bindDrain(app core.App) {
	app.OnServe().BindFunc(func(se *core.ServeEvent) error {
		se.Router.Bind(&hook.Handler[*core.RequestEvent]{
			Id:       "teamfundDrain",
			Priority: -2000, // before everything else, so every handler is counted
			Func: func(e *core.RequestEvent) error {
				if strings.Contains(e.Request.Header.Get("Accept"), "text/event-stream") {
					return e.Next()
				}
				leave, ok, refusal := inflight.For(e.App).Enter()
				if !ok {
					e.Response.Header().Set("Connection", "close")
					e.Response.Header().Set("Retry-After", "5")
					return e.Error(503, refusal, nil)
				}
				defer leave()
				return e.Next()
			},
		})
		return se.Next()
	})
	app.OnTerminate().Bind(&hook.Handler[*core.TerminateEvent]{
		Id:       "teamfundDrain",
		Priority: -100, // before PocketBase's pbGracefulShutdown
		Func: func(e *core.TerminateEvent) error {
			inflight.For(e.App).Shut("Teamfund is restarting; try again in a few seconds.", drainTimeout)
			return e.Next()
		},
	})
}
