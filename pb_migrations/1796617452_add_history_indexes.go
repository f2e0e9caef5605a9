package pb_migrations

import (
	"github.com/pocketbase/pocketbase/core"
	m "github.com/pocketbase/pocketbase/migrations"
)

// historyIndexes keep the pages fast on years of data (docs/PERFORMANCE.md, the history
// workload):
//   - idx_sends_decided_at, idx_sends_team_decided: the held figures start from the sends of
//     the company or a team decided since a period began (internal/figures heldSQL) instead of
//     every send; partial, so a send that goes out at once (no decision) is in neither;
//   - idx_sends_pending: a manager's sends waiting for approval (the menu badge on every page,
//     the approvals tab) without reading every send of the team; partial, so only waiting
//     sends are in it;
//   - idx_ledger_monthly_period: the allocation card finds the last months paid and counts
//     only their monthly entries (budget.RecentRuns); partial, monthly entries only.
var historyIndexes = []collectionIndex{
	{"sends", "idx_sends_decided_at", "decided_at, created", "decided_at != ''"},
	{"sends", "idx_sends_team_decided", "team, decided_at, created", "decided_at != ''"},
	{"sends", "idx_sends_pending", "team, created", "status = 'pending'"},
	{"ledger_entries", "idx_ledger_monthly_period", "period, amount, created", "kind = 'monthly'"},
}

func init() {
	m.Register(func(app core.App) error {
		return addIndexes(app, historyIndexes)
	}, func(app core.App) error {
		return removeIndexes(app, historyIndexes)
	})
}
