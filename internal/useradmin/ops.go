package useradmin

import (
	"errors"
	"fmt"
	"time"

	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/core"

	"teamfund/internal/access"
	"teamfund/internal/audit"
	"teamfund/internal/company"
	"teamfund/internal/member"
	"teamfund/internal/realtime"
	"teamfund/internal/team"
	"teamfund/internal/webhook"
)

// Op kinds: the actions that exist singly and in bulk.
const (
	OpRole       = "role"
	OpTeam       = "team"
	OpDeactivate = "deactivate"
	OpReactivate = "reactivate"
)

// Op is one user action: change role, change team, deactivate or reactivate.
type Op struct {
	Kind   string      `json:"action" form:"action"`
	Role   member.Role `json:"role" form:"role"`
	TeamID string      `json:"team" form:"team"` // "" = no team
}

// batch carries what the rows of one (bulk) action share while they are checked.
type batch struct {
	reactivating int
}

// check says whether op may be applied to target, without writing anything.
func (op Op) check(app core.App, actor, target *member.Member, b *batch) error {
	switch op.Kind {
	case OpRole:
		if op.Role == member.RoleOwner {
			return ErrOwnerByTransfer
		}
		if !op.Role.Valid() {
			return ErrInvalidRole
		}
		if err := checkTarget(actor, target, access.ChangeRole); err != nil {
			return err
		}
		if actor.Role() == member.RoleManager && (op.Role.IsAdmin() || target.Role().IsAdmin()) {
			return ErrManagerRoles
		}
		// An admin who demoted another admin could then reset that person's password
		// (access.MayActOnAccount): only the owner changes an admin's role.
		if target.Role() == member.RoleAdmin && actor.Role() != member.RoleOwner {
			return ErrAdminRoles
		}
		return nil
	case OpTeam:
		if err := access.Check(actor, access.ChangeTeam, target.TeamID()); err != nil {
			return err
		}
		if err := access.Check(actor, access.ChangeTeam, op.TeamID); err != nil {
			return err
		}
		if target.Role() == member.RoleOwner && actor.Role() != member.RoleOwner {
			return ErrNotOwnerTarget
		}
		if op.TeamID != "" {
			if _, err := team.Find(app, op.TeamID); err != nil {
				return ErrUnknownTeam
			}
		}
		return nil
	case OpDeactivate:
		return checkTarget(actor, target, access.LockUser)
	case OpReactivate:
		if err := checkTarget(actor, target, access.LockUser); err != nil {
			return err
		}
		if target.Active() {
			return nil
		}
		b.reactivating++
		return checkSeats(app, b.reactivating)
	}
	return ErrInvalidOp
}

// checkSeats refuses when n more active users would exceed the company's seat limit
// (active users plus pending, unexpired invites).
func checkSeats(app core.App, n int) error {
	c, err := company.Load(app)
	if err != nil || c.SeatLimit() == 0 {
		return err
	}
	var used int
	err = app.DB().NewQuery(`SELECT
		(SELECT COUNT(*) FROM users WHERE status = 'active') +
		(SELECT COUNT(*) FROM invites WHERE status = 'pending' AND expires > {:now})`).
		Bind(dbx.Params{"now": time.Now().UTC().Format("2006-01-02 15:04:05.000Z")}).Row(&used)
	if err != nil {
		return err
	}
	if used+n > c.SeatLimit() {
		return ErrSeatLimit
	}
	return nil
}

