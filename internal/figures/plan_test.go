package figures_test

import (
	"strings"
	"testing"

	"teamfund/internal/figures"
	"teamfund/internal/testutil"
)

// TestTeamEntriesSinceReadOnlyTheIndex: a team's member figures read the entries since the
// period began from idx_ledger_team_amounts alone (migration 1796630005), without a
// temporary B-tree: the table rows and the sort were most of the manager's Usage on a team
// of 470 people.
func TestTeamEntriesSinceReadOnlyTheIndex(t *testing.T) {
	app := testutil.NewApp(t)
	defer app.Cleanup()
	q, params := figures.SinceQuery(figures.Scope{Team: "team1"}, figures.ByAccount, "2026-11-01 00:00:00.000Z", "2026-12-01 00:00:00.000Z")
	got := testutil.QueryPlan(t, app, q, params)
	if !strings.Contains(got, "COVERING INDEX idx_ledger_team_amounts (team=? AND created>?)") || strings.Contains(got, "TEMP B-TREE") {
		t.Errorf("plan: %s; want only a search of the covering index idx_ledger_team_amounts", got)
	}
}
