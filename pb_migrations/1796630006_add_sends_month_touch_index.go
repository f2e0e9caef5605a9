package pb_migrations

import (
	"github.com/pocketbase/pocketbase/core"
	m "github.com/pocketbase/pocketbase/migrations"
)

// idx_sends_month_touch holds every send by when it was made, with what Usage counts of
// the ones that went out per touch (stats.SendsPerTouch): the company's month of sends is
// read from it alone. Through idx_sends_created each of a month's 8,500 sends was a table
// row and a lookup of its touch: 14.5 ms of the owner's Usage of last month, 3 ms from
// this index. Not partial (status = 'sent'): SQLite then picks it without INDEXED BY, so
// the page cannot fail if someone drops it in the dashboard (it only gets slower).
var monthTouchIndex = []collectionIndex{
	{"sends", "idx_sends_month_touch", "created, status, touch, touch_name, cost", ""},
}

func init() {
	m.Register(func(app core.App) error {
		return addIndexes(app, monthTouchIndex)
	}, func(app core.App) error {
		return removeIndexes(app, monthTouchIndex)
	})
}
