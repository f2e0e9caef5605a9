// Package transfer moves money between people: transfers between teammates (immediate,
// from one's own balance), requests for money that wait for the giver's answer, and
// admin moves between any two users without consent. Balances change only through
// internal/ledger; every step is audited in the same transaction.
package transfer

import (
	"strings"

	validation "github.com/pocketbase/ozzo-validation/v4"
	"github.com/pocketbase/pocketbase/core"

	"teamfund/internal/access"
	"teamfund/internal/audit"
	"teamfund/internal/ledger"
	"teamfund/internal/member"
	"teamfund/internal/money"
	"teamfund/internal/webhook"
)

// Result is what a money movement wrote.
type Result struct {
	Ref         string      `json:"ref"`
	FromBalance money.Cents `json:"from_balance"`
	ToBalance   money.Cents `json:"to_balance"`
}

// Send moves amount from the actor's own balance to a teammate, at once.
func Send(app core.App, actor *member.Member, toID string, amount money.Cents, reason string) (Result, error) {
	if err := access.Check(actor, access.Transfer, actor.TeamID()); err != nil {
		return Result{}, err
	}
	var out Result
	err := app.RunInTransaction(func(tx core.App) error {
		to, err := teammate(tx, actor, toID)
		if err != nil {
			return err
		}
		out, err = move(tx, actor, actor.Id, to, amount, reason, "transfer:"+core.GenerateDefaultRandomId())
		if err != nil {
			return err
		}
		return audit.Record(tx, actor, audit.Entry{Action: "money.transfer", TargetType: "user", TargetID: to.Id,
			TargetLabel: to.Email(), After: map[string]any{"from": actor.Email(), "amount": int64(amount), "reason": reason}})
	})
	return out, err
}

// AdminMove moves amount between any two users without their consent (owner and admins).
func AdminMove(app core.App, actor *member.Member, fromID, toID string, amount money.Cents, reason string) (Result, error) {
	if err := access.Check(actor, access.MoveAnyMoney, ""); err != nil {
		return Result{}, err
	}
	if strings.TrimSpace(reason) == "" {
		return Result{}, ErrReasonRequired
	}
	if fromID == toID {
		return Result{}, ErrSelf
	}
	var out Result
	err := app.RunInTransaction(func(tx core.App) error {
		from, err := member.Find(tx, fromID)
		if err != nil {
			return ledger.ErrUnknownAccount
		}
		to, err := member.Find(tx, toID)
		if err != nil {
			return ledger.ErrUnknownAccount
		}
		out, err = move(tx, actor, from.Id, to, amount, reason, "move:"+core.GenerateDefaultRandomId())
		if err != nil {
			return err
		}
		return audit.Record(tx, actor, audit.Entry{Action: "money.move", TargetType: "user", TargetID: to.Id,
			TargetLabel: to.Email(), After: map[string]any{"from": from.Email(), "to": to.Email(), "amount": int64(amount), "reason": reason}})
	})
	return out, err
}

// move debits fromID and credits to with a pair of transfer entries sharing ref.
func move(tx core.App, actor *member.Member, fromID string, to *member.Member, amount money.Cents, reason, ref string) (Result, error) {
	if amount <= 0 {
		return Result{}, ledger.ErrZeroAmount
	}
	if err := money.Check(amount); err != nil {
		return Result{}, validation.Errors{"amount": err}
	}
	if fromID == to.Id {
		return Result{}, ErrSelf
	}
	debit, err := ledger.Post(tx, ledger.Entry{Account: fromID, Amount: -amount, Kind: ledger.KindTransferOut,
		Reason: reason, Actor: actor, Ref: ref})
	if err != nil {
		return Result{}, err
	}
	credit, err := ledger.Post(tx, ledger.Entry{Account: to.Id, Amount: amount, Kind: ledger.KindTransferIn,
		Reason: reason, Actor: actor, Ref: ref})
	if err != nil {
		return Result{}, err
	}
	kind, _, _ := strings.Cut(ref, ":")
	var also string
	if debit.Team != to.TeamID() {
		also = debit.Team // an admin's move between two teams concerns both
	}
	err = webhook.Emit(tx, webhook.Event{Type: webhook.MoneyMoved, TeamID: to.TeamID(), AlsoTeamID: also, Data: map[string]any{
		"kind": kind, "ref": ref, "from": fromID, "from_team": debit.Team, "to": to.Id, "to_email": to.Email(),
		"amount": int64(amount), "reason": reason, "actor": actor.Email()}})
	if err != nil {
		return Result{}, err
	}
	return Result{Ref: ref, FromBalance: debit.BalanceAfter, ToBalance: credit.BalanceAfter}, nil
}

// teammate loads id and checks it is an active member of actor's team other than actor.
func teammate(app core.App, actor *member.Member, id string) (*member.Member, error) {
	if id == actor.Id {
		return nil, ErrSelf
	}
	m, err := member.Find(app, id)
	if err != nil || !actor.InTeam(m.TeamID()) {
		return nil, ErrNotTeammate
	}
	if !m.Active() {
		return nil, ErrInactive
	}
	return m, nil
}
