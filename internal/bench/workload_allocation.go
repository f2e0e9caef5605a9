package bench

import (
	"fmt"
	"os/exec"
	"syscall"
	"time"

	"teamfund/internal/ledger"
	"teamfund/internal/member"
)

// monthlyAllocation seeds members in monthly teams, then runs `teamfund budgets run` twice
// as a child process: the first pays everyone, the rerun must pay nothing.
func monthlyAllocation(e *env) ([]Result, error) {
	n := e.size(10000, 100000)
	d, err := openDataset(e.dir)
	if err != nil {
		return nil, err
	}
	if err := d.addTeams(20, map[string]any{"budget_mode": "monthly", "monthly_limit": 10000, "month_rule": "rollover"}); err != nil {
		return nil, err
	}
	if err := d.addUsers(n, member.RoleMember); err != nil {
		return nil, err
	}
	d.close()
	month := time.Now().UTC().Format("2006-01")
	first, rss1, err := runCLI(e.Binary, "budgets", "run", "--month", month, "--dir", e.dir)
	if err != nil {
		return nil, err
	}
	again, rss2, err := runCLI(e.Binary, "budgets", "run", "--month", month, "--dir", e.dir)
	if err != nil {
		return nil, err
	}

	d, err = reopen(e.dir)
	if err != nil {
		return nil, err
	}
	defer d.close()
	var paid struct {
		N int `db:"n"`
	}
	if err := d.app.DB().NewQuery("SELECT COUNT(*) AS n FROM ledger_entries WHERE kind = 'monthly'").One(&paid); err != nil {
		return nil, err
	}
	bad, err := ledger.Reconcile(d.app)
	if err != nil {
		return nil, err
	}
	check := fmt.Sprintf("paid %d of %d once, %d mismatches", paid.N, n, len(bad))
	failed := paid.N != n || len(bad) > 0
	size := fmt.Sprintf("%d members", n)
	return []Result{
		{Workload: "monthly allocation", Size: size, Rate: first.Round(time.Millisecond).String(), PeakRSS: rss1, Check: check, Failed: failed},
		{Workload: "monthly allocation rerun", Size: size, Rate: again.Round(time.Millisecond).String(), PeakRSS: rss2, Check: "pays nothing twice"},
	}, nil
}

// runCLI runs the binary with args and returns its wall time and peak RSS.
func runCLI(bin string, args ...string) (time.Duration, int64, error) {
	cmd := exec.Command(bin, args...)
	t0 := time.Now()
	out, err := cmd.CombinedOutput()
	elapsed := time.Since(t0)
	if err != nil {
		return 0, 0, fmt.Errorf("%v: %v\n%s", args, err, out)
	}
	var rss int64
	if ru, ok := cmd.ProcessState.SysUsage().(*syscall.Rusage); ok {
		rss = ru.Maxrss * 1024
	}
	return elapsed, rss, nil
}