// apply writes op on target (already checked) and audits it; tx is the transaction's app.
func (op Op) apply(tx core.App, actor, target *member.Member) error {
	switch op.Kind {
	case OpTeam:
		return team.MoveMember(tx, actor, target.Id, op.TeamID)
	case OpRole:
		if target.Role() == op.Role {
			return nil
		}
		return save(tx, actor, target, "user.role", func(u *member.Member) { u.Set("role", string(op.Role)) })
	case OpDeactivate:
		if !target.Active() {
			return nil
		}
		realtime.Disconnect(tx, target.Id)
		err := save(tx, actor, target, "user.deactivate", func(u *member.Member) {
			u.Set("status", member.StatusDeactivated)
			// Every session token of the user is signed with the token key: a new key
			// ends them all at once (cookie and bearer alike); open event streams close
			// after the commit.
			u.RefreshTokenKey()
		})
		if err != nil {
			return err
		}
		return webhook.Emit(tx, webhook.Event{Type: webhook.UserDeactivated, TeamID: target.TeamID(), Data: map[string]any{
			"user": target.Id, "email": target.Email(), "name": target.Name(), "team": target.TeamID(), "by": actor.Email()}})
	case OpReactivate:
		if target.Active() {
			return nil
		}
		return save(tx, actor, target, "user.reactivate", func(u *member.Member) { u.Set("status", member.StatusActive) })
	}
	return ErrInvalidOp
}

// save changes target with change, saves it and audits before/after under action.
func save(tx core.App, actor, target *member.Member, action string, change func(*member.Member)) error {
	before := snapshot(target)
	change(target)
	if err := tx.Save(target); err != nil {
		return err
	}
	return audit.Record(tx, actor, audit.Entry{Action: action, TargetType: "user", TargetID: target.Id,
		TargetLabel: target.Email(), Before: before, After: snapshot(target)})
}

// Apply performs op on one user in one transaction.
func Apply(app core.App, actor *member.Member, userID string, op Op) error {
	return app.RunInTransaction(func(tx core.App) error {
		target, err := findUser(tx, userID)
		if err != nil {
			return err
		}
		if err := op.check(tx, actor, target, &batch{}); err != nil {
			return err
		}
		return op.apply(tx, actor, target)
	})
}

// Refusal is a selected row that a rule refused, with the reason.
type Refusal struct {
	UserID string `json:"id"`
	Email  string `json:"email"`
	Reason string `json:"reason"`
	Err    error  `json:"-"`
}

// RefusedError is returned by Bulk when any row was refused; nothing was written.
type RefusedError struct{ Rows []Refusal }

// Error says how many rows were refused; the rows themselves are in Rows.
func (e *RefusedError) Error() string {
	return fmt.Sprintf("%d of the selected users cannot be changed; nothing was changed", len(e.Rows))
}

// Bulk performs op on every user in ids, all or nothing: every row is checked first and,
// if any is refused, Bulk returns a *RefusedError listing them and writes nothing.
// Otherwise every row is written in one transaction.
func Bulk(app core.App, actor *member.Member, ids []string, op Op) (int, error) {
	switch op.Kind {
	case OpRole, OpTeam, OpDeactivate, OpReactivate:
	default:
		return 0, ErrInvalidOp
	}
	ids = dedupe(ids)
	if len(ids) == 0 {
		return 0, ErrNothingSelected
	}
	err := app.RunInTransaction(func(tx core.App) error {
		targets := make([]*member.Member, 0, len(ids))
		var refused []Refusal
		b := &batch{}
		for _, id := range ids {
			target, err := findUser(tx, id)
			if err != nil {
				if errors.Is(err, ErrUnknownUser) {
					refused = append(refused, Refusal{UserID: id, Reason: "no such user", Err: err})
					continue
				}
				return err
			}
			if err := op.check(tx, actor, target, b); err != nil {
				refused = append(refused, Refusal{UserID: id, Email: target.Email(), Reason: err.Error(), Err: err})
				continue
			}
			targets = append(targets, target)
		}
		if len(refused) > 0 {
			return &RefusedError{Rows: refused}
		}
		for _, target := range targets {
			if err := op.apply(tx, actor, target); err != nil {
				return fmt.Errorf("%s: %w", target.Email(), err)
			}
		}
		return nil
	})
	if err != nil {
		return 0, err
	}
	return len(ids), nil
}

func dedupe(ids []string) []string {
	seen := map[string]bool{}
	out := ids[:0:0]
	for _, id := range ids {
		if id != "" && !seen[id] {
			seen[id] = true
			out = append(out, id)
		}
	}
	return out
}
