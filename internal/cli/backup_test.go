package cli

import (
	"bytes"
	"encoding/json"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/pocketbase/pocketbase"
	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tests"

	"teamfund/internal/ledger"
	"teamfund/internal/money"
	"teamfund/internal/server"
	"teamfund/internal/testutil"
)

// runCmd runs one of our commands against app and returns its output.
func runCmd(t *testing.T, cmd interface {
	SetArgs([]string)
	Execute() error
}, args ...string) error {
	t.Helper()
	cmd.SetArgs(args)
	return cmd.Execute()
}

// emptyApp is the CLI's app on a new folder: PocketBase bootstraps it (creating empty
// databases) before any command runs.
func emptyApp(t *testing.T, dir string) *pocketbase.PocketBase {
	t.Helper()
	app := pocketbase.NewWithConfig(pocketbase.Config{DefaultDataDir: dir})
	if err := app.Bootstrap(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { app.ResetBootstrapState() })
	return app
}

type accountRow struct {
	Email   string `db:"email"`
	Balance int64  `db:"balance"`
	Status  string `db:"status"`
}

func accounts(t *testing.T, app core.App) []accountRow {
	t.Helper()
	var rows []accountRow
	if err := app.DB().NewQuery("SELECT email, balance, status FROM users ORDER BY email").All(&rows); err != nil {
		t.Fatal(err)
	}
	return rows
}

func backupTo(t *testing.T, app *pocketbase.PocketBase) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "teamfund-backup.zip")
	cmd := newBackupCommand(app)
	var out bytes.Buffer
	cmd.SetOut(&out)
	cmd.SetErr(&out)
	if err := runCmd(t, cmd, "-o", path); err != nil {
		t.Fatalf("backup: %v\n%s", err, out.String())
	}
	return path
}

// TestBackupMovesAPopulatedInstanceToANewFolder backs up a running instance with money,
// users and an uploaded file, restores it into a new folder, and signs in over real HTTP
// against the restored app.
func TestBackupMovesAPopulatedInstanceToANewFolder(t *testing.T) {
	f := testutil.Fixtures(t)
	src := cliApp(t)
	for key, amount := range map[string]int64{"memberA": 12345, "memberB": 678} {
		if _, err := ledger.Post(src, ledger.Entry{Account: f.ID(key), Amount: money.Cents(amount), Kind: ledger.KindGrant}); err != nil {
			t.Fatal(err)
		}
	}
	upload := filepath.Join(src.DataDir(), "storage", "_pb_users_auth_", f.ID("memberA"), "photo.txt")
	if err := os.MkdirAll(filepath.Dir(upload), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(upload, []byte("a photo"), 0o644); err != nil {
		t.Fatal(err)
	}
	// A write left in the WAL (not checkpointed) must be in the copy too.
	if _, err := ledger.Post(src, ledger.Entry{Account: f.ID("memberA2"), Amount: 999, Kind: ledger.KindGrant}); err != nil {
		t.Fatal(err)
	}
	zipPath := backupTo(t, src)

	newDir := filepath.Join(t.TempDir(), "pb_data")
	dst := emptyApp(t, newDir)
	if err := runCmd(t, newRestoreCommand(dst), zipPath); err != nil {
		t.Fatalf("restore: %v", err)
	}
	want, got := accounts(t, src), accounts(t, dst)
	if len(got) != len(want) {
		t.Fatalf("restored %d users, want %d", len(got), len(want))
	}
	for i := range want {
		if got[i] != want[i] {
			t.Errorf("user %d: got %+v, want %+v", i, got[i], want[i])
		}
	}
	if bad, err := ledger.Reconcile(dst); err != nil || len(bad) > 0 {
		t.Errorf("restored ledger does not reconcile: %v %+v", err, bad)
	}
	if b, err := os.ReadFile(filepath.Join(newDir, "storage", "_pb_users_auth_", f.ID("memberA"), "photo.txt")); err != nil || string(b) != "a photo" {
		t.Errorf("uploaded file: %q, %v", b, err)
	}
	dst.ResetBootstrapState()

	// Sign in over HTTP against the restored folder, as the server would serve it.
	app, err := tests.NewTestAppWithConfig(core.BaseAppConfig{DataDir: newDir, DBConnect: server.DBConnect})
	if err != nil {
		t.Fatal(err)
	}
	defer app.Cleanup()
	server.Bind(app)
	srv := testutil.Serve(t, app)
	res, err := http.Post(srv.URL+"/api/collections/users/auth-with-password", "application/json",
		strings.NewReader(`{"identity":"member.a@acme.com","password":"`+testutil.Password+`"}`))
	if err != nil {
		t.Fatal(err)
	}
	var auth struct {
		Token string `json:"token"`
	}
	err = json.NewDecoder(res.Body).Decode(&auth)
	res.Body.Close()
	if res.StatusCode != http.StatusOK || err != nil || auth.Token == "" {
		t.Fatalf("sign-in on the restored app: %d %v", res.StatusCode, err)
	}
	req, _ := http.NewRequest(http.MethodGet, srv.URL+"/api/tf/me", nil)
	req.Header.Set("Authorization", auth.Token)
	res, err = http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	var me bytes.Buffer
	me.ReadFrom(res.Body)
	res.Body.Close()
	if res.StatusCode != http.StatusOK || !strings.Contains(me.String(), "12345") {
		t.Errorf("/api/tf/me on the restored app: %d %s, want the balance 12345", res.StatusCode, me.String())
	}
	res, err = http.Post(srv.URL+"/api/collections/users/auth-with-password", "application/json",
		strings.NewReader(`{"identity":"member.a@acme.com","password":"wrong-password"}`))
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	if res.StatusCode != http.StatusBadRequest {
		t.Errorf("wrong password on the restored app: %d, want 400", res.StatusCode)
	}
}
