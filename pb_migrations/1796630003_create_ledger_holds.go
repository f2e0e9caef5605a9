package pb_migrations

import (
	"github.com/pocketbase/pocketbase/core"
	m "github.com/pocketbase/pocketbase/migrations"
)

// ledger_holds is, for every send that waited (or waits) for approval, its debit as the ledger
// booked it (account, team, amount, when) beside the send's status and decision: what the held
// figures read. They joined each send to its debit by ref (idx_ledger_ref and a table row per
// send: 3,000 sends for a 12-month trend, the largest part of the owner's Usage and
// overview); from this table they read one covering index.
//
// A row exists while the send has a spend debit and is pending or decided (decided_at set); a
// send that went out at once is never held and has none. Triggers on the ledger keep the
// debit's side (whichever of the debit and the send row is written first, and through hand
// edits of entries); the send's side is kept by record hooks in the save's transaction
// (ledger.BindHolds: triggers on sends were compiled into every save of a send, 0.1 ms each).
// ledger.Reconcile checks it against the join. idx_sends_spanning (1796630001), which only
// the join used, goes.
var ledgerHoldsUp = []string{
	`CREATE TABLE ledger_holds (send TEXT NOT NULL PRIMARY KEY, account TEXT NOT NULL, team TEXT NOT NULL,
		amount INTEGER NOT NULL, debited TEXT NOT NULL, status TEXT NOT NULL, decided_at TEXT NOT NULL) WITHOUT ROWID`,
	`INSERT INTO ledger_holds (send, account, team, amount, debited, status, decided_at)
		SELECT s.id, l.account, l.team, l.amount, l.created, s.status, s.decided_at
		FROM sends s JOIN ledger_entries l ON l.ref = 'send:' || s.id AND l.kind = 'spend'
		WHERE s.status = 'pending' OR s.decided_at != ''`,
	// The pending ones by account (a member's figures), and the decided ones by decision.
	`CREATE INDEX idx_ledger_holds_pending ON ledger_holds (account, team, debited, amount) WHERE status = 'pending'`,
	`CREATE INDEX idx_ledger_holds_decided ON ledger_holds (decided_at, debited, account, team, amount, status) WHERE decided_at != ''`,
	// The decided ones whose wait reaches into the window of a UTC month start S in which every
	// company month start falls, [S − 14 h, S + 12 h] (time zones UTC−12 to UTC+14): the only
	// ones that can have been held at a month start (internal/figures spanningSQL).
	`CREATE INDEX idx_ledger_holds_spanning ON ledger_holds (decided_at, debited, account, team, amount, status)
		WHERE decided_at != '' AND ` + holdsSpanning,
	`CREATE TRIGGER ledger_holds_debit_insert AFTER INSERT ON ledger_entries
		WHEN NEW.kind = 'spend' AND substr(NEW.ref, 1, 5) = 'send:' BEGIN` + holdDebit + `END`,
	`CREATE TRIGGER ledger_holds_debit_update AFTER UPDATE OF kind, ref, account, team, amount, created ON ledger_entries
		WHEN OLD.kind = 'spend' OR NEW.kind = 'spend' BEGIN
		DELETE FROM ledger_holds WHERE OLD.kind = 'spend' AND substr(OLD.ref, 1, 5) = 'send:' AND send = substr(OLD.ref, 6);` + holdDebit + `END`,
	`CREATE TRIGGER ledger_holds_debit_delete AFTER DELETE ON ledger_entries
		WHEN OLD.kind = 'spend' AND substr(OLD.ref, 1, 5) = 'send:' BEGIN
		DELETE FROM ledger_holds WHERE send = substr(OLD.ref, 6);
	END`,
	`DROP INDEX IF EXISTS idx_sends_spanning`,
}

// holdsSpanning is idx_ledger_holds_spanning's condition: a month start S with debited − 12 h
// < S ≤ decided_at + 14 h (with an hour to spare on the debit's side).
const holdsSpanning = `substr(datetime(debited, '-13 hours'), 1, 7) != substr(datetime(decided_at, '+14 hours'), 1, 7)`

// holdDebit writes the hold of a send's debit (NEW of ledger_entries), if the send row is
// there already and waits or was decided (the app writes the send just after its debit, so
// for a new send this finds nothing and the send's save writes it).
const holdDebit = `
		INSERT OR REPLACE INTO ledger_holds (send, account, team, amount, debited, status, decided_at)
		SELECT s.id, NEW.account, NEW.team, NEW.amount, NEW.created, s.status, s.decided_at
		FROM sends s WHERE NEW.kind = 'spend' AND s.id = substr(NEW.ref, 6) AND substr(NEW.ref, 1, 5) = 'send:'
		AND (s.status = 'pending' OR s.decided_at != '');
	`

func init() {
	m.Register(func(app core.App) error {
		return execAll(app, ledgerHoldsUp)
	}, func(app core.App) error {
		return execAll(app, []string{
			`DROP TRIGGER IF EXISTS ledger_holds_debit_insert`,
			`DROP TRIGGER IF EXISTS ledger_holds_debit_update`,
			`DROP TRIGGER IF EXISTS ledger_holds_debit_delete`,
			`DROP TABLE IF EXISTS ledger_holds`,
			`CREATE INDEX IF NOT EXISTS idx_sends_spanning ON sends (decided_at, created)
			WHERE decided_at != '' AND substr(datetime(created, '-13 hours'), 1, 7) != substr(datetime(decided_at, '+14 hours'), 1, 7)`,
		})
	})
}
