package pb_migrations

import (
	"github.com/pocketbase/pocketbase/core"
	m "github.com/pocketbase/pocketbase/migrations"
)

// ledger_totals is Σ amount of the ledger per team, account and kind, kept by triggers in the
// same transaction as every ledger write (whoever writes: ledger.Post, ledger.PostBatch, the
// dashboard, SQL). internal/figures reads it so that a month's opening balance is the total
// minus the entries written since the month started, instead of the sum of every earlier
// entry: on 1,000,000 entries that sum took most of the overview's, usage's and the team
// page's time. The ledger is append-only; the update and delete triggers keep the totals
// right for the rare hand edit (and for tests that move entries back in time, which changes
// no total). A plain table, not a collection: it is not a record anyone reads through the API.
//
// The second index serves a member's statement (account without a team).
var ledgerTotalsUp = []string{
	`CREATE TABLE ledger_totals (team TEXT NOT NULL, account TEXT NOT NULL, kind TEXT NOT NULL,
		total INTEGER NOT NULL, PRIMARY KEY (team, account, kind)) WITHOUT ROWID`,
	`CREATE INDEX idx_ledger_totals_account ON ledger_totals (account, team, kind, total)`,
	`INSERT INTO ledger_totals (team, account, kind, total)
		SELECT team, account, kind, SUM(amount) FROM ledger_entries GROUP BY team, account, kind`,
	`CREATE TRIGGER ledger_totals_insert AFTER INSERT ON ledger_entries BEGIN
		INSERT INTO ledger_totals (team, account, kind, total) VALUES (NEW.team, NEW.account, NEW.kind, NEW.amount)
		ON CONFLICT (team, account, kind) DO UPDATE SET total = total + excluded.total;
	END`,
	`CREATE TRIGGER ledger_totals_update AFTER UPDATE OF team, account, kind, amount ON ledger_entries BEGIN
		UPDATE ledger_totals SET total = total - OLD.amount WHERE team = OLD.team AND account = OLD.account AND kind = OLD.kind;
		INSERT INTO ledger_totals (team, account, kind, total) VALUES (NEW.team, NEW.account, NEW.kind, NEW.amount)
		ON CONFLICT (team, account, kind) DO UPDATE SET total = total + excluded.total;
	END`,
	`CREATE TRIGGER ledger_totals_delete AFTER DELETE ON ledger_entries BEGIN
		UPDATE ledger_totals SET total = total - OLD.amount WHERE team = OLD.team AND account = OLD.account AND kind = OLD.kind;
	END`,
}

var ledgerTotalsDown = []string{
	`DROP TRIGGER IF EXISTS ledger_totals_insert`,
	`DROP TRIGGER IF EXISTS ledger_totals_update`,
	`DROP TRIGGER IF EXISTS ledger_totals_delete`,
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
