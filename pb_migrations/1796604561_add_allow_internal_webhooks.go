package pb_migrations

import (
	"github.com/pocketbase/pocketbase/core"
	m "github.com/pocketbase/pocketbase/migrations"
)

// company.allow_internal_webhooks: the owner's switch that lets webhook endpoints be on
// loopback, private, link-local and the server's own addresses. Off: an upgrade starts
// refusing such targets (docs/WEBHOOKS.md, "Safe targets").
func init() {
	m.Register(func(app core.App) error {
		c, err := app.FindCollectionByNameOrId("company")
		if err != nil {
			return err
		}
		c.Fields.Add(&core.BoolField{Name: "allow_internal_webhooks"})
		return app.Save(c)
	}, func(app core.App) error {
		c, err := app.FindCollectionByNameOrId("company")
		if err != nil {
			return err
		}
		c.Fields.RemoveByName("allow_internal_webhooks")
		return app.Save(c)
	})
}
