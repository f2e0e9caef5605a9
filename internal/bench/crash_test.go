package bench

import (
	"os"
	"os/exec"
	"testing"
	"time"

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
