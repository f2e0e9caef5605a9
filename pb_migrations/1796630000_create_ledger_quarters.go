package pb_migrations

import (
	"strings"

	"github.com/pocketbase/pocketbase/core"
	m "github.com/pocketbase/pocketbase/migrations"
)

// A company month starts up to 14 hours before or 12 hours after a UTC month start (its
// time zone), and the monthly allocation runs right at that start: ≈ 10,000 entries of a
// 10,000-person company in the hour between the company's month start and the UTC month
// start. internal/figures read those hours entry by entry for each month of a trend
// (0.1–0.3 s for the overview and Usage on 1,000,000 entries). ledger_quarters keeps Σ amount
// per quarter of an hour (UTC), team and kind for the days around a UTC month start (the 1st
// and the 28th–31st, where every company month start falls), so a month's figures are rows
// of running totals only, in every time zone (all offsets are multiples of 15 minutes).
//
// The same migration folds ledger_counts (1796625137) into ledger_months as its column n:
// both had the key (UTC month, team, kind), so one upsert now keeps the total and the count,
// and a ledger write pays for three upserts and the quarter (days around month starts only)
// instead of five. The triggers keep the names ledger_totals_insert/update/delete.
//
// overviewIndexes serve the rest of the overview:
//   - idx_ledger_spending covers what the top spenders of a month read (spends and refunds
//     only, partial): the ranking read every entry of the company's month (42,000 entries,
//     0.2 s) through idx_ledger_created and the table;
//   - idx_money_requests_pending: the money requests waiting now (the overview's "waits"
//     and the approvals badge) without reading every request; partial, waiting ones only;
//   - idx_users_team_status: each team's active members counted from the index, not the
//     10,000 user rows;
//   - idx_money_requests_made, idx_money_requests_answered, idx_invites_invited_by: the
//     usage page's activity counts of a team's members in a month (stats.MemberActivity)
//     from the index, not every request or invite of each member (an invite by whom had no
//     index at all: every invite was read once per member).
var overviewIndexes = []collectionIndex{
	{"ledger_entries", "idx_ledger_spending", "created, kind, team, account, amount", "kind = 'spend' OR kind = 'refund'"},
	{"money_requests", "idx_money_requests_pending", "team, created", "status = 'pending'"},
	{"users", "idx_users_team_status", "team, status", ""},
	{"money_requests", "idx_money_requests_made", "requester, created", ""},
	{"money_requests", "idx_money_requests_answered", "giver, decided_at, status", ""},
	{"invites", "idx_invites_invited_by", "invited_by, status, updated", ""},
}

var ledgerQuartersUp = []string{
	`ALTER TABLE ledger_months ADD COLUMN n INTEGER NOT NULL DEFAULT 0`,
	`UPDATE ledger_months SET n = COALESCE((SELECT c.n FROM ledger_counts c
		WHERE c.month = ledger_months.month AND c.team = ledger_months.team AND c.kind = ledger_months.kind), 0)`,
	`DROP TRIGGER IF EXISTS ledger_counts_insert`,
	`DROP TRIGGER IF EXISTS ledger_counts_update`,
	`DROP TRIGGER IF EXISTS ledger_counts_delete`,
	`DROP TABLE IF EXISTS ledger_counts`,
	`DROP INDEX IF EXISTS idx_ledger_months_team`,
	`CREATE INDEX idx_ledger_months_team ON ledger_months (team, month, kind, total, n)`,
	`CREATE TABLE ledger_quarters (quarter TEXT NOT NULL, team TEXT NOT NULL, kind TEXT NOT NULL,
		total INTEGER NOT NULL, PRIMARY KEY (quarter, team, kind)) WITHOUT ROWID`,
	`INSERT INTO ledger_quarters (quarter, team, kind, total)
		SELECT ` + quarterOf("created") + `, team, kind, SUM(amount) FROM ledger_entries
		WHERE ` + nearMonthStart("created") + ` GROUP BY 1, 2, 3`,
	`DROP TRIGGER IF EXISTS ledger_totals_insert`,
	`DROP TRIGGER IF EXISTS ledger_totals_update`,
	`DROP TRIGGER IF EXISTS ledger_totals_delete`,
	`CREATE TRIGGER ledger_totals_insert AFTER INSERT ON ledger_entries BEGIN` + addRollups + `END`,
	`CREATE TRIGGER ledger_totals_update AFTER UPDATE OF team, account, kind, amount, created ON ledger_entries BEGIN` +
		subtractRollups + addRollups + `END`,
	`CREATE TRIGGER ledger_totals_delete AFTER DELETE ON ledger_entries BEGIN` + subtractRollups + `END`,
}

