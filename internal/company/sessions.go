package company

import (
	"github.com/pocketbase/pocketbase/core"

	"teamfund/internal/member"
)

// BindSSOSessionEnd makes single sign-on required take effect at once: when the company
// record's sso_required turns on — on the settings page, through /api/tf/settings, or by a
// superuser in the dashboard — every session of everyone but the owner ends in the same
// transaction (member.EndSessionsOfAllButOwner). Password sign-in is refused to them from
// then on, so no password session of theirs is left to use or to renew with auth-refresh.
func BindSSOSessionEnd(app core.App) {
	app.OnRecordUpdate(Collection).BindFunc(func(e *core.RecordEvent) error {
		if !e.Record.GetBool("sso_required") || e.Record.Original().GetBool("sso_required") {
			return e.Next()
		}
		return e.App.RunInTransaction(func(tx core.App) error {
			e.App = tx
			if err := e.Next(); err != nil {
				return err
			}
			return member.EndSessionsOfAllButOwner(tx)
		})
	})
}
