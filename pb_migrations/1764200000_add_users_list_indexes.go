package pb_migrations

import (
	"github.com/pocketbase/pocketbase/core"
	m "github.com/pocketbase/pocketbase/migrations"
)

// The users list (page and export) is ordered by email. Filtered by team — what every
// manager sees — it walks (team, email) in order instead of sorting the team's rows, and
// the teams page sums balances per team from the same index.
func init() {
	m.Register(func(app core.App) error {
		users, err := app.FindCollectionByNameOrId("users")
		if err != nil {
			return err
		}
		users.AddIndex("idx_users_team_email", false, "team, email", "")
		return app.Save(users)
	}, func(app core.App) error {
		users, err := app.FindCollectionByNameOrId("users")
		if err != nil {
			return err
		}
		users.RemoveIndex("idx_users_team_email")
		return app.Save(users)
	})
}
