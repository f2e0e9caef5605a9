package budget

import (
	"log/slog"
	"time"

	"github.com/pocketbase/pocketbase/core"

	"teamfund/internal/cronjob"
)

// scheduleJobID names the cron job (visible to superusers under /api/crons).
const scheduleJobID = "teamfundMonthlyBudgets"

// BindSchedule runs CatchUp every minute under `serve`. Checking every minute (one small
// query) instead of a "0 0 1 * *" expression means the allocation starts within a minute
// of midnight in whatever time zone the company is set to now, a changed time zone needs
// no cron reconfiguration, and a server that was down catches up within a minute of starting.
func BindSchedule(app core.App) {
	cronjob.Add(app, scheduleJobID, "* * * * *", "monthly allocation", func() error {
		return runScheduled(app, time.Now())
	})
}

func runScheduled(app core.App, now time.Time) error {
	runs, err := CatchUp(app, now, TriggerSchedule)
	for _, r := range runs {
		app.Logger().Info("monthly allocation ran", slog.String("month", string(r.Month)),
			slog.Int("entries", r.Entries), slog.Int64("total", int64(r.Total)))
	}
	return err
}
