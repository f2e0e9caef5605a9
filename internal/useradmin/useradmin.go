// Package useradmin holds what admins (and, inside their team, managers) do to users:
// role, team, lock, delete, ownership transfer, login email, password reset and data
// permissions, singly or in all-or-nothing bulk. Each action is a rule check (no write)
// and an apply step, so a bulk action checks every row before writing any.
package useradmin

import (
	"database/sql"
	"errors"

	"github.com/pocketbase/pocketbase/core"

	"teamfund/internal/access"
	"teamfund/internal/member"
	"teamfund/internal/team"
)

// Errors a user can act on.
var (
	ErrUnknownUser     = team.ErrUnknownUser
	ErrSelf            = errors.New("you cannot do this to your own account")
	ErrManagerRoles    = errors.New("managers can only switch people of their team between member and manager")
	ErrAdminRoles      = errors.New("only the owner can change an admin's role")
	ErrOwnerByTransfer = errors.New("ownership moves only by transfer ownership")
	ErrInvalidRole     = errors.New("unknown role")
	ErrUnknownTeam     = errors.New("no such team")
	ErrSuccessor       = errors.New("choose another, existing user to take over the sends")
	ErrEmailTaken      = errors.New("another user already has this email")
	ErrDomainMismatch  = errors.New("the company's domain rule requires an email at the same domain as yours")
	ErrInactive        = errors.New("this user is deactivated")
	ErrSeatLimit       = errors.New("the company's seat limit is reached")
	ErrNotOwnerTarget  = errors.New("only the owner can change the owner's account")
	ErrAccountGuarded  = errors.New("only the owner can reset the password or change the login email of an admin or the owner")
	ErrInvalidOp       = errors.New("unknown bulk action")
	ErrNothingSelected = errors.New("select at least one user")
)

func findUser(app core.App, id string) (*member.Member, error) {
	u, err := member.Find(app, id)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, ErrUnknownUser
	}
	return u, err
}

// checkTarget is the common part of every rule: actor may do action to target's team,
// target is not actor, and the owner is only touched by themselves.
func checkTarget(actor, target *member.Member, action access.Action) error {
	if err := access.Check(actor, action, target.TeamID()); err != nil {
		return err
	}
	if actor.Id == target.Id {
		return ErrSelf
	}
	if target.Role() == member.RoleOwner {
		return member.ErrOwnerProtected
	}
	return nil
}

// checkAccount is the rule for acting on target's sign-in (password reset, login email).
func checkAccount(actor, target *member.Member, action access.Action) error {
	if err := access.Check(actor, action, target.TeamID()); err != nil {
		return err
	}
	if !access.MayActOnAccount(actor, target) {
		return ErrAccountGuarded
	}
	return nil
}

// snapshot is a user's administrative state for audit before/after.
func snapshot(u *member.Member) map[string]any {
	return map[string]any{"email": u.Email(), "role": u.GetString("role"), "team": u.TeamID(),
		"status": u.GetString("status"), "may_export": u.GetBool("may_export"),
		"record_visibility": u.GetString("record_visibility")}
}
