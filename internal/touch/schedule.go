package touch

import (
	"time"

	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tools/types"

	"teamfund/internal/audit"
	"teamfund/internal/cronjob"
)

// scheduleJobID names the cron job (visible to superusers under /api/crons).
const scheduleJobID = "teamfundTouchDates"

// BindSchedule applies the touches' dates every minute under `serve`: a scheduled touch
// turns active when its start date comes, and a touch whose end date has passed turns
// completed. Sends already follow the dates; this keeps the status people see and filter
// by in step with them.
func BindSchedule(app core.App) {
	cronjob.Add(app, scheduleJobID, "* * * * *", "touch dates", func() error {
		_, err := ApplyDates(app, time.Now())
		return err
	})
}

// dateChange is one status a date brings about.
type dateChange struct {
	action string // audit action
	where  string // the touches it applies to
	to     string // SQL expression of the new status
}

var dateChanges = []dateChange{
	// Ended first: a scheduled touch whose dates have both passed goes straight to completed.
	{"touch.complete", "status != {:completed} AND ends_at != '' AND ends_at < {:now}", "{:completed}"},
	{"touch.activate", "status = {:scheduled} AND starts_at != '' AND starts_at <= {:now}",
		"CASE WHEN track_inventory AND inventory <= 0 THEN {:paused} ELSE {:active} END"},
}

// ApplyDates makes the statuses of the touches follow their dates at now and returns how
// many changed. Each change is an UPDATE of the status alone (a concurrent send may be
// taking an item of the same touch; a whole-record save would write a stale inventory
// back) with an audit entry by "system", all in one transaction.
func ApplyDates(app core.App, now time.Time) (int, error) {
	at, err := types.ParseDateTime(now.UTC())
	if err != nil {
		return 0, err
	}
	params := dbx.Params{"now": at.String(), "completed": string(StatusCompleted), "scheduled": string(StatusScheduled),
		"active": string(StatusActive), "paused": string(StatusPausedNoInventory)}
	changed := 0
	err = app.RunInTransaction(func(tx core.App) error {
		for _, c := range dateChanges {
			var rows []struct {
				ID     string `db:"id"`
				Name   string `db:"name"`
				Status string `db:"status"`
				New    string `db:"new_status"`
			}
			// The transaction holds the only writer, so the rows read here are the rows updated.
			err := tx.DB().NewQuery("SELECT id, name, status, " + c.to + " AS new_status FROM " + Collection + " WHERE " + c.where).
				Bind(params).All(&rows)
			if err != nil {
				return err
			}
			for _, r := range rows {
				_, err := tx.DB().NewQuery("UPDATE " + Collection + " SET status = {:new}, updated = {:now} WHERE id = {:id}").
					Bind(dbx.Params{"new": r.New, "now": at.String(), "id": r.ID}).Execute()
				if err != nil {
					return err
				}
				err = audit.Record(tx, nil, audit.Entry{Action: c.action, TargetType: "touch", TargetID: r.ID, TargetLabel: r.Name,
					Before: map[string]any{"status": r.Status}, After: map[string]any{"status": r.New}})
				if err != nil {
					return err
				}
			}
			changed += len(rows)
		}
		return nil
	})
	return changed, err
}
