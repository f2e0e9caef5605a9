package server_test

import (
	"database/sql"
	"path/filepath"
	"testing"
	"time"

	"github.com/pocketbase/pocketbase/core"

	"teamfund/internal/server"
	"teamfund/internal/testutil"
)

// TestDBConnectKeepsPocketBasePragmas: the connection settings are PocketBase's own, and a
// transaction takes the write lock at BEGIN.
func TestDBConnectKeepsPocketBasePragmas(t *testing.T) {
	path := filepath.Join(t.TempDir(), "data.db")
	ours, err := server.DBConnect(path)
	if err != nil {
		t.Fatal(err)
	}
	defer ours.Close()
	theirs, err := core.DefaultDBConnect(path)
	if err != nil {
		t.Fatal(err)
	}
	defer theirs.Close()
	for _, p := range []string{"busy_timeout", "journal_mode", "journal_size_limit", "synchronous", "foreign_keys", "temp_store", "cache_size"} {
		var a, b string
		if err := ours.NewQuery("PRAGMA " + p).Row(&a); err != nil {
			t.Fatal(err)
		}
		if err := theirs.NewQuery("PRAGMA " + p).Row(&b); err != nil {
			t.Fatal(err)
		}
		if a != b {
			t.Errorf("PRAGMA %s: ours %s, PocketBase's %s", p, a, b)
		}
	}
	// A transaction of ours holds the write lock from BEGIN: another connection's
	// immediate transaction is refused (without waiting: its busy timeout is 0).
	tx, err := ours.Begin()
	if err != nil {
		t.Fatal(err)
	}
	defer tx.Rollback()
	other, err := sql.Open("sqlite", path+"?_pragma=busy_timeout(0)&_txlock=immediate")
	if err != nil {
		t.Fatal(err)
	}
	defer other.Close()
	if otx, err := other.Begin(); err == nil {
		otx.Rollback()
		t.Error("another writer began while our transaction was open: BEGIN was not IMMEDIATE")
	}
}

// TestTransactionsWaitForABrieflyHeldWriteLock: with the app's connection, a transaction that
// reads and then writes while another connection holds the write lock for a moment waits for
// it (at BEGIN, within the busy timeout) instead of failing with "database is locked".
func TestTransactionsWaitForABrieflyHeldWriteLock(t *testing.T) {
	app := testutil.NewApp(t)
	defer app.Cleanup()
	other, err := sql.Open("sqlite", filepath.Join(app.DataDir(), "data.db")+"?_txlock=immediate")
	if err != nil {
		t.Fatal(err)
	}
	defer other.Close()
	otx, err := other.Begin()
	if err != nil {
		t.Fatal(err)
	}
	time.AfterFunc(50*time.Millisecond, func() { otx.Rollback() })
	err = app.RunInTransaction(func(tx core.App) error {
		var n int
		if err := tx.DB().NewQuery("SELECT COUNT(*) FROM users").Row(&n); err != nil {
			return err
		}
		_, err := tx.DB().NewQuery("UPDATE users SET name = name || '' WHERE id = {:id}").
			Bind(map[string]any{"id": testutil.Fixtures(t).ID("memberA")}).Execute()
		return err
	})
	if err != nil {
		t.Fatalf("transaction during a briefly held write lock: %v", err)
	}
}
