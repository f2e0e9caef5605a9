// Package cli adds Teamfund's commands to PocketBase's root command (beside serve,
// superuser and migrate). Each command lives in its own file.
package cli

import (
	"sync/atomic"

	"github.com/pocketbase/pocketbase"
	"github.com/spf13/cobra"
)

// failed records that a Teamfund command returned an error.
var failed atomic.Bool

// Register adds every Teamfund command to app.
func Register(app *pocketbase.PocketBase) {
	for _, add := range commands {
		app.RootCmd.AddCommand(trackFailure(add(app)))
	}
	bindReplication(app)
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
