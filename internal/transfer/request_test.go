package transfer_test

import (
	"testing"

	"teamfund/internal/member"
	"teamfund/internal/team"
	"teamfund/internal/testutil"
	"teamfund/internal/transfer"
)

func TestMain(m *testing.M) { testutil.Main(m) }

func TestChangingTeamCancelsOpenRequests(t *testing.T) {
	f := testutil.Fixtures(t)
	app := testutil.NewApp(t)
	defer app.Cleanup()
	find := func(key string) *member.Member {
		m, err := member.Find(app, f.ID(key))
		if err != nil {
			t.Fatal(err)
		}
		return m
	}
	asked, err := transfer.Ask(app, find("memberA"), f.ID("managerA"), 500, "fair")
	if err != nil {
		t.Fatal(err)
	}
	other, err := transfer.Ask(app, find("memberA2"), f.ID("managerA"), 300, "lunch")
	if err != nil {
		t.Fatal(err)
	}
	if err := team.MoveMember(app, find("admin"), f.ID("memberA"), f.ID("beta")); err != nil {
		t.Fatal(err)
	}
	for id, want := range map[string]string{asked.ID: transfer.StatusCancelled, other.ID: transfer.StatusPending} {
		r, err := transfer.FindRequest(app, id)
		if err != nil || r.Status != want {
			t.Errorf("request %s: status %q (%v), want %q", id, r.Status, err, want)
		}
	}
	if _, err := transfer.Approve(app, find("managerA"), asked.ID); err != transfer.ErrNotPending {
		t.Errorf("approving a cancelled request: got %v, want %v", err, transfer.ErrNotPending)
	}
}
