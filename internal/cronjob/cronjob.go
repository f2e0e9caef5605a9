// Package cronjob runs Teamfund's background jobs on PocketBase's cron (visible to
// superusers under /api/crons). PocketBase starts each run in its own goroutine with
// neither a recover nor a guard against overlapping runs; a job added here has both.
package cronjob

import (
	"fmt"
	"log/slog"
	"sync/atomic"

	"github.com/pocketbase/pocketbase/core"

	"teamfund/internal/inflight"
)

// Add schedules fn under id with the cron expression expr. A run is skipped while the
// previous one still runs, and while the data folder's gate is shut (a shutdown, or the
// company being closed: a run must not write after the wipe); an error or a panic is
// logged as "<name> failed".
func Add(app core.App, id, expr, name string, fn func() error) {
	var running atomic.Bool
	app.Cron().MustAdd(id, expr, func() {
		if !running.CompareAndSwap(false, true) {
			return
		}
		defer running.Store(false)
		leave, ok, _ := inflight.For(app).Enter()
		if !ok {
			return
		}
		defer leave()
		defer func() {
			if r := recover(); r != nil {
				app.Logger().Error(name+" panicked", slog.String("panic", fmt.Sprint(r)))
			}
		}()
		if err := fn(); err != nil {
			app.Logger().Error(name+" failed", slog.Any("error", err))
		}
	})
}
