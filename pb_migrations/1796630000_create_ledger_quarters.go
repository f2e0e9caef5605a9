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
// The same migration makes ledger_months one row per UTC month and team (the empty month is all time)
// with the total and count of every kind in columns (t_<kind>, n_<kind>, and total and n of
// all kinds), and folds ledger_counts (1796625137, the same key) into it: the figures of 200
// teams over six months were 12,600 rows of (month, team, kind), each stepped and scanned by
// the pure-Go driver (16 ms), and are 1,400 rows now (3 ms). A ledger write pays for three
// upserts and the quarter (days around month starts only) instead of five upserts. The
// triggers keep the names ledger_totals_insert/update/delete.
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

// monthKinds are the ledger's kinds as ledger_months has columns for them (fixed here: a
// migration must not change with the code; an entry of another kind counts in total and n).
var monthKinds = []string{"monthly", "grant", "adjust", "return", "transfer_in", "transfer_out", "spend", "refund"}

// monthColumns is the column list of ledger_months after month and team.
func monthColumns() string {
	cols := []string{"total", "n"}
	for _, k := range monthKinds {
		cols = append(cols, "t_"+k, "n_"+k)
	}
	return strings.Join(cols, ", ")
}

// monthValues is what one entry (row: NEW, or the entries l of a GROUP BY with sum "SUM")
// adds to each column of monthColumns.
func monthValues(row, sum string) string {
	wrap := func(e string) string {
		if sum == "" {
			return e
		}
		return sum + "(" + e + ")"
	}
	vals := []string{wrap(row + ".amount"), wrap("1")}
	if sum != "" {
		vals[1] = "COUNT(*)"
	}
	for _, k := range monthKinds {
		vals = append(vals, wrap("iif("+row+".kind = '"+k+"', "+row+".amount, 0)"), wrap("("+row+".kind = '"+k+"')"))
	}
	return strings.Join(vals, ", ")
}

// monthAdd is the upsert's update of each column by excluded (the entry's values).
func monthAdd() string {
	var set []string
	for _, c := range strings.Split(monthColumns(), ", ") {
		set = append(set, c+" = "+c+" + excluded."+c)
	}
	return strings.Join(set, ", ")
}

// monthSubtract takes OLD out of each column.
func monthSubtract() string {
	set := []string{"total = total - OLD.amount", "n = n - 1"}
	for _, k := range monthKinds {
		set = append(set, "t_"+k+" = t_"+k+" - iif(OLD.kind = '"+k+"', OLD.amount, 0)", "n_"+k+" = n_"+k+" - (OLD.kind = '"+k+"')")
	}
	return strings.Join(set, ", ")
}

func monthTable(name string) string {
	cols := []string{"month TEXT NOT NULL", "team TEXT NOT NULL"}
	for _, c := range strings.Split(monthColumns(), ", ") {
		cols = append(cols, c+" INTEGER NOT NULL DEFAULT 0")
	}
	return "CREATE TABLE " + name + " (" + strings.Join(cols, ", ") + ", PRIMARY KEY (month, team)) WITHOUT ROWID"
}

