// Package cli adds Teamfund's commands to PocketBase's root command (beside serve,
// superuser and migrate). Each command lives in its own file.
package cli

import (
	"github.com/pocketbase/pocketbase"
)

// Register adds every Teamfund command to app.
func Register(app *pocketbase.PocketBase) {
	for _, add := range commands {
		app.RootCmd.AddCommand(add(app))
	}
}
