package pb_migrations

import (
	"github.com/pocketbase/pocketbase/core"
	m "github.com/pocketbase/pocketbase/migrations"
)

// idx_sends_spanning holds the decided sends whose wait for approval reaches into the window
// around a UTC month start in which every company month start falls (internal/figures
// spanningSQL): the only sends that can have been held at a month start. The held figures of
// a trend (6 or 12 month starts) read those instead of every send decided since the first
// month (on 200,000 sends: 5,000 instead of 35,000 for 12 months). Partial, so a send that
// goes out at once (no decision) or is decided mid-month is not in it.
//
// Created with SQL, not as one of the collection's indexes: PocketBase's index parser reads a
// WHERE with parentheses as columns. PocketBase drops and recreates only the indexes a
// collection lists, so this one stays through later changes of the collection.
func init() {
	m.Register(func(app core.App) error {
		return execAll(app, []string{`CREATE INDEX IF NOT EXISTS idx_sends_spanning ON sends (decided_at, created)
			WHERE decided_at != '' AND substr(datetime(created, '-13 hours'), 1, 7) != substr(datetime(decided_at, '+14 hours'), 1, 7)`})
	}, func(app core.App) error {
		return execAll(app, []string{`DROP INDEX IF EXISTS idx_sends_spanning`})
	})
}
