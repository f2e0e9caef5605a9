// Package stmt runs the hot statements of write transactions as statements prepared once
// on PocketBase's single writer connection. SQLite otherwise parses every statement on
// every run, and parsing happens while the transaction holds the only writer: profiling
// the send path showed its guard statement spending more time in the parser than in
// execution. Read does the same for hot reads on the concurrent read pool.
//
// Queries must be constants (the cache is keyed by the query text and never shrinks) and use
// SQLite's numbered parameters (?1, ?2, ...). Outside a transaction of
// PocketBase's writer pool (auxiliary database, no transaction, before Bind) they simply
// run unprepared.
package stmt

import (
	"database/sql"
	"strings"
	"sync"
	"time"

	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/core"
)

const (
	storeKey     = "teamfund.stmt.cache"      // writer pool
	readStoreKey = "teamfund.stmt.read-cache" // concurrent read pool
)

// cache holds the statements prepared on one writer pool.
type cache struct {
	db *sql.DB
	mu sync.Mutex
	m  map[string]*sql.Stmt
}

// Bind remembers app's writer pool: now when the app is already bootstrapped (tests),
// and after every bootstrap (serve), since a bootstrap opens new pools.
func Bind(app core.App) {
	remember(app)
	app.OnBootstrap().BindFunc(func(e *core.BootstrapEvent) error {
		if err := e.Next(); err != nil {
			return err
		}
		remember(e.App)
		return nil
	})
}

func remember(app core.App) {
	if db, ok := app.NonconcurrentDB().(*dbx.DB); ok && db != nil {
		app.Store().Set(storeKey, &cache{db: db.DB(), m: map[string]*sql.Stmt{}})
	}
	if db, ok := app.ConcurrentDB().(*dbx.DB); ok && db != nil {
		app.Store().Set(readStoreKey, &cache{db: db.DB(), m: map[string]*sql.Stmt{}})
	}
}

// get returns query prepared on the writer pool, or nil while it is not (yet). It never
// prepares synchronously: the caller holds the pool's only connection in its transaction,
// so preparing on the pool would wait for itself. A goroutine prepares it once that
// connection is free; until then the statement runs unprepared.
func (c *cache) get(query string) *sql.Stmt {
	c.mu.Lock()
	defer c.mu.Unlock()
	if s, ok := c.m[query]; ok {
		return s // nil while being prepared
	}
	c.m[query] = nil
	go func() {
		s, err := c.db.Prepare(query)
		c.mu.Lock()
		defer c.mu.Unlock()
		if err != nil {
			delete(c.m, query) // e.g. the app closed; try again on a later call
			return
		}
		c.m[query] = s
	}()
	return nil
}

// getNow returns query prepared on a pool nobody holds (the read pool), preparing it now.
func (c *cache) getNow(query string) *sql.Stmt {
	c.mu.Lock()
	defer c.mu.Unlock()
	if s := c.m[query]; s != nil {
		return s
	}
	s, err := c.db.Prepare(query)
	if err != nil {
		return nil
	}
	c.m[query] = s
	return s
}

// Read runs a read-only query with args on app's concurrent read pool, as a statement
// prepared once per connection. When app is a transaction's app it runs in that
// transaction, unprepared, so the caller reads what it has written.
func Read(app core.App, query string, args ...any) (*sql.Rows, error) {
	if db, ok := app.ConcurrentDB().(*dbx.DB); ok {
		if c, _ := app.Store().Get(readStoreKey).(*cache); c != nil && c.db == db.DB() {
			if s := c.getNow(query); s != nil {
				return s.Query(args...)
			}
		}
	}
	return executorOf(app.ConcurrentDB()).Query(query, args...)
}

// Exec runs query with args in the transaction of tx (a txApp).
func Exec(tx core.App, query string, args ...any) (res sql.Result, err error) {
	err = retryLocked(func() error {
		if s := prepared(tx, query); s != nil {
			res, err = s.Exec(args...)
			return err
		}
		res, err = executor(tx).Exec(query, args...)
		return err
	})
	return res, err
}

// QueryRow runs query with args in the transaction of tx and scans its first row into
// dest (sql.ErrNoRows when there is none), e.g. for UPDATE ... RETURNING.
func QueryRow(tx core.App, query string, args []any, dest ...any) error {
	return retryLocked(func() error { return queryRow(tx, query, args, dest...) })
}

// lockWaits are the pauses before each new attempt of a statement SQLite refused with
// "database is locked" (about 1.2 s in all).
var lockWaits = []time.Duration{5 * time.Millisecond, 10 * time.Millisecond, 20 * time.Millisecond,
	50 * time.Millisecond, 100 * time.Millisecond, 200 * time.Millisecond, 300 * time.Millisecond, 500 * time.Millisecond}

// retryLocked runs op again while SQLite answers "database is locked", as PocketBase does
// for its own queries. A transaction that has already read gets that answer at once, without
// SQLite's busy timeout, when another connection holds the write lock at the moment it first
// writes; under load a reader repairing the WAL index takes that lock for an instant. The
// refused statement did nothing, and the lock is soon free again.
func retryLocked(op func() error) error {
	for _, wait := range lockWaits {
		err := op()
		if err == nil || !isLocked(err) {
			return err
		}
		time.Sleep(wait)
	}
	return op()
}

func isLocked(err error) bool {
	msg := err.Error()
	return strings.Contains(msg, "database is locked") || strings.Contains(msg, "table is locked")
}

func queryRow(tx core.App, query string, args []any, dest ...any) error {
	if s := prepared(tx, query); s != nil {
		return s.QueryRow(args...).Scan(dest...)
	}
	rows, err := executor(tx).Query(query, args...)
	if err != nil {
		return err
	}
	defer rows.Close()
	if !rows.Next() {
		if err := rows.Err(); err != nil {
			return err
		}
		return sql.ErrNoRows
	}
	if err := rows.Scan(dest...); err != nil {
		return err
	}
	return rows.Close()
}

// prepared is query's cached statement bound to tx's transaction, or nil.
func prepared(tx core.App, query string) *sql.Stmt {
	t, ok := tx.NonconcurrentDB().(*dbx.Tx)
	if !ok {
		return nil
	}
	sqlTx, ok := executorOf(t.Builder).(*sql.Tx)
	if !ok {
		return nil
	}
	c, _ := tx.Store().Get(storeKey).(*cache)
	if c == nil {
		return nil
	}
	// database/sql refuses a statement of another pool (an aux or re-opened database):
	// such transactions run the query unprepared.
	if db, ok := t.Builder.(interface{ DB() *dbx.DB }); !ok || db.DB() == nil || db.DB().DB() != c.db {
		return nil
	}
	s := c.get(query)
	if s == nil {
		return nil
	}
	// database/sql reuses the statement already prepared on the transaction's connection
	// (the writer pool has one) and prepares it there otherwise.
	return sqlTx.Stmt(s)
}

// executor is what runs tx's queries: the *sql.Tx inside a transaction (dbx keeps it in
// the builder embedded in its Tx), the writer *sql.DB otherwise (as tx.DB() would).
func executor(tx core.App) dbx.Executor {
	return executorOf(tx.NonconcurrentDB())
}

func executorOf(b dbx.Builder) dbx.Executor {
	if t, ok := b.(*dbx.Tx); ok {
		b = t.Builder
	}
	switch v := b.(type) {
	case *dbx.DB:
		return v.DB()
	case interface{ Executor() dbx.Executor }:
		return v.Executor()
	}
	return nil
}
