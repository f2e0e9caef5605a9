package export_test

import (
	"archive/zip"
	"bytes"
	"encoding/csv"
	"io"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/core"
	"github.com/xuri/excelize/v2"

	"teamfund/internal/export"
	"teamfund/internal/member"
	"teamfund/internal/testutil"
)

// allFiles are the CSV files of the download of everything, with their sheet names and the
// table whose rows each holds (one row per record).
var allFiles = []struct{ file, sheet, table string }{
	{"company", "Company", "company"},
	{"users", "Users", "users"},
	{"teams", "Teams", "teams"},
	{"invites", "Invites", "invites"},
	{"invite_keys", "Invite keys", "invite_links"},
	{"touches", "Touches", "touches"},
	{"touch_assignments", "Touch assignments", ""},
	{"sends", "Sends", "sends"},
	{"ledger", "Ledger", "ledger_entries"},
	{"money_requests", "Money requests", "money_requests"},
	{"leave_requests", "Leave requests", "leave_requests"},
	{"budget_runs", "Monthly runs", "budget_runs"},
	{"audit_log", "Audit log", "audit_log"},
}

// seedEverything adds one record of each kind the fixtures lack, with secrets where the
// real ones have them (an invite's and an invite key's token hash) and a formula-like name.
func seedEverything(t *testing.T, app core.App) {
	t.Helper()
	f := testutil.Fixtures(t)
	stmts := []string{
		`INSERT INTO invites (id, email, name, role, team, status, token_hash, expires, invited_by, created, updated)
			VALUES ('inv000000000001', 'new@acme.com', 'Nia New', 'member', {:alpha}, 'pending', 'SECRET-INVITE-HASH-0001',
			'2030-01-01 00:00:00.000Z', {:admin}, '2026-11-01 10:00:00.000Z', '2026-11-01 10:00:00.000Z')`,
		`INSERT INTO invite_links (id, team, token_hash, expires, revoked, uses, created_by, created, updated)
			VALUES ('key000000000001', {:alpha}, 'SECRET-KEY-HASH-0002', '2030-01-01 00:00:00.000Z', 0, 3, {:admin},
			'2026-11-01 10:00:00.000Z', '2026-11-01 10:00:00.000Z')`,
		`INSERT INTO touches (id, name, description, cost, status, track_inventory, inventory, teams, created, updated)
			VALUES ('tch000000000001', 'Coffee', '', 1250, 'active', 1, 40, json_array({:alpha}, {:beta}),
			'2026-11-01 10:00:00.000Z', '2026-11-01 10:00:00.000Z')`,
		`INSERT INTO sends (id, touch, touch_name, sender, sender_email, team, recipient_name, recipient_email, cost, status, created, updated)
			VALUES ('snd000000000001', 'tch000000000001', 'Coffee', {:memberA}, 'member.a@acme.com', {:alpha}, 'Rita Recipient',
			'rita@example.com', 1250, 'sent', '2026-11-02 10:00:00.000Z', '2026-11-02 10:00:00.000Z')`,
		`INSERT INTO money_requests (id, requester, giver, team, amount, reason, status, created, updated)
			VALUES ('req000000000001', {:memberA}, {:managerA}, {:alpha}, 500, 'lunch', 'pending',
			'2026-11-03 10:00:00.000Z', '2026-11-03 10:00:00.000Z')`,
		`INSERT INTO leave_requests (id, user, team, status, created, updated)
			VALUES ('lve000000000001', {:memberB}, {:beta}, 'pending', '2026-11-03 10:00:00.000Z', '2026-11-03 10:00:00.000Z')`,
		`INSERT INTO audit_log (id, actor, actor_email, action, target_type, target_id, target_label, before, after, created)
			VALUES ('aud000000000001', {:admin}, 'admin@acme.com', 'user.role', 'user', {:memberA}, 'member.a@acme.com',
			'{"role":"member"}', '{"role":"manager"}', '2026-11-03 10:00:00.000Z')`,
		`INSERT INTO budget_runs (id, month, entries, total, trigger, actor_email, created, updated)
			VALUES ('run000000000001', '2026-11', 3, 30000, 'cli', 'system', '2026-11-01 00:00:00.000Z', '2026-11-01 00:00:00.000Z')`,
	}
	params := dbx.Params{}
	for _, k := range []string{"alpha", "beta", "admin", "memberA", "managerA", "memberB"} {
		params[k] = f.ID(k)
	}
	for _, s := range stmts {
		if _, err := app.DB().NewQuery(s).Bind(params).Execute(); err != nil {
			t.Fatalf("%v\n%s", err, s)
		}
	}
	if _, err := member.Create(app, member.NewUser{Email: "evil@acme.com", Password: testutil.Password,
		Name: `=HYPERLINK("http://evil.example")`, Role: member.RoleMember}); err != nil {
		t.Fatal(err)
	}
	seedLedger(t, app, 5, "memberA")
}

