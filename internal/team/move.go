package team

import (
	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tools/types"

	"teamfund/internal/audit"
	"teamfund/internal/budget"
	"teamfund/internal/ledger"
	"teamfund/internal/member"
	"teamfund/internal/transfer"
)

// MoveMember is THE one place where a user's team changes (add to a team, remove, move,
// leave, team deletion, bulk team change). Callers check access; MoveMember applies the
// money rule of SPEC "Changing or leaving a team": the unused balance returns to the
// company as a "return" entry (booked on the old team) before the team changes, pending
// leave requests of the user count as fulfilled, and the change is audited — all in one
// transaction (it joins the caller's). Moving a user to the team they are in does nothing.
func MoveMember(app core.App, actor *member.Member, userID, newTeamID string) error {
	return app.RunInTransaction(func(tx core.App) error {
		u, err := findUser(tx, userID)
		if err != nil {
			return err
		}
		oldTeamID := u.TeamID()
		if oldTeamID == newTeamID {
			return nil
		}
		newName := ""
		if newTeamID != "" {
			t, err := findTeam(tx, newTeamID)
			if err != nil {
				return err
			}
			newName = t.Name()
		}
		oldName := NameOf(tx, oldTeamID)
		returned := u.Balance()
		if returned > 0 {
			reason := "Left team " + oldName
			if oldTeamID == "" {
				reason = "Joined team " + newName
			} else if newTeamID != "" {
				reason = "Moved from team " + oldName + " to " + newName
			}
			if _, err := ledger.Post(tx, ledger.Entry{Account: userID, Amount: -returned, Kind: ledger.KindReturn,
				Reason: reason, Actor: actor}); err != nil {
				return err
			}
			// note: reload, the ledger changed the balance with SQL; saving the stale
			// record would write the old balance back (and trip member.ErrBalanceByHand).
			if u, err = findUser(tx, userID); err != nil {
				return err
			}
		}
		u.Set("team", newTeamID)
		if err := tx.Save(u); err != nil {
			return err
		}
		if oldTeamID != "" {
			if err := fulfilLeaveRequests(tx, actor, userID, oldTeamID); err != nil {
				return err
			}
			// Money requests are between teammates: open ones end with the membership.
			if _, err := transfer.CancelOpen(tx, userID); err != nil {
				return err
			}
		}
		// A member joining a monthly team gets the month's budget at once (at most one
		// monthly grant per member and month, whatever team).
		if err := budget.GrantOnJoin(tx, userID); err != nil {
			return err
		}
		// Before/after are the team and the unused balance (returned to the company); a
		// monthly join grant is its own ledger entry.
		after := map[string]any{"team": newTeamID, "team_name": newName, "balance": 0}
		if returned > 0 {
			after["returned"] = int64(returned)
		}
		return audit.Record(tx, actor, audit.Entry{Action: "user.team", TargetType: "user", TargetID: userID,
			TargetLabel: u.Email(),
			Before:      map[string]any{"team": oldTeamID, "team_name": oldName, "balance": int64(returned)},
			After:       after})
	})
}

// fulfilLeaveRequests marks the user's pending requests to leave oldTeamID approved: they
// are out of the team now, whoever moved them.
func fulfilLeaveRequests(app core.App, actor *member.Member, userID, oldTeamID string) error {
	decidedBy := ""
	if actor != nil {
		decidedBy = actor.Id
	}
	_, err := app.DB().Update("leave_requests",
		dbx.Params{"status": "approved", "decided_by": decidedBy, "decided_at": types.NowDateTime().String(),
			"updated": types.NowDateTime().String()},
		dbx.HashExp{"user": userID, "team": oldTeamID, "status": "pending"}).Execute()
	return err
}
