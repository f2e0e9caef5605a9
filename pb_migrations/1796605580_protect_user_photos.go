package pb_migrations

import (
	"github.com/pocketbase/pocketbase/core"
	m "github.com/pocketbase/pocketbase/migrations"
)

// Profile photos are protected files: PocketBase's /api/files/users/… serves one only with
// a short-lived file token (POST /api/files/token) of someone the users collection's view
// rule lets see that user — signed in, themselves, a teammate or an admin — instead of to
// anyone who has the URL. Teamfund's pages show photos through /users/{id}/photo, which
// checks the same.
func init() {
	m.Register(func(app core.App) error {
		return setPhotosProtected(app, true)
	}, func(app core.App) error {
		return setPhotosProtected(app, false)
	})
}

func setPhotosProtected(app core.App, protected bool) error {
	c, err := app.FindCollectionByNameOrId("users")
	if err != nil {
		return err
	}
	f, ok := c.Fields.GetByName("avatar").(*core.FileField)
	if !ok {
		return nil // an operator removed the field in the dashboard: nothing to protect
	}
	f.Protected = protected
	return app.Save(c)
}
