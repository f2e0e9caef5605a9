package leave_test

import (
	"errors"
	"testing"

	"github.com/pocketbase/pocketbase/core"

	"teamfund/internal/access"
	"teamfund/internal/leave"
	"teamfund/internal/ledger"
	"teamfund/internal/testutil"
)

func TestMain(m *testing.M) { testutil.Main(m) }

func setup(t *testing.T, needsApproval bool) (*testutil.Fixture, core.App, func()) {
	f := testutil.Fixtures(t)
	app := testutil.NewApp(t)
	if _, err := app.DB().NewQuery("UPDATE teams SET leave_needs_approval = {:v} WHERE id = {:id}").
		Bind(map[string]any{"v": needsApproval, "id": f.ID("alpha")}).Execute(); err != nil {
		t.Fatal(err)
	}
	if _, err := ledger.Post(app, ledger.Entry{Account: f.ID("memberA"), Amount: 4200, Kind: ledger.KindGrant}); err != nil {
		t.Fatal(err)
	}
	return f, app, app.Cleanup
}

func TestLeaveDirectly(t *testing.T) {
	f, app, done := setup(t, false)
	defer done()
	out, err := leave.Leave(app, testutil.Member(t, app, f.ID("memberA")))
	if err != nil || !out.Left {
		t.Fatalf("got %+v %v, want left", out, err)
	}
	if u := testutil.Member(t, app, f.ID("memberA")); u.TeamID() != "" || u.Balance() != 0 {
		t.Errorf("team %q balance %d, want teamless with 0", u.TeamID(), u.Balance())
	}
	if _, err := leave.Leave(app, testutil.Member(t, app, f.ID("memberA"))); !errors.Is(err, leave.ErrNoTeam) {
		t.Errorf("leaving twice: got %v", err)
	}
	if bad, _ := ledger.Reconcile(app); len(bad) > 0 {
		t.Errorf("reconcile: %v", bad)
	}
}

func TestLeaveRequestDecisions(t *testing.T) {
	tests := []struct {
		name    string
		decider string
		approve bool
		want    error
		left    bool
	}{
		{"the team's manager approves", "managerA", true, nil, true},
		{"an admin declines", "admin", false, nil, false},
		{"another team's manager cannot decide", "managerB", true, access.ErrForbidden, false},
		{"a teammate cannot decide", "memberA2", true, access.ErrForbidden, false},
		{"the requester cannot decide", "memberA", true, access.ErrForbidden, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f, app, done := setup(t, true)
			defer done()
			out, err := leave.Leave(app, testutil.Member(t, app, f.ID("memberA")))
			if err != nil || out.Left || out.RequestID == "" {
				t.Fatalf("got %+v %v, want a pending request", out, err)
			}
			if _, err := leave.Leave(app, testutil.Member(t, app, f.ID("memberA"))); !errors.Is(err, leave.ErrAlreadyPending) {
				t.Errorf("second request: got %v", err)
			}
			err = leave.Decide(app, testutil.Member(t, app, f.ID(tt.decider)), out.RequestID, tt.approve)
			if !errors.Is(err, tt.want) {
				t.Fatalf("got %v, want %v", err, tt.want)
			}
			u := testutil.Member(t, app, f.ID("memberA"))
			if left := u.TeamID() == ""; left != tt.left || (tt.left && u.Balance() != 0) {
				t.Errorf("left=%v balance %d, want left=%v", left, u.Balance(), tt.left)
			}
			if tt.want == nil {
				if err := leave.Decide(app, testutil.Member(t, app, f.ID("admin")), out.RequestID, true); !errors.Is(err, leave.ErrDecided) {
					t.Errorf("deciding twice: got %v", err)
				}
			}
			if bad, _ := ledger.Reconcile(app); len(bad) > 0 {
				t.Errorf("reconcile: %v", bad)
			}
		})
	}
}

func TestManagerCannotApproveOwnRequest(t *testing.T) {
	f, app, done := setup(t, true)
	defer done()
	out, err := leave.Leave(app, testutil.Member(t, app, f.ID("managerA")))
	if err != nil {
		t.Fatal(err)
	}
	if err := leave.Decide(app, testutil.Member(t, app, f.ID("managerA")), out.RequestID, true); !errors.Is(err, leave.ErrOwnRequest) {
		t.Errorf("got %v, want %v", err, leave.ErrOwnRequest)
	}
	rows, _ := leave.List(app, testutil.Member(t, app, f.ID("managerB")), leave.StatusPending, 50)
	if len(rows) != 0 {
		t.Errorf("another team's manager sees %v", rows)
	}
	rows, _ = leave.List(app, testutil.Member(t, app, f.ID("admin")), leave.StatusPending, 50)
	if len(rows) != 1 || rows[0].Email != f.Emails["managerA"] || rows[0].TeamName != "Alpha" {
		t.Errorf("admin sees %+v", rows)
	}
}

func TestWithdrawRequest(t *testing.T) {
	f, app, done := setup(t, true)
	defer done()
	if err := leave.Withdraw(app, testutil.Member(t, app, f.ID("memberA"))); !errors.Is(err, leave.ErrUnknownRequest) {
		t.Errorf("withdrawing nothing: got %v", err)
	}
	out, err := leave.Leave(app, testutil.Member(t, app, f.ID("memberA")))
	if err != nil {
		t.Fatal(err)
	}
	if err := leave.Withdraw(app, testutil.Member(t, app, f.ID("memberA"))); err != nil {
		t.Fatal(err)
	}
	if err := leave.Decide(app, testutil.Member(t, app, f.ID("managerA")), out.RequestID, true); !errors.Is(err, leave.ErrUnknownRequest) {
		t.Errorf("deciding a withdrawn request: got %v", err)
	}
	if u := testutil.Member(t, app, f.ID("memberA")); u.TeamID() != f.ID("alpha") {
		t.Error("withdrawing moved the member")
	}
}
