package useradmin_test

import (
	"errors"
	"strings"
	"testing"

	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tools/subscriptions"

	"teamfund/internal/ledger"
	"teamfund/internal/member"
	"teamfund/internal/money"
	"teamfund/internal/realtime"
	"teamfund/internal/testutil"
	"teamfund/internal/useradmin"
)

func TestMain(m *testing.M) { testutil.Main(m) }

func grant(t *testing.T, app core.App, id string, cents int64) {
	t.Helper()
	if _, err := ledger.Post(app, ledger.Entry{Account: id, Amount: money.Cents(cents), Kind: ledger.KindGrant, Reason: "test"}); err != nil {
		t.Fatal(err)
	}
}

func reconciled(t *testing.T, app core.App) {
	t.Helper()
	bad, err := ledger.Reconcile(app)
	if err != nil || len(bad) > 0 {
		t.Errorf("ledger does not reconcile: %v %v", bad, err)
	}
}

func auditCount(t *testing.T, app core.App, action string) int {
	t.Helper()
	n, err := app.CountRecords("audit_log", dbxAction(action))
	if err != nil {
		t.Fatal(err)
	}
	return int(n)
}

func TestSingleActionRules(t *testing.T) {
	f := testutil.Fixtures(t)
	tests := []struct {
		name   string
		actor  string
		target string
		op     useradmin.Op
		want   error
	}{
		{"admin makes a member a manager", "admin", "memberA", useradmin.Op{Kind: useradmin.OpRole, Role: member.RoleManager}, nil},
		{"admin cannot demote the owner", "admin", "owner", useradmin.Op{Kind: useradmin.OpRole, Role: member.RoleMember}, member.ErrOwnerProtected},
		{"nobody makes a second owner", "owner", "admin", useradmin.Op{Kind: useradmin.OpRole, Role: member.RoleOwner}, useradmin.ErrOwnerByTransfer},
		{"admin cannot lock the owner", "admin", "owner", useradmin.Op{Kind: useradmin.OpDeactivate}, member.ErrOwnerProtected},
		{"owner cannot lock themselves", "owner", "owner", useradmin.Op{Kind: useradmin.OpDeactivate}, useradmin.ErrSelf},
		{"manager promotes a teammate to manager", "managerA", "memberA", useradmin.Op{Kind: useradmin.OpRole, Role: member.RoleManager}, nil},
		{"manager cannot raise a teammate to admin", "managerA", "memberA", useradmin.Op{Kind: useradmin.OpRole, Role: member.RoleAdmin}, useradmin.ErrManagerRoles},
		{"manager cannot change another team's member", "managerA", "memberB", useradmin.Op{Kind: useradmin.OpRole, Role: member.RoleManager}, accessErr},
		{"manager cannot lock a teammate", "managerA", "memberA", useradmin.Op{Kind: useradmin.OpDeactivate}, accessErr},
		{"manager cannot move people between teams", "managerA", "memberA", useradmin.Op{Kind: useradmin.OpTeam, TeamID: ""}, accessErr},
		{"member cannot change roles", "memberA", "memberA2", useradmin.Op{Kind: useradmin.OpRole, Role: member.RoleManager}, accessErr},
		{"admin cannot move the owner", "admin", "owner", useradmin.Op{Kind: useradmin.OpTeam, TeamID: f.ID("alpha")}, useradmin.ErrNotOwnerTarget},
		{"unknown role is refused", "admin", "memberA", useradmin.Op{Kind: useradmin.OpRole, Role: "king"}, useradmin.ErrInvalidRole},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			app := testutil.NewApp(t)
			defer app.Cleanup()
			actor := testutil.Member(t, app, f.ID(tt.actor))
			err := useradmin.Apply(app, actor, f.ID(tt.target), tt.op)
			if !errors.Is(err, tt.want) {
				t.Errorf("got %v, want %v", err, tt.want)
			}
		})
	}
}

