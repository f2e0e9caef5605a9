package useradmin_test

import (
	"errors"

	"github.com/pocketbase/dbx"
	validation "github.com/pocketbase/ozzo-validation/v4"

	"teamfund/internal/access"
)

var accessErr = access.ErrForbidden

// isField reports whether err is a validation error naming field with want.
func isField(err error, field string, want error) bool {
	var verrs validation.Errors
	return errors.As(err, &verrs) && errors.Is(verrs[field], want)
}

func dbxAction(a string) dbx.Expression { return dbx.HashExp{"action": a} }

func dbxRole(r string) dbx.Expression { return dbx.HashExp{"role": r} }
