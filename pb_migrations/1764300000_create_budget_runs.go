package pb_migrations

import (
	"github.com/pocketbase/pocketbase/core"
	m "github.com/pocketbase/pocketbase/migrations"
)

// budget_runs remembers each month whose monthly allocation completed, so a restarted
// server knows which months it missed. The ref index lets a batch of ledger entries be
// found again by its reference (monthly runs, group limits).
func init() {
	m.Register(func(app core.App) error {
		runs := core.NewBaseCollection("budget_runs")
		runs.Fields.Add(
			&core.TextField{Name: "month", Required: true, Min: 7, Max: 7, Pattern: `^\d{4}-(0[1-9]|1[0-2])$`},
			num("entries", 0),
			signedNum("total"),
			&core.TextField{Name: "trigger", Max: 20},
			&core.TextField{Name: "actor_email", Max: 255},
		)
		timestamps(runs)
		runs.AddIndex("idx_budget_runs_month", true, "month", "")
		runs.ListRule = rule(signedIn + " && " + isAdmin)
		runs.ViewRule = runs.ListRule
		if err := app.Save(runs); err != nil {
			return err
		}
		ledger, err := app.FindCollectionByNameOrId("ledger_entries")
		if err != nil {
			return err
		}
		ledger.AddIndex("idx_ledger_ref", false, "ref", "")
		return app.Save(ledger)
	}, func(app core.App) error {
		ledger, err := app.FindCollectionByNameOrId("ledger_entries")
		if err != nil {
			return err
		}
		ledger.RemoveIndex("idx_ledger_ref")
		if err := app.Save(ledger); err != nil {
			return err
		}
		runs, err := app.FindCollectionByNameOrId("budget_runs")
		if err != nil {
			return err
		}
		return app.Delete(runs)
	})
}
