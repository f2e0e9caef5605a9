package ledger

import (
	"github.com/pocketbase/pocketbase/core"

	"teamfund/internal/stmt"
)

// ledger_holds (migration 1796630003) is, for every send that waits or was decided, its
// debit as booked beside the send's status and decision: what the held figures read. The
// ledger side is kept by triggers (the entry INSERT is prepared once, so they cost little);
// the sends side by the record hooks below, inside the save's transaction, with statements
// prepared once. Triggers on sends cost about 0.1 ms on every send: PocketBase prepares a new
// INSERT or UPDATE for every record save, and SQLite compiles a table's triggers into each.
// Writers of sends rows with SQL (the bench seed, tests) call SyncHolds afterwards.

// holdSQL writes the hold of send ?1 with status ?2 and decision ?3 from its debit.
const holdSQL = `INSERT OR REPLACE INTO ledger_holds (send, account, team, amount, debited, status, decided_at)
	SELECT ?1, l.account, l.team, l.amount, l.created, ?2, ?3 FROM ledger_entries l WHERE l.ref = 'send:' || ?1 AND l.kind = 'spend'`

const unholdSQL = `DELETE FROM ledger_holds WHERE send = ?1`

// BindHolds keeps ledger_holds in step with every save and deletion of a send record (the
// app's, the records API's and the dashboard's).
func BindHolds(app core.App) {
	app.OnRecordCreateExecute(sendsCollection).BindFunc(func(e *core.RecordEvent) error {
		if err := e.Next(); err != nil {
			return err
		}
		return hold(e.App, e.Record, false)
	})
	app.OnRecordUpdateExecute(sendsCollection).BindFunc(func(e *core.RecordEvent) error {
		if err := e.Next(); err != nil {
			return err
		}
		return hold(e.App, e.Record, true)
	})
	app.OnRecordDeleteExecute(sendsCollection).BindFunc(func(e *core.RecordEvent) error {
		if err := e.Next(); err != nil {
			return err
		}
		_, err := stmt.Exec(e.App, unholdSQL, e.Record.Id)
		return err
	})
}

// sendsCollection is the sends' table (package send imports this one).
const sendsCollection = "sends"

// hold writes the hold of send record r, or (when it went out at once) removes one it had.
func hold(tx core.App, r *core.Record, existed bool) error {
	status, decided := r.GetString("status"), r.GetString("decided_at")
	if status != "pending" && decided == "" {
		if !existed {
			return nil // went out at once: never held, nothing to write
		}
		_, err := stmt.Exec(tx, unholdSQL, r.Id)
		return err
	}
	_, err := stmt.Exec(tx, holdSQL, r.Id, status, decided)
	return err
}

// SyncHolds fills ledger_holds again from the sends and their debits (HoldsSQL), after sends
// rows were written with SQL.
func SyncHolds(tx core.App) error {
	_, err := tx.DB().NewQuery(`DELETE FROM ledger_holds`).Execute()
	if err == nil {
		_, err = tx.DB().NewQuery(`INSERT INTO ledger_holds (send, account, team, amount, debited, status, decided_at) ` + HoldsSQL).Execute()
	}
	return err
}
