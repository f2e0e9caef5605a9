package export_test

import (
	"bytes"
	"context"
	"database/sql"
	"testing"

	"github.com/pocketbase/dbx"

	"teamfund/internal/export"
	"teamfund/internal/testutil"
)

// TestExportReadsWithASmallCacheAndGivesItBack: an export reads on a connection with a
// small page cache (a 100k-row ledger otherwise filled 32 MB of it), and every connection
// left in the read pool afterwards has PocketBase's cache size again.
func TestExportReadsWithASmallCacheAndGivesItBack(t *testing.T) {
	app := testutil.NewApp(t)
	defer app.Cleanup()
	if n, err := export.ScanCacheSize(app); err != nil || n != -2048 {
		t.Fatalf("cache of the export's connection: %d (%v), want -2048", n, err)
	}
	viewer, err := export.System(app)
	if err != nil {
		t.Fatal(err)
	}
	for range 3 {
		if _, err := export.Write(app, &bytes.Buffer{}, export.Request{Dataset: export.Ledger, Format: export.CSV, Viewer: viewer}); err != nil {
			t.Fatal(err)
		}
	}
	db := app.ConcurrentDB().(*dbx.DB).DB()
	open := db.Stats().OpenConnections
	conns := make([]*sql.Conn, open) // hold them all at once, so each pooled one is seen
	for i := range conns {
		c, err := db.Conn(context.Background())
		if err != nil {
			t.Fatal(err)
		}
		defer c.Close()
		conns[i] = c
		var size int64
		if err := c.QueryRowContext(context.Background(), "PRAGMA cache_size").Scan(&size); err != nil || size != -32000 {
			t.Errorf("pooled connection %d: cache_size %d (%v), want -32000", i, size, err)
		}
	}
}
