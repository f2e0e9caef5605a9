package access_test

import (
	"testing"

	"github.com/pocketbase/pocketbase/core"

	"teamfund/internal/access"
	"teamfund/internal/member"
)

// want lists, per action, whether each actor may act, in the column order:
// owner, admin, manager on own team, manager on other team, member on own team,
// member on other team, member with export permission on own team, deactivated admin.
var want = map[access.Action]string{
	access.ViewTeam:          "YYYNYNYN",
	access.CreateTeam:        "YYNNNNNN",
	access.EditTeam:          "YYYNNNNN",
	access.DeleteTeam:        "YNNNNNNN",
	access.ManageTeamMembers: "YYYNNNNN",
	access.ViewUsers:         "YYYNNNNN",
	access.InviteMember:      "YYYNNNNN",
	access.InviteStaff:       "YYNNNNNN",
	access.ManageInvites:     "YYYNNNNN",
	access.ChangeRole:        "YYYNNNNN",
	access.ChangeTeam:        "YYNNNNNN",
	access.LockUser:          "YYNNNNNN",
	access.DeleteUser:        "YYNNNNNN",
	access.ChangeEmail:       "YYNNNNNN",
	access.ResetPassword:     "YYNNNNNN",
	access.SetPermissions:    "YYYNNNNN",
	access.CompanySettings:   "YNNNNNNN",
	access.TransferOwnership: "YNNNNNNN",
	access.ExportEverything:  "YNNNNNNN",
	access.CloseCompany:      "YNNNNNNN",
	access.DecideLeave:       "YYYNNNNN",
	access.LeaveTeam:         "YYYNYNYN",
	access.MoveTeamMoney:     "YYYNNNNN",
	access.MoveAnyMoney:      "YYNNNNNN",
	access.RunAllocation:     "YYNNNNNN",
	access.Transfer:          "YYYNYNYN",
	access.DecideMoneyAsk:    "YYYNYNYN",
	access.ViewUsage:         "YYYNNNNN",
	access.ManageTouches:     "YYNNNNNN",
	access.AssignTouch:       "YYYNNNNN",
	access.SendTouch:         "YYYNYNYN",
	access.DecideSend:        "YYYNNNNN",
	access.ViewTeamRecords:   "YYYNNNNN",
	access.Export:            "YYYNNNYN",
	access.ViewAudit:         "YYNNNNNN",
	access.ViewOutbox:        "YYNNNNNN",
	access.ManageWebhooks:    "YYNNNNNN",
}

func user(role member.Role, team string, active, mayExport bool) *member.Member {
	col := core.NewAuthCollection(member.Collection)
	r := core.NewRecord(col)
	r.Set("role", string(role))
	r.Set("team", team)
	r.Set("may_export", mayExport)
	if active {
		r.Set("status", member.StatusActive)
	} else {
		r.Set("status", member.StatusDeactivated)
	}
	return member.Wrap(r)
}

func TestAccessMatrix(t *testing.T) {
	const own, other = "team-own", "team-other"
	actors := []struct {
		name   string
		who    *member.Member
		target string
	}{
		{"owner", user(member.RoleOwner, "", true, false), other},
		{"admin", user(member.RoleAdmin, "", true, false), other},
		{"manager/own team", user(member.RoleManager, own, true, false), own},
		{"manager/other team", user(member.RoleManager, own, true, false), other},
		{"member/own team", user(member.RoleMember, own, true, false), own},
		{"member/other team", user(member.RoleMember, own, true, false), other},
		{"member with export permission/own team", user(member.RoleMember, own, true, true), own},
		{"deactivated admin", user(member.RoleAdmin, "", false, false), own},
	}
	if len(want) != len(access.Actions()) {
		t.Fatalf("the test table has %d actions, the matrix %d: add a row for every new action", len(want), len(access.Actions()))
	}
	for action, row := range want {
		for i, a := range actors {
			got := access.Can(a.who, action, a.target)
			if exp := row[i] == 'Y'; got != exp {
				t.Errorf("%s may %s: got %v, want %v", a.name, action, got, exp)
			}
		}
	}
}

func TestTeamlessManagerHasNoOwnTeam(t *testing.T) {
	m := user(member.RoleManager, "", true, false)
	if access.Can(m, access.MoveTeamMoney, "") {
		t.Error("a teamless manager must not act on teamless targets as if they were a team")
	}
}

// TestWhoMayActOnWhoseAccount is the "who may reset whom" table: the owner acts on anyone,
// admins on managers and members, everyone on themselves.
func TestWhoMayActOnWhoseAccount(t *testing.T) {
	byRole := func(role member.Role, id string) *member.Member {
		u := user(role, "", true, false)
		u.Id = id
		return u
	}
	owner, admin, admin2 := byRole(member.RoleOwner, "o"), byRole(member.RoleAdmin, "a"), byRole(member.RoleAdmin, "a2")
	manager, mem := byRole(member.RoleManager, "m"), byRole(member.RoleMember, "u")
	gone := user(member.RoleOwner, "", false, false)
	gone.Id = "x"
	tests := []struct {
		name          string
		actor, target *member.Member
		want          bool
	}{
		{"owner on admin", owner, admin, true},
		{"owner on manager", owner, manager, true},
		{"owner on self", owner, owner, true},
		{"admin on owner", admin, owner, false},
		{"admin on another admin", admin, admin2, false},
		{"admin on self", admin, admin, true},
		{"admin on manager", admin, manager, true},
		{"admin on member", admin, mem, true},
		{"manager on member", manager, mem, false},
		{"member on self", mem, mem, true},
		{"member on admin", mem, admin, false},
		{"deactivated actor", gone, mem, false},
		{"nobody", nil, mem, false},
	}
	for _, tc := range tests {
		if got := access.MayActOnAccount(tc.actor, tc.target); got != tc.want {
			t.Errorf("%s: got %v, want %v", tc.name, got, tc.want)
		}
	}
}
