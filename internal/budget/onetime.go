package budget

import (
	"errors"
	"fmt"
	"strings"

	"github.com/pocketbase/dbx"
	validation "github.com/pocketbase/ozzo-validation/v4"
	"github.com/pocketbase/pocketbase/core"

	"teamfund/internal/access"
	"teamfund/internal/audit"
	"teamfund/internal/ledger"
	"teamfund/internal/member"
	"teamfund/internal/money"
	"teamfund/internal/realtime"
	"teamfund/internal/webhook"
)

// Errors of the one-time grants.
var (
	ErrReasonRequired  = errors.New("a reason is required")
	ErrNoChanges       = errors.New("choose at least one member and an amount")
	ErrRefused         = errors.New("nothing was changed")
	ErrSameMemberTwice = errors.New("each member may appear only once in a change; add the amounts up")
)

// Refusal is one member a team balance change could not apply to.
type Refusal struct {
	Email  string `json:"email"`
	Reason string `json:"reason"`
}

// RefusalError lists every refused member; the whole change was not applied.
type RefusalError struct{ Rows []Refusal }

func (e *RefusalError) Error() string {
	parts := make([]string, len(e.Rows))
	for i, r := range e.Rows {
		parts[i] = r.Email + ": " + r.Reason
	}
	return "Nothing was changed. " + strings.Join(parts, "; ") + "."
}

// PublicMessage is the text shown to the user (see web/errors.go).
func (e *RefusalError) PublicMessage() string { return e.Error() }

// Unwrap lets callers test errors.Is(err, ErrRefused).
func (e *RefusalError) Unwrap() error { return ErrRefused }

// GroupGrant gives every active member of a team the same amount in one action ("set group
// limits"), in set-based SQL so it stays fast for big teams.
func GroupGrant(app core.App, actor *member.Member, teamID string, amount money.Cents, reason string) (ledger.BatchResult, error) {
	if err := access.Check(actor, access.MoveTeamMoney, teamID); err != nil {
		return ledger.BatchResult{}, err
	}
	if amount <= 0 {
		return ledger.BatchResult{}, ledger.ErrZeroAmount
	}
	if err := money.Check(amount); err != nil {
		return ledger.BatchResult{}, validation.Errors{"amount": err}
	}
	reason = strings.TrimSpace(reason)
	var res ledger.BatchResult
	err := app.RunInTransaction(func(tx core.App) error {
		var t struct {
			Name string `db:"name"`
		}
		if err := tx.DB().NewQuery("SELECT name FROM teams WHERE id = {:id}").Bind(dbx.Params{"id": teamID}).One(&t); err != nil {
			return err
		}
		if reason == "" {
			reason = "Group limit for " + t.Name
		}
		var err error
		res, err = ledger.PostBatch(tx, ledger.Batch{
			Rows:      `SELECT id AS account, {:amount} AS amount FROM users WHERE team = {:team} AND status = 'active'`,
			Params:    dbx.Params{"amount": int64(amount), "team": teamID},
			Kind:      ledger.KindGrant,
			Reason:    reason,
			Actor:     actor,
			RefPrefix: "group:" + teamID,
		})
		if err != nil {
			return err
		}
		err = audit.Record(tx, actor, audit.Entry{Action: "money.group_grant", TargetType: "team", TargetID: teamID,
			TargetLabel: t.Name, After: map[string]any{"amount_each": int64(amount), "members": res.Entries,
				"total": int64(res.Total), "reason": reason}})
		if err != nil {
			return err
		}
		if res.Entries == 0 {
			return nil // nobody got money: nothing moved to announce
		}
		return webhook.Emit(tx, webhook.Event{Type: webhook.MoneyMoved, TeamID: teamID, Data: map[string]any{
			"kind": "group_grant", "team": teamID, "amount_each": int64(amount), "members": res.Entries,
			"total": int64(res.Total), "reason": reason, "actor": actor.Email()}})
	})
	if err != nil {
		return ledger.BatchResult{}, err
	}
	realtime.NotifyAll(app, realtime.BalanceChanged)
	return res, nil
}

// Change adds (positive) or removes (negative) money for one member.
type Change struct {
	UserID string      `json:"user"`
	Amount money.Cents `json:"amount"`
}

// AdjustBalances applies changes to chosen members of one team ("team account balances")
// with a reason, all or nothing: if any member is not in the team or a removal would take
// a balance below zero, a RefusalError lists them and nothing is written.
func AdjustBalances(app core.App, actor *member.Member, teamID string, changes []Change, reason string) error {
	if err := access.Check(actor, access.MoveTeamMoney, teamID); err != nil {
		return err
	}
	reason = strings.TrimSpace(reason)
	if reason == "" {
		return ErrReasonRequired
	}
	var todo []Change
	seen := map[string]bool{}
	for _, c := range changes {
		if seen[c.UserID] {
			return validation.Errors{"changes": ErrSameMemberTwice}
		}
		seen[c.UserID] = true
		if err := money.Check(c.Amount); err != nil {
			return validation.Errors{"changes": fmt.Errorf("each amount %w", err)}
		}
		if c.Amount != 0 {
			todo = append(todo, c)
		}
	}
	if len(todo) == 0 {
		return ErrNoChanges
	}
	return app.RunInTransaction(func(tx core.App) error {
		var refused []Refusal
		members := make([]*member.Member, len(todo))
		for i, c := range todo {
			m, err := member.Find(tx, c.UserID)
			switch {
			case err != nil:
				refused = append(refused, Refusal{Email: c.UserID, Reason: "no such user"})
			case m.TeamID() != teamID:
				refused = append(refused, Refusal{Email: m.Email(), Reason: "not in this team"})
			case m.Balance()+c.Amount < 0:
				refused = append(refused, Refusal{Email: m.Email(),
					Reason: "has only " + m.Balance().Decimal() + ", removing " + (-c.Amount).Decimal() + " would go below zero"})
			}
			members[i] = m
		}
		if len(refused) > 0 {
			return &RefusalError{Rows: refused}
		}
		for i, c := range todo {
			kind := ledger.KindGrant
			if c.Amount < 0 {
				kind = ledger.KindAdjust
			}
			if _, err := ledger.Post(tx, ledger.Entry{Account: c.UserID, Amount: c.Amount, Kind: kind, Reason: reason,
				Actor: actor, Ref: "team:" + teamID}); err != nil {
				return err
			}
			if err := audit.Record(tx, actor, audit.Entry{Action: "money.adjust", TargetType: "user", TargetID: c.UserID,
				TargetLabel: members[i].Email(),
				Before:      map[string]any{"balance": int64(members[i].Balance())},
				After:       map[string]any{"balance": int64(members[i].Balance() + c.Amount), "amount": int64(c.Amount), "reason": reason}}); err != nil {
				return err
			}
			if err := webhook.Emit(tx, webhook.Event{Type: webhook.MoneyMoved, TeamID: teamID, Data: map[string]any{
				"kind": "adjust", "team": teamID, "to": c.UserID, "to_email": members[i].Email(), "amount": int64(c.Amount),
				"reason": reason, "actor": actor.Email()}}); err != nil {
				return err
			}
		}
		return nil
	})
}
