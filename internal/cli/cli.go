// Package cli adds Teamfund's commands to PocketBase's root command (beside serve,
// superuser and migrate). Each command lives in its own file.
package cli

import (
	"sync/atomic"

	"github.com/pocketbase/pocketbase"
	"github.com/pocketbase/pocketbase/core"
	"github.com/spf13/cobra"

	"teamfund/internal/web"
)

// failed records that a Teamfund command returned an error.
var failed atomic.Bool

// Register adds every Teamfund command to app.
func Register(app *pocketbase.PocketBase) {
	for _, add := range commands {
		app.RootCmd.AddCommand(trackFailure(add(app)))
	}
	bindReplication(app)
	app.RootCmd.PersistentPreRunE = noteServeTLS(app)
}

// noteServeTLS tells the web layer whether `serve` will speak HTTPS, from the same flag
// and arguments PocketBase's serve command reads, so mailed links get the right scheme.
func noteServeTLS(app core.App) func(cmd *cobra.Command, args []string) error {
	return func(cmd *cobra.Command, args []string) error {
		if cmd.Name() != "serve" {
			return nil
		}
		httpsAddr, _ := cmd.Flags().GetString("https")
		web.NoteServeTLS(app, httpsAddr, args)
		return nil
	}
}

// Failed reports whether a Teamfund command failed, so main can exit non-zero.
//
// note: PocketBase's Execute ignores the root command's error (it leaves printing to the
// commands), so without this every command would exit 0, even a failed import.
func Failed() bool { return failed.Load() }

func trackFailure(c *cobra.Command) *cobra.Command {
	if run := c.RunE; run != nil {
		c.RunE = func(cmd *cobra.Command, args []string) error {
			err := run(cmd, args)
			if err != nil {
				failed.Store(true)
			}
			return err
		}
	}
	for _, sub := range c.Commands() {
		trackFailure(sub)
	}
	return c
}
