package cli

import (
	"github.com/pocketbase/pocketbase"
	"github.com/spf13/cobra"
)

// commands lists the constructors of Teamfund's CLI commands; add yours here.
var commands = []func(app *pocketbase.PocketBase) *cobra.Command{}
