package backup_test

import (
	"bytes"
	"os"
	"path/filepath"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/pocketbase/pocketbase"

	"teamfund/internal/backup"
	"teamfund/internal/ledger"
	"teamfund/internal/money"
	"teamfund/internal/testutil"
)

func TestMain(m *testing.M) { testutil.Main(m) }

// TestCreateWhileWritingIsConsistent takes a backup while transfers of money keep being
// written: the copy reconciles (every balance is the sum of its ledger rows) and holds a
// moment between the first and the last write.
func TestCreateWhileWritingIsConsistent(t *testing.T) {
	f := testutil.Fixtures(t)
	app := testutil.NewApp(t)
	defer app.Cleanup()
	var wrote atomic.Int64
	stop := make(chan struct{})
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		for {
			select {
			case <-stop:
				return
			default:
			}
			if _, err := ledger.Post(app, ledger.Entry{Account: f.ID("memberA"), Amount: money.Cents(1), Kind: ledger.KindGrant}); err != nil {
				t.Error(err)
				return
			}
			wrote.Add(1)
		}
	}()
	for wrote.Load() < 20 {
		time.Sleep(5 * time.Millisecond) // let the writer get going
	}
	var buf bytes.Buffer
	_, err := backup.Create(app, &buf)
	close(stop)
	wg.Wait()
	if err != nil {
		t.Fatal(err)
	}
	zipPath := filepath.Join(t.TempDir(), "b.zip")
	if err := os.WriteFile(zipPath, buf.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	dst := pocketbase.NewWithConfig(pocketbase.Config{DefaultDataDir: filepath.Join(t.TempDir(), "pb_data")})
	if err := dst.Bootstrap(); err != nil {
		t.Fatal(err)
	}
	defer dst.ResetBootstrapState()
	if _, err := backup.Restore(dst, zipPath, backup.DefaultLimits); err != nil {
		t.Fatal(err)
	}
	if bad, err := ledger.Reconcile(dst); err != nil || len(bad) > 0 {
		t.Errorf("the copy does not reconcile: %v %+v", err, bad)
	}
	var n int64
	if err := dst.DB().NewQuery("SELECT COUNT(*) FROM ledger_entries WHERE account = {:id}").
		Bind(map[string]any{"id": f.ID("memberA")}).Row(&n); err != nil {
		t.Fatal(err)
	}
	if n < 20 || n > wrote.Load() {
		t.Errorf("the copy holds %d of memberA's entries, want between 20 and %d", n, wrote.Load())
	}
}
