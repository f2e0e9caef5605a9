package ledger_test

import (
	"fmt"
	"reflect"
	"testing"
	"time"

	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/core"

	"teamfund/internal/ledger"
	"teamfund/internal/member"
	"teamfund/internal/testutil"
)

// countFixture posts entries for members of both teams and a teamless member, then spreads
// them over instants that sit on and around UTC and company month starts (Berlin, Kolkata)
// and moves some to another team and to a deleted team, with SQL, as a hand edit would (the
// counts' update trigger follows). It returns the app and fixture.
func countFixture(t *testing.T) (*testutil.Fixture, core.App) {
	t.Helper()
	f := testutil.Fixtures(t)
	app := testutil.NewApp(t)
	t.Cleanup(app.Cleanup)
	kinds := []ledger.Kind{ledger.KindGrant, ledger.KindAdjust, ledger.KindMonthly}
	i := 0
	for _, key := range []string{"memberA", "memberA2", "managerA", "memberB", "managerB", "loner"} {
		for n := range 7 {
			e := ledger.Entry{Account: f.ID(key), Amount: 100, Kind: kinds[n%len(kinds)], Reason: "count"}
			if e.Kind == ledger.KindMonthly {
				e.Period = fmt.Sprintf("2025-%02d", n+1)
			}
			if _, err := ledger.Post(app, e); err != nil {
				t.Fatalf("post %s %d: %v", key, n, err)
			}
			i++
		}
	}
	instants := []string{
		"2025-12-31 22:59:59.999Z", "2025-12-31 23:00:00.000Z", "2026-01-01 00:00:00.000Z",
		"2026-01-15 12:00:00.000Z", "2026-01-31 18:29:59.000Z", "2026-01-31 18:30:00.000Z",
		"2026-01-31 23:00:00.000Z", "2026-02-01 00:00:00.000Z", "2026-02-14 09:00:00.000Z",
		"2026-02-28 22:59:59.000Z", "2026-02-28 23:00:00.000Z", "2026-03-10 08:00:00.000Z",
		"2026-03-31 21:59:59.000Z", "2026-03-31 22:00:00.000Z", "2026-04-02 10:00:00.000Z",
	}
	var ids []string
	if err := app.DB().NewQuery(`SELECT id FROM ledger_entries ORDER BY rowid`).Column(&ids); err != nil {
		t.Fatal(err)
	}
	for n, id := range ids {
		if _, err := app.DB().NewQuery(`UPDATE ledger_entries SET created = {:c} WHERE id = {:id}`).
			Bind(dbx.Params{"c": instants[n%len(instants)], "id": id}).Execute(); err != nil {
			t.Fatal(err)
		}
	}
	// managerA's first entries were booked on beta (before joining alpha) and on a team
	// that was deleted since.
	for _, move := range []struct {
		nth  int
		team string
	}{{0, f.ID("beta")}, {1, "deletedteam1234"}} {
		if _, err := app.DB().NewQuery(`UPDATE ledger_entries SET team = {:team} WHERE id =
			(SELECT id FROM ledger_entries WHERE account = {:a} ORDER BY rowid LIMIT 1 OFFSET {:n})`).
			Bind(dbx.Params{"team": move.team, "a": f.ID("managerA"), "n": move.nth}).Execute(); err != nil {
			t.Fatal(err)
		}
	}
	if bad, err := ledger.Reconcile(app); err != nil || len(bad) > 0 {
		t.Fatalf("reconcile after the fixture: %v %+v", err, bad)
	}
	return f, app
}

