package pb_migrations

import "github.com/pocketbase/pocketbase/core"

// collectionIndex is an index a migration adds to a collection (so PocketBase lists it in
// the collection's schema and keeps it through later changes).
type collectionIndex struct{ collection, name, columns, where string }

// addIndexes adds each index to its collection.
func addIndexes(app core.App, indexes []collectionIndex) error {
	return changeIndexes(app, indexes, func(c *core.Collection, idx collectionIndex) {
		c.AddIndex(idx.name, false, idx.columns, idx.where)
	})
}

// removeIndexes removes each index from its collection.
func removeIndexes(app core.App, indexes []collectionIndex) error {
	return changeIndexes(app, indexes, func(c *core.Collection, idx collectionIndex) { c.RemoveIndex(idx.name) })
}

func changeIndexes(app core.App, indexes []collectionIndex, change func(*core.Collection, collectionIndex)) error {
	for _, idx := range indexes {
		c, err := app.FindCollectionByNameOrId(idx.collection)
		if err != nil {
			return err
		}
		change(c, idx)
		if err := app.Save(c); err != nil {
			return err
		}
	}
	return nil
}