// TestOnlyTheOwnerChangesAnAdminsRole: an admin who could demote another admin could then
// reset their password; the owner can, and the refused change writes nothing.
func TestOnlyTheOwnerChangesAnAdminsRole(t *testing.T) {
	f := testutil.Fixtures(t)
	app := testutil.NewApp(t)
	defer app.Cleanup()
	owner := testutil.Member(t, app, f.ID("owner"))
	if err := useradmin.Apply(app, owner, f.ID("memberA"), useradmin.Op{Kind: useradmin.OpRole, Role: member.RoleAdmin}); err != nil {
		t.Fatalf("owner makes memberA an admin: %v", err)
	}
	admin := testutil.Member(t, app, f.ID("admin"))
	for _, role := range []member.Role{member.RoleMember, member.RoleManager} {
		err := useradmin.Apply(app, admin, f.ID("memberA"), useradmin.Op{Kind: useradmin.OpRole, Role: role})
		if !errors.Is(err, useradmin.ErrAdminRoles) {
			t.Errorf("admin demotes an admin to %s: got %v, want ErrAdminRoles", role, err)
		}
	}
	_, err := useradmin.Bulk(app, admin, []string{f.ID("memberB"), f.ID("memberA")}, useradmin.Op{Kind: useradmin.OpRole, Role: member.RoleMember})
	var refused *useradmin.RefusedError
	if !errors.As(err, &refused) || len(refused.Rows) != 1 || refused.Rows[0].UserID != f.ID("memberA") {
		t.Errorf("bulk: got %v, want the admin's row refused", err)
	}
	if testutil.Member(t, app, f.ID("memberA")).Role() != member.RoleAdmin {
		t.Error("a refused change demoted the admin")
	}
	if err := useradmin.Apply(app, owner, f.ID("memberA"), useradmin.Op{Kind: useradmin.OpRole, Role: member.RoleMember}); err != nil {
		t.Errorf("owner demotes an admin: %v", err)
	}
}

func TestBulkIsAllOrNothing(t *testing.T) {
	f := testutil.Fixtures(t)
	app := testutil.NewApp(t)
	defer app.Cleanup()
	admin := testutil.Member(t, app, f.ID("admin"))
	ids := []string{f.ID("memberA"), f.ID("owner"), f.ID("memberB")}
	app.ResetEventCalls()
	_, err := useradmin.Bulk(app, admin, ids, useradmin.Op{Kind: useradmin.OpRole, Role: member.RoleManager})
	var refused *useradmin.RefusedError
	if !errors.As(err, &refused) || len(refused.Rows) != 1 || refused.Rows[0].UserID != f.ID("owner") {
		t.Fatalf("got %v, want the owner refused", err)
	}
	if testutil.Member(t, app, f.ID("memberA")).Role() != member.RoleMember || auditCount(t, app, "user.role") != 0 {
		t.Error("a refused bulk action wrote something")
	}
	n, err := useradmin.Bulk(app, admin, []string{f.ID("memberA"), f.ID("memberB"), f.ID("memberA")}, useradmin.Op{Kind: useradmin.OpRole, Role: member.RoleManager})
	if err != nil || n != 2 {
		t.Fatalf("got %d, %v; want 2 changed", n, err)
	}
	if testutil.Member(t, app, f.ID("memberB")).Role() != member.RoleManager || auditCount(t, app, "user.role") != 2 {
		t.Error("bulk role change not written or not audited")
	}
}

func TestBulkTeamChangeReturnsBalances(t *testing.T) {
	f := testutil.Fixtures(t)
	app := testutil.NewApp(t)
	defer app.Cleanup()
	grant(t, app, f.ID("memberA"), 2500)
	grant(t, app, f.ID("memberB"), 700)
	admin := testutil.Member(t, app, f.ID("admin"))
	if _, err := useradmin.Bulk(app, admin, []string{f.ID("memberA"), f.ID("memberB")}, useradmin.Op{Kind: useradmin.OpTeam, TeamID: f.ID("beta")}); err != nil {
		t.Fatal(err)
	}
	a := testutil.Member(t, app, f.ID("memberA"))
	if a.TeamID() != f.ID("beta") || a.Balance() != 0 {
		t.Errorf("memberA team %s balance %d, want beta and 0", a.TeamID(), a.Balance())
	}
	if b := testutil.Member(t, app, f.ID("memberB")); b.Balance() != 700 {
		t.Errorf("memberB stayed in beta, balance %d, want 700 untouched", b.Balance())
	}
	var ret struct {
		Amount int64  `db:"amount"`
		Team   string `db:"team"`
	}
	if err := app.DB().NewQuery("SELECT amount, team FROM ledger_entries WHERE kind = 'return'").One(&ret); err != nil || ret.Amount != -2500 || ret.Team != f.ID("alpha") {
		t.Errorf("return entry %+v (%v), want -2500 booked on alpha", ret, err)
	}
	reconciled(t, app)
}

func TestDeactivationEndsSessions(t *testing.T) {
	f := testutil.Fixtures(t)
	app := testutil.NewApp(t)
	defer app.Cleanup()
	admin := testutil.Member(t, app, f.ID("admin"))
	stream := subscriptions.NewDefaultClient()
	stream.Subscribe(realtime.Topic(f.ID("memberA")))
	app.SubscriptionsBroker().Register(stream)
	if err := useradmin.Apply(app, admin, f.ID("memberA"), useradmin.Op{Kind: useradmin.OpDeactivate}); err != nil {
		t.Fatal(err)
	}
	if !stream.IsDiscarded() {
		t.Error("the user's open event stream survived the deactivation")
	}
	if _, err := app.FindAuthRecordByToken(f.Token("memberA"), core.TokenTypeAuth); err == nil {
		t.Error("the old token still authenticates after deactivation")
	}
	if err := useradmin.Apply(app, admin, f.ID("memberA"), useradmin.Op{Kind: useradmin.OpReactivate}); err != nil {
		t.Fatal(err)
	}
	if !testutil.Member(t, app, f.ID("memberA")).Active() {
		t.Error("reactivation did not restore the account")
	}
}

