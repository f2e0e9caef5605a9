package pb_migrations

import (
	"strings"

	"github.com/pocketbase/pocketbase/core"
	m "github.com/pocketbase/pocketbase/migrations"
)

// ledger_totals is Σ amount of the ledger per team, account and kind, and ledger_months the
// same per UTC month, team and kind (month ” is all time), both kept by triggers in the same
// transaction as every ledger write (whoever writes: ledger.Post, ledger.PostBatch, the
// dashboard, SQL). internal/figures reads them so that a month's figures are a few rows of
// running totals and the entries of the hours between the company's month and the UTC month,
// instead of the sum of every earlier entry: on 1,000,000 entries that sum took most of the
// overview's, usage's and the team page's time. Months are UTC so that the totals do not
// depend on the company time zone, which the owner can change. The ledger is append-only;
// the update and delete triggers keep the totals right for the rare hand edit and for tests
// that move entries in time. Plain tables, not collections: no one reads them through the API.
var ledgerTotalsUp = []string{
	`CREATE TABLE ledger_totals (team TEXT NOT NULL, account TEXT NOT NULL, kind TEXT NOT NULL,
		total INTEGER NOT NULL, PRIMARY KEY (team, account, kind)) WITHOUT ROWID`,
	`CREATE INDEX idx_ledger_totals_account ON ledger_totals (account, team, kind, total)`,
	`CREATE TABLE ledger_months (month TEXT NOT NULL, team TEXT NOT NULL, kind TEXT NOT NULL,
		total INTEGER NOT NULL, PRIMARY KEY (month, team, kind)) WITHOUT ROWID`,
	`CREATE INDEX idx_ledger_months_team ON ledger_months (team, month, kind, total)`,
	`INSERT INTO ledger_totals (team, account, kind, total)
		SELECT team, account, kind, SUM(amount) FROM ledger_entries GROUP BY team, account, kind`,
	`INSERT INTO ledger_months (month, team, kind, total)
		SELECT substr(created, 1, 7), team, kind, SUM(amount) FROM ledger_entries GROUP BY 1, 2, 3`,
	`INSERT INTO ledger_months (month, team, kind, total)
		SELECT '', team, kind, SUM(total) FROM ledger_totals GROUP BY 2, 3`,
	`CREATE TRIGGER ledger_totals_insert AFTER INSERT ON ledger_entries BEGIN` + addTotals("NEW") + `END`,
	`CREATE TRIGGER ledger_totals_update AFTER UPDATE OF team, account, kind, amount, created ON ledger_entries BEGIN` +
		subtractTotals + addTotals("NEW") + `END`,
	`CREATE TRIGGER ledger_totals_delete AFTER DELETE ON ledger_entries BEGIN` + subtractTotals + `END`,
}

// addTotals adds the entry row (NEW) to its three running totals.
func addTotals(row string) string {
	return strings.NewReplacer("ROW", row).Replace(`
		INSERT INTO ledger_totals (team, account, kind, total) VALUES (ROW.team, ROW.account, ROW.kind, ROW.amount)
		ON CONFLICT (team, account, kind) DO UPDATE SET total = total + excluded.total;
		INSERT INTO ledger_months (month, team, kind, total) VALUES (substr(ROW.created, 1, 7), ROW.team, ROW.kind, ROW.amount)
		ON CONFLICT (month, team, kind) DO UPDATE SET total = total + excluded.total;
		INSERT INTO ledger_months (month, team, kind, total) VALUES ('', ROW.team, ROW.kind, ROW.amount)
		ON CONFLICT (month, team, kind) DO UPDATE SET total = total + excluded.total;
	`)
}

// subtractTotals takes the old entry row (OLD) out of its three running totals.
const subtractTotals = `
		UPDATE ledger_totals SET total = total - OLD.amount WHERE team = OLD.team AND account = OLD.account AND kind = OLD.kind;
		UPDATE ledger_months SET total = total - OLD.amount WHERE month IN ('', substr(OLD.created, 1, 7)) AND team = OLD.team AND kind = OLD.kind;
	`

var ledgerTotalsDown = []string{
	`DROP TRIGGER IF EXISTS ledger_totals_insert`,
	`DROP TRIGGER IF EXISTS ledger_totals_update`,
	`DROP TRIGGER IF EXISTS ledger_totals_delete`,
	`DROP TABLE IF EXISTS ledger_months`,
	`DROP TABLE IF EXISTS ledger_totals`,
}

func init() {
	m.Register(func(app core.App) error {
		return execAll(app, ledgerTotalsUp)
	}, func(app core.App) error {
		return execAll(app, ledgerTotalsDown)
	})
}

func execAll(app core.App, statements []string) error {
	for _, s := range statements {
		if _, err := app.DB().NewQuery(s).Execute(); err != nil {
			return err
		}
	}
	return nil
}
