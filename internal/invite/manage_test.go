package invite_test

import (
	"errors"
	"testing"
	"time"

	"teamfund/internal/invite"
	"teamfund/internal/member"
	"teamfund/internal/testutil"
)

func TestBulkIsAllOrNothing(t *testing.T) {
	app := newApp(t)
	admin := actor(t, app, "admin")
	a, _ := invited(t, app, invite.Candidate{Email: "a@acme.com", Team: "Alpha"})
	b, _ := invited(t, app, invite.Candidate{Email: "b@acme.com", Team: "Beta"})
	c, _ := invited(t, app, invite.Candidate{Email: "c@acme.com", Team: "Alpha"})
	audits, _ := app.CountRecords("audit_log")

	err := invite.Apply(app, actor(t, app, "managerA"), invite.Change{Action: invite.ActionRevoke, IDs: []string{a.Id, b.Id, c.Id}})
	var be *invite.BulkError
	if !errors.As(err, &be) || len(be.Refused) != 1 || be.Refused[0].Email != "b@acme.com" {
		t.Fatalf("got %v, want one refusal for b@acme.com", err)
	}
	for _, id := range []string{a.Id, b.Id, c.Id} {
		if inv, _ := invite.Find(app, id); inv.Status(time.Now()) != invite.StatusPending {
			t.Errorf("%s changed by a refused bulk action", inv.Email())
		}
	}
	if after, _ := app.CountRecords("audit_log"); after != audits {
		t.Errorf("refused bulk action wrote %d audit entries", after-audits)
	}

	if err := invite.Apply(app, admin, invite.Change{Action: invite.ActionRevoke, IDs: []string{a.Id, b.Id}}); err != nil {
		t.Fatal(err)
	}
	err = invite.Apply(app, admin, invite.Change{Action: invite.ActionResend, IDs: []string{a.Id, c.Id}})
	if !errors.As(err, &be) || be.Refused[0].Reason != invite.ErrNotPending.Error() {
		t.Errorf("resending a revoked invite: got %v", err)
	}
	if err := invite.Apply(app, admin, invite.Change{Action: invite.ActionDelete, IDs: []string{a.Id, b.Id, c.Id}}); err != nil {
		t.Fatal(err)
	}
	if n, _ := app.CountRecords("invites"); n != 0 {
		t.Errorf("%d invites left after bulk delete", n)
	}
	if err := invite.Apply(app, admin, invite.Change{Action: invite.ActionDelete}); !errors.Is(err, invite.ErrNothingSelected) {
		t.Errorf("empty selection: got %v", err)
	}
}

func TestEditRoleAndTeam(t *testing.T) {
	app := newApp(t)
	f := testutil.Fixtures(t)
	inv, _ := invited(t, app, invite.Candidate{Email: "e@acme.com", Team: "Alpha"})
	edit := func(key string, ch invite.Change) error {
		ch.Action, ch.IDs = invite.ActionEdit, []string{inv.Id}
		return invite.Apply(app, actor(t, app, key), ch)
	}
	for _, tc := range []struct {
		name  string
		actor string
		ch    invite.Change
		want  error
	}{
		{"manager cannot promote", "managerA", invite.Change{Role: "manager"}, invite.ErrNotAllowed},
		{"manager cannot move to another team", "managerA", invite.Change{Team: f.ID("beta")}, invite.ErrNotAllowed},
		{"nobody makes an owner", "owner", invite.Change{Role: "owner"}, invite.ErrOwnerRole},
		{"unknown team", "admin", invite.Change{Team: "Gamma"}, invite.ErrUnknownTeam},
		{"admin moves to Beta as manager", "admin", invite.Change{Role: "manager", Team: "beta"}, nil},
	} {
		if err := edit(tc.actor, tc.ch); !errors.Is(err, tc.want) {
			t.Errorf("%s: got %v, want %v", tc.name, err, tc.want)
		}
	}
	after, _ := invite.Find(app, inv.Id)
	if after.Role() != member.RoleManager || after.TeamID() != f.ID("beta") {
		t.Errorf("after edit: %s in %s", after.Role(), after.TeamID())
	}
	if err := edit("managerB", invite.Change{Team: f.ID("alpha")}); !errors.Is(err, invite.ErrNotAllowed) {
		t.Errorf("managerB edited a manager invite: %v", err)
	}
}

func TestListFiltersByStatusAndTeam(t *testing.T) {
	app := newApp(t)
	f := testutil.Fixtures(t)
	admin := actor(t, app, "admin")
	invited(t, app, invite.Candidate{Email: "a@acme.com", Team: "Alpha"})
	invited(t, app, invite.Candidate{Email: "b@acme.com", Team: "Beta"})
	x, _ := invited(t, app, invite.Candidate{Email: "x@acme.com", Team: "Alpha"})
	expire(t, app, x.Id)
	r, _ := invited(t, app, invite.Candidate{Email: "r@acme.com", Team: "Alpha"})
	if err := invite.Apply(app, admin, invite.Change{Action: invite.ActionRevoke, IDs: []string{r.Id}}); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		actor  string
		filter invite.Filter
		want   int
	}{
		{"admin", invite.Filter{}, 4},
		{"admin", invite.Filter{Status: invite.StatusPending}, 2},
		{"admin", invite.Filter{Status: invite.StatusExpired}, 1},
		{"admin", invite.Filter{Status: invite.StatusRevoked}, 1},
		{"admin", invite.Filter{TeamID: f.ID("beta")}, 1},
		{"admin", invite.Filter{Status: invite.StatusPending, TeamID: f.ID("alpha")}, 1},
		{"managerA", invite.Filter{}, 3},
		{"managerA", invite.Filter{TeamID: f.ID("beta")}, 0},
		{"managerB", invite.Filter{}, 1},
	} {
		got, total, err := invite.List(app, actor(t, app, tc.actor), tc.filter)
		if err != nil || total != tc.want || len(got) != tc.want {
			t.Errorf("%s %+v: got %d/%d (%v), want %d", tc.actor, tc.filter, len(got), total, err, tc.want)
		}
	}
	if _, _, err := invite.List(app, actor(t, app, "memberA"), invite.Filter{}); err == nil {
		t.Error("member listed invites")
	}
}

func TestResendOfAnExpiredInviteNeedsASeat(t *testing.T) {
	app := newApp(t)
	inv, _ := invited(t, app, invite.Candidate{Email: "late@acme.com"})
	expire(t, app, inv.Id)
	setCompany(t, app, map[string]any{"seat_limit": 8}) // 8 active users: full once the invite expired
	err := invite.Apply(app, actor(t, app, "admin"), invite.Change{Action: invite.ActionResend, IDs: []string{inv.Id}})
	if !errors.Is(err, invite.ErrSeatLimit) {
		t.Fatalf("got %v, want %v", err, invite.ErrSeatLimit)
	}
	setCompany(t, app, map[string]any{"seat_limit": 9})
	if err := invite.Apply(app, actor(t, app, "admin"), invite.Change{Action: invite.ActionResend, IDs: []string{inv.Id}}); err != nil {
		t.Fatal(err)
	}
}
