package replica

import (
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/pocketbase/pocketbase/apis"
	"github.com/pocketbase/pocketbase/core"
	_ "github.com/pocketbase/pocketbase/migrations" // PocketBase's system collections
)

// TestNightlyJobDoesNotStallWritesWhileReplicating: PocketBase's nightly __pbDBOptimize__
// runs a TRUNCATE checkpoint, which with Litestream's open read transaction would hold
// every write for the whole 10 s busy timeout. With a replica the job is replaced; run
// now, it and a write beside it finish at once, and the replica still follows.
func TestNightlyJobDoesNotStallWritesWhileReplicating(t *testing.T) {
	replicaDir := filepath.Join(t.TempDir(), "replica")
	if err := os.Mkdir(replicaDir, 0o755); err != nil {
		t.Fatal(err)
	}
	app := core.NewBaseApp(core.BaseAppConfig{DataDir: filepath.Join(t.TempDir(), "pb_data")})
	if err := app.Bootstrap(); err != nil {
		t.Fatal(err)
	}
	defer app.ResetBootstrapState()
	Bind(app, func() string { return replicaDir })
	router, err := apis.NewRouter(app)
	if err != nil {
		t.Fatal(err)
	}
	if err := app.OnServe().Trigger(&core.ServeEvent{App: app, Router: router}, func(*core.ServeEvent) error { return nil }); err != nil {
		t.Fatal(err)
	}
	defer app.OnTerminate().Trigger(&core.TerminateEvent{App: app}, func(*core.TerminateEvent) error { return nil })
	if _, err := app.DB().NewQuery("CREATE TABLE notes (body TEXT)").Execute(); err != nil {
		t.Fatal(err)
	}
	waitCaughtUp(t, app)

	var job func()
	for _, j := range app.Cron().Jobs() {
		if j.Id() == "__pbDBOptimize__" {
			job = j.Run
		}
	}
	if job == nil {
		t.Fatal("no __pbDBOptimize__ job")
	}
	t0 := time.Now()
	done := make(chan time.Duration)
	go func() { job(); done <- time.Since(t0) }()
	time.Sleep(100 * time.Millisecond)
	if _, err := app.DB().NewQuery("INSERT INTO notes VALUES ('written during the nightly job')").Execute(); err != nil {
		t.Fatal(err)
	}
	wrote := time.Since(t0)
	ran := <-done
	// The stalled form takes the full 10 s busy timeout; half of it leaves room for a
	// loaded machine.
	if ran > 5*time.Second || wrote > 5*time.Second {
		t.Fatalf("the nightly job took %s and a write beside it %s; want both far below the 10 s busy timeout", ran, wrote)
	}
	waitCaughtUp(t, app)
}

func waitCaughtUp(t *testing.T, app core.App) {
	t.Helper()
	deadline := time.Now().Add(30 * time.Second)
	for {
		st, ok := StatusOf(app)
		if ok && st.State == StateOK && st.ShippedTXID > 0 && st.ShippedTXID == st.LocalTXID && st.LagSeconds == 0 {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("the replica did not catch up: %+v", st)
		}
		time.Sleep(100 * time.Millisecond)
	}
}
