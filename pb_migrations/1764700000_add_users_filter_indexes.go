package pb_migrations

import (
	"github.com/pocketbase/pocketbase/core"
	m "github.com/pocketbase/pocketbase/migrations"
)

// The Users page counts and pages its filters (role, status, team, a search on email or
// first name) from these indexes alone: each holds every column the filters test, so
// SQLite never reads the wide user rows (password hash, token key, …) except the 50 shown.
// member.List names them with INDEXED BY. Balances are in none of them, so the frequent
// balance updates never touch them.
var usersFilterIndexes = []struct{ name, columns string }{
	{"idx_users_filter", "role, status, team"},
	{"idx_users_filter_email", "email, role, status, team"},
	{"idx_users_filter_team", "team, email, role, status"},
	{"idx_users_filter_name", "name COLLATE NOCASE, email, role, status, team"},
}

func init() {
	m.Register(func(app core.App) error {
		users, err := app.FindCollectionByNameOrId("users")
		if err != nil {
			return err
		}
		for _, idx := range usersFilterIndexes {
			users.AddIndex(idx.name, false, idx.columns, "email != ''")
		}
		return app.Save(users)
	}, func(app core.App) error {
		users, err := app.FindCollectionByNameOrId("users")
		if err != nil {
			return err
		}
		for _, idx := range usersFilterIndexes {
			users.RemoveIndex(idx.name)
		}
		return app.Save(users)
	})
}
