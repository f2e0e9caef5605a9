// Package leave lets a member leave their team: at once, or through a request that a
// manager of the team or an admin approves or declines when the team requires approval.
package leave

import (
	"database/sql"
	"errors"

	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tools/types"

	"teamfund/internal/access"
	"teamfund/internal/audit"
	"teamfund/internal/member"
	"teamfund/internal/notify"
	"teamfund/internal/team"
)

// Collection holds leave requests.
const Collection = "leave_requests"

// Request statuses.
const (
	StatusPending  = "pending"
	StatusApproved = "approved"
	StatusDeclined = "declined"
)

// Errors a user can act on.
var (
	ErrNoTeam         = errors.New("you are not in a team")
	ErrAlreadyPending = errors.New("you already asked to leave this team; a manager will decide")
	ErrUnknownRequest = errors.New("no such leave request")
	ErrDecided        = errors.New("this leave request was already decided")
	ErrOwnRequest     = errors.New("nobody decides their own leave request")
)

// Outcome says what Leave did.
type Outcome struct {
	Left      bool   // the user is out of the team
	RequestID string // the pending request, when the team requires approval
}

// Leave takes actor out of their team, returning their balance to the company; when the
// team requires approval it files a pending request instead.
func Leave(app core.App, actor *member.Member) (Outcome, error) {
	var out Outcome
	err := app.RunInTransaction(func(tx core.App) error {
		u, err := member.Find(tx, actor.Id)
		if err != nil {
			return err
		}
		teamID := u.TeamID()
		if teamID == "" {
			return ErrNoTeam
		}
		if err := access.Check(u, access.LeaveTeam, teamID); err != nil {
			return err
		}
		t, err := team.Find(tx, teamID)
		if err != nil {
			return err
		}
		if !t.LeaveNeedsApproval() {
			out.Left = true
			return team.MoveMember(tx, u, u.Id, "")
		}
		var n int
		if err := tx.DB().Select("COUNT(*)").From(Collection).
			Where(dbx.HashExp{"user": u.Id, "team": teamID, "status": StatusPending}).Row(&n); err != nil {
			return err
		}
		if n > 0 {
			return ErrAlreadyPending
		}
		col, err := tx.FindCachedCollectionByNameOrId(Collection)
		if err != nil {
			return err
		}
		r := core.NewRecord(col)
		r.Set("user", u.Id)
		r.Set("team", teamID)
		r.Set("status", StatusPending)
		if err := tx.Save(r); err != nil {
			return err
		}
		out.RequestID = r.Id
		err = audit.Record(tx, u, audit.Entry{Action: "leave.request", TargetType: "team", TargetID: teamID,
			TargetLabel: t.Name(), After: map[string]any{"request": r.Id, "user": u.Email()}})
		if err != nil {
			return err
		}
		return notify.ApprovalWaiting(tx, notify.Approval{TeamID: teamID, RequesterID: u.Id,
			What: u.Name() + "'s request to leave " + t.Name(), Path: "/approvals/leave"})
	})
	return out, err
}

// Withdraw deletes actor's pending request to leave their team (they changed their mind)
// and audits it; ErrUnknownRequest when there is none.
func Withdraw(app core.App, actor *member.Member) error {
	return app.RunInTransaction(func(tx core.App) error {
		r, err := tx.FindFirstRecordByFilter(Collection, "user = {:user} && status = {:status}",
			dbx.Params{"user": actor.Id, "status": StatusPending})
		if errors.Is(err, sql.ErrNoRows) {
			return ErrUnknownRequest
		}
		if err != nil {
			return err
		}
		if err := tx.Delete(r); err != nil {
			return err
		}
		return audit.Record(tx, actor, audit.Entry{Action: "leave.withdraw", TargetType: "team", TargetID: r.GetString("team"),
			TargetLabel: team.NameOf(tx, r.GetString("team")), Before: map[string]any{"request": r.Id, "status": StatusPending}})
	})
}

// Decide approves (the user leaves the team, balance returned) or declines a pending
// request: a manager of the team or an admin, never the requester.
func Decide(app core.App, actor *member.Member, requestID string, approve bool) error {
	return app.RunInTransaction(func(tx core.App) error {
		r, err := tx.FindRecordById(Collection, requestID)
		if errors.Is(err, sql.ErrNoRows) {
			return ErrUnknownRequest
		}
		if err != nil {
			return err
		}
		if err := access.Check(actor, access.DecideLeave, r.GetString("team")); err != nil {
			return err
		}
		if r.GetString("status") != StatusPending {
			return ErrDecided
		}
		userID := r.GetString("user")
		if userID == actor.Id {
			return ErrOwnRequest
		}
		status, action := StatusDeclined, "leave.decline"
		if approve {
			status, action = StatusApproved, "leave.approve"
		}
		r.Set("status", status)
		r.Set("decided_by", actor.Id)
		r.Set("decided_at", types.NowDateTime())
		if err := tx.Save(r); err != nil {
			return err
		}
		label := ""
		if u, err := member.Find(tx, userID); err == nil {
			label = u.Email()
		}
		if err := audit.Record(tx, actor, audit.Entry{Action: action, TargetType: "user", TargetID: userID,
			TargetLabel: label, Before: map[string]any{"status": StatusPending, "team": r.GetString("team")},
			After: map[string]any{"status": status, "request": r.Id}}); err != nil {
			return err
		}
		if !approve {
			return nil
		}
		// Every move goes through team.MoveMember, which fulfils pending requests, so a
		// pending request means the user is still in its team; check anyway.
		if u, err := member.Find(tx, userID); err != nil || u.TeamID() != r.GetString("team") {
			return err
		}
		return team.MoveMember(tx, actor, userID, "")
	})
}

// Row is one leave request as listed on the approvals page.
type Row struct {
	ID        string `db:"id" json:"id"`
	UserID    string `db:"user" json:"user"`
	Email     string `db:"email" json:"email"`
	Name      string `db:"name" json:"name"`
	Balance   int64  `db:"balance" json:"balance"`
	TeamID    string `db:"team" json:"team"`
	TeamName  string `db:"team_name" json:"team_name"`
	Status    string `db:"status" json:"status"`
	Created   string `db:"created" json:"created"`
	DecidedBy string `db:"decided_by_email" json:"decided_by"`
}

// List returns leave requests viewer may decide or see, newest first: admins every team,
// managers their team, anyone else their own. status "" lists every status.
func List(app core.App, viewer *member.Member, status string, limit int) ([]Row, error) {
	q := app.DB().Select("l.id", "l.user", "COALESCE(u.email, '') AS email", "COALESCE(u.name, '') AS name",
		"COALESCE(u.balance, 0) AS balance", "l.team", "COALESCE(t.name, '') AS team_name", "l.status", "l.created",
		"COALESCE(d.email, '') AS decided_by_email").
		From(Collection+" l").
		LeftJoin(member.Collection+" u", dbx.NewExp("u.id = l.user")).
		LeftJoin("teams t", dbx.NewExp("t.id = l.team")).
		LeftJoin(member.Collection+" d", dbx.NewExp("d.id = l.decided_by")).
		OrderBy("l.created DESC").Limit(int64(limit))
	switch {
	case viewer.Role().IsAdmin():
	case viewer.Role() == member.RoleManager && viewer.TeamID() != "":
		q = q.Where(dbx.HashExp{"l.team": viewer.TeamID()})
	default:
		q = q.Where(dbx.HashExp{"l.user": viewer.Id})
	}
	if status != "" {
		q = q.AndWhere(dbx.HashExp{"l.status": status})
	}
	out := []Row{}
	err := q.All(&out)
	return out, err
}
