package pb_migrations

import (
	"github.com/pocketbase/pocketbase/core"
	m "github.com/pocketbase/pocketbase/migrations"
)

// webhooks.format: the signature format of each endpoint. Endpoints registered before the
// Standard Webhooks format keep Teamfund's first one ("legacy": old body and X-Teamfund-*
// headers, with the Standard Webhooks headers beside them) so their receivers keep
// working; new ones are "standard" (docs/WEBHOOKS.md, "Formats and migration").
func init() {
	m.Register(func(app core.App) error {
		c, err := app.FindCollectionByNameOrId("webhooks")
		if err != nil {
			return err
		}
		c.Fields.Add(&core.SelectField{Name: "format", MaxSelect: 1, Values: []string{"standard", "legacy"}})
		if err := app.Save(c); err != nil {
			return err
		}
		_, err = app.DB().NewQuery("UPDATE webhooks SET format = 'legacy'").Execute()
		return err
	}, func(app core.App) error {
		c, err := app.FindCollectionByNameOrId("webhooks")
		if err != nil {
			return err
		}
		c.Fields.RemoveByName("format")
		return app.Save(c)
	})
}
