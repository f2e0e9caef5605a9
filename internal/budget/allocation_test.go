package budget_test

import (
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/core"

	"teamfund/internal/budget"
	"teamfund/internal/company"
	"teamfund/internal/ledger"
	"teamfund/internal/member"
	"teamfund/internal/money"
	"teamfund/internal/team"
	"teamfund/internal/testutil"
)

func TestMain(m *testing.M) { testutil.Main(m) }

// alphaMembers are the active members of the monthly fixture team Alpha.
var alphaMembers = []string{"managerA", "memberA", "memberA2"}

func setTeam(t testing.TB, app core.App, key string, fields map[string]any) {
	t.Helper()
	r, err := app.FindRecordById(team.Collection, testutil.Fixtures(t).ID(key))
	if err != nil {
		t.Fatal(err)
	}
	for k, v := range fields {
		r.Set(k, v)
	}
	if err := app.Save(r); err != nil {
		t.Fatal(err)
	}
}

func setTimezone(t testing.TB, app core.App, tz string) {
	t.Helper()
	c, err := company.Load(app)
	if err != nil {
		t.Fatal(err)
	}
	c.Set("timezone", tz)
	if err := app.Save(c); err != nil {
		t.Fatal(err)
	}
}

// setUpIn backdates the company's creation to month m, so catch-ups may reach back to it.
func setUpIn(t testing.TB, app core.App, m budget.Month) {
	t.Helper()
	_, err := app.DB().NewQuery("UPDATE company SET created = {:c}").
		Bind(dbx.Params{"c": string(m) + "-01 00:00:00.000Z"}).Execute()
	if err != nil {
		t.Fatal(err)
	}
}

func grant(t testing.TB, app core.App, key string, amount money.Cents) {
	t.Helper()
	if _, err := ledger.Post(app, ledger.Entry{Account: testutil.Fixtures(t).ID(key), Amount: amount, Kind: ledger.KindGrant}); err != nil {
		t.Fatal(err)
	}
}

func balance(t testing.TB, app core.App, key string) money.Cents {
	t.Helper()
	m, err := member.Find(app, testutil.Fixtures(t).ID(key))
	if err != nil {
		t.Fatal(err)
	}
	return m.Balance()
}

func reconcile(t testing.TB, app core.App) {
	t.Helper()
	if bad, err := ledger.Reconcile(app); err != nil || len(bad) > 0 {
		t.Fatalf("reconcile: %v %+v", err, bad)
	}
}

func monthlyEntries(t testing.TB, app core.App, key string) int {
	t.Helper()
	var n int
	err := app.DB().NewQuery("SELECT COUNT(*) FROM ledger_entries WHERE kind = 'monthly' AND account = {:id}").
		Bind(dbx.Params{"id": testutil.Fixtures(t).ID(key)}).Row(&n)
	if err != nil {
		t.Fatal(err)
	}
	return n
}

var now = time.Date(2026, 3, 15, 12, 0, 0, 0, time.UTC)

func TestAllocationArithmeticInGoAndInTheBatch(t *testing.T) {
	tests := []struct {
		name                string
		rule                string
		limit, cap, balance money.Cents
		want                money.Cents
	}{
		{"rollover adds the limit", team.RuleRollover, 10000, 0, 2500, 10000},
		{"rollover from zero", team.RuleRollover, 10000, 0, 0, 10000},
		{"rollover under the cap adds the full limit", team.RuleRollover, 10000, 30000, 5000, 10000},
		{"rollover near the cap adds up to the cap", team.RuleRollover, 10000, 30000, 25000, 5000},
		{"rollover exactly at the cap adds nothing", team.RuleRollover, 10000, 30000, 30000, 0},
		{"rollover above the cap never takes money away", team.RuleRollover, 10000, 30000, 45000, 0},
		{"reset from below tops up to the limit", team.RuleReset, 10000, 0, 2500, 7500},
		{"reset from zero gives the limit", team.RuleReset, 10000, 0, 0, 10000},
		{"reset at the limit writes a zero entry", team.RuleReset, 10000, 0, 10000, 0},
		{"reset above the limit takes the excess back", team.RuleReset, 10000, 0, 16000, -6000},
		{"reset ignores the rollover cap", team.RuleReset, 10000, 5000, 1000, 9000},
		{"zero limit with rollover gives nothing", team.RuleRollover, 0, 0, 700, 0},
		{"rollover without a cap stops at the largest balance", team.RuleRollover, money.MaxAmount, 0, money.MaxBalance - 5000, 5000},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := budget.Allocation(tt.rule, tt.limit, tt.cap, tt.balance); got != tt.want {
				t.Errorf("Allocation: got %d, want %d", got, tt.want)
			}
			app := testutil.NewApp(t)
			defer app.Cleanup()
			setUpIn(t, app, "2026-03")
			setTeam(t, app, "alpha", map[string]any{"month_rule": tt.rule, "monthly_limit": int64(tt.limit), "rollover_cap": int64(tt.cap)})
			if tt.balance > 0 {
				grant(t, app, "memberA", tt.balance)
			}
			if _, err := budget.RunMonth(app, "2026-03", now, budget.TriggerCLI, nil); err != nil {
				t.Fatal(err)
			}
			if got := balance(t, app, "memberA"); got != tt.balance+tt.want {
				t.Errorf("batch: balance %d, want %d", got, tt.balance+tt.want)
			}
			if n := monthlyEntries(t, app, "memberA"); n != 1 {
				t.Errorf("batch wrote %d monthly entries, want 1 (zero amounts too)", n)
			}
			reconcile(t, app)
		})
	}
}

