package pb_migrations

import (
	"github.com/pocketbase/pocketbase/core"
	m "github.com/pocketbase/pocketbase/migrations"
)

// ledger_periods is, per budget month (the period of monthly entries), how many members got
// the month's budget, the total and when the last was paid — what the allocation card of
// the Money pages shows (budget.RecentRuns). Counting the monthly entries of the last six
// periods read 60,000 entries of a 10,000-person company (20 ms) on every load of the owner's
// Money page and money administration. Kept by triggers that fire for monthly entries only
// (WHEN), in the same transaction as the ledger write; ledger.Reconcile checks it.
var ledgerPeriodsUp = []string{
	`CREATE TABLE ledger_periods (period TEXT NOT NULL PRIMARY KEY, n INTEGER NOT NULL, total INTEGER NOT NULL,
		last TEXT NOT NULL) WITHOUT ROWID`,
	`INSERT INTO ledger_periods (period, n, total, last)
		SELECT period, COUNT(*), SUM(amount), MAX(created) FROM ledger_entries WHERE kind = 'monthly' GROUP BY period`,
	`CREATE TRIGGER ledger_periods_insert AFTER INSERT ON ledger_entries WHEN NEW.kind = 'monthly' BEGIN` + addPeriod + `END`,
	`CREATE TRIGGER ledger_periods_update AFTER UPDATE OF kind, period, amount, created ON ledger_entries
		WHEN OLD.kind = 'monthly' OR NEW.kind = 'monthly' BEGIN
		UPDATE ledger_periods SET n = n - 1, total = total - OLD.amount WHERE OLD.kind = 'monthly' AND period = OLD.period;
		INSERT INTO ledger_periods (period, n, total, last) SELECT NEW.period, 1, NEW.amount, NEW.created WHERE NEW.kind = 'monthly'
		ON CONFLICT (period) DO UPDATE SET n = n + 1, total = total + excluded.total;` + lastOf("NEW.period") + `END`,
	`CREATE TRIGGER ledger_periods_delete AFTER DELETE ON ledger_entries WHEN OLD.kind = 'monthly' BEGIN
		UPDATE ledger_periods SET n = n - 1, total = total - OLD.amount WHERE period = OLD.period;` + lastOf("OLD.period") + `END`,
}

// addPeriod counts a monthly entry (NEW) in its period.
const addPeriod = `
		INSERT INTO ledger_periods (period, n, total, last) VALUES (NEW.period, 1, NEW.amount, NEW.created)
		ON CONFLICT (period) DO UPDATE SET n = n + 1, total = total + excluded.total, last = MAX(last, excluded.last);
	`

// lastOf recomputes the last payment of the periods a changed or deleted entry was in
// (OLD.period and other; rare: hand edits), from the entries.
func lastOf(other string) string {
	return `
		UPDATE ledger_periods SET last = COALESCE((SELECT MAX(created) FROM ledger_entries
			WHERE kind = 'monthly' AND period = ledger_periods.period), '')
		WHERE period IN (OLD.period, ` + other + `);
	`
}

func init() {
	m.Register(func(app core.App) error {
		return execAll(app, ledgerPeriodsUp)
	}, func(app core.App) error {
		return execAll(app, []string{
			`DROP TRIGGER IF EXISTS ledger_periods_insert`,
			`DROP TRIGGER IF EXISTS ledger_periods_update`,
			`DROP TRIGGER IF EXISTS ledger_periods_delete`,
			`DROP TABLE IF EXISTS ledger_periods`,
		})
	})
}
