package pb_migrations

import (
	"github.com/pocketbase/pocketbase/core"
	m "github.com/pocketbase/pocketbase/migrations"
)

// company.checklist_dismissed: the owner or an admin hid the setup checklist of the
// overview before every step was done; stored with the company, so it stays hidden for
// every admin and on every device.
func init() {
	m.Register(func(app core.App) error {
		c, err := app.FindCollectionByNameOrId("company")
		if err != nil {
			return err
		}
		c.Fields.Add(&core.BoolField{Name: "checklist_dismissed"})
		return app.Save(c)
	}, func(app core.App) error {
		c, err := app.FindCollectionByNameOrId("company")
		if err != nil {
			return err
		}
		c.Fields.RemoveByName("checklist_dismissed")
		return app.Save(c)
	})
}