// quarterOf is the quarter of an hour a datetime column falls in: "YYYY-MM-DD HH:MM" with the
// minutes 00, 15, 30 or 45.
func quarterOf(col string) string {
	return strings.ReplaceAll(`substr(COL, 1, 14) || CASE WHEN substr(COL, 15, 2) < '15' THEN '00'
		WHEN substr(COL, 15, 2) < '30' THEN '15' WHEN substr(COL, 15, 2) < '45' THEN '30' ELSE '45' END`, "COL", col)
}

// nearMonthStart is true for the days ledger_quarters keeps: the 1st and the 28th–31st of a
// month (UTC). internal/figures uses the quarters only for spans within those days.
func nearMonthStart(col string) string {
	return `substr(` + col + `, 9, 2) IN ('01', '28', '29', '30', '31')`
}

// addRollups adds the entry row (NEW) to its running totals, its month's total and count,
// all time's, and, near a month start, its quarter.
var addRollups = `
		INSERT INTO ledger_totals (team, account, kind, total) VALUES (NEW.team, NEW.account, NEW.kind, NEW.amount)
		ON CONFLICT (team, account, kind) DO UPDATE SET total = total + excluded.total;
		INSERT INTO ledger_months (month, team, kind, total, n) VALUES (substr(NEW.created, 1, 7), NEW.team, NEW.kind, NEW.amount, 1)
		ON CONFLICT (month, team, kind) DO UPDATE SET total = total + excluded.total, n = n + 1;
		INSERT INTO ledger_months (month, team, kind, total, n) VALUES ('', NEW.team, NEW.kind, NEW.amount, 1)
		ON CONFLICT (month, team, kind) DO UPDATE SET total = total + excluded.total, n = n + 1;
		INSERT INTO ledger_quarters (quarter, team, kind, total)
		SELECT ` + quarterOf("NEW.created") + `, NEW.team, NEW.kind, NEW.amount WHERE ` + nearMonthStart("NEW.created") + `
		ON CONFLICT (quarter, team, kind) DO UPDATE SET total = total + excluded.total;
	`

// subtractRollups takes the old entry row (OLD) out of everything addRollups added it to.
var subtractRollups = `
		UPDATE ledger_totals SET total = total - OLD.amount WHERE team = OLD.team AND account = OLD.account AND kind = OLD.kind;
		UPDATE ledger_months SET total = total - OLD.amount, n = n - 1
		WHERE month IN ('', substr(OLD.created, 1, 7)) AND team = OLD.team AND kind = OLD.kind;
		UPDATE ledger_quarters SET total = total - OLD.amount
		WHERE quarter = ` + quarterOf("OLD.created") + ` AND team = OLD.team AND kind = OLD.kind;
	`

func init() {
	m.Register(func(app core.App) error {
		if err := execAll(app, ledgerQuartersUp); err != nil {
			return err
		}
		return addIndexes(app, overviewIndexes)
	}, func(app core.App) error {
		if err := removeIndexes(app, overviewIndexes); err != nil {
			return err
		}
		return execAll(app, []string{
			`DROP TRIGGER IF EXISTS ledger_totals_insert`,
			`DROP TRIGGER IF EXISTS ledger_totals_update`,
			`DROP TRIGGER IF EXISTS ledger_totals_delete`,
			`DROP TABLE IF EXISTS ledger_quarters`,
			`CREATE TABLE ledger_counts (month TEXT NOT NULL, team TEXT NOT NULL, kind TEXT NOT NULL,
				n INTEGER NOT NULL, PRIMARY KEY (month, team, kind)) WITHOUT ROWID`,
			`CREATE INDEX idx_ledger_counts_team ON ledger_counts (team, month, kind, n)`,
			`INSERT INTO ledger_counts (month, team, kind, n) SELECT month, team, kind, n FROM ledger_months`,
			`DROP INDEX IF EXISTS idx_ledger_months_team`,
			`ALTER TABLE ledger_months DROP COLUMN n`,
			`CREATE INDEX idx_ledger_months_team ON ledger_months (team, month, kind, total)`,
			`CREATE TRIGGER ledger_totals_insert AFTER INSERT ON ledger_entries BEGIN` + addTotals("NEW") + `END`,
			`CREATE TRIGGER ledger_totals_update AFTER UPDATE OF team, account, kind, amount, created ON ledger_entries BEGIN` +
				subtractTotals + addTotals("NEW") + `END`,
			`CREATE TRIGGER ledger_totals_delete AFTER DELETE ON ledger_entries BEGIN` + subtractTotals + `END`,
			`CREATE TRIGGER ledger_counts_insert AFTER INSERT ON ledger_entries BEGIN` + addCount + `END`,
			`CREATE TRIGGER ledger_counts_update AFTER UPDATE OF team, kind, created ON ledger_entries BEGIN` +
				subtractCount + addCount + `END`,
			`CREATE TRIGGER ledger_counts_delete AFTER DELETE ON ledger_entries BEGIN` + subtractCount + `END`,
		})
	})
}
