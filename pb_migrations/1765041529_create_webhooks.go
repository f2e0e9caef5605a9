package pb_migrations

import (
	"github.com/pocketbase/pocketbase/core"
	m "github.com/pocketbase/pocketbase/migrations"
)

// Outgoing webhooks: endpoints an owner or admin registers (for the company or one team)
// and the queue of deliveries to them. No API rules: only superusers reach them through
// the records API; the app's own pages and /api/tf/webhooks manage them with its rules.
func init() {
	m.Register(func(app core.App) error {
		teams, err := app.FindCollectionByNameOrId("teams")
		if err != nil {
			return err
		}
		users, err := app.FindCollectionByNameOrId("users")
		if err != nil {
			return err
		}
		hooks := core.NewBaseCollection("webhooks")
		hooks.Fields.Add(
			&core.TextField{Name: "url", Required: true, Max: 2000},
			&core.TextField{Name: "secret", Required: true, Max: 200, Hidden: true},
			&core.JSONField{Name: "events", MaxSize: 2000},
			&core.RelationField{Name: "team", CollectionId: teams.Id, MaxSelect: 1, CascadeDelete: true},
			&core.BoolField{Name: "active"},
			&core.TextField{Name: "description", Max: 200},
			&core.RelationField{Name: "created_by", CollectionId: users.Id, MaxSelect: 1},
			&core.AutodateField{Name: "created", OnCreate: true},
			&core.AutodateField{Name: "updated", OnCreate: true, OnUpdate: true},
		)
		hooks.AddIndex("idx_webhooks_team", false, "active, team", "")
		if err := app.Save(hooks); err != nil {
			return err
		}
		deliveries := core.NewBaseCollection("webhook_deliveries")
		deliveries.Fields.Add(
			&core.RelationField{Name: "webhook", CollectionId: hooks.Id, MaxSelect: 1, Required: true, CascadeDelete: true},
			&core.TextField{Name: "event", Required: true, Max: 64},
			&core.TextField{Name: "event_id", Max: 32},
			&core.TextField{Name: "payload", Max: 1000000},
			&core.SelectField{Name: "status", Required: true, MaxSelect: 1, Values: []string{"pending", "sent", "failed"}},
			&core.NumberField{Name: "attempts", OnlyInt: true},
			&core.DateField{Name: "next_attempt_at"},
			&core.NumberField{Name: "response_code", OnlyInt: true},
			&core.TextField{Name: "error", Max: 1000},
			&core.DateField{Name: "delivered_at"},
			&core.AutodateField{Name: "created", OnCreate: true},
		)
		deliveries.AddIndex("idx_webhook_deliveries_due", false, "status, next_attempt_at", "")
		deliveries.AddIndex("idx_webhook_deliveries_webhook", false, "webhook, created", "")
		return app.Save(deliveries)
	}, func(app core.App) error {
		for _, name := range []string{"webhook_deliveries", "webhooks"} {
			c, err := app.FindCollectionByNameOrId(name)
			if err != nil {
				return err
			}
			if err := app.Delete(c); err != nil {
				return err
			}
		}
		return nil
	})
}
