package pb_migrations

import (
	"github.com/pocketbase/pocketbase/core"
	m "github.com/pocketbase/pocketbase/migrations"
)

// Mail that a server refused for now (4xx, or the server unreachable) is tried again later:
// the outbox counts the attempts and says when the next one is due. Managers may turn off
// the mail that tells them something waits for their approval.
func init() {
	m.Register(func(app core.App) error {
		outbox, err := app.FindCollectionByNameOrId("outbox")
		if err != nil {
			return err
		}
		outbox.Fields.Add(
			&core.NumberField{Name: "attempts", OnlyInt: true},
			&core.DateField{Name: "next_attempt_at"},
		)
		outbox.AddIndex("idx_outbox_retry", false, "delivery, next_attempt_at", "")
		if err := app.Save(outbox); err != nil {
			return err
		}
		users, err := app.FindCollectionByNameOrId("users")
		if err != nil {
			return err
		}
		users.Fields.Add(&core.BoolField{Name: "approval_mail_off"})
		return app.Save(users)
	}, func(app core.App) error {
		outbox, err := app.FindCollectionByNameOrId("outbox")
		if err != nil {
			return err
		}
		outbox.RemoveIndex("idx_outbox_retry")
		outbox.Fields.RemoveByName("attempts")
		outbox.Fields.RemoveByName("next_attempt_at")
		if err := app.Save(outbox); err != nil {
			return err
		}
		users, err := app.FindCollectionByNameOrId("users")
		if err != nil {
			return err
		}
		users.Fields.RemoveByName("approval_mail_off")
		return app.Save(users)
	})
}
