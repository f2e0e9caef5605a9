package cli

import (
	"errors"
	"fmt"
	"math/rand/v2"
	"strings"
	"time"

	"github.com/pocketbase/pocketbase"
	"github.com/spf13/cobra"

	"teamfund/internal/company"
	"teamfund/internal/demo"
)

func init() { commands = append(commands, newDemoCommand) }

func newDemoCommand(app *pocketbase.PocketBase) *cobra.Command {
	var password string
	cmd := &cobra.Command{
		Use:          "demo",
		SilenceUsage: true,
		Short:        "Load realistic demo data: teams, ~30 users in every role, touches, sends and ledger history",
		Long: "Loads demo data into the data folder. On an empty folder it also creates the company and its owner.\n" +
			"Refuses when teams already exist, so it never mixes with real data.",
		RunE: func(cmd *cobra.Command, args []string) error {
			if err := app.RunAllMigrations(); err != nil {
				return err
			}
			res, err := demo.Load(app, demo.Options{Password: password, Now: time.Now(), Rand: rand.New(rand.NewPCG(1, 2))})
			if errors.Is(err, demo.ErrHasData) {
				return fmt.Errorf("%w; use a fresh --dir", err)
			}
			if err != nil {
				return err
			}
			c, _ := company.Load(app)
			fmt.Fprintf(cmd.OutOrStdout(), "Demo data loaded into %s for %q: %d teams, %d users, %d touches, %d sends, %d ledger entries.\n",
				app.DataDir(), c.Name(), res.Teams, res.Users, res.Touches, res.Sends, res.Entries)
			fmt.Fprintf(cmd.OutOrStdout(), "Sign in with any of these (password %q):\n  %s\n", password, strings.Join(res.Logins, "\n  "))
			return nil
		},
	}
	cmd.Flags().StringVar(&password, "password", "demo-password", "password of every demo user")
	return cmd
}
