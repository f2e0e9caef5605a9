package member

import (
	"errors"

	validation "github.com/pocketbase/ozzo-validation/v4"
	"github.com/pocketbase/pocketbase/core"
)

// Errors for writes that would break a user invariant, whoever attempts them
// (Teamfund's endpoints, the records API or the superuser dashboard).
var (
	ErrOwnerProtected = errors.New("the owner cannot be demoted, deactivated or deleted; transfer ownership first")
	ErrSecondOwner    = errors.New("there is already an owner; ownership moves only by transfer")
	ErrBalanceByHand  = errors.New("balances change only through ledger entries")
)

// BindInvariants refuses, below every API, record writes that would leave the company
// without exactly one owner or change a cached balance outside the ledger service (which
// updates balances with guarded SQL, not record saves), and stores every new or changed
// login email as ParseEmail writes it.
func BindInvariants(app core.App) {
	app.OnRecordCreate(Collection).BindFunc(func(e *core.RecordEvent) error {
		if e.Record.GetInt("balance") != 0 {
			return ErrBalanceByHand
		}
		if Role(e.Record.GetString("role")) == RoleOwner {
			n, err := e.App.CountRecords(Collection, dbxRoleIs(RoleOwner))
			if err != nil {
				return err
			}
			if n > 0 {
				return ErrSecondOwner
			}
		}
		return e.Next()
	})
	app.OnRecordUpdate(Collection).BindFunc(func(e *core.RecordEvent) error {
		old := e.Record.Original()
		if old.GetInt("balance") != e.Record.GetInt("balance") {
			return ErrBalanceByHand
		}
		wasOwner := Role(old.GetString("role")) == RoleOwner
		isOwner := Role(e.Record.GetString("role")) == RoleOwner
		if wasOwner && (!isOwner || e.Record.GetString("status") != StatusActive) {
			return ErrOwnerProtected
		}
		if !wasOwner && isOwner {
			return ErrSecondOwner
		}
		return e.Next()
	})
	app.OnRecordCreate(Collection).BindFunc(normalizeStoredEmail)
	app.OnRecordUpdate(Collection).BindFunc(normalizeStoredEmail)
	app.OnRecordDelete(Collection).BindFunc(func(e *core.RecordEvent) error {
		if Role(e.Record.GetString("role")) == RoleOwner {
			return ErrOwnerProtected
		}
		return e.Next()
	})
}

// normalizeStoredEmail stores a new or changed login email in ParseEmail's form and refuses,
// naming the field, one it refuses — also when a superuser types it in the dashboard — so
// no stored address is a look-alike of another.
func normalizeStoredEmail(e *core.RecordEvent) error {
	email := e.Record.Email()
	if !e.Record.IsNew() && email == e.Record.Original().Email() {
		return e.Next()
	}
	parsed, err := ParseEmail(email)
	if err != nil {
		return validation.Errors{core.FieldNameEmail: validation.NewError("validation_invalid_email", err.Error())}
	}
	e.Record.SetEmail(parsed)
	return e.Next()
}
