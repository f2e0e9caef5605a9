// Package ledger is the only code that changes a balance: every change is an append-only
// ledger entry written together with a guarded update of the cached balance.
package ledger

import (
	"errors"

	"github.com/pocketbase/pocketbase/core"
)

// Collection holds the append-only ledger entries.
const Collection = "ledger_entries"

// ErrAppendOnly is returned for any attempt to edit or delete a ledger entry.
var ErrAppendOnly = errors.New("ledger entries are append-only")

// BindInvariants makes the ledger append-only below every API (records API, dashboard,
// Go code) and refuses ledger rows created through the records API.
func BindInvariants(app core.App) {
	app.OnRecordUpdate(Collection).BindFunc(func(e *core.RecordEvent) error { return ErrAppendOnly })
	app.OnRecordDelete(Collection).BindFunc(func(e *core.RecordEvent) error { return ErrAppendOnly })
	app.OnRecordCreateRequest(Collection).BindFunc(func(e *core.RecordRequestEvent) error {
		return e.ForbiddenError("Ledger entries are written only by Teamfund's money endpoints.", nil)
	})
}
