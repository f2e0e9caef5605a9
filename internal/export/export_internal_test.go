package export

import (
	"net/url"
	"time"

	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/core"

	"teamfund/internal/member"
)

// QueryPlan returns SQLite's plan steps for dataset ds's export query (tests only).
func QueryPlan(app core.App, ds Dataset, viewer *member.Member, q url.Values) ([]string, error) {
	sq, err := sources[ds].query(app, viewer, q, time.UTC)
	if err != nil {
		return nil, err
	}
	built := sq.Build()
	var rows []dbx.NullStringMap
	if err := app.DB().NewQuery("EXPLAIN QUERY PLAN " + built.SQL()).Bind(built.Params()).All(&rows); err != nil {
		return nil, err
	}
	out := make([]string, len(rows))
	for i, r := range rows {
		out[i] = r["detail"].String
	}
	return out, nil
}

// ScanCacheSize is the page cache size (PRAGMA cache_size) the export's own read
// connection has while an export runs (tests only).
func ScanCacheSize(app core.App) (int64, error) {
	exec, release, err := scanConn(app.ConcurrentDB().(*dbx.DB))
	if err != nil {
		return 0, err
	}
	defer release()
	var n int64
	rows, err := exec.Query("PRAGMA cache_size")
	if err != nil {
		return 0, err
	}
	defer rows.Close()
	rows.Next()
	return n, rows.Scan(&n)
}
