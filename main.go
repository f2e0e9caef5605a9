// Command teamfund is the Teamfund server: PocketBase plus the team, budget and send rules.
package main

import (
	"log"
	"os"

	"github.com/pocketbase/pocketbase"
	"github.com/pocketbase/pocketbase/plugins/jsvm"
	"github.com/pocketbase/pocketbase/plugins/migratecmd"
	"github.com/pocketbase/pocketbase/tools/osutils"

	"teamfund/internal/cli"
	"teamfund/internal/server"
	_ "teamfund/pb_migrations"
)

func main() {
	app := pocketbase.NewWithConfig(pocketbase.Config{DBConnect: server.DBConnect,
		DataMaxOpenConns: server.ReadConns, DataMaxIdleConns: server.ReadConns})
	jsvm.MustRegister(app, jsvm.Config{HooksDir: "pb_hooks"})
	migratecmd.MustRegister(app, app.RootCmd, migratecmd.Config{
		Dir:         "pb_migrations",
		Automigrate: osutils.IsProbablyGoRun(),
	})
	server.Bind(app)
	cli.Register(app)
	if err := app.Start(); err != nil {
		log.Fatal(err)
	}
	if cli.Failed() {
		os.Exit(1)
	}
}
