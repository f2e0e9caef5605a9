package useradmin_test

import (
	"fmt"
	"testing"

	"teamfund/internal/member"
	"teamfund/internal/testutil"
	"teamfund/internal/useradmin"
)

// BenchmarkBulk1000 measures one all-or-nothing bulk action over 1,000 selected users
// (figures in docs/TEAMS_USERS.md). Each iteration runs on a fresh copy of the data.
func BenchmarkBulk1000(b *testing.B) {
	f := testutil.Fixtures(b)
	ids := make([]string, 1000)
	for i := range ids {
		ids[i] = fmt.Sprintf("bench%010d", i)
	}
	for _, c := range []struct {
		name string
		op   useradmin.Op
	}{
		{"role to member", useradmin.Op{Kind: useradmin.OpRole, Role: member.RoleMember}},
		{"move to beta (balances returned)", useradmin.Op{Kind: useradmin.OpTeam, TeamID: f.ID("beta")}},
		{"deactivate", useradmin.Op{Kind: useradmin.OpDeactivate}},
	} {
		b.Run(c.name, func(b *testing.B) {
			for b.Loop() {
				b.StopTimer()
				app := testutil.NewApp(b)
				testutil.InsertUsers(b, app, 1000)
				admin, _ := member.Find(app, f.ID("admin"))
				b.StartTimer()
				if _, err := useradmin.Bulk(app, admin, ids, c.op); err != nil {
					b.Fatal(err)
				}
				b.StopTimer()
				app.Cleanup()
				b.StartTimer()
			}
		})
	}
}
