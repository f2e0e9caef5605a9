package export

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"strconv"

	"github.com/pocketbase/dbx"
)

// scanCacheKiB is the page cache of the connection an export reads on.
const scanCacheKiB = 2048

// scanConn is one read connection of db for an export, with a small page cache: an export
// reads each page once, so caching gains nothing, while PocketBase's 32 MB cache per
// connection, filled with ledger pages, made the server's memory grow with the rows
// exported up to that size (and pushed out pages other requests use). release gives the
// connection its cache size back and returns it to the pool.
func scanConn(db *dbx.DB) (exec dbx.Executor, release func(), err error) {
	ctx := context.Background()
	conn, err := db.DB().Conn(ctx)
	if err != nil {
		return nil, nil, err
	}
	var size int64
	if err := conn.QueryRowContext(ctx, "PRAGMA cache_size").Scan(&size); err != nil {
		conn.Close()
		return nil, nil, err
	}
	if _, err := conn.ExecContext(ctx, "PRAGMA cache_size = -"+strconv.Itoa(scanCacheKiB)); err != nil {
		conn.Close()
		return nil, nil, err
	}
	return connExecutor{conn}, func() {
		if _, err := conn.ExecContext(ctx, "PRAGMA cache_size = "+strconv.FormatInt(size, 10)); err != nil {
			_ = conn.Raw(func(any) error { return driver.ErrBadConn }) // drop it rather than pool a shrunk cache
		}
		conn.Close()
	}, nil
}

// connExecutor runs dbx queries on one pooled connection.
type connExecutor struct{ c *sql.Conn }

func (e connExecutor) Exec(q string, args ...any) (sql.Result, error) {
	return e.c.ExecContext(context.Background(), q, args...)
}

func (e connExecutor) ExecContext(ctx context.Context, q string, args ...any) (sql.Result, error) {
	return e.c.ExecContext(ctx, q, args...)
}

func (e connExecutor) Query(q string, args ...any) (*sql.Rows, error) {
	return e.c.QueryContext(context.Background(), q, args...)
}

func (e connExecutor) QueryContext(ctx context.Context, q string, args ...any) (*sql.Rows, error) {
	return e.c.QueryContext(ctx, q, args...)
}

func (e connExecutor) Prepare(q string) (*sql.Stmt, error) {
	return e.c.PrepareContext(context.Background(), q)
}