func TestRunMonthGivesActiveMonthlyTeamMembersOnly(t *testing.T) {
	app := testutil.NewApp(t)
	defer app.Cleanup()
	setUpIn(t, app, "2026-03")
	run, err := budget.RunMonth(app, "2026-03", now, budget.TriggerAdmin, nil)
	if err != nil {
		t.Fatal(err)
	}
	if run.Entries != 3 || run.Total != 30000 {
		t.Errorf("got %d entries totalling %d, want 3 and 30000", run.Entries, run.Total)
	}
	for _, key := range alphaMembers {
		if b := balance(t, app, key); b != 10000 {
			t.Errorf("%s: balance %d, want 10000", key, b)
		}
	}
	for _, key := range []string{"memberB", "loner", "locked", "owner"} {
		if b := balance(t, app, key); b != 0 {
			t.Errorf("%s (not an active member of a monthly team): balance %d, want 0", key, b)
		}
	}
	if c, _ := ledger.CompanyBalance(app); c != -30000 {
		t.Errorf("company balance %d, want -30000", c)
	}
}

func TestRunMonthTwiceAllocatesOnce(t *testing.T) {
	app := testutil.NewApp(t)
	defer app.Cleanup()
	setUpIn(t, app, "2026-03")
	for i := range 3 {
		run, err := budget.RunMonth(app, "2026-03", now, budget.TriggerAdmin, nil)
		if err != nil {
			t.Fatal(err)
		}
		if i > 0 && run.Entries != 0 {
			t.Errorf("rerun %d wrote %d entries, want 0", i, run.Entries)
		}
	}
	if b := balance(t, app, "memberA"); b != 10000 {
		t.Errorf("balance %d, want 10000", b)
	}
	reconcile(t, app)
}

func TestUniqueIndexRefusesASecondMonthlyEntry(t *testing.T) {
	app := testutil.NewApp(t)
	defer app.Cleanup()
	id := testutil.Fixtures(t).ID("memberA")
	if _, err := ledger.Post(app, ledger.Entry{Account: id, Amount: 100, Kind: ledger.KindMonthly, Period: "2026-03"}); err != nil {
		t.Fatal(err)
	}
	if _, err := ledger.Post(app, ledger.Entry{Account: id, Amount: 100, Kind: ledger.KindMonthly, Period: "2026-03"}); err == nil {
		t.Fatal("second monthly entry for the same month was accepted")
	}
	if b := balance(t, app, "memberA"); b != 100 {
		t.Errorf("balance %d, want 100", b)
	}
	reconcile(t, app)
}

func TestRunMonthRefusesAFutureMonth(t *testing.T) {
	app := testutil.NewApp(t)
	defer app.Cleanup()
	if _, err := budget.RunMonth(app, "2026-04", now, budget.TriggerAdmin, nil); !errors.Is(err, budget.ErrFutureMonth) {
		t.Errorf("got %v, want %v", err, budget.ErrFutureMonth)
	}
	if n, _ := app.CountRecords(ledger.Collection); n != 0 {
		t.Errorf("wrote %d entries", n)
	}
}

