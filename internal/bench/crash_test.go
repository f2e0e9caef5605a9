package bench

import (
	"fmt"
	"net/http"
	"os"
	"os/exec"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/pocketbase/pocketbase/core"

	"teamfund/internal/e2e"
	"teamfund/internal/ledger"
	"teamfund/internal/member"
)

func TestMain(m *testing.M) { e2e.Main(m) }

// countMonthly returns how many monthly entries exist and the reconcile mismatches.
func countMonthly(t *testing.T, dir string) (int, int) {
	t.Helper()
	d, err := reopen(dir)
	if err != nil {
		t.Fatal(err)
	}
	defer d.close()
	var row struct {
		N int `db:"n"`
	}
	if err := d.app.DB().NewQuery("SELECT COUNT(*) AS n FROM ledger_entries WHERE kind = 'monthly'").One(&row); err != nil {
		t.Fatal(err)
	}
	bad, err := ledger.Reconcile(d.app)
	if err != nil {
		t.Fatal(err)
	}
	var neg struct {
		N int `db:"n"`
	}
	if err := d.app.DB().NewQuery("SELECT COUNT(*) AS n FROM users WHERE balance < 0").One(&neg); err != nil {
		t.Fatal(err)
	}
	return row.N, len(bad) + neg.N
}

// TestAllocationSurvivesSIGKILL kills `teamfund budgets run` in the middle of a large
// allocation, then runs it again: nothing is half-written, and the rerun pays everyone once.
func TestAllocationSurvivesSIGKILL(t *testing.T) {
	bin := e2e.Binary(t)
	const n = 30000
	dir := t.TempDir() + "/pb_data"
	d, err := openDataset(dir)
	if err != nil {
		t.Fatal(err)
	}
	if err := d.addTeams(10, map[string]any{"budget_mode": "monthly", "monthly_limit": 5000, "month_rule": "rollover"}); err != nil {
		t.Fatal(err)
	}
	if err := d.addUsers(n, member.RoleMember); err != nil {
		t.Fatal(err)
	}
	d.close()
	month := time.Now().UTC().Format("2006-01")

	for _, delay := range []time.Duration{400 * time.Millisecond, 900 * time.Millisecond} {
		cmd := exec.Command(bin, "budgets", "run", "--month", month, "--dir", dir)
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		time.Sleep(delay)
		_ = cmd.Process.Signal(os.Kill)
		_ = cmd.Wait()
		paid, bad := countMonthly(t, dir)
		if (paid != 0 && paid != n) || bad != 0 {
			t.Fatalf("after SIGKILL at %s: %d of %d paid, %d invariant violations; want all or nothing and none", delay, paid, n, bad)
		}
		t.Logf("SIGKILL after %s: %d of %d paid", delay, paid, n)
	}
	if out, err := exec.Command(bin, "budgets", "run", "--month", month, "--dir", dir).CombinedOutput(); err != nil {
		t.Fatalf("rerun: %v\n%s", err, out)
	}
	if paid, bad := countMonthly(t, dir); paid != n || bad != 0 {
		t.Fatalf("after the rerun: %d of %d paid, %d invariant violations; want every member paid once", paid, n, bad)
	}
}

// TestInviteImportSurvivesSIGKILL kills `teamfund invites import` while it imports a
// 10,000-row file: the invites are all there or none are, and a rerun completes the job.
func TestInviteImportSurvivesSIGKILL(t *testing.T) {
	bin := e2e.Binary(t)
	const n = 10000
	dir := t.TempDir() + "/pb_data"
	d, err := openDataset(dir)
	if err != nil {
		t.Fatal(err)
	}
	if err := d.addTeams(10, nil); err != nil {
		t.Fatal(err)
	}
	d.close()
	var csv strings.Builder
	csv.WriteString("email,name,role,team\n")
	for i := range n {
		fmt.Fprintf(&csv, "person%05d@bench.test,Person %d,member,Team %03d\n", i, i, i%10)
	}
	file := t.TempDir() + "/invites.csv"
	if err := os.WriteFile(file, []byte(csv.String()), 0o644); err != nil {
		t.Fatal(err)
	}
	count := func() int {
		d, err := reopen(dir)
		if err != nil {
			t.Fatal(err)
		}
		defer d.close()
		c, err := d.app.CountRecords("invites")
		if err != nil {
			t.Fatal(err)
		}
		return int(c)
	}
	for _, delay := range []time.Duration{500 * time.Millisecond, 1200 * time.Millisecond} {
		cmd := exec.Command(bin, "invites", "import", file, "--dir", dir)
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		time.Sleep(delay)
		_ = cmd.Process.Signal(os.Kill)
		_ = cmd.Wait()
		if got := count(); got != 0 && got != n {
			t.Fatalf("after SIGKILL at %s: %d of %d invites; want all or none", delay, got, n)
		} else {
			t.Logf("SIGKILL after %s: %d of %d invites", delay, got, n)
		}
	}
	if out, err := exec.Command(bin, "invites", "import", file, "--dir", dir).CombinedOutput(); err != nil && count() != n {
		t.Fatalf("rerun: %v\n%s", err, out)
	}
	if got := count(); got != n {
		t.Fatalf("after the rerun: %d invites, want %d", got, n)
	}
}

