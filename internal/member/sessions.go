package member

import (
	"github.com/pocketbase/pocketbase/core"

	"teamfund/internal/realtime"
)

// BindSessionEnd ends every session of a user the moment they are deactivated or deleted,
// whoever does it: Teamfund's pages and JSON API, the records API, or a superuser editing
// the record in the dashboard. Auth tokens are signed with the user's token key, so a new
// key refuses every token issued before (bearer and cookie alike); open realtime
// connections (/api/realtime and the app's /events) are closed after the commit.
func BindSessionEnd(app core.App) {
	app.OnRecordUpdate(Collection).BindFunc(func(e *core.RecordEvent) error {
		status := e.Record.GetString("status")
		ending := status != StatusActive && e.Record.Original().GetString("status") != status
		if ending {
			e.Record.RefreshTokenKey()
		}
		if err := e.Next(); err != nil {
			return err
		}
		if ending {
			realtime.Disconnect(e.App, e.Record.Id)
		}
		return nil
	})
	app.OnRecordDelete(Collection).BindFunc(func(e *core.RecordEvent) error {
		if err := e.Next(); err != nil {
			return err
		}
		realtime.Disconnect(e.App, e.Record.Id)
		return nil
	})
}