func TestRunMonthRefusesAMonthBeforeTheSetup(t *testing.T) {
	tests := []struct {
		name    string
		created string // company.created, UTC
		tz      string
		month   budget.Month
		refused bool
	}{
		{"the month before the setup", "2026-03-10 09:00:00.000Z", "UTC", "2026-02", true},
		{"a year before the setup", "2026-03-10 09:00:00.000Z", "UTC", "2025-03", true},
		{"the setup month itself", "2026-03-10 09:00:00.000Z", "UTC", "2026-03", false},
		{"set up on Feb 28 UTC, already March in Berlin: February refused", "2026-02-28 23:30:00.000Z", "Europe/Berlin", "2026-02", true},
		{"set up on Feb 28 UTC, already March in Berlin: March allowed", "2026-02-28 23:30:00.000Z", "Europe/Berlin", "2026-03", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			app := testutil.NewApp(t)
			defer app.Cleanup()
			setTimezone(t, app, tt.tz)
			if _, err := app.DB().NewQuery("UPDATE company SET created = {:c}").Bind(dbx.Params{"c": tt.created}).Execute(); err != nil {
				t.Fatal(err)
			}
			_, err := budget.RunMonth(app, tt.month, now, budget.TriggerCLI, nil)
			if got := errors.Is(err, budget.ErrBeforeSetup); got != tt.refused {
				t.Fatalf("refused = %v (err %v), want %v", got, err, tt.refused)
			}
			if !tt.refused {
				return
			}
			if !strings.Contains(err.Error(), "March 2026") {
				t.Errorf("message %q does not name the first month that can be allocated", err)
			}
			if n, _ := app.CountRecords(ledger.Collection); n != 0 {
				t.Errorf("wrote %d ledger entries", n)
			}
			if n, _ := app.CountRecords(budget.RunsCollection); n != 0 {
				t.Errorf("recorded %d runs", n)
			}
		})
	}
}

func TestMonthBoundaryFollowsTheCompanyTimeZone(t *testing.T) {
	berlin, _ := time.LoadLocation("Europe/Berlin")
	tests := []struct {
		utc  time.Time
		want budget.Month
	}{
		{time.Date(2026, 1, 31, 22, 59, 0, 0, time.UTC), "2026-01"}, // 23:59 in Berlin (UTC+1)
		{time.Date(2026, 1, 31, 23, 0, 0, 0, time.UTC), "2026-02"},  // midnight in Berlin
		{time.Date(2026, 1, 31, 23, 30, 0, 0, time.UTC), "2026-02"}, // 00:30 in Berlin, still January in UTC
		{time.Date(2026, 6, 30, 22, 0, 0, 0, time.UTC), "2026-07"},  // summer time: UTC+2
		{time.Date(2026, 6, 30, 21, 59, 0, 0, time.UTC), "2026-06"},
	}
	for _, tt := range tests {
		if got := budget.MonthOf(tt.utc, berlin); got != tt.want {
			t.Errorf("MonthOf(%s) = %s, want %s", tt.utc, got, tt.want)
		}
	}

	app := testutil.NewApp(t)
	defer app.Cleanup()
	setTimezone(t, app, "Europe/Berlin")
	setUpIn(t, app, "2025-12")
	if _, err := budget.RunMonth(app, "2026-01", time.Date(2026, 1, 15, 0, 0, 0, 0, time.UTC), budget.TriggerAdmin, nil); err != nil {
		t.Fatal(err)
	}
	runs, err := budget.CatchUp(app, time.Date(2026, 1, 31, 22, 59, 0, 0, time.UTC), budget.TriggerSchedule)
	if err != nil || len(runs) != 0 {
		t.Fatalf("at 23:59 Berlin time: got runs %+v, err %v; want none", runs, err)
	}
	runs, err = budget.CatchUp(app, time.Date(2026, 1, 31, 23, 30, 0, 0, time.UTC), budget.TriggerSchedule)
	if err != nil || len(runs) != 1 || runs[0].Month != "2026-02" {
		t.Fatalf("at 00:30 Berlin time on Feb 1: got runs %+v, err %v; want February", runs, err)
	}
	if b := balance(t, app, "memberA"); b != 20000 {
		t.Errorf("balance %d, want 20000 (January + February)", b)
	}
}