// TestCountEqualsCountOfTheList: ledger.Count (totalItems of /api/tf/ledger, read from the
// counts ledger_months keeps per UTC month plus the entries at the edges) equals COUNT(*)
// of the rows Query selects, for every role, filter and date range, in time zones whose
// months start before, at and after the UTC month (half an hour off in Kolkata).
func TestCountEqualsCountOfTheList(t *testing.T) {
	f, app := countFixture(t)
	filters := []ledger.Filter{
		{}, {Team: f.ID("alpha")}, {Team: f.ID("beta")}, {Team: ledger.NoTeam}, {Kind: ledger.KindGrant},
		{Kind: ledger.KindsHandedOut}, {Member: f.ID("managerA")}, {Member: "member.b@acme.com"},
		{From: "2026-01-01"}, {To: "2026-01-31"}, {From: "2026-01-01", To: "2026-01-31"},
		{From: "2026-01-01", To: "2026-03-31"}, {From: "2026-01-15", To: "2026-02-14"},
		{From: "2026-02-01", To: "2026-02-01"}, {From: "2025-12-31", To: "2026-04-01"},
		{Team: f.ID("alpha"), Kind: ledger.KindAdjust, From: "2026-01-01", To: "2026-02-28"},
		{Team: ledger.NoTeam, From: "2026-02-01"}, {Kind: ledger.KindsTransferred},
		{From: "2027-01-01"}, {To: "2020-01-01"},
	}
	for _, zone := range []string{"UTC", "Europe/Berlin", "Asia/Kolkata", "America/New_York"} {
		loc, err := time.LoadLocation(zone)
		if err != nil {
			t.Fatal(err)
		}
		for _, who := range []string{"owner", "admin", "managerA", "managerB", "memberA", "memberA2", "loner"} {
			viewer, err := member.Find(app, f.ID(who))
			if err != nil {
				t.Fatal(err)
			}
			for _, flt := range filters {
				var want int
				built := ledger.Query(app, viewer, flt, loc).Build()
				if err := app.DB().NewQuery("SELECT COUNT(*) FROM (" + built.SQL() + ")").Bind(built.Params()).Row(&want); err != nil {
					t.Fatal(err)
				}
				got, err := ledger.Count(app, viewer, flt, loc)
				if err != nil || got != want {
					t.Errorf("%s, %s, filter %+v: Count = %d, %v; want %d (COUNT(*) of the list)", zone, who, flt, got, err, want)
				}
			}
		}
	}
}

// TestListOfATeamViewerEqualsTheFilteredQuery: the page List reads for a manager or a member
// with the team-records permission (a UNION ALL of the team's entries and their own on
// other teams) holds the same rows in the same order as Query (the OR of both), page by
// page, for filters and sort orders; nobody else's entry appears.
func TestListOfATeamViewerEqualsTheFilteredQuery(t *testing.T) {
	f, app := countFixture(t)
	loc, _ := time.LoadLocation("Europe/Berlin")
	for _, who := range []string{"managerA", "memberA2", "managerB"} {
		viewer, err := member.Find(app, f.ID(who))
		if err != nil {
			t.Fatal(err)
		}
		for _, flt := range []ledger.Filter{{}, {Kind: ledger.KindsHandedOut}, {From: "2026-01-15", To: "2026-03-10"},
			{Team: f.ID("beta")}, {Team: ledger.NoTeam}, {Order: "amount DESC, created ASC, id DESC"}, {Order: "kind ASC, id DESC"}} {
			var all []ledger.Row
			if err := ledger.Query(app, viewer, flt, loc).All(&all); err != nil {
				t.Fatal(err)
			}
			var paged []ledger.Row
			for offset := 0; ; offset += 4 {
				page, err := ledger.List(app, viewer, flt, loc, 4, offset)
				if err != nil {
					t.Fatalf("%s %+v: %v", who, flt, err)
				}
				paged = append(paged, page...)
				if len(page) < 4 {
					break
				}
			}
			if len(all) == 0 && flt == (ledger.Filter{}) {
				t.Fatalf("%s sees no entries: the fixture is wrong", who)
			}
			if !reflect.DeepEqual(ids(paged), ids(all)) {
				t.Errorf("%s, filter %+v: List pages %v, want %v", who, flt, ids(paged), ids(all))
			}
		}
	}
}

func ids(rows []ledger.Row) []string {
	out := make([]string, len(rows))
	for i, r := range rows {
		out[i] = r.ID
	}
	return out
}

// TestReconcileReportsAWrongEntryCount: any column of ledger_months (a kind's count or
// total, or the count or total of all kinds) changed by hand is a Reconcile mismatch naming
// the team, so every money test that reconciles checks the month totals and counts.
func TestReconcileReportsAWrongEntryCount(t *testing.T) {
	for _, col := range []string{"n_grant", "t_grant", "n_spend", "t_refund", "n", "total"} {
		f, app := countFixture(t)
		if _, err := app.DB().NewQuery(`UPDATE ledger_months SET ` + col + ` = ` + col + ` + 1 WHERE month = '' AND team = {:t}`).
			Bind(dbx.Params{"t": f.ID("beta")}).Execute(); err != nil {
			t.Fatal(err)
		}
		bad, err := ledger.Reconcile(app)
		if err != nil || len(bad) != 1 || !bad[0].Totals || bad[0].UserID != f.ID("beta") || bad[0].Balance != bad[0].Sum+1 {
			t.Errorf("a tampered %s: got %v %+v, want one mismatch of team beta", col, err, bad)
		}
	}
}