func TestReactivationRespectsSeatLimit(t *testing.T) {
	f := testutil.Fixtures(t)
	app := testutil.NewApp(t)
	defer app.Cleanup()
	if _, err := app.DB().NewQuery("UPDATE company SET seat_limit = 8").Execute(); err != nil {
		t.Fatal(err)
	}
	err := useradmin.Apply(app, testutil.Member(t, app, f.ID("admin")), f.ID("locked"), useradmin.Op{Kind: useradmin.OpReactivate})
	if !errors.Is(err, useradmin.ErrSeatLimit) {
		t.Errorf("got %v, want %v", err, useradmin.ErrSeatLimit)
	}
}

func TestTransferOwnership(t *testing.T) {
	f := testutil.Fixtures(t)
	app := testutil.NewApp(t)
	defer app.Cleanup()
	if err := useradmin.TransferOwnership(app, testutil.Member(t, app, f.ID("admin")), f.ID("admin")); err == nil {
		t.Error("an admin transferred ownership")
	}
	if err := useradmin.TransferOwnership(app, testutil.Member(t, app, f.ID("owner")), f.ID("locked")); !errors.Is(err, useradmin.ErrInactive) {
		t.Errorf("transfer to a deactivated user: got %v", err)
	}
	if err := useradmin.TransferOwnership(app, testutil.Member(t, app, f.ID("owner")), f.ID("managerA")); err != nil {
		t.Fatal(err)
	}
	if testutil.Member(t, app, f.ID("owner")).Role() != member.RoleAdmin || testutil.Member(t, app, f.ID("managerA")).Role() != member.RoleOwner {
		t.Error("roles not swapped")
	}
	n, _ := app.CountRecords("users", dbxRole("owner"))
	if n != 1 || auditCount(t, app, "company.transfer_ownership") != 1 {
		t.Errorf("owners %d, want exactly 1 and an audit entry", n)
	}
}

func TestDeleteUser(t *testing.T) {
	f := testutil.Fixtures(t)
	app := testutil.NewApp(t)
	defer app.Cleanup()
	grant(t, app, f.ID("memberA"), 1200)
	sends, _ := app.FindCollectionByNameOrId("sends")
	s := core.NewRecord(sends)
	s.Load(map[string]any{"sender": f.ID("memberA"), "sender_email": f.Emails["memberA"], "recipient_name": "R", "recipient_email": "r@x.com", "cost": 100, "status": "sent"})
	if err := app.Save(s); err != nil {
		t.Fatal(err)
	}
	held := core.NewRecord(sends)
	held.Load(map[string]any{"sender": f.ID("memberA"), "sender_email": f.Emails["memberA"], "recipient_name": "H", "recipient_email": "h@x.com", "cost": 200, "status": "pending"})
	if err := app.Save(held); err != nil {
		t.Fatal(err)
	}
	if _, err := ledger.Post(app, ledger.Entry{Account: f.ID("memberA"), Amount: -200, Kind: ledger.KindSpend, Ref: "send:" + held.Id}); err != nil {
		t.Fatal(err)
	}
	reqs, _ := app.FindCollectionByNameOrId("money_requests")
	r := core.NewRecord(reqs)
	r.Load(map[string]any{"requester": f.ID("memberA"), "giver": f.ID("managerA"), "amount": 100, "status": "pending"})
	if err := app.Save(r); err != nil {
		t.Fatal(err)
	}
	admin := testutil.Member(t, app, f.ID("admin"))
	if err := useradmin.Delete(app, admin, f.ID("memberA"), f.ID("memberA")); err == nil {
		t.Error("a user took over their own sends")
	}
	if err := useradmin.Delete(app, admin, f.ID("owner"), f.ID("admin")); !errors.Is(err, member.ErrOwnerProtected) {
		t.Errorf("deleting the owner: got %v", err)
	}
	if err := useradmin.Delete(app, admin, f.ID("memberA"), f.ID("memberA2")); err != nil {
		t.Fatal(err)
	}
	if _, err := member.Find(app, f.ID("memberA")); err == nil {
		t.Error("user still exists")
	}
	s2, _ := app.FindRecordById("sends", s.Id)
	r2, _ := app.FindRecordById("money_requests", r.Id)
	if s2.GetString("sender") != f.ID("memberA2") || r2.GetString("status") != "cancelled" {
		t.Errorf("send sender %q request %q, want memberA2 and cancelled", s2.GetString("sender"), r2.GetString("status"))
	}
	var emails []string
	_ = app.DB().NewQuery("SELECT user_email FROM ledger_entries WHERE account = {:id}").Bind(map[string]any{"id": f.ID("memberA")}).Column(&emails)
	if len(emails) != 4 || emails[0] != f.Emails["memberA"] {
		t.Errorf("ledger rows %v, want grant, spend, refund and return keeping the email", emails)
	}
	if h, _ := app.FindRecordById("sends", held.Id); h.GetString("status") != "rejected" {
		t.Errorf("pending send %q, want rejected (refunded) before the deletion", h.GetString("status"))
	}
	if co, _ := ledger.CompanyBalance(app); co != 0 {
		t.Errorf("company balance %d, want 0 after the return", co)
	}
}

