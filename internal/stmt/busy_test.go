package stmt_test

import (
	"database/sql"
	"path/filepath"
	"testing"
	"time"

	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tests"

	"teamfund/internal/stmt"
	"teamfund/internal/testutil"
)

// TestWriteAfterAReadWaitsForABrieflyHeldWriteLock: a deferred write transaction that has
// already read is not helped by SQLite's busy timeout when it then writes while another
// connection holds the write lock for a moment (SQLite answers SQLITE_BUSY at once to avoid
// a deadlock). Under load this happens when a reader repairs the WAL index, which takes the
// write lock briefly. Teamfund's own connection begins transactions IMMEDIATE
// (server.DBConnect); on PocketBase's default, deferred one, the hot statements retry.
func TestWriteAfterAReadWaitsForABrieflyHeldWriteLock(t *testing.T) {
	app, err := tests.NewTestApp(testutil.Fixtures(t).Dir) // PocketBase's connection: deferred BEGIN
	if err != nil {
		t.Fatal(err)
	}
	defer app.Cleanup()
	id := testutil.Fixtures(t).ID("memberA")

	other, err := sql.Open("sqlite", filepath.Join(app.DataDir(), "data.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer other.Close()
	held, release := make(chan struct{}), make(chan struct{})
	go func() {
		tx, err := other.Begin()
		if err == nil { // the first write takes the write lock, held until the rollback
			_, err = tx.Exec("INSERT INTO teams (id, name) VALUES ('busytestteam001', 'Busy test')")
		}
		close(held)
		if err != nil {
			t.Error(err)
			return
		}
		<-release
		tx.Rollback()
	}()

	err = app.RunInTransaction(func(tx core.App) error {
		var n int
		if err := tx.DB().NewQuery("SELECT COUNT(*) FROM users").Row(&n); err != nil { // now a read transaction
			return err
		}
		<-held
		time.AfterFunc(30*time.Millisecond, func() { close(release) })
		var got string
		return stmt.QueryRow(tx, rename, []any{"After the lock", id}, &got)
	})
	if err != nil {
		t.Fatalf("write after a briefly held lock: %v", err)
	}
}
