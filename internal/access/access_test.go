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
