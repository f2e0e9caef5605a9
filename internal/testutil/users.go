package testutil

import (
	"fmt"
	"testing"

	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/core"
)

// InsertUsers adds n active users (user00000@acme.com, ...) spread over the fixture teams
// alpha, beta and no team, with balances set directly: for list and export benchmarks only
// (it bypasses the ledger, so ledger.Reconcile will not be empty afterwards).
func InsertUsers(tb testing.TB, app core.App, n int) {
	tb.Helper()
	f := Fixtures(tb)
	teams := []string{f.ID("alpha"), f.ID("beta"), ""}
	roles := []string{"member", "member", "member", "manager"}
	names := []string{"Anna", "Bruno", "Chen", "Dana", "Emil", "Fatima", "Gus", "Hana"}
	insertRows(tb, app, "users", n, func(i int) dbx.Params {
		return dbx.Params{
			"id": fmt.Sprintf("bench%010d", i), "email": fmt.Sprintf("user%05d@acme.com", i),
			"name": fmt.Sprintf("%s %05d", names[i%len(names)], i), "password": "x", "tokenKey": fmt.Sprintf("benchtokenkey%030d", i),
			"role": roles[i%len(roles)], "team": teams[i%len(teams)], "status": "active", "record_visibility": "own",
			"balance": i % 5000,
		}
	})
}

// InsertTeamMembers adds n active members to the fixture team beta (betamember00000,
// zbeta00000@acme.com, "Zed 00000", …: they sort after beta's fixture members), without
// balances: for the tests of pages that list a big team a page at a time.
func InsertTeamMembers(tb testing.TB, app core.App, n int) {
	tb.Helper()
	beta := Fixtures(tb).ID("beta")
	insertRows(tb, app, "users", n, func(i int) dbx.Params {
		return dbx.Params{
			"id": fmt.Sprintf("betamember%05d", i), "email": fmt.Sprintf("zbeta%05d@acme.com", i),
			"name": fmt.Sprintf("Zed %05d", i), "password": "x", "tokenKey": fmt.Sprintf("betatokenkey%030d", i),
			"role": "member", "team": beta, "status": "active", "record_visibility": "own",
		}
	})
}

// InsertTeams adds n empty one-time teams named "Zteam 00<suffix>" … (ids zteam0000000000 …,
// sorting after the fixture teams): for the tests of pages that show many teams a page at
// a time.
func InsertTeams(tb testing.TB, app core.App, n int, suffix string) {
	tb.Helper()
	insertRows(tb, app, "teams", n, func(i int) dbx.Params {
		return dbx.Params{"id": fmt.Sprintf("zteam%010d", i), "name": fmt.Sprintf("Zteam %02d%s", i, suffix), "budget_mode": "one_time"}
	})
}

// insertRows inserts row(0) … row(n-1) into table with SQL, in one transaction.
func insertRows(tb testing.TB, app core.App, table string, n int, row func(i int) dbx.Params) {
	tb.Helper()
	err := app.RunInTransaction(func(tx core.App) error {
		for i := range n {
			if _, err := tx.DB().Insert(table, row(i)).Execute(); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		tb.Fatal(err)
	}
}
