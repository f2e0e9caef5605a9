package team_test

import (
	"errors"
	"testing"

	validation "github.com/pocketbase/ozzo-validation/v4"
	"github.com/pocketbase/pocketbase/core"

	"teamfund/internal/access"
	"teamfund/internal/ledger"
	"teamfund/internal/money"
	"teamfund/internal/team"
	"teamfund/internal/testutil"
)

func TestMain(m *testing.M) { testutil.Main(m) }

func give(t *testing.T, app core.App, id string, c money.Cents) {
	t.Helper()
	if _, err := ledger.Post(app, ledger.Entry{Account: id, Amount: c, Kind: ledger.KindGrant, Reason: "test"}); err != nil {
		t.Fatal(err)
	}
}

func TestSettingsValidation(t *testing.T) {
	tests := []struct {
		name  string
		in    team.Input
		field string // "" = valid
	}{
		{"one-time team with a name is fine", team.Input{Name: "Gamma"}, ""},
		{"name is required", team.Input{Name: "  "}, "name"},
		{"monthly needs a limit", team.Input{Name: "G", BudgetMode: team.ModeMonthly}, "monthly_limit"},
		{"negative threshold", team.Input{Name: "G", ApprovalThreshold: -1}, "approval_threshold"},
		{"cap below the limit", team.Input{Name: "G", BudgetMode: team.ModeMonthly, MonthlyLimit: 1000, RolloverCap: 500}, "rollover_cap"},
		{"unknown mode", team.Input{Name: "G", BudgetMode: "weekly"}, "budget_mode"},
		{"unknown rule", team.Input{Name: "G", MonthRule: "burn"}, "month_rule"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := tt.in.Validate()
			var verrs validation.Errors
			switch {
			case tt.field == "" && err != nil:
				t.Errorf("got %v, want valid", err)
			case tt.field != "" && (!errors.As(err, &verrs) || verrs[tt.field] == nil):
				t.Errorf("got %v, want an error on %s", err, tt.field)
			}
		})
	}
}

func TestCreateUpdateAndAccess(t *testing.T) {
	f := testutil.Fixtures(t)
	app := testutil.NewApp(t)
	defer app.Cleanup()
	if _, err := team.Create(app, testutil.Member(t, app, f.ID("managerA")), team.Input{Name: "Gamma"}); !errors.Is(err, access.ErrForbidden) {
		t.Errorf("manager created a team: %v", err)
	}
	g, err := team.Create(app, testutil.Member(t, app, f.ID("admin")), team.Input{Name: "Gamma", Description: "new"})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := team.Create(app, testutil.Member(t, app, f.ID("admin")), team.Input{Name: "gamma"}); err == nil {
		t.Error("a second team named gamma (any case) was created")
	}
	if _, err := team.Update(app, testutil.Member(t, app, f.ID("managerA")), g.Id, team.Input{Name: "Gamma 2"}); !errors.Is(err, access.ErrForbidden) {
		t.Errorf("manager of another team renamed it: %v", err)
	}
	in := team.InputOf(who2(t, app, f.ID("alpha")))
	in.Name, in.LeaveNeedsApproval = "Alpha One", true
	if _, err := team.Update(app, testutil.Member(t, app, f.ID("managerA")), f.ID("alpha"), in); err != nil {
		t.Fatal(err)
	}
	if a := who2(t, app, f.ID("alpha")); a.Name() != "Alpha One" || !a.LeaveNeedsApproval() || a.MonthlyLimit() != 10000 {
		t.Errorf("alpha after update: %s %v %d", a.Name(), a.LeaveNeedsApproval(), a.MonthlyLimit())
	}
}

func who2(t *testing.T, app core.App, id string) *team.Team {
	t.Helper()
	tm, err := team.Find(app, id)
	if err != nil {
		t.Fatal(err)
	}
	return tm
}

func TestDeleteReturnsBalancesAndKeepsHistory(t *testing.T) {
	f := testutil.Fixtures(t)
	app := testutil.NewApp(t)
	defer app.Cleanup()
	give(t, app, f.ID("memberA"), 3000)
	give(t, app, f.ID("managerA"), 500)
	if err := team.Delete(app, testutil.Member(t, app, f.ID("admin")), f.ID("alpha")); !errors.Is(err, access.ErrForbidden) {
		t.Errorf("admin deleted a team: %v", err)
	}
	if err := team.Delete(app, testutil.Member(t, app, f.ID("owner")), f.ID("alpha")); err != nil {
		t.Fatal(err)
	}
	for _, k := range []string{"memberA", "managerA", "memberA2", "locked"} {
		if u := testutil.Member(t, app, f.ID(k)); u.TeamID() != "" || u.Balance() != 0 {
			t.Errorf("%s: team %q balance %d, want teamless and 0", k, u.TeamID(), u.Balance())
		}
	}
	n, _ := app.CountRecords(ledger.Collection)
	if n != 4 {
		t.Errorf("ledger has %d rows, want 2 grants + 2 returns kept", n)
	}
	if co, _ := ledger.CompanyBalance(app); co != 0 {
		t.Errorf("company balance %d, want 0", co)
	}
	if bad, _ := ledger.Reconcile(app); len(bad) > 0 {
		t.Errorf("reconcile: %v", bad)
	}
}

