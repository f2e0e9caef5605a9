package pb_migrations

import (
	"github.com/pocketbase/pocketbase/core"
	m "github.com/pocketbase/pocketbase/migrations"
)

// outboxSecretFields hold the body of a stored mail: invite, join and password-reset links
// (and whatever PocketBase's own mails carry). Hidden fields are left out of every
// records-API and realtime answer, and cannot be filtered or sorted on, except for
// superusers; admins read messages on Teamfund's outbox page, which shows a message's
// body only to someone allowed to act on its recipient.
var outboxSecretFields = []string{"text", "html"}

func init() {
	m.Register(func(app core.App) error {
		return setOutboxBodiesHidden(app, true)
	}, func(app core.App) error {
		return setOutboxBodiesHidden(app, false)
	})
}

func setOutboxBodiesHidden(app core.App, hidden bool) error {
	c, err := app.FindCollectionByNameOrId("outbox")
	if err != nil {
		return err
	}
	for _, name := range outboxSecretFields {
		if f := c.Fields.GetByName(name); f != nil {
			f.SetHidden(hidden)
		}
	}
	return app.Save(c)
}
