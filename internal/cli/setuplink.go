package cli

import (
	"errors"
	"fmt"

	"github.com/pocketbase/pocketbase"
	"github.com/spf13/cobra"

	"teamfund/internal/company"
)

func init() { commands = append(commands, newSetupLinkCommand) }

// defaultServeURL is where `teamfund serve` listens unless told otherwise.
const defaultServeURL = "http://127.0.0.1:8090"

func newSetupLinkCommand(app *pocketbase.PocketBase) *cobra.Command {
	var base string
	cmd := &cobra.Command{
		Use:   "setup-link [--url https://teamfund.example.com]",
		Short: "Print a new one-time link to the first-run setup (while no company exists)",
		Long: "While no company exists (a new data folder, or after \"Close the company\"), the first-run form opens only\n" +
			"through a one-time link; the server prints one on its console when it starts. This prints a new one\n" +
			"(valid for 24 hours, once); any earlier link stops working. Run it with the server's --dir; the server\n" +
			"may keep running.",
		Args:         cobra.NoArgs,
		SilenceUsage: true,
		RunE: func(cmd *cobra.Command, args []string) error {
			if err := app.RunAllMigrations(); err != nil {
				return err
			}
			token, err := company.NewSetupToken(app)
			if errors.Is(err, company.ErrAlreadySetUp) {
				return errors.New("this server is already set up: sign in instead (the owner can invite people)")
			}
			if err != nil {
				return err
			}
			if base == "" {
				base = app.Settings().Meta.AppURL
				if base == "" || base == "http://localhost:8090" {
					base = defaultServeURL
				}
			}
			fmt.Fprintf(cmd.OutOrStdout(), "%s\n", company.SetupURL(base, token))
			fmt.Fprintf(cmd.ErrOrStderr(), "Open it in a browser within %s; it works once. Reached at another address? Keep the part from /setup on.\n",
				company.SetupLinkTTL)
			return nil
		},
	}
	cmd.Flags().StringVar(&base, "url", "", "the address people reach the server at (default: the app URL, or "+defaultServeURL+")")
	return cmd
}
