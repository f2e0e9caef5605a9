package cli

import (
	"os"

	"github.com/pocketbase/pocketbase"

	"teamfund/internal/replica"
)

// bindReplication adds `serve --replica URL` and `restore --from URL`.
//
// note: PocketBase adds its serve command only inside app.Start, after Register, so
// --replica is a flag of the root command that only serve reads.
func bindReplication(app *pocketbase.PocketBase) {
	var url string
	app.RootCmd.PersistentFlags().StringVar(&url, "replica", "",
		"serve: replicate the database continuously to this folder, s3://bucket/path?endpoint=...&region=... or\n"+
			"sftp://user@host/path (default $"+replica.Env+"; see docs/COMPANY.md)")
	replica.Bind(app, func() string {
		if url != "" {
			return url
		}
		return os.Getenv(replica.Env)
	})
	for _, c := range app.RootCmd.Commands() {
		if c.Name() == "restore" {
			addReplicaRestore(app, c)
			trackFailure(c) // again, so a failed restore --from also exits non-zero
		}
	}
}
