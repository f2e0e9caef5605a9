package budget

import (
	"fmt"
	"log/slog"
	"sync/atomic"
	"time"

	"github.com/pocketbase/pocketbase/core"
)

// scheduleJobID names the cron job (visible to superusers under /api/crons).
const scheduleJobID = "teamfundMonthlyBudgets"

// BindSchedule runs CatchUp every minute under `serve`. Checking every minute (one small
// query) instead of a "0 0 1 * *" expression means the allocation starts within a minute
// of midnight in whatever time zone the company is set to now, a changed time zone needs
// no cron reconfiguration, and a server that was down catches up within a minute of starting.
// PocketBase's cron starts each job in its own goroutine without recovery or overlap guard,
// so the job brings both.
func BindSchedule(app core.App) {
	var running atomic.Bool
	app.Cron().MustAdd(scheduleJobID, "* * * * *", func() {
		if !running.CompareAndSwap(false, true) {
			return
		}
		defer running.Store(false)
		runScheduled(app, time.Now())
	})
}

func runScheduled(app core.App, now time.Time) {
	defer func() {
		if r := recover(); r != nil {
			app.Logger().Error("monthly allocation panicked", slog.String("panic", fmt.Sprint(r)))
		}
	}()
	runs, err := CatchUp(app, now, TriggerSchedule)
	for _, r := range runs {
		app.Logger().Info("monthly allocation ran", slog.String("month", string(r.Month)),
			slog.Int("entries", r.Entries), slog.Int64("total", int64(r.Total)))
	}
	if err != nil {
		app.Logger().Error("monthly allocation failed", slog.Any("error", err))
	}
}
