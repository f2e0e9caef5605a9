package budget_test

import (
	"fmt"
	"testing"
	"time"

	"github.com/pocketbase/dbx"

	"teamfund/internal/budget"
	"teamfund/internal/ledger"
	"teamfund/internal/testutil"
)

// BenchmarkRunMonth measures one monthly allocation over N members of monthly teams
// (100 teams, rollover with a cap). Figures go to docs/MONEY.md.
func BenchmarkRunMonth(b *testing.B) {
	for _, n := range []int{10_000, 100_000} {
		b.Run(fmt.Sprintf("members=%d", n), func(b *testing.B) {
			app := testutil.NewApp(b)
			defer app.Cleanup()
			alpha := testutil.Fixtures(b).ID("alpha")
			setTeam(b, app, "alpha", map[string]any{"rollover_cap": 25000})
			setUpIn(b, app, "2026-01")
			_, err := app.DB().NewQuery(`WITH RECURSIVE seq(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM seq WHERE i < {:n})
				INSERT INTO users (id, email, password, tokenKey, verified, emailVisibility, name, role, team, status, balance, record_visibility)
				SELECT printf('bench%010d', i), printf('bench%d@acme.com', i), 'x', printf('key%d', i), 1, 0, 'Bench',
					'member', {:team}, 'active', 0, 'own' FROM seq`).
				Bind(dbx.Params{"n": n, "team": alpha}).Execute()
			if err != nil {
				b.Fatal(err)
			}
			month := budget.Month("2026-01")
			b.ResetTimer()
			for range b.N {
				month = month.Next()
				start := time.Now()
				run, err := budget.RunMonth(app, month, time.Date(2030, 1, 1, 0, 0, 0, 0, time.UTC), budget.TriggerCLI, nil)
				if err != nil {
					b.Fatal(err)
				}
				b.ReportMetric(float64(run.Entries), "entries/op")
				b.ReportMetric(time.Since(start).Seconds(), "s/run")
			}
			b.StopTimer()
			if bad, err := ledger.Reconcile(app); err != nil || len(bad) > 0 {
				b.Fatalf("reconcile: %v, %d mismatches", err, len(bad))
			}
		})
	}
}
