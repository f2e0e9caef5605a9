package web

import (
	"fmt"
	"slices"

	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tools/router"
)

// requiredIndexes are the collection indexes that queries name with INDEXED BY and that have
// no fallback (member.List falls back to a plain query when a users filter index is gone).
// SQLite refuses such a query when its index is missing or cannot serve it, so a dashboard
// edit that dropped or redefined one would turn those pages into errors; the collections
// API refuses it instead. Other indexes may be changed: the pages then only get slower.
// TestOnlyTheRequiredIndexesAreRequired drops every index in turn to keep this list exact.
var requiredIndexes = []string{
	"idx_users_team_status", // figures.TeamRowsOver: members per team (overview, Usage, Teams)
	"idx_ledger_created",    // export: the ledger newest first
	"idx_sends_created",     // export: the sends newest first
}

// requiredIndexSQL is the definition of each required index SQLite has now.
func requiredIndexSQL(app core.App) (map[string]string, error) {
	var rows []struct {
		Name string `db:"name"`
		SQL  string `db:"sql"`
	}
	err := app.DB().NewQuery("SELECT name, COALESCE(sql, '') AS sql FROM sqlite_master WHERE type = 'index'").All(&rows)
	out := make(map[string]string, len(requiredIndexes))
	for _, r := range rows {
		if slices.Contains(requiredIndexes, r.Name) {
			out[r.Name] = r.SQL
		}
	}
	return out, err
}

// keepRequiredIndexes refuses a collections change (inside its transaction, so nothing is
// kept) after which a required index that was there before is gone or defined otherwise.
func keepRequiredIndexes(tx core.App, before map[string]string) error {
	after, err := requiredIndexSQL(tx)
	if err != nil {
		return err
	}
	for _, name := range requiredIndexes {
		if def, ok := before[name]; ok && after[name] != def {
			return router.NewBadRequestError(fmt.Sprintf(
				"Teamfund's pages read the index %s by name: it cannot be removed or changed here (nothing was saved).", name), nil)
		}
	}
	return nil
}
