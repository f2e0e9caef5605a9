package replica

import (
	"log/slog"

	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tools/hook"
)

// storeKey holds the running Replicator in the app's store.
const storeKey = "teamfundReplica"

// Bind replicates data.db while `serve` runs, when target (the --replica flag, else
// TEAMFUND_REPLICA) names a replica; with none nothing changes. A URL that names no
// supported place stops serve with the reason, rather than leaving an operator who asked
// for replication without it.
func Bind(app core.App, target func() string) {
	app.OnServe().BindFunc(func(se *core.ServeEvent) error {
		raw := target()
		if raw == "" {
			return se.Next()
		}
		t, err := ParseTarget(raw)
		if err != nil {
			return err
		}
		r := New(t, app.DataDir(), operatorLog(app))
		app.Store().Set(storeKey, r)
		leaveCheckpointsToLitestream(app)
		r.Start()
		return se.Next()
	})
	app.OnTerminate().Bind(&hook.Handler[*core.TerminateEvent]{
		Id: "teamfundReplicaStop",
		// after the drain (-100) has let running requests finish, before PocketBase closes
		// the databases
		Func: func(e *core.TerminateEvent) error {
			if r := running(e.App); r != nil {
				_ = r.Stop()
			}
			return e.Next()
		},
	})
}

// StatusOf reports the replication of app's server; false when it has no replica.
func StatusOf(app core.App) (Status, bool) {
	r := running(app)
	if r == nil {
		return Status{}, false
	}
	return r.Status(), true
}

func running(app core.App) *Replicator {
	r, _ := app.Store().Get(storeKey).(*Replicator)
	return r
}

// leaveCheckpointsToLitestream replaces PocketBase's nightly __pbDBOptimize__ job with
// one that does not checkpoint data.db.
//
// note: that job runs `PRAGMA wal_checkpoint(TRUNCATE)`, which waits for every reader to
// leave the WAL while holding the write lock; Litestream keeps a read transaction open
// between its own checkpoints, so the job would stop every write for the whole busy
// timeout (10 s) each midnight and then give up. Litestream checkpoints data.db itself
// (PASSIVE at 1,000 WAL pages and every minute, TRUNCATE only past ~500 MB), and it copes
// with PocketBase's automatic PASSIVE checkpoints, which never wait.
func leaveCheckpointsToLitestream(app core.App) {
	_ = app.Cron().Add("__pbDBOptimize__", "0 0 * * *", func() {
		if _, err := app.AuxNonconcurrentDB().NewQuery("PRAGMA wal_checkpoint(TRUNCATE)").Execute(); err != nil {
			app.Logger().Warn("Failed to run periodic PRAGMA wal_checkpoint for the auxiliary DB", slog.String("error", err.Error()))
		}
		if _, err := app.NonconcurrentDB().NewQuery("PRAGMA optimize").Execute(); err != nil {
			app.Logger().Warn("Failed to run periodic PRAGMA optimize", slog.String("error", err.Error()))
		}
	})
}
