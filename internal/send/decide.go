package send

import (
	"time"

	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/core"

	"teamfund/internal/access"
	"teamfund/internal/audit"
	"teamfund/internal/ledger"
	"teamfund/internal/member"
	"teamfund/internal/webhook"
)

// Approve turns a pending send into a sent one. Only a manager of the send's team or an
// admin may, and never for their own send. The money was debited when it was created.
func Approve(app core.App, actor *member.Member, id string) (*Send, error) {
	return decide(app, actor, id, StatusSent)
}

// Reject refuses a pending send: its cost is refunded and its item given back.
func Reject(app core.App, actor *member.Member, id string) (*Send, error) {
	return decide(app, actor, id, StatusRejected)
}

// Cancel lets the sender withdraw their own pending send: refunded like a reject.
func Cancel(app core.App, actor *member.Member, id string) (*Send, error) {
	return decide(app, actor, id, StatusCancelled)
}

func decide(app core.App, actor *member.Member, id string, to Status) (*Send, error) {
	var out *Send
	err := app.RunInTransaction(func(tx core.App) error {
		s, err := Find(tx, id)
		if err != nil {
			return err
		}
		if err := mayDecide(actor, s, to); err != nil {
			return err
		}
		if s.Status() != StatusPending {
			return ErrNotPending
		}
		s.Set("status", string(to))
		s.Set("decided_by", actor.Id)
		s.Set("decided_at", time.Now().UTC())
		if err := tx.Save(s); err != nil {
			return err
		}
		if to != StatusSent {
			if err := refund(tx, actor, s); err != nil {
				return err
			}
		}
		out = s
		err = audit.Record(tx, actor, audit.Entry{Action: "send." + verb(to), TargetType: "send", TargetID: s.Id,
			TargetLabel: s.TouchName() + " → " + s.RecipientEmail(),
			Before:      map[string]any{"status": string(StatusPending)},
			After:       map[string]any{"status": string(to), "cost": int64(s.Cost()), "sender": s.SenderEmail()}})
		if err != nil {
			return err
		}
		data := s.hookData()
		data["decided_by"] = actor.Email()
		return webhook.Emit(tx, webhook.Event{Type: hookEvents[to], TeamID: s.TeamID(), Data: data})
	})
	return out, err
}

// mayDecide: the sender cancels; a manager of the team or an admin approves or rejects,
// but not their own send.
func mayDecide(actor *member.Member, s *Send, to Status) error {
	if actor == nil || !actor.Active() {
		return access.ErrForbidden
	}
	if to == StatusCancelled {
		if s.SenderID() != actor.Id {
			return ErrNotSender
		}
		return nil
	}
	if err := access.Check(actor, access.DecideSend, s.TeamID()); err != nil {
		return err
	}
	if s.SenderID() == actor.Id {
		return ErrOwnSend
	}
	return nil
}

// refund gives a rejected or cancelled send's cost back. The money was held on the team
// the member sent from (the send's team), so the refund is booked there, whatever team the
// sender is in now. When they have moved or left since, that team's unused money would
// have gone back to the company at the move had it not been held (team.MoveMember), so it
// goes back now, booked on the same team: the member's balance does not change, and every
// team's statement balances with the money it really had (docs/MONEY.md).
func refund(tx core.App, actor *member.Member, s *Send) error {
	if err := returnItem(tx, s.TouchID()); err != nil {
		return err
	}
	if s.Cost() == 0 {
		return nil
	}
	posted, err := ledger.Post(tx, ledger.Entry{Account: s.SenderID(), Amount: s.Cost(), Kind: ledger.KindRefund,
		Reason: "Refund: " + s.TouchName() + " to " + s.RecipientEmail() + " " + string(s.Status()), Actor: actor,
		Ref: s.Ref(), Team: s.TeamID()})
	if err != nil || s.TeamID() == "" || posted.AccountTeam == s.TeamID() {
		return err
	}
	_, err = ledger.Post(tx, ledger.Entry{Account: s.SenderID(), Amount: -s.Cost(), Kind: ledger.KindReturn,
		Reason: "Refund returned to the company: held on a team the sender has left", Actor: actor,
		Ref: s.Ref(), Team: s.TeamID()})
	return err
}

func verb(to Status) string {
	switch to {
	case StatusSent:
		return "approve"
	case StatusRejected:
		return "reject"
	}
	return "cancel"
}

// PendingFor lists the pending sends approver may decide, oldest first: all for admins,
// their team's for managers, never their own.
func PendingFor(app core.App, approver *member.Member) ([]*Send, error) {
	where, ok := pendingWhere(approver)
	if !ok {
		return nil, nil
	}
	var recs []*core.Record
	if err := app.RecordQuery(Collection).AndWhere(where).OrderBy("created ASC").All(&recs); err != nil {
		return nil, err
	}
	out := make([]*Send, len(recs))
	for i, r := range recs {
		out[i] = Wrap(r)
	}
	return out, nil
}

// PendingCountFor is how many sends PendingFor lists, counted without loading them: the menu
// badge of every page shows it.
func PendingCountFor(app core.App, approver *member.Member) (int, error) {
	where, ok := pendingWhere(approver)
	if !ok {
		return 0, nil
	}
	var n int
	err := app.DB().Select("COUNT(*)").From(Collection).Where(where).Row(&n)
	return n, err
}

// pendingWhere is the condition of the sends approver may decide now (false: none).
func pendingWhere(approver *member.Member) (dbx.Expression, bool) {
	if approver == nil || !approver.Active() {
		return nil, false
	}
	mine := dbx.And(dbx.HashExp{"status": string(StatusPending)}, dbx.Not(dbx.HashExp{"sender": approver.Id}))
	switch {
	case approver.Role().IsAdmin():
		return mine, true
	case approver.Role() == member.RoleManager && approver.TeamID() != "":
		return dbx.And(mine, dbx.HashExp{"team": approver.TeamID()}), true
	}
	return nil, false
}

// hookEvents is the webhook event of each decision.
var hookEvents = map[Status]string{StatusSent: webhook.SendApproved, StatusRejected: webhook.SendRejected, StatusCancelled: webhook.SendCancelled}