var ledgerQuartersUp = []string{
	`DROP TRIGGER IF EXISTS ledger_totals_insert`,
	`DROP TRIGGER IF EXISTS ledger_totals_update`,
	`DROP TRIGGER IF EXISTS ledger_totals_delete`,
	`DROP TRIGGER IF EXISTS ledger_counts_insert`,
	`DROP TRIGGER IF EXISTS ledger_counts_update`,
	`DROP TRIGGER IF EXISTS ledger_counts_delete`,
	`DROP TABLE IF EXISTS ledger_counts`,
	`DROP TABLE IF EXISTS ledger_months`,
	monthTable("ledger_months"),
	`INSERT INTO ledger_months (month, team, ` + monthColumns() + `)
		SELECT substr(l.created, 1, 7), l.team, ` + monthValues("l", "SUM") + ` FROM ledger_entries l GROUP BY 1, 2`,
	`INSERT INTO ledger_months (month, team, ` + monthColumns() + `)
		SELECT '', team, SUM(` + strings.ReplaceAll(monthColumns(), ", ", "), SUM(") + `)
		FROM ledger_months GROUP BY team`,
	`CREATE INDEX idx_ledger_months_team ON ledger_months (team, month)`,
	`CREATE TABLE ledger_quarters (quarter TEXT NOT NULL, team TEXT NOT NULL, kind TEXT NOT NULL,
		total INTEGER NOT NULL, PRIMARY KEY (quarter, team, kind)) WITHOUT ROWID`,
	`INSERT INTO ledger_quarters (quarter, team, kind, total)
		SELECT ` + quarterOf("created") + `, team, kind, SUM(amount) FROM ledger_entries
		WHERE ` + nearMonthStart("created") + ` GROUP BY 1, 2, 3`,
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

// addRollups adds the entry row (NEW) to its running totals, its month's and all time's
// totals and counts, and, near a month start, its quarter.
var addRollups = `
		INSERT INTO ledger_totals (team, account, kind, total) VALUES (NEW.team, NEW.account, NEW.kind, NEW.amount)
		ON CONFLICT (team, account, kind) DO UPDATE SET total = total + excluded.total;
		INSERT INTO ledger_months (month, team, ` + monthColumns() + `) VALUES (substr(NEW.created, 1, 7), NEW.team, ` + monthValues("NEW", "") + `)
		ON CONFLICT (month, team) DO UPDATE SET ` + monthAdd() + `;
		INSERT INTO ledger_months (month, team, ` + monthColumns() + `) VALUES ('', NEW.team, ` + monthValues("NEW", "") + `)
		ON CONFLICT (month, team) DO UPDATE SET ` + monthAdd() + `;
		INSERT INTO ledger_quarters (quarter, team, kind, total)
		SELECT ` + quarterOf("NEW.created") + `, NEW.team, NEW.kind, NEW.amount WHERE ` + nearMonthStart("NEW.created") + `
		ON CONFLICT (quarter, team, kind) DO UPDATE SET total = total + excluded.total;
	`

// subtractRollups takes the old entry row (OLD) out of everything addRollups added it to.
var subtractRollups = `
		UPDATE ledger_totals SET total = total - OLD.amount WHERE team = OLD.team AND account = OLD.account AND kind = OLD.kind;
		UPDATE ledger_months SET ` + monthSubtract() + `
		WHERE month IN ('', substr(OLD.created, 1, 7)) AND team = OLD.team;
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
			`DROP TABLE IF EXISTS ledger_months`,
			`CREATE TABLE ledger_months (month TEXT NOT NULL, team TEXT NOT NULL, kind TEXT NOT NULL,
				total INTEGER NOT NULL, PRIMARY KEY (month, team, kind)) WITHOUT ROWID`,
			`CREATE INDEX idx_ledger_months_team ON ledger_months (team, month, kind, total)`,
			`INSERT INTO ledger_months (month, team, kind, total)
				SELECT substr(created, 1, 7), team, kind, SUM(amount) FROM ledger_entries GROUP BY 1, 2, 3`,
			`INSERT INTO ledger_months (month, team, kind, total) SELECT '', team, kind, SUM(total) FROM ledger_months GROUP BY 2, 3`,
			`CREATE TABLE ledger_counts (month TEXT NOT NULL, team TEXT NOT NULL, kind TEXT NOT NULL,
				n INTEGER NOT NULL, PRIMARY KEY (month, team, kind)) WITHOUT ROWID`,
			`CREATE INDEX idx_ledger_counts_team ON ledger_counts (team, month, kind, n)`,
			`INSERT INTO ledger_counts (month, team, kind, n)
				SELECT substr(created, 1, 7), team, kind, COUNT(*) FROM ledger_entries GROUP BY 1, 2, 3`,
			`INSERT INTO ledger_counts (month, team, kind, n) SELECT '', team, kind, SUM(n) FROM ledger_counts GROUP BY 2, 3`,
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
