package send_test

import (
	"slices"
	"testing"

	"teamfund/internal/member"
	"teamfund/internal/send"
	"teamfund/internal/testutil"
)

// TestPendingForListsWhatEachApproverMayDecide: admins every pending send but their own,
// managers their team's but their own, members and deactivated people none; the menu
// badge's count equals the list, oldest first.
func TestPendingForListsWhatEachApproverMayDecide(t *testing.T) {
	app := testutil.NewApp(t)
	defer app.Cleanup()
	f := testutil.Fixtures(t)
	put := func(sender, team, status, created string) string {
		return putSend(t, app, sender, team, status, created)
	}
	a2 := put("memberA", "alpha", "pending", "2026-01-20 00:00:00.000Z")
	a1 := put("memberA2", "alpha", "pending", "2026-01-10 00:00:00.000Z")
	put("memberA", "alpha", "sent", "2026-01-11 00:00:00.000Z")
	ma := put("managerA", "alpha", "pending", "2026-01-12 00:00:00.000Z")
	b1 := put("memberB", "beta", "pending", "2026-01-15 00:00:00.000Z")
	ad := put("admin", "beta", "pending", "2026-01-16 00:00:00.000Z")
	for _, c := range []struct {
		approver string
		want     []string
	}{
		{"owner", []string{a1, ma, b1, ad, a2}},
		{"admin", []string{a1, ma, b1, a2}},
		{"managerA", []string{a1, a2}},
		{"managerB", []string{b1, ad}},
		{"memberA", nil},
		{"locked", nil},
	} {
		m, err := member.Find(app, f.ID(c.approver))
		if err != nil {
			t.Fatal(err)
		}
		list, err := send.PendingFor(app, m)
		if err != nil {
			t.Fatal(err)
		}
		var got []string
		for _, s := range list {
			got = append(got, s.Id)
		}
		if !slices.Equal(got, c.want) {
			t.Errorf("%s may decide %v, want %v", c.approver, got, c.want)
		}
		if n, err := send.PendingCountFor(app, m); err != nil || n != len(c.want) {
			t.Errorf("%s: PendingCountFor = %d, %v; want %d", c.approver, n, err, len(c.want))
		}
	}
}
