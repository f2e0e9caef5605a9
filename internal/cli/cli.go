// Package cli adds Teamfund's commands to PocketBase's root command (beside serve,
// superuser and migrate). Each command lives in its own file.
package cli

import (
	"errors"
	"fmt"
	"strings"
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
	refuseUnknownCommands(app.RootCmd)
	// Inherited by every command, PocketBase's serve included (added later in Start).
	app.RootCmd.SetFlagErrorFunc(func(_ *cobra.Command, err error) error {
		failed.Store(true)
		return err
	})
}

// refuseUnknownCommands makes `teamfund frobnicate` an error that exits non-zero. Cobra
// finds unknown commands before any RunE runs, so the root gets its own argument check;
// a bare `teamfund` still prints the help.
func refuseUnknownCommands(root *cobra.Command) {
	root.SuggestionsMinimumDistance = 2 // cobra's default, set only on its own path
	root.Args = func(cmd *cobra.Command, args []string) error {
		if len(args) == 0 {
			return nil
		}
		failed.Store(true)
		msg := fmt.Sprintf("unknown command %q for %q", args[0], cmd.CommandPath())
		if s := cmd.SuggestionsFor(args[0]); len(s) > 0 {
			msg += "\n\nDid you mean this?\n\t" + strings.Join(s, "\n\t")
		}
		return errors.New(msg + "\n\nRun '" + cmd.CommandPath() + " --help' for usage.")
	}
	root.RunE = func(cmd *cobra.Command, _ []string) error { return cmd.Help() }
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
	// Cobra checks arguments before RunE: a missing argument must exit non-zero too.
	if check := c.Args; check != nil {
		c.Args = func(cmd *cobra.Command, args []string) error {
			err := check(cmd, args)
			if err != nil {
				failed.Store(true)
			}
			return err
		}
	}
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
