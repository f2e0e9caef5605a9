package member

import (
	"database/sql"
	"errors"

	"github.com/pocketbase/dbx"
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

// newTokenKey is SQL for a fresh token key: randomblob runs once per row, so every user
// gets their own 200-bit key, in the 50-character alphabet of PocketBase's own keys. One
// UPDATE signs out thousands at once, without a record hook or an audit entry per user.
const newTokenKey = "tokenKey = lower(hex(randomblob(25)))"

// EndSessionsOfAllButOwner ends every session of every user but the owner: each gets a new
// token key, and their open event streams close after the commit. Single sign-on becoming
// required uses it: a token does not record how its session started, so everyone it now
// covers signs in again, through the provider.
func EndSessionsOfAllButOwner(app core.App) error {
	var ownerID string
	err := app.DB().Select("id").From(Collection).Where(dbxRoleIs(RoleOwner)).Limit(1).Row(&ownerID)
	if err != nil && !errors.Is(err, sql.ErrNoRows) {
		return err
	}
	_, err = app.DB().NewQuery("UPDATE " + Collection + " SET " + newTokenKey + " WHERE role != {:owner}").
		Bind(dbx.Params{"owner": string(RoleOwner)}).Execute()
	if err != nil {
		return err
	}
	realtime.DisconnectAllBut(app, ownerID)
	return nil
}

// EndSessions ends every session of one user (a new token key, their event streams closed
// after the commit), for changes written with SQL that BindSessionEnd does not see.
func EndSessions(app core.App, userID string) error {
	_, err := app.DB().NewQuery("UPDATE " + Collection + " SET " + newTokenKey + " WHERE id = {:id}").
		Bind(dbx.Params{"id": userID}).Execute()
	if err != nil {
		return err
	}
	realtime.Disconnect(app, userID)
	return nil
}
