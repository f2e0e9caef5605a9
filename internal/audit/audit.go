// Package audit writes the administrative audit trail. Callers pass the transaction's app
// so an entry commits or rolls back together with the action it describes.
package audit

import (
	"github.com/pocketbase/pocketbase/core"

	"teamfund/internal/member"
)

// Collection holds audit entries.
const Collection = "audit_log"

// Entry describes one administrative action.
type Entry struct {
	Action      string // e.g. "user.role", "team.delete", "money.grant"
	TargetType  string // "user", "team", "invite", "touch", "send", "company", ...
	TargetID    string
	TargetLabel string // human label kept even if the target is deleted (email, team name)
	Before      any
	After       any
}

// Record writes e with actor (nil for the system, e.g. the monthly cron) using app,
// which should be the transaction's app.
func Record(app core.App, actor *member.Member, e Entry) error {
	if actor == nil {
		return write(app, "", "system", e)
	}
	return write(app, actor.Id, actor.Email(), e)
}

// RecordBySuperuser writes e for a change a PocketBase superuser made (in the dashboard or
// with a superuser token). Superusers are not Teamfund users, so the entry names them.
func RecordBySuperuser(app core.App, email string, e Entry) error {
	return write(app, "", email+" (dashboard)", e)
}

func write(app core.App, actorID, actorEmail string, e Entry) error {
	col, err := app.FindCachedCollectionByNameOrId(Collection)
	if err != nil {
		return err
	}
	r := core.NewRecord(col)
	r.Set("actor", actorID)
	r.Set("actor_email", actorEmail)
	r.Set("action", e.Action)
	r.Set("target_type", e.TargetType)
	r.Set("target_id", e.TargetID)
	r.Set("target_label", e.TargetLabel)
	if e.Before != nil {
		r.Set("before", e.Before)
	}
	if e.After != nil {
		r.Set("after", e.After)
	}
	return app.SaveNoValidate(r)
}
