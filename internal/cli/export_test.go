package cli

import (
	"archive/zip"
	"bytes"
	"encoding/csv"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase"
	"github.com/xuri/excelize/v2"

	"teamfund/internal/member"
	"teamfund/internal/testutil"
)

func TestMain(m *testing.M) { testutil.Main(m) }

// cliApp is the PocketBase app of the CLI on a copy of the fixtures, plus two users whose
// names test the round trip: non-ASCII, and one a spreadsheet would run as a formula.
func cliApp(t *testing.T) *pocketbase.PocketBase {
	t.Helper()
	dir := t.TempDir()
	if err := os.CopyFS(dir, os.DirFS(testutil.Fixtures(t).Dir)); err != nil {
		t.Fatal(err)
	}
	app := pocketbase.NewWithConfig(pocketbase.Config{DefaultDataDir: dir})
	if err := app.Bootstrap(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { app.ResetBootstrapState() })
	for email, name := range map[string]string{"zoe@acme.com": "Zoë Ørsted 山田", "evil@acme.com": `=HYPERLINK("http://evil.example")`} {
		if _, err := member.Create(app, member.NewUser{Email: email, Password: testutil.Password, Name: name, Role: member.RoleMember}); err != nil {
			t.Fatal(err)
		}
	}
	return app
}

func runExport(t *testing.T, app *pocketbase.PocketBase, args ...string) (string, error) {
	t.Helper()
	cmd := newExportCommand(app)
	var stdout, stderr bytes.Buffer
	cmd.SetOut(&stdout)
	cmd.SetErr(&stderr)
	cmd.SetArgs(args)
	err := cmd.Execute()
	return stdout.String() + stderr.String(), err
}

func TestExportCommandRoundTrip(t *testing.T) {
	app := cliApp(t)
	dir := t.TempDir()
	csvPath, xlsxPath := filepath.Join(dir, "users.csv"), filepath.Join(dir, "users.xlsx")
	for _, path := range []string{csvPath, xlsxPath} {
		out, err := runExport(t, app, "users", "-o", path, "--team", "none", "--role", "member")
		if err != nil {
			t.Fatalf("export %s: %v\n%s", path, err, out)
		}
		if !strings.Contains(out, "Exported 3 rows of users") {
			t.Errorf("output %q, want 3 rows: loner and the two teamless members added", out)
		}
	}

	raw, err := os.ReadFile(csvPath)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.HasPrefix(raw, []byte("\xEF\xBB\xBF")) {
		t.Fatal("CSV has no UTF-8 BOM")
	}
	records, err := csv.NewReader(bytes.NewReader(raw[3:])).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	x, err := excelize.OpenFile(xlsxPath)
	if err != nil {
		t.Fatal(err)
	}
	defer x.Close()
	sheet, err := x.GetRows("Users")
	if err != nil {
		t.Fatal(err)
	}
	for name, rows := range map[string][][]string{"CSV": records, "XLSX": sheet} {
		names := map[string]bool{}
		for _, r := range rows[1:] {
			names[r[1]] = true
		}
		for _, want := range []string{"Zoë Ørsted 山田", `'=HYPERLINK("http://evil.example")`} {
			if !names[want] {
				t.Errorf("%s: no user named %q in %q", name, want, rows)
			}
		}
	}
}

// TestExportCommandWritesUsage: `teamfund export usage` writes the Usage page's figures of
// a month, for one team given by name.
func TestExportCommandWritesUsage(t *testing.T) {
	app := cliApp(t)
	month := time.Now().UTC().Format("2006-01")
	out, err := runExport(t, app, "usage", "-o", "-", "--month", month, "--team", "Alpha")
	if err != nil {
		t.Fatalf("export usage: %v\n%s", err, out)
	}
	for _, want := range []string{"Month,Row,Team,Member,Email,Note,Opening balance (USD)", month + ",Team,Alpha,", ",member.a@acme.com,"} {
		if !strings.Contains(out, want) {
			t.Errorf("no %q in\n%s", want, out)
		}
	}
	if strings.Contains(out, "Beta") || strings.Contains(out, ",Company,") {
		t.Errorf("the export of Alpha holds other rows:\n%s", out)
	}
}

func TestExportCommandRefusesBadInput(t *testing.T) {
	app := cliApp(t)
	out := filepath.Join(t.TempDir(), "x.csv")
	tests := []struct {
		name string
		args []string
		want string
	}{
		{"unknown list", []string{"audit", "-o", out}, "unknown export"},
		{"unknown format", []string{"users", "-o", filepath.Join(t.TempDir(), "x.pdf")}, "unknown export format"},
		{"a filter the list does not have", []string{"sends", "-o", out, "--role", "admin"}, "--role is not a filter of the sends list"},
		{"unknown team", []string{"ledger", "-o", out, "--team", "Gamma"}, `--team "Gamma": not found`},
		{"bad date", []string{"ledger", "-o", out, "--from", "2026-13-01"}, "from: must be a date"},
		{"bad usage month", []string{"usage", "-o", out, "--month", "2026-13"}, "month: must be a month like 2026-03"},
		{"a usage filter on another list", []string{"ledger", "-o", out, "--month", "2026-03"}, "--month is not a filter of the ledger list"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			msg, err := runExport(t, app, tt.args...)
			if err == nil || !strings.Contains(err.Error()+msg, tt.want) {
				t.Errorf("got %v (%s), want an error containing %q", err, msg, tt.want)
			}
			if _, statErr := os.Stat(out); statErr == nil {
				t.Errorf("a failed export left %s behind", out)
			}
		})
	}
}

func TestExportAllWritesTheZipAndAuditsIt(t *testing.T) {
	app := cliApp(t)
	path := filepath.Join(t.TempDir(), "everything.zip")
	out, err := runExport(t, app, "all", "-o", path)
	if err != nil {
		t.Fatalf("export all: %v\n%s", err, out)
	}
	zr, err := zip.OpenReader(path)
	if err != nil {
		t.Fatal(err)
	}
	defer zr.Close()
	var users []byte
	for _, f := range zr.File {
		if f.Name != "users.csv" {
			continue
		}
		r, err := f.Open()
		if err != nil {
			t.Fatal(err)
		}
		users, _ = io.ReadAll(r)
		r.Close()
	}
	if !bytes.Contains(users, []byte("Zoë Ørsted 山田")) || !bytes.Contains(users, []byte(`'=HYPERLINK`)) {
		t.Errorf("users.csv lacks the seeded users or does not neutralize formulas:\n%s", users)
	}
	if n, _ := app.CountRecords("audit_log", dbx.HashExp{"action": "company.export_all", "actor_email": "system"}); n != 1 {
		t.Errorf("%d audit entries of the download, want 1", n)
	}
	for _, bad := range [][]string{{"all", "-o", "-"}, {"all", "-o", path, "--team", "Alpha"}, {"all", "-o", path, "--format", "csv"}} {
		if out, err := runExport(t, app, bad...); err == nil {
			t.Errorf("export %v succeeded, want a refusal\n%s", bad, out)
		}
	}
}
