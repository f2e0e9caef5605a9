package pb_migrations

import (
	"github.com/pocketbase/pocketbase/core"
	m "github.com/pocketbase/pocketbase/migrations"
)

// idx_ledger_team_amounts replaces idx_ledger_team (team, created) with the same two columns
// followed by what a team's member figures read of each entry (account, kind, amount): the
// entries of a team since a period began (figures.accountsAt, the manager's Usage and team
// balances) are then read from the index alone. Through idx_ledger_team each of them was
// also a lookup of its table row: 2,800 entries of a 470-person team since last month's
// start took 10 ms, 4 ms from this index. Queries that ordered or filtered by (team,
// created) use the new index the same way.
var teamAmountsIndex = []collectionIndex{
	{"ledger_entries", "idx_ledger_team_amounts", "team, created, account, kind, amount", ""},
}

var oldTeamIndex = []collectionIndex{{"ledger_entries", "idx_ledger_team", "team, created", ""}}

func init() {
	m.Register(func(app core.App) error {
		if err := addIndexes(app, teamAmountsIndex); err != nil {
			return err
		}
		return removeIndexes(app, oldTeamIndex)
	}, func(app core.App) error {
		if err := addIndexes(app, oldTeamIndex); err != nil {
			return err
		}
		return removeIndexes(app, teamAmountsIndex)
	})
}