// TestSendBurstSurvivesSIGKILL kills the server in the middle of 32 clients sending
// touches: after restart every balance equals its ledger, nothing is negative, the
// inventory adds up and every debit belongs to a send.
func TestSendBurstSurvivesSIGKILL(t *testing.T) {
	bin := e2e.Binary(t)
	dir := t.TempDir() + "/pb_data"
	d, err := openDataset(dir)
	if err != nil {
		t.Fatal(err)
	}
	if err := d.addTeams(2, nil); err != nil {
		t.Fatal(err)
	}
	if err := d.addUsers(16, member.RoleMember); err != nil {
		t.Fatal(err)
	}
	tokens := make([]string, len(d.users))
	for i, id := range d.users {
		if _, err := ledger.Post(d.app, ledger.Entry{Account: id, Amount: 5000, Kind: ledger.KindGrant}); err != nil {
			t.Fatal(err)
		}
		if tokens[i], err = d.token(id); err != nil {
			t.Fatal(err)
		}
	}
	col, err := d.app.FindCollectionByNameOrId("touches")
	if err != nil {
		t.Fatal(err)
	}
	tr := core.NewRecord(col)
	tr.Load(map[string]any{"name": "Hoodie", "cost": 100, "status": "active", "teams": d.teams, "track_inventory": true, "inventory": 500})
	if err := d.app.Save(tr); err != nil {
		t.Fatal(err)
	}
	d.close()

	s, err := startServer(bin, dir)
	if err != nil {
		t.Fatal(err)
	}
	var sent atomic.Int64
	stop := make(chan struct{})
	var wg sync.WaitGroup
	for c := range 32 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := 0; ; i++ {
				select {
				case <-stop:
					return
				default:
				}
				body := fmt.Sprintf(`{"touch":%q,"recipient_name":"R","recipient_email":"r%d@example.com"}`, tr.Id, i)
				req, _ := http.NewRequest(http.MethodPost, s.url+"/api/tf/sends", strings.NewReader(body))
				req.Header.Set("Content-Type", "application/json")
				req.Header.Set("Authorization", tokens[c%len(tokens)])
				res, err := httpClient.Do(req)
				if err != nil {
					return // the server is gone
				}
				drain(res)
				if res.StatusCode == http.StatusCreated {
					sent.Add(1)
				}
			}
		}()
	}
	for sent.Load() < 50 {
		time.Sleep(5 * time.Millisecond)
	}
	_ = s.cmd.Process.Signal(os.Kill)
	_ = s.cmd.Wait()
	close(stop)
	wg.Wait()

	check, failed, err := checkSends(dir, tr.Id, 500)
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("killed after %d acknowledged sends: %s", sent.Load(), check)
	if failed {
		t.Fatal(check)
	}
	dd, err := reopen(dir)
	if err != nil {
		t.Fatal(err)
	}
	defer dd.close()
	var row struct {
		Sold int64 `db:"sold"`
		Left int64 `db:"left_"`
	}
	if err := dd.app.DB().NewQuery(`SELECT (SELECT COUNT(*) FROM sends WHERE status IN ('sent','pending')) AS sold,
		(SELECT inventory FROM touches WHERE id = {:id}) AS left_`).Bind(map[string]any{"id": tr.Id}).One(&row); err != nil {
		t.Fatal(err)
	}
	if row.Sold+row.Left != 500 || row.Sold < sent.Load() {
		t.Fatalf("%d sends stored (%d acknowledged) + %d items left; want 500 in all and every acknowledged send kept", row.Sold, sent.Load(), row.Left)
	}
}
