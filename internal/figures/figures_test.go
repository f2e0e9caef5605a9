package figures_test

import (
	"testing"
	"time"

	"github.com/pocketbase/dbx"

	"teamfund/internal/budget"
	"teamfund/internal/figures"
	"teamfund/internal/ledger"
	"teamfund/internal/testutil"
)

func TestMain(m *testing.M) { testutil.Main(m) }

// TestTeamAndCompanyFiguresAgreeWithTheirMembersInAnyTimeZone: a team's and the company's
// statements (read from the running totals per UTC month and the hours between a company
// month and a UTC month) equal the sum of their members' statements (read from the totals
// per account and the entries since), and their balances equal plain sums of the ledger, for
// months in time zones east and west of UTC and for spans that start or end mid-month, with
// entries written just before and after each UTC and local month start.
func TestTeamAndCompanyFiguresAgreeWithTheirMembersInAnyTimeZone(t *testing.T) {
	f := testutil.Fixtures(t)
	app := testutil.NewApp(t)
	defer app.Cleanup()
	a, b, mgr := f.ID("memberA"), f.ID("memberB"), f.ID("managerA")
	at := []string{"2026-01-20 10:00:00.000Z", "2026-01-31 22:30:00.000Z", "2026-01-31 23:30:00.000Z", "2026-02-01 00:30:00.000Z",
		"2026-02-01 05:30:00.000Z", "2026-02-14 12:00:00.000Z", "2026-02-28 22:59:59.999Z", "2026-02-28 23:00:00.000Z",
		"2026-03-01 00:00:00.000Z", "2026-03-01 04:59:00.000Z", "2026-03-01 05:00:00.000Z", "2026-03-31 21:59:00.000Z",
		"2026-03-31 22:30:00.000Z", "2026-04-10 08:00:00.000Z"}
	for i, when := range at {
		for j, e := range []ledger.Entry{
			{Account: a, Amount: 1000, Kind: ledger.KindGrant},
			{Account: b, Amount: 700, Kind: ledger.KindMonthly, Period: "2026-0" + string(rune('1'+i%3)), AllowZero: true},
			{Account: a, Amount: -150, Kind: ledger.KindSpend},
			{Account: mgr, Amount: 200, Kind: ledger.KindAdjust},
		} {
			if j == 1 && i%3 != 0 {
				continue // one monthly entry per member and period
			}
			if j == 1 {
				e.Period = [...]string{"2026-01", "2026-02", "2026-03", "2026-04", "2026-05"}[i/3]
			}
			if _, err := ledger.Post(app, e); err != nil {
				t.Fatal(err)
			}
		}
		if _, err := app.DB().NewQuery(`UPDATE ledger_entries SET created = {:at} WHERE created > '2026-06'`).
			Bind(dbx.Params{"at": when}).Execute(); err != nil {
			t.Fatal(err)
		}
	}
	if bad, err := ledger.Reconcile(app); err != nil || len(bad) > 0 {
		t.Fatalf("reconcile: %v %+v", err, bad)
	}
	var periods []figures.Period
	for _, zone := range []string{"Europe/Berlin", "America/New_York", "Asia/Kolkata", "Asia/Kathmandu", "Pacific/Auckland", "Pacific/Honolulu", "UTC"} {
		loc, err := time.LoadLocation(zone)
		if err != nil {
			t.Fatal(err)
		}
		for _, m := range []budget.Month{"2026-01", "2026-02", "2026-03", "2026-04"} {
			periods = append(periods, figures.MonthPeriod(m, loc))
		}
	}
	periods = append(periods,
		figures.Period{Start: time.Date(2026, 2, 1, 0, 10, 0, 0, time.UTC), End: time.Date(2026, 2, 20, 0, 0, 0, 0, time.UTC)},
		figures.Period{Start: time.Date(2026, 1, 31, 23, 0, 0, 0, time.UTC), End: time.Date(2026, 3, 1, 4, 59, 30, 0, time.UTC)},
		figures.Period{Start: time.Unix(0, 0), End: time.Now().Add(time.Second)})
	all, err := figures.StatementsOver(app, figures.Company, figures.ByNothing, periods)
	if err != nil {
		t.Fatal(err)
	}
	for i, p := range periods {
		byAccount, err := figures.Statements(app, figures.Company, figures.ByAccount, p)
		if err != nil {
			t.Fatal(err)
		}
		var sum figures.Statement
		for _, s := range byAccount {
			sum = sum.Add(s)
		}
		if got := all[i][""]; got != sum {
			t.Errorf("%v: company %+v, want the sum of its members %+v", p, got, sum)
		}
		var opening, closing int64
		if err := app.DB().NewQuery(`SELECT COALESCE(SUM(CASE WHEN created < {:s} THEN amount END), 0),
			COALESCE(SUM(CASE WHEN created < {:e} THEN amount END), 0) FROM ledger_entries`).
			Bind(dbx.Params{"s": p.Start.UTC().Format("2006-01-02 15:04:05.000Z"), "e": p.End.UTC().Format("2006-01-02 15:04:05.000Z")}).
			Row(&opening, &closing); err != nil {
			t.Fatal(err)
		}
		if got := all[i][""]; int64(got.Opening) != opening || int64(got.Available) != closing || !got.Balanced() {
			t.Errorf("%v: opening %d, available %d, balanced %v; want %d and %d from the ledger", p, got.Opening, got.Available, got.Balanced(), opening, closing)
		}
		team, err := figures.Statements(app, figures.Scope{Team: f.ID("alpha")}, figures.ByNothing, p)
		if err != nil {
			t.Fatal(err)
		}
		members, err := figures.Statements(app, figures.Scope{Team: f.ID("alpha")}, figures.ByAccount, p)
		if err != nil {
			t.Fatal(err)
		}
		var teamSum figures.Statement
		for _, s := range members {
			teamSum = teamSum.Add(s)
		}
		if team[""] != teamSum {
			t.Errorf("%v: team %+v, want the sum of its members %+v", p, team[""], teamSum)
		}
		flows, err := figures.Flows(app, figures.Company, figures.ByAccount, p)
		if err != nil {
			t.Fatal(err)
		}
		spent, err := figures.SpentBy(app, figures.Company, p)
		if err != nil {
			t.Fatal(err)
		}
		for id, s := range byAccount {
			s.Opening, s.Available = 0, 0
			if flows[id] != s {
				t.Errorf("%v: flows of %s %+v, want the statement without balances %+v", p, id, flows[id], s)
			}
			if got := spent[id]; got.Spent != s.Spent || got.Held != s.Held {
				t.Errorf("%v: SpentBy of %s = %d spent, %d held; want %d and %d", p, id, got.Spent, got.Held, s.Spent, s.Held)
			}
		}
	}
}
