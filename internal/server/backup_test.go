package server_test

import (
	"archive/zip"
	"context"
	"io"
	"os"
	"path/filepath"
	"testing"

	"github.com/pocketbase/pocketbase/core"

	"teamfund/internal/ledger"
	"teamfund/internal/member"
	"teamfund/internal/money"
	"teamfund/internal/testutil"
)

func TestMain(m *testing.M) { testutil.Main(m) }

func TestBackupsAreOnByDefault(t *testing.T) {
	app := testutil.NewApp(t)
	defer app.Cleanup()
	if s := app.Settings(); s.Backups.Cron == "" || s.Backups.CronMaxKeep < 1 {
		t.Errorf("backups cron = %q keep %d, want a schedule", s.Backups.Cron, s.Backups.CronMaxKeep)
	}
}

// TestBackupRestoresTheSameBalances makes a backup the way the cron does, unpacks it as
// an operator would into a new data folder, and opens Teamfund on it.
func TestBackupRestoresTheSameBalances(t *testing.T) {
	f := testutil.Fixtures(t)
	app := testutil.NewApp(t)
	defer app.Cleanup()
	for key, amount := range map[string]int64{"memberA": 12345, "memberB": 500, "managerA": 77} {
		if _, err := ledger.Post(app, ledger.Entry{Account: f.ID(key), Amount: money.Cents(amount), Kind: ledger.KindGrant}); err != nil {
			t.Fatal(err)
		}
	}
	if err := app.CreateBackup(context.Background(), "test.zip"); err != nil {
		t.Fatal(err)
	}
	restored := filepath.Join(t.TempDir(), "pb_data")
	unzip(t, filepath.Join(app.DataDir(), "backups", "test.zip"), restored)

	copyApp := core.NewBaseApp(core.BaseAppConfig{DataDir: restored})
	if err := copyApp.Bootstrap(); err != nil {
		t.Fatal(err)
	}
	defer copyApp.ResetBootstrapState()
	for _, key := range []string{"memberA", "memberB", "managerA", "owner"} {
		orig, _ := member.Find(app, f.ID(key))
		back, err := member.Find(copyApp, f.ID(key))
		if err != nil {
			t.Fatalf("%s missing after restore: %v", key, err)
		}
		if back.Balance() != orig.Balance() {
			t.Errorf("%s balance after restore = %d, want %d", key, back.Balance(), orig.Balance())
		}
	}
	if bad, err := ledger.Reconcile(copyApp); err != nil || len(bad) > 0 {
		t.Errorf("restored ledger does not reconcile: %v %+v", err, bad)
	}
}

func unzip(t *testing.T, src, dst string) {
	t.Helper()
	r, err := zip.OpenReader(src)
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	for _, zf := range r.File {
		path := filepath.Join(dst, zf.Name)
		if zf.FileInfo().IsDir() {
			os.MkdirAll(path, 0o755)
			continue
		}
		os.MkdirAll(filepath.Dir(path), 0o755)
		in, err := zf.Open()
		if err != nil {
			t.Fatal(err)
		}
		out, err := os.Create(path)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := io.Copy(out, in); err != nil {
			t.Fatal(err)
		}
		in.Close()
		out.Close()
	}
}

func TestTrustedProxyHeaderFromEnvironment(t *testing.T) {
	t.Setenv(proxyHeaderEnvForTest, "Fly-Client-IP")
	app := testutil.NewApp(t)
	defer app.Cleanup()
	testutil.Serve(t, app)
	if got := app.Settings().TrustedProxy.Headers; len(got) != 1 || got[0] != "Fly-Client-IP" {
		t.Errorf("trusted proxy headers = %v, want [Fly-Client-IP]", got)
	}
}

const proxyHeaderEnvForTest = "TEAMFUND_TRUSTED_PROXY_HEADER"
