package company_test

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/pocketbase/pocketbase/core"

	"teamfund/internal/company"
	"teamfund/internal/server"
	"teamfund/internal/testutil"
)

// restart opens dir as the server would on its next start (every hook bound, then bootstrap).
func restart(t *testing.T, dir string) (core.App, error) {
	t.Helper()
	app := core.NewBaseApp(core.BaseAppConfig{DataDir: dir, DBConnect: server.DBConnect})
	server.Bind(app)
	err := app.Bootstrap()
	t.Cleanup(func() { app.ResetBootstrapState() })
	return app, err
}

func count(t *testing.T, app core.App, table string) int {
	t.Helper()
	var n int
	if err := app.DB().NewQuery("SELECT COUNT(*) FROM {{" + table + "}}").Row(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

// populated is a copy of the fixtures with a local backup and an uploaded file.
func populated(t *testing.T) (core.App, string, string) {
	t.Helper()
	app := testutil.NewApp(t)
	t.Cleanup(app.Cleanup)
	backupFile := filepath.Join(app.DataDir(), "backups", "pb_backup_test.zip")
	upload := filepath.Join(app.DataDir(), "storage", "_pb_users_auth_", testutil.Fixtures(t).ID("memberA"), "photo.png")
	for _, p := range []string{backupFile, upload} {
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte("x"), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return app, backupFile, upload
}

func expectClosed(t *testing.T, app core.App, backupFile, upload string, backupKept bool) {
	t.Helper()
	if company.IsSetUp(app) {
		t.Error("the company is still set up")
	}
	for _, table := range []string{"users", "teams", "ledger_entries", "audit_log", "outbox", core.CollectionNameSuperusers} {
		if n := count(t, app, table); n != 0 {
			t.Errorf("%s still has %d rows", table, n)
		}
	}
	if _, err := os.Stat(upload); !os.IsNotExist(err) {
		t.Errorf("the uploaded file is still there (%v)", err)
	}
	if _, err := os.Stat(backupFile); os.IsNotExist(err) == backupKept {
		t.Errorf("backup kept = %v, want %v", !os.IsNotExist(err), backupKept)
	}
	if company.Closing(app) {
		t.Error("the closing marker is still there")
	}
}

// TestAClosingInterruptedAfterTheMarkerCompletesOnRestart: the process died right after it
// decided to close (marker written, nothing deleted yet); the next start finishes it.
func TestAClosingInterruptedAfterTheMarkerCompletesOnRestart(t *testing.T) {
	app, backupFile, upload := populated(t)
	if err := company.MarkClosing(app, true); err != nil {
		t.Fatal(err)
	}
	dir := app.DataDir()
	if err := app.ResetBootstrapState(); err != nil { // the crash: nothing else ran
		t.Fatal(err)
	}
	again, err := restart(t, dir)
	if err != nil {
		t.Fatal(err)
	}
	expectClosed(t, again, backupFile, upload, true)
}

// TestAClosingThatFailsInTheTransactionLeavesEverythingThenCompletes: the deletion fails
// half-way through its transaction (a trigger stands in for the crash): nothing is
// deleted; on the next start, with the cause gone, it completes.
func TestAClosingThatFailsInTheTransactionLeavesEverythingThenCompletes(t *testing.T) {
	app, backupFile, upload := populated(t)
	users := count(t, app, "users")
	if _, err := app.DB().NewQuery(`CREATE TRIGGER crash_midway BEFORE DELETE ON ledger_entries
		BEGIN SELECT RAISE(ABORT, 'simulated crash'); END`).Execute(); err != nil {
		t.Fatal(err)
	}
	if _, err := app.DB().NewQuery(`INSERT INTO ledger_entries (id, account, amount, kind, balance_after, created)
		VALUES ('led000000000001', 'company', 1, 'adjust', 1, '2026-11-01 00:00:00.000Z')`).Execute(); err != nil {
		t.Fatal(err)
	}
	if err := company.MarkClosing(app, false); err != nil {
		t.Fatal(err)
	}
	if err := company.FinishClosing(app); err == nil {
		t.Fatal("the closing went through the simulated crash")
	}
	if n := count(t, app, "users"); n != users || !company.IsSetUp(app) {
		t.Errorf("after the failed transaction: %d users (want %d), set up %v: a partial delete", n, users, company.IsSetUp(app))
	}
	if _, err := os.Stat(upload); err != nil {
		t.Errorf("the upload went before the records did: %v", err)
	}
	if _, err := app.DB().NewQuery("DROP TRIGGER crash_midway").Execute(); err != nil {
		t.Fatal(err)
	}
	dir := app.DataDir()
	if err := app.ResetBootstrapState(); err != nil {
		t.Fatal(err)
	}
	again, err := restart(t, dir)
	if err != nil {
		t.Fatal(err)
	}
	expectClosed(t, again, backupFile, upload, false)
}