// unzip reads every file of the archive b into memory (small test data only).
func unzip(t *testing.T, b []byte) map[string][]byte {
	t.Helper()
	zr, err := zip.NewReader(bytes.NewReader(b), int64(len(b)))
	if err != nil {
		t.Fatal(err)
	}
	out := map[string][]byte{}
	for _, f := range zr.File {
		r, err := f.Open()
		if err != nil {
			t.Fatal(err)
		}
		body, err := io.ReadAll(r)
		r.Close()
		if err != nil {
			t.Fatal(err)
		}
		out[f.Name] = body
	}
	return out
}

func count(t *testing.T, app core.App, table string) int {
	t.Helper()
	var n int
	if err := app.DB().NewQuery("SELECT COUNT(*) FROM " + table).Row(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

func TestWriteAllHoldsEveryKindAsCSVAndOneWorkbook(t *testing.T) {
	app := testutil.NewApp(t)
	defer app.Cleanup()
	seedEverything(t, app)
	var buf bytes.Buffer
	sum, err := export.WriteAll(app, &buf, time.Now())
	if err != nil {
		t.Fatal(err)
	}
	files := unzip(t, buf.Bytes())
	if len(files) != len(allFiles)+2 {
		names := make([]string, 0, len(files))
		for n := range files {
			names = append(names, n)
		}
		t.Errorf("files %v, want %d CSV files, the workbook and README.txt", names, len(allFiles))
	}
	wb, err := excelize.OpenReader(bytes.NewReader(files[export.WorkbookFile]))
	if err != nil {
		t.Fatalf("workbook: %v", err)
	}
	defer wb.Close()
	sheets := wb.GetSheetList()
	if len(sheets) != len(allFiles) {
		t.Errorf("sheets %q, want %d", sheets, len(allFiles))
	}
	readme := string(files["README.txt"])
	for i, want := range allFiles {
		body, ok := files[want.file+".csv"]
		if !ok {
			t.Errorf("%s.csv missing", want.file)
			continue
		}
		records, err := csv.NewReader(bytes.NewReader(bytes.TrimPrefix(body, []byte("\uFEFF")))).ReadAll()
		if err != nil {
			t.Fatalf("%s.csv: %v", want.file, err)
		}
		wantRows := 2 // touch assignments: Coffee → Alpha, Beta
		if want.table != "" {
			wantRows = count(t, app, want.table)
		}
		if len(records)-1 != wantRows || sum[want.file] != wantRows {
			t.Errorf("%s.csv: %d rows (summary %d), want %d", want.file, len(records)-1, sum[want.file], wantRows)
		}
		if i < len(sheets) && sheets[i] != want.sheet {
			t.Errorf("sheet %d is %q, want %q", i+1, sheets[i], want.sheet)
		}
		rows, err := wb.GetRows(want.sheet)
		if err != nil || len(rows)-1 != wantRows {
			t.Errorf("sheet %s: %d rows (%v), want %d", want.sheet, len(rows)-1, err, wantRows)
		}
		if !strings.Contains(readme, want.file+".csv") {
			t.Errorf("README.txt does not describe %s.csv", want.file)
		}
	}
	users := string(files["users.csv"])
	if !strings.Contains(users, `'=HYPERLINK(""http://evil.example"")`) {
		t.Errorf("users.csv does not neutralize a formula-like name:\n%s", users)
	}
	if v, _ := wb.GetCellValue("Touch assignments", "D3"); v != "Beta" {
		t.Errorf("touch assignments D3 = %q, want Beta", v)
	}
	if v, _ := wb.GetCellValue("Sends", "K2", excelize.Options{RawCellValue: true}); v != "12.5" {
		t.Errorf("send cost cell = %q, want the number 12.5", v)
	}
}

// TestWriteAllHoldsNoSecrets looks for every stored secret (password hashes, token keys,
// invite and invite-key token hashes) in every file of the download, the workbook's parts
// included, and for the names of the secret columns.
func TestWriteAllHoldsNoSecrets(t *testing.T) {
	app := testutil.NewApp(t)
	defer app.Cleanup()
	seedEverything(t, app)
	var secrets []string
	var rows []struct {
		Password string `db:"password"`
		TokenKey string `db:"tokenKey"`
	}
	if err := app.DB().NewQuery("SELECT password, tokenKey FROM users UNION ALL SELECT password, tokenKey FROM _superusers").All(&rows); err != nil {
		t.Fatal(err)
	}
	for _, r := range rows {
		secrets = append(secrets, r.Password, r.TokenKey)
	}
	secrets = append(secrets, "SECRET-INVITE-HASH-0001", "SECRET-KEY-HASH-0002", "token_hash", "tokenKey", "$2a$")
	var buf bytes.Buffer
	if _, err := export.WriteAll(app, &buf, time.Now()); err != nil {
		t.Fatal(err)
	}
	files := unzip(t, buf.Bytes())
	for name, inner := range unzip(t, files[export.WorkbookFile]) {
		files[export.WorkbookFile+"/"+name] = inner
	}
	for name, body := range files {
		for _, s := range secrets {
			if s != "" && bytes.Contains(body, []byte(s)) {
				t.Errorf("%s contains the secret %q", name, s)
			}
		}
	}
}

// TestWriteAllMemoryIsBounded writes the download with 20,000 and with 100,000 ledger rows:
// the live heap must not grow with the rows, and the ZIP must reach the output in pieces.
// (Both sizes hold the same fixed cost, about 1.6 MB: the compressors of the ZIP entry being
// written and of the workbook's sheet inside it; at a few thousand rows the probes miss it.)
func TestWriteAllMemoryIsBounded(t *testing.T) {
	if testing.Short() {
		t.Skip("100,000 ledger rows")
	}
	app := testutil.NewApp(t)
	defer app.Cleanup()
	measure := func() (*heapProbe, uint64) {
		p := &heapProbe{every: 16 << 10} // the small file must be probed as often as the large one
		// Two collections empty sync.Pools (the ZIP's pooled compressors survive one), so the
		// base is the same before both sizes whatever ran earlier.
		runtime.GC()
		p.probe()
		base := p.peakHeap
		sum, err := export.WriteAll(app, p, time.Now())
		if err != nil {
			t.Fatal(err)
		}
		p.probe()
		growth := p.peakHeap - min(base, p.peakHeap)
		t.Logf("%6d ledger rows: zip %5d KiB, live heap +%5d KiB, largest write %d KiB", sum["ledger"], p.written>>10, growth>>10, p.largestWrite>>10)
		return p, growth
	}
	seedLedger(t, app, 20_000, "memberA")
	_, small := measure()
	seedLedger(t, app, 80_000, "memberA2")
	probe, large := measure()
	if large > small+1<<20 {
		t.Errorf("live heap grew with the rows: 20k → +%d KiB, 100k → +%d KiB", small>>10, large>>10)
	}
	if probe.largestWrite > 64<<10 {
		t.Errorf("one write of %d KiB: the file was buffered instead of streamed", probe.largestWrite>>10)
	}
}
