package pb_migrations

import (
	"github.com/pocketbase/pocketbase/core"
	m "github.com/pocketbase/pocketbase/migrations"
)

// webhook_deliveries.request_id: the id of the request whose work queued the delivery (a
// send, a transfer), so the worker's log line of each attempt can be found from the
// request's line and back; empty when a job (the allocation, the CLI) queued it.
func init() {
	m.Register(func(app core.App) error {
		c, err := app.FindCollectionByNameOrId("webhook_deliveries")
		if err != nil {
			return err
		}
		c.Fields.Add(&core.TextField{Name: "request_id", Max: 128})
		return app.Save(c)
	}, func(app core.App) error {
		c, err := app.FindCollectionByNameOrId("webhook_deliveries")
		if err != nil {
			return err
		}
		c.Fields.RemoveByName("request_id")
		return app.Save(c)
	})
}