func TestCatchUpAppliesEachMissedMonthInOrder(t *testing.T) {
	app := testutil.NewApp(t)
	defer app.Cleanup()
	// Rollover capped at 250.00: January 100, February 100, March 50, April 0.
	setTeam(t, app, "alpha", map[string]any{"rollover_cap": 25000})
	setUpIn(t, app, "2025-12")
	if _, err := budget.RunMonth(app, "2026-01", time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC), budget.TriggerSchedule, nil); err != nil {
		t.Fatal(err)
	}
	runs, err := budget.CatchUp(app, time.Date(2026, 4, 2, 8, 0, 0, 0, time.UTC), budget.TriggerSchedule)
	if err != nil {
		t.Fatal(err)
	}
	var months []budget.Month
	for _, r := range runs {
		months = append(months, r.Month)
	}
	if len(months) != 3 || months[0] != "2026-02" || months[1] != "2026-03" || months[2] != "2026-04" {
		t.Errorf("caught up %v, want [2026-02 2026-03 2026-04]", months)
	}
	if b := balance(t, app, "memberA"); b != 25000 {
		t.Errorf("balance %d, want 25000 (capped)", b)
	}
	if n := monthlyEntries(t, app, "memberA"); n != 4 {
		t.Errorf("%d monthly entries, want 4 (one per month, April's is zero)", n)
	}
	if last, _ := budget.LastRun(app); last != "2026-04" {
		t.Errorf("last run %s, want 2026-04", last)
	}
	again, err := budget.CatchUp(app, time.Date(2026, 4, 20, 8, 0, 0, 0, time.UTC), budget.TriggerSchedule)
	if err != nil || len(again) != 0 {
		t.Errorf("second catch-up: %+v %v, want nothing", again, err)
	}
	reconcile(t, app)
}

func TestFirstCatchUpStartsAfterTheSetupMonth(t *testing.T) {
	app := testutil.NewApp(t)
	defer app.Cleanup()
	c, _ := company.Load(app)
	created := c.GetDateTime("created").Time()
	// A month from before the setup, run by hand before RunMonth refused such months, does
	// not pull the schedule back.
	if _, err := app.DB().NewQuery(`INSERT INTO budget_runs (id, month, entries, total, trigger, actor_email, created, updated)
		VALUES ('oldrun000000001', '2020-01', 0, 0, 'admin', 'admin@acme.com', '2020-01-15 00:00:00.000Z', '2020-01-15 00:00:00.000Z')`).Execute(); err != nil {
		t.Fatal(err)
	}
	runs, err := budget.CatchUp(app, created, budget.TriggerSchedule)
	if err != nil || len(runs) != 0 {
		t.Errorf("in the setup month: %+v %v, want nothing (joiners get GrantOnJoin)", runs, err)
	}
	runs, err = budget.CatchUp(app, budget.MonthOf(created, time.UTC).Next().Start(time.UTC).Add(time.Hour), budget.TriggerSchedule)
	if err != nil || len(runs) != 1 {
		t.Errorf("a month later: %+v %v, want one run", runs, err)
	}
}

func TestGrantOnJoinGivesTheFullLimitOncePerMonth(t *testing.T) {
	f := testutil.Fixtures(t)
	app := testutil.NewApp(t)
	defer app.Cleanup()
	loner := f.ID("loner")
	// Teamless: nothing.
	if err := budget.GrantOnJoin(app, loner); err != nil {
		t.Fatal(err)
	}
	moveTo := func(teamKey string) {
		r, err := app.FindRecordById("users", loner)
		if err != nil {
			t.Fatal(err)
		}
		r.Set("team", f.ID(teamKey))
		if err := app.Save(r); err != nil {
			t.Fatal(err)
		}
	}
	moveTo("beta")
	if err := budget.GrantOnJoin(app, loner); err != nil {
		t.Fatal(err)
	}
	if b := balance(t, app, "loner"); b != 0 {
		t.Errorf("joining a one-time team: balance %d, want 0", b)
	}
	moveTo("alpha")
	for range 2 {
		if err := budget.GrantOnJoin(app, loner); err != nil {
			t.Fatal(err)
		}
	}
	if b := balance(t, app, "loner"); b != 10000 {
		t.Errorf("joining a monthly team: balance %d, want 10000 once", b)
	}
	// The month's scheduled run skips them.
	if _, err := budget.RunMonth(app, budget.MonthOf(time.Now(), time.UTC), time.Now(), budget.TriggerSchedule, nil); err != nil {
		t.Fatal(err)
	}
	if b := balance(t, app, "loner"); b != 10000 {
		t.Errorf("after the month's run: balance %d, want 10000", b)
	}
	reconcile(t, app)
}
