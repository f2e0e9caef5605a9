package pb_migrations

import (
	"github.com/pocketbase/pocketbase/core"
	m "github.com/pocketbase/pocketbase/migrations"
)

// api_keys are the named credentials integrations use instead of a person's session (see
// internal/apikey). Only the SHA-256 of a key is stored. No API rules: the records API
// never lists or changes them; Teamfund's /api/tf/api-keys does, with its role checks.
func init() {
	m.Register(func(app core.App) error {
		users, err := app.FindCollectionByNameOrId("users")
		if err != nil {
			return err
		}
		teams, err := app.FindCollectionByNameOrId("teams")
		if err != nil {
			return err
		}
		c := core.NewBaseCollection("api_keys")
		c.Fields.Add(
			&core.TextField{Name: "name", Required: true, Max: 100},
			&core.TextField{Name: "key_hash", Required: true, Max: 64, Hidden: true},
			&core.TextField{Name: "hint", Max: 16},
			&core.SelectField{Name: "role", Required: true, MaxSelect: 1, Values: []string{"readonly", "manager", "admin"}},
			&core.RelationField{Name: "team", CollectionId: teams.Id, MaxSelect: 1, CascadeDelete: true},
			&core.RelationField{Name: "created_by", CollectionId: users.Id, MaxSelect: 1, Required: true, CascadeDelete: true},
			&core.DateField{Name: "expires"},
			&core.DateField{Name: "revoked"},
			&core.DateField{Name: "last_used_at"},
			&core.TextField{Name: "last_used_ip", Max: 64},
			&core.AutodateField{Name: "created", OnCreate: true},
		)
		c.AddIndex("idx_api_keys_hash", true, "key_hash", "")
		return app.Save(c)
	}, func(app core.App) error {
		c, err := app.FindCollectionByNameOrId("api_keys")
		if err != nil {
			return nil
		}
		return app.Delete(c)
	})
}
