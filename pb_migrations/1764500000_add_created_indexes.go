package pb_migrations

import (
	"github.com/pocketbase/pocketbase/core"
	m "github.com/pocketbase/pocketbase/migrations"
)

// The ledger and sends lists (pages and exports) are ordered newest first by (created, id).
// Without an index in that order SQLite sorts every matching row in a temp B-tree before
// returning the first one — in memory (temp_store=MEMORY), so a 100k-row export would hold
// all rows at once. With these indexes the cursor walks the index and streams.
var createdIndexes = map[string]string{"ledger_entries": "idx_ledger_created", "sends": "idx_sends_created"}

func init() {
	m.Register(func(app core.App) error {
		for coll, idx := range createdIndexes {
			c, err := app.FindCollectionByNameOrId(coll)
			if err != nil {
				return err
			}
			c.AddIndex(idx, false, "created, id", "")
			if err := app.Save(c); err != nil {
				return err
			}
		}
		return nil
	}, func(app core.App) error {
		for coll, idx := range createdIndexes {
			c, err := app.FindCollectionByNameOrId(coll)
			if err != nil {
				return err
			}
			c.RemoveIndex(idx)
			if err := app.Save(c); err != nil {
				return err
			}
		}
		return nil
	})
}
