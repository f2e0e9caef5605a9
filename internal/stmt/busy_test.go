package stmt_test

import (
	"database/sql"
	"path/filepath"
	"testing"
	"time"

	"github.com/pocketbase/pocketbase/core"

	"teamfund/internal/stmt"
	"teamfund/internal/testutil"
)

// TestWriteAfterAReadWaitsForABrieflyHeldWriteLock: a write transaction that has already
// read is not helped by SQLite's busy timeout when it then writes while another connection
// holds the write lock for a moment (SQLite answers SQLITE_BUSY at once to avoid a
// deadlock). Under load this happens when a reader repairs the WAL index, which takes the
// write lock briefly. PocketBase retries its own queries on "database is locked"; the hot
// statements run here must too, instead of failing the request with a 500.
func TestWriteAfterAReadWaitsForABrieflyHeldWriteLock(t *testing.T) {
	app := testutil.NewApp(t)
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
