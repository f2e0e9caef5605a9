// Package access is the one place that says which role may do what, and on which team.
// Every endpoint asks it before acting; the table test beside it is the product's
// access matrix.
package access

import (
	"errors"

	"teamfund/internal/member"
)

// Action is something a user asks Teamfund to do.
type Action string

// Actions. Keep this list and the table below in the same order.
const (
	ViewTeam          Action = "team.view"
	CreateTeam        Action = "team.create"
	EditTeam          Action = "team.edit" // rename, describe, settings
	DeleteTeam        Action = "team.delete"
	ManageTeamMembers Action = "team.members"
	ViewUsers         Action = "user.list"
	InviteMember      Action = "invite.member" // invite with role member
	InviteStaff       Action = "invite.staff"  // invite with role manager or admin
	ManageInvites     Action = "invite.manage" // resend, revoke, edit, delete, invite keys
	ChangeRole        Action = "user.role"
	ChangeTeam        Action = "user.team"
	LockUser          Action = "user.lock"
	DeleteUser        Action = "user.delete"
	ChangeEmail       Action = "user.email"
	ResetPassword     Action = "user.password_reset"
	SetPermissions    Action = "user.permissions"
	CompanySettings   Action = "company.settings"
	TransferOwnership Action = "company.transfer_ownership"
	ExportEverything  Action = "company.export_all"
	CloseCompany      Action = "company.close"
	DecideLeave       Action = "leave.decide"
	LeaveTeam         Action = "leave.file"
	MoveTeamMoney     Action = "money.team" // grant/remove within a team, set group limits
	MoveAnyMoney      Action = "money.any"  // move money between any users without consent
	RunAllocation     Action = "money.allocate"
	Transfer          Action = "money.transfer"
	DecideMoneyAsk    Action = "money.decide_request"
	ViewUsage         Action = "money.usage"
	ManageTouches     Action = "touch.manage"
	AssignTouch       Action = "touch.assign"
	SendTouch         Action = "send.create"
	DecideSend        Action = "send.decide"
	ViewTeamRecords   Action = "records.team"
	Export            Action = "export"
	ViewAudit         Action = "audit.view"
	ViewOutbox        Action = "outbox.view"
	ManageWebhooks    Action = "webhook.manage"
)

// Scope says where a role may act.
type Scope int

// Scopes, from none to everywhere.
const (
	Nowhere Scope = iota
	OwnTeam       // only on the team the actor belongs to
	AnyTeam
)

// grant is one row of the matrix: the scope per role.
type grant struct{ owner, admin, manager, member Scope }

var (
	ownerOnly   = grant{AnyTeam, Nowhere, Nowhere, Nowhere}
	adminsOnly  = grant{AnyTeam, AnyTeam, Nowhere, Nowhere}
	managersToo = grant{AnyTeam, AnyTeam, OwnTeam, Nowhere}
	everyone    = grant{AnyTeam, AnyTeam, OwnTeam, OwnTeam}
)

var matrix = map[Action]grant{
	ViewTeam:          everyone,
	CreateTeam:        adminsOnly,
	EditTeam:          managersToo,
	DeleteTeam:        ownerOnly,
	ManageTeamMembers: managersToo,
	ViewUsers:         managersToo,
	InviteMember:      managersToo,
	InviteStaff:       adminsOnly,
	ManageInvites:     managersToo,
	ChangeRole:        managersToo, // managers: only member <-> manager, inside their team (see useradmin)
	ChangeTeam:        adminsOnly,
	LockUser:          adminsOnly,
	DeleteUser:        adminsOnly,
	ChangeEmail:       adminsOnly,
	ResetPassword:     adminsOnly,
	SetPermissions:    managersToo,
	CompanySettings:   ownerOnly,
	TransferOwnership: ownerOnly,
	ExportEverything:  ownerOnly,
	CloseCompany:      ownerOnly,
	DecideLeave:       managersToo,
	LeaveTeam:         everyone,
	MoveTeamMoney:     managersToo,
	MoveAnyMoney:      adminsOnly,
	RunAllocation:     adminsOnly,
	Transfer:          everyone,
	DecideMoneyAsk:    everyone,
	ViewUsage:         managersToo,
	ManageTouches:     adminsOnly,
	AssignTouch:       managersToo,
	SendTouch:         everyone,
	DecideSend:        managersToo,
	ViewTeamRecords:   managersToo,
	Export:            everyone, // members additionally need the may-export permission (see Can)
	ViewAudit:         adminsOnly,
	ViewOutbox:        adminsOnly,
	ManageWebhooks:    adminsOnly,
}

// ErrForbidden is returned by Check; the web layer maps it to 403.
var ErrForbidden = errors.New("you are not allowed to do that")

// ScopeOf returns where actor's role may perform action.
func ScopeOf(role member.Role, action Action) Scope {
	g := matrix[action]
	switch role {
	case member.RoleOwner:
		return g.owner
	case member.RoleAdmin:
		return g.admin
	case member.RoleManager:
		return g.manager
	case member.RoleMember:
		return g.member
	}
	return Nowhere
}

// Can reports whether actor may perform action on something belonging to team targetTeam
// ("" = no team, e.g. a teamless user or a company-wide action). Deactivated users can do nothing.
func Can(actor *member.Member, action Action, targetTeam string) bool {
	if actor == nil || !actor.Active() {
		return false
	}
	if action == Export && !actor.MayExport() {
		return false
	}
	switch ScopeOf(actor.Role(), action) {
	case AnyTeam:
		return true
	case OwnTeam:
		return actor.InTeam(targetTeam)
	}
	return false
}

// Check is Can as an error, for handlers that return early.
func Check(actor *member.Member, action Action, targetTeam string) error {
	if !Can(actor, action, targetTeam) {
		return ErrForbidden
	}
	return nil
}

// MayActOnAccount reports whether actor may act on target's sign-in (send a password
// reset, change the login email, read a secret link in a message to them): the owner on
// anyone, admins on managers and members, everyone on their own account. It exists because
// whoever controls an account's mailbox or reset link controls the account: an admin who
// could reset another admin or the owner could sign in as them.
func MayActOnAccount(actor, target *member.Member) bool {
	if actor == nil || target == nil || !actor.Active() {
		return false
	}
	if actor.Id == target.Id {
		return true
	}
	switch actor.Role() {
	case member.RoleOwner:
		return true
	case member.RoleAdmin:
		return target.Role() == member.RoleManager || target.Role() == member.RoleMember
	}
	return false
}

// Actions lists every action in the matrix (for tests and docs).
func Actions() []Action {
	out := make([]Action, 0, len(matrix))
	for a := range matrix {
		out = append(out, a)
	}
	return out
}
