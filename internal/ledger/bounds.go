package ledger

import (
	validation "github.com/pocketbase/ozzo-validation/v4"
	"github.com/pocketbase/pocketbase/core"

	"teamfund/internal/money"
)

// boundedAmounts lists, per collection, the amount fields a person or the dashboard can
// type. money.MaxAmount keeps every sum of them far inside int64 (docs/MONEY.md).
var boundedAmounts = map[string][]string{
	"teams":          {"monthly_limit", "rollover_cap", "max_per_send", "approval_threshold"},
	"touches":        {"cost"},
	"sends":          {"cost"},
	"money_requests": {"amount"},
}

// BindAmountBounds refuses, below every API (the app's own saves, the records API and the
// dashboard), a record whose amount is above money.MaxAmount, naming the field.
func BindAmountBounds(app core.App) {
	for collection, fields := range boundedAmounts {
		app.OnRecordValidate(collection).BindFunc(func(e *core.RecordEvent) error {
			errs := validation.Errors{}
			for _, f := range fields {
				// note: compared as a float, as stored, so 1e19 cannot wrap around int64.
				if v := e.Record.GetFloat(f); v > float64(money.MaxAmount) || v < -float64(money.MaxAmount) {
					errs[f] = validation.NewError("validation_amount_too_large", money.ErrTooLarge.Error())
				}
			}
			if len(errs) > 0 {
				return errs
			}
			return e.Next()
		})
	}
}
