package stmt_test

import (
	"database/sql"
	"errors"
	"testing"
	"time"

	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/core"

	"teamfund/internal/stmt"
	"teamfund/internal/testutil"
)

func TestMain(m *testing.M) { testutil.Main(m) }

const rename = "UPDATE users SET name = ?1 WHERE id = ?2 RETURNING name"

// TestStatementsRunInTheCallersTransaction: unprepared (first call) and prepared (once the
// writer is free), a statement commits and rolls back with the transaction it runs in.
func TestStatementsRunInTheCallersTransaction(t *testing.T) {
	app := testutil.NewApp(t)
	defer app.Cleanup()
	id := testutil.Fixtures(t).ID("memberA")
	errUndo := errors.New("undo")
	for _, stage := range []string{"unprepared", "prepared"} {
		if stage == "prepared" {
			waitPrepared(t, app, rename)
		}
		for _, c := range []struct {
			name   string
			fail   bool
			stored string
		}{{"Kept " + stage, false, "Kept " + stage}, {"Undone " + stage, true, "Kept " + stage}} {
			err := app.RunInTransaction(func(tx core.App) error {
				var got string
				if err := stmt.QueryRow(tx, rename, []any{c.name, id}, &got); err != nil {
					return err
				}
				if got != c.name {
					t.Errorf("%s: RETURNING gave %q, want %q", stage, got, c.name)
				}
				if c.fail {
					return errUndo
				}
				return nil
			})
			if c.fail != errors.Is(err, errUndo) {
				t.Fatalf("%s %q: transaction error %v", stage, c.name, err)
			}
			var name string
			if err := app.DB().NewQuery("SELECT name FROM users WHERE id = {:id}").Bind(dbx.Params{"id": id}).Row(&name); err != nil {
				t.Fatal(err)
			}
			if name != c.stored {
				t.Errorf("%s %q: stored name %q, want %q", stage, c.name, name, c.stored)
			}
		}
	}
}

// TestQueryRowWithoutRowsIsErrNoRows, prepared or not.
func TestQueryRowWithoutRowsIsErrNoRows(t *testing.T) {
	app := testutil.NewApp(t)
	defer app.Cleanup()
	for _, stage := range []string{"unprepared", "prepared"} {
		if stage == "prepared" {
			waitPrepared(t, app, rename)
		}
		err := app.RunInTransaction(func(tx core.App) error {
			var got string
			return stmt.QueryRow(tx, rename, []any{"x", "nobody"}, &got)
		})
		if !errors.Is(err, sql.ErrNoRows) {
			t.Errorf("%s: got %v, want sql.ErrNoRows", stage, err)
		}
	}
}

func waitPrepared(t *testing.T, app core.App, query string) {
	t.Helper()
	for deadline := time.Now().Add(5 * time.Second); !stmt.IsPrepared(app, query); time.Sleep(5 * time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatal("the statement was never prepared")
		}
	}
}

// TestAuxTransactionsRunUnprepared: inside a transaction of PocketBase's auxiliary (logs)
// database the main database is not in a transaction; a statement runs there unprepared,
// as tx.DB() would run it, and never as a writer-pool statement of another transaction.
func TestAuxTransactionsRunUnprepared(t *testing.T) {
	app := testutil.NewApp(t)
	defer app.Cleanup()
	const q = "SELECT ?1 + 1"
	for i := range 2 {
		if i == 1 {
			app.RunInTransaction(func(tx core.App) error { // prepares q on the writer pool
				var n int
				return stmt.QueryRow(tx, q, []any{1}, &n)
			})
			waitPrepared(t, app, q)
		}
		err := app.AuxRunInTransaction(func(tx core.App) error {
			var n int
			if err := stmt.QueryRow(tx, q, []any{41}, &n); err != nil {
				return err
			}
			if n != 42 {
				t.Errorf("got %d, want 42", n)
			}
			return nil
		})
		if err != nil {
			t.Fatalf("round %d: %v", i, err)
		}
	}
}

// TestReadSeesTheCallersTransaction: on the read pool (prepared) a read sees committed
// data; given a transaction's app it reads inside that transaction.
func TestReadSeesTheCallersTransaction(t *testing.T) {
	app := testutil.NewApp(t)
	defer app.Cleanup()
	id := testutil.Fixtures(t).ID("memberA")
	name := func(a core.App) string {
		rows, err := stmt.Read(a, "SELECT name FROM users WHERE id = ?1", id)
		if err != nil {
			t.Fatal(err)
		}
		defer rows.Close()
		var n string
		if !rows.Next() || rows.Scan(&n) != nil {
			t.Fatal("no row")
		}
		return n
	}
	before := name(app)
	app.RunInTransaction(func(tx core.App) error {
		if _, err := stmt.Exec(tx, "UPDATE users SET name = 'Inside' WHERE id = ?1", id); err != nil {
			t.Fatal(err)
		}
		if got := name(tx); got != "Inside" {
			t.Errorf("inside the transaction: %q, want %q", got, "Inside")
		}
		return errors.New("roll back")
	})
	if got := name(app); got != before {
		t.Errorf("after the rollback: %q, want %q", got, before)
	}
}
