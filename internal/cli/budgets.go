package cli

import (
	"fmt"
	"time"

	"github.com/pocketbase/pocketbase"
	"github.com/spf13/cobra"

	"teamfund/internal/budget"
	"teamfund/internal/company"
	"teamfund/internal/money"
)

func init() { commands = append(commands, newBudgetsCommand) }

func newBudgetsCommand(app *pocketbase.PocketBase) *cobra.Command {
	cmd := &cobra.Command{Use: "budgets", Short: "Monthly budget allocation"}
	var month string
	run := &cobra.Command{
		Use:   "run",
		Short: "Run the monthly allocation for a month (default: the current month in the company time zone)",
		Long: "Gives every active member of every monthly team the team's limit for the month (rollover or reset),\n" +
			"exactly once per member and month: running it again for the same month changes nothing.",
		Args:         cobra.NoArgs,
		SilenceUsage: true,
		RunE: func(cmd *cobra.Command, args []string) error {
			if err := app.RunAllMigrations(); err != nil {
				return err
			}
			c, err := company.Load(app)
			if err != nil {
				return err
			}
			m := budget.MonthOf(time.Now(), c.Location())
			if month != "" {
				if m, err = budget.ParseMonth(month); err != nil {
					return err
				}
			}
			r, err := budget.RunMonth(app, m, time.Now(), budget.TriggerCLI, nil)
			if err != nil {
				return err
			}
			fmt.Fprintf(cmd.OutOrStdout(), "%s: %d members allocated, %s in total.\n",
				r.Month, r.Entries, money.Format(r.Total, c.Currency()))
			return nil
		},
	}
	run.Flags().StringVar(&month, "month", "", "month to allocate, YYYY-MM")
	cmd.AddCommand(run)
	return cmd
}