func TestAddAndRemoveMembers(t *testing.T) {
	f := testutil.Fixtures(t)
	tests := []struct {
		name         string
		actor, user  string
		add          bool
		team         string
		want         error
		wantTeamOfUs string // team key after, "" teamless
	}{
		{"manager adds a teamless user to their team", "managerA", "loner", true, "alpha", nil, "alpha"},
		{"manager cannot pull someone out of another team", "managerA", "memberB", true, "alpha", access.ErrForbidden, "beta"},
		{"manager cannot add to another team", "managerA", "loner", true, "beta", access.ErrForbidden, ""},
		{"admin moves a member between teams", "admin", "memberB", true, "alpha", nil, "alpha"},
		{"member cannot add people", "memberA", "loner", true, "alpha", access.ErrForbidden, ""},
		{"deactivated users are not added", "admin", "locked", true, "beta", team.ErrInactiveUser, "alpha"},
		{"manager removes a teammate", "managerA", "memberA", false, "alpha", nil, ""},
		{"manager cannot remove from another team", "managerA", "memberB", false, "beta", access.ErrForbidden, "beta"},
		{"removing a non-member is refused", "admin", "memberB", false, "alpha", team.ErrNotMember, "beta"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			app := testutil.NewApp(t)
			defer app.Cleanup()
			give(t, app, f.ID(tt.user), 900)
			actor := testutil.Member(t, app, f.ID(tt.actor))
			var err error
			if tt.add {
				err = team.AddMember(app, actor, f.ID(tt.team), f.ID(tt.user))
			} else {
				err = team.RemoveMember(app, actor, f.ID(tt.team), f.ID(tt.user))
			}
			if !errors.Is(err, tt.want) {
				t.Fatalf("got %v, want %v", err, tt.want)
			}
			u := testutil.Member(t, app, f.ID(tt.user))
			wantTeam := ""
			if tt.wantTeamOfUs != "" {
				wantTeam = f.ID(tt.wantTeamOfUs)
			}
			if u.TeamID() != wantTeam {
				t.Errorf("team %q, want %q", u.TeamID(), wantTeam)
			}
			// Success returns the balance to the company; joining the monthly team Alpha then
			// brings the month's 100.00 at once (budget.GrantOnJoin).
			wantBal := money.Cents(900)
			if tt.want == nil {
				wantBal = 0
				if tt.add && tt.wantTeamOfUs == "alpha" {
					wantBal = 10000
				}
			}
			if u.Balance() != wantBal {
				t.Errorf("balance %d, want %d", u.Balance(), wantBal)
			}
			if bad, _ := ledger.Reconcile(app); len(bad) > 0 {
				t.Errorf("reconcile: %v", bad)
			}
		})
	}
}

func TestListAndSearch(t *testing.T) {
	f := testutil.Fixtures(t)
	app := testutil.NewApp(t)
	defer app.Cleanup()
	give(t, app, f.ID("memberA"), 1000)
	give(t, app, f.ID("memberA2"), 250)
	rows, err := team.List(app, testutil.Member(t, app, f.ID("admin")), "")
	if err != nil || len(rows) != 2 || rows[0].Name != "Alpha" || rows[0].Members != 4 || rows[0].TotalBalance != 1250 || rows[1].Members != 2 {
		t.Errorf("admin list: %+v %v", rows, err)
	}
	rows, _ = team.List(app, testutil.Member(t, app, f.ID("admin")), "BEA")
	if len(rows) != 1 || rows[0].Name != "Beta" {
		t.Errorf("search by first name: %+v", rows)
	}
	rows, _ = team.List(app, testutil.Member(t, app, f.ID("admin")), "member.a2@")
	if len(rows) != 1 || rows[0].Name != "Alpha" {
		t.Errorf("search by email: %+v", rows)
	}
	rows, _ = team.List(app, testutil.Member(t, app, f.ID("memberB")), "")
	if len(rows) != 1 || rows[0].Name != "Beta" {
		t.Errorf("member sees only their team: %+v", rows)
	}
	rows, _ = team.List(app, testutil.Member(t, app, f.ID("loner")), "")
	if len(rows) != 0 {
		t.Errorf("teamless member sees %+v", rows)
	}
}

func TestDeleteKeepsSendsAndInvites(t *testing.T) {
	f := testutil.Fixtures(t)
	app := testutil.NewApp(t)
	defer app.Cleanup()
	sends, _ := app.FindCollectionByNameOrId("sends")
	s := core.NewRecord(sends)
	s.Load(map[string]any{"sender": f.ID("memberA"), "team": f.ID("alpha"), "recipient_name": "R", "recipient_email": "r@x.com", "cost": 100, "status": "sent"})
	invites, _ := app.FindCollectionByNameOrId("invites")
	inv := core.NewRecord(invites)
	inv.Load(map[string]any{"email": "new@acme.com", "role": "member", "team": f.ID("alpha"), "status": "pending", "expires": "2099-01-01 00:00:00.000Z"})
	for _, r := range []*core.Record{s, inv} {
		if err := app.Save(r); err != nil {
			t.Fatal(err)
		}
	}
	if err := team.Delete(app, testutil.Member(t, app, f.ID("owner")), f.ID("alpha")); err != nil {
		t.Fatal(err)
	}
	s2, err := app.FindRecordById("sends", s.Id)
	if err != nil || s2.GetString("team") != "" {
		t.Errorf("send after team deletion: %v team %q, want kept and teamless", err, s2.GetString("team"))
	}
	inv2, err := app.FindRecordById("invites", inv.Id)
	if err != nil || inv2.GetString("team") != "" {
		t.Errorf("invite after team deletion: %v, want kept and teamless", err)
	}
}