func TestChangeEmailAndPermissions(t *testing.T) {
	f := testutil.Fixtures(t)
	app := testutil.NewApp(t)
	defer app.Cleanup()
	admin := testutil.Member(t, app, f.ID("admin"))
	if err := useradmin.ChangeEmail(app, admin, f.ID("memberA"), " MEMBER.B@acme.com"); !isField(err, "email", useradmin.ErrEmailTaken) {
		t.Errorf("taken email: got %v", err)
	}
	if err := useradmin.ChangeEmail(app, admin, f.ID("owner"), "boss@acme.com"); !errors.Is(err, useradmin.ErrAccountGuarded) {
		t.Errorf("admin changing the owner's email: got %v", err)
	}
	if _, err := app.DB().NewQuery("UPDATE company SET domain_rule = 1").Execute(); err != nil {
		t.Fatal(err)
	}
	if err := useradmin.ChangeEmail(app, admin, f.ID("memberA"), "max@sales.acme.com"); !isField(err, "email", useradmin.ErrDomainMismatch) {
		t.Errorf("subdomain under the domain rule: got %v", err)
	}
	if err := useradmin.ChangeEmail(app, admin, f.ID("memberA"), "Max.New@ACME.com"); err != nil {
		t.Fatal(err)
	}
	if got := testutil.Member(t, app, f.ID("memberA")).Email(); got != "max.new@acme.com" {
		t.Errorf("email %q", got)
	}
	mgr := testutil.Member(t, app, f.ID("managerA"))
	if err := useradmin.SetPermissions(app, mgr, f.ID("memberB"), useradmin.Permissions{MayExport: true, RecordVisibility: "team"}); !errors.Is(err, accessErr) {
		t.Errorf("manager on another team: got %v", err)
	}
	if err := useradmin.SetPermissions(app, mgr, f.ID("memberA"), useradmin.Permissions{MayExport: true, RecordVisibility: "team"}); err != nil {
		t.Fatal(err)
	}
	if u := testutil.Member(t, app, f.ID("memberA")); !u.MayExport() || !u.SeesTeamRecords() || auditCount(t, app, "user.permissions") != 1 {
		t.Error("permissions not set or not audited")
	}
}

func TestPasswordResetLandsInOutbox(t *testing.T) {
	f := testutil.Fixtures(t)
	app := testutil.NewApp(t)
	defer app.Cleanup()
	if err := useradmin.SendPasswordReset(app, testutil.Member(t, app, f.ID("managerA")), f.ID("memberA")); !errors.Is(err, accessErr) {
		t.Errorf("manager sent a reset: %v", err)
	}
	if err := useradmin.SendPasswordReset(app, testutil.Member(t, app, f.ID("admin")), f.ID("memberA")); err != nil {
		t.Fatal(err)
	}
	msgs, err := app.FindRecordsByFilter("outbox", "to = {:to}", "", 0, 0, map[string]any{"to": f.Emails["memberA"]})
	if err != nil || len(msgs) != 1 || !strings.Contains(msgs[0].GetString("text"), "/password-reset/") {
		t.Errorf("outbox %v %v, want one reset message with a link", msgs, err)
	}
	if auditCount(t, app, "user.password_reset") != 1 {
		t.Error("reset not audited")
	}
}

func TestChangeEmailNormalisesLikeInvites(t *testing.T) {
	f := testutil.Fixtures(t)
	app := testutil.NewApp(t)
	defer app.Cleanup()
	admin := testutil.Member(t, app, f.ID("admin"))
	if err := useradmin.ChangeEmail(app, admin, f.ID("memberA"), "not an email"); err == nil {
		t.Error("a malformed email was accepted")
	}
	if err := useradmin.ChangeEmail(app, admin, f.ID("memberA"), " Max@Bücher.example "); err != nil {
		t.Fatal(err)
	}
	if got := testutil.Member(t, app, f.ID("memberA")).Email(); got != "max@xn--bcher-kva.example" {
		t.Errorf("email %q, want the punycode domain", got)
	}
}
