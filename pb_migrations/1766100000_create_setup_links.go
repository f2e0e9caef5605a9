package pb_migrations

import (
	"github.com/pocketbase/pocketbase/core"
	m "github.com/pocketbase/pocketbase/migrations"
)

// setup_links holds the hash of the one-time link that opens the first-run form (see
// company.NewSetupToken). A plain table, not a collection: it is never read or written
// through the records API or the dashboard, and a company close (which empties every
// collection) does not touch it.
func init() {
	m.Register(func(app core.App) error {
		_, err := app.DB().NewQuery(`CREATE TABLE IF NOT EXISTS setup_links (
			token_hash TEXT PRIMARY KEY NOT NULL,
			expires    TEXT NOT NULL
		)`).Execute()
		return err
	}, func(app core.App) error {
		_, err := app.DB().NewQuery(`DROP TABLE IF EXISTS setup_links`).Execute()
		return err
	})
}
