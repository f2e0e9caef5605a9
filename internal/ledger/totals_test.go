package ledger_test

import (
	"testing"

	"github.com/pocketbase/dbx"

	"teamfund/internal/ledger"
	"teamfund/internal/testutil"
)

// TestRunningTotalsFollowEveryWrite: ledger_totals (the running totals internal/figures
// reads) equals the sum of the entries per team, account and kind after single posts, a
// batch, and the hand edits the triggers also cover (an entry changed or deleted with SQL,
// as in the dashboard), and Reconcile reports a total that was tampered with.
func TestRunningTotalsFollowEveryWrite(t *testing.T) {
	f := testutil.Fixtures(t)
	app := testutil.NewApp(t)
	defer app.Cleanup()
	a, b := f.ID("memberA"), f.ID("memberB")
	for _, e := range []ledger.Entry{
		{Account: a, Amount: 1000, Kind: ledger.KindGrant},
		{Account: a, Amount: -300, Kind: ledger.KindSpend, Ref: "send:x"},
		{Account: b, Amount: 500, Kind: ledger.KindGrant},
	} {
		if _, err := ledger.Post(app, e); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := ledger.PostBatch(app, ledger.Batch{Rows: `SELECT id AS account, 250 AS amount FROM users WHERE id IN ({:a}, {:b})`,
		Params: dbx.Params{"a": a, "b": b}, Kind: ledger.KindMonthly, Period: "2026-03"}); err != nil {
		t.Fatal(err)
	}
	check := func(step string, want int64) {
		t.Helper()
		if bad, err := ledger.Reconcile(app); err != nil || len(bad) > 0 {
			t.Fatalf("%s: reconcile: %v %+v", step, err, bad)
		}
		var total int64
		if err := app.DB().NewQuery(`SELECT COALESCE(SUM(total), 0) FROM ledger_totals WHERE account = {:a}`).
			Bind(dbx.Params{"a": a}).Row(&total); err != nil {
			t.Fatal(err)
		}
		if total != want {
			t.Errorf("%s: running total of memberA = %d, want %d", step, total, want)
		}
	}
	check("after posts and a batch", 950)
	exec := func(sql string) {
		t.Helper()
		if _, err := app.DB().NewQuery(sql).Bind(dbx.Params{"a": a}).Execute(); err != nil {
			t.Fatal(err)
		}
	}
	// Hand edits (balances follow by hand, as someone repairing data would).
	exec(`UPDATE ledger_entries SET amount = -200, created = '2020-01-01 00:00:00.000Z' WHERE account = {:a} AND kind = 'spend'`)
	exec(`UPDATE users SET balance = balance + 100 WHERE id = {:a}`)
	check("after an entry changed", 1050)
	exec(`DELETE FROM ledger_entries WHERE account = {:a} AND kind = 'monthly'`)
	exec(`UPDATE users SET balance = balance - 250 WHERE id = {:a}`)
	check("after an entry deleted", 800)
	exec(`UPDATE ledger_totals SET total = total + 1 WHERE account = {:a} AND kind = 'grant'`)
	bad, err := ledger.Reconcile(app)
	if err != nil || len(bad) != 1 || !bad[0].Totals || bad[0].UserID != a || bad[0].Balance != bad[0].Sum+1 {
		t.Errorf("a tampered total: got %v %+v, want one totals mismatch of memberA", err, bad)
	}
}

// TestQuarterTotalsFollowEntriesNearMonthStarts: ledger_quarters holds Σ amount per quarter
// hour, team and kind for the entries of the 1st and the 28th–31st of a month (where every
// company month start falls), follows an entry moved into and out of those days, and
// Reconcile reports a quarter total that was tampered with.
func TestQuarterTotalsFollowEntriesNearMonthStarts(t *testing.T) {
	f := testutil.Fixtures(t)
	app := testutil.NewApp(t)
	defer app.Cleanup()
	a := f.ID("memberA")
	if _, err := ledger.Post(app, ledger.Entry{Account: a, Amount: 700, Kind: ledger.KindGrant}); err != nil {
		t.Fatal(err)
	}
	exec := func(sql string) {
		t.Helper()
		if _, err := app.DB().NewQuery(sql).Bind(dbx.Params{"a": a}).Execute(); err != nil {
			t.Fatal(err)
		}
	}
	quarter := func(q string) (total int64) {
		t.Helper()
		if err := app.DB().NewQuery(`SELECT COALESCE(SUM(total), 0) FROM ledger_quarters WHERE quarter = {:q} AND kind = 'grant'`).
			Bind(dbx.Params{"q": q}).Row(&total); err != nil {
			t.Fatal(err)
		}
		return total
	}
	reconciled := func(step string) {
		t.Helper()
		if bad, err := ledger.Reconcile(app); err != nil || len(bad) > 0 {
			t.Fatalf("%s: reconcile: %v %+v", step, err, bad)
		}
	}
	for _, c := range []struct{ created, quarter string }{
		{"2026-02-28 23:44:59.999Z", "2026-02-28 23:30"}, // 23:00 UTC: Europe/Berlin's March starts
		{"2026-03-01 05:45:00.000Z", "2026-03-01 05:45"}, // America/Chicago's
		{"2026-03-31 18:29:00.000Z", "2026-03-31 18:15"}, // Asia/Kolkata's April (+05:30)
	} {
		exec(`UPDATE ledger_entries SET created = '` + c.created + `' WHERE account = {:a}`)
		reconciled("moved to " + c.created)
		if got := quarter(c.quarter); got != 700 {
			t.Errorf("entry at %s: quarter %s holds %d, want 700", c.created, c.quarter, got)
		}
	}
	exec(`UPDATE ledger_entries SET created = '2026-03-15 12:00:00.000Z' WHERE account = {:a}`)
	reconciled("moved mid-month")
	var n int
	if err := app.DB().NewQuery(`SELECT COUNT(*) FROM ledger_quarters WHERE total != 0`).Row(&n); err != nil || n != 0 {
		t.Errorf("mid-month entry: %d quarters hold money (%v), want none", n, err)
	}
	exec(`UPDATE ledger_entries SET created = '2026-04-01 00:00:00.000Z' WHERE account = {:a}`)
	exec(`UPDATE ledger_quarters SET total = total + 1 WHERE quarter = '2026-04-01 00:00'`)
	bad, err := ledger.Reconcile(app)
	if err != nil || len(bad) != 1 || !bad[0].Totals || bad[0].Balance != bad[0].Sum+1 {
		t.Errorf("a tampered quarter: got %v %+v, want one totals mismatch", err, bad)
	}
}

// TestPeriodTotalsFollowMonthlyEntries: ledger_periods (what the allocation card reads) holds
// per budget period the monthly entries' count, total and last payment after a batch, a
// single post, an entry moved to another period and one deleted; other kinds leave it alone;
// Reconcile reports a period that was tampered with.
func TestPeriodTotalsFollowMonthlyEntries(t *testing.T) {
	f := testutil.Fixtures(t)
	app := testutil.NewApp(t)
	defer app.Cleanup()
	a, b := f.ID("memberA"), f.ID("memberB")
	if _, err := ledger.PostBatch(app, ledger.Batch{Rows: `SELECT id AS account, 300 AS amount FROM users WHERE id IN ({:a}, {:b})`,
		Params: dbx.Params{"a": a, "b": b}, Kind: ledger.KindMonthly, Period: "2026-03"}); err != nil {
		t.Fatal(err)
	}
	for _, e := range []ledger.Entry{
		{Account: a, Amount: 400, Kind: ledger.KindMonthly, Period: "2026-04"},
		{Account: a, Amount: 900, Kind: ledger.KindGrant},
	} {
		if _, err := ledger.Post(app, e); err != nil {
			t.Fatal(err)
		}
	}
	type period struct {
		N     int
		Total int64
		Last  string
	}
	check := func(step string, want map[string]period) {
		t.Helper()
		if bad, err := ledger.Reconcile(app); err != nil || len(bad) > 0 {
			t.Fatalf("%s: reconcile: %v %+v", step, err, bad)
		}
		rows, err := app.DB().NewQuery(`SELECT period, n, total, last FROM ledger_periods WHERE n > 0`).Rows()
		if err != nil {
			t.Fatal(err)
		}
		defer rows.Close()
		got := map[string]period{}
		for rows.Next() {
			var p string
			var v period
			if err := rows.Scan(&p, &v.N, &v.Total, &v.Last); err != nil {
				t.Fatal(err)
			}
			got[p] = v
		}
		if len(got) != len(want) {
			t.Errorf("%s: periods %+v, want %+v", step, got, want)
		}
		for p, w := range want {
			if g := got[p]; g.N != w.N || g.Total != w.Total || (w.Last != "" && g.Last != w.Last) {
				t.Errorf("%s: period %s = %+v, want %+v", step, p, g, w)
			}
		}
	}
	check("after a batch and a post", map[string]period{"2026-03": {2, 600, ""}, "2026-04": {1, 400, ""}})
	exec := func(sql string) {
		t.Helper()
		if _, err := app.DB().NewQuery(sql).Bind(dbx.Params{"a": a, "b": b}).Execute(); err != nil {
			t.Fatal(err)
		}
	}
	exec(`UPDATE ledger_entries SET created = '2026-03-02 08:00:00.000Z' WHERE kind = 'monthly' AND period = '2026-03' AND account = {:a}`)
	exec(`UPDATE ledger_entries SET created = '2026-03-01 08:00:00.000Z' WHERE kind = 'monthly' AND period = '2026-03' AND account = {:b}`)
	check("after the payments were dated", map[string]period{"2026-03": {2, 600, "2026-03-02 08:00:00.000Z"}, "2026-04": {1, 400, ""}})
	exec(`UPDATE ledger_entries SET period = '2026-04' WHERE kind = 'monthly' AND period = '2026-03' AND account = {:b}`)
	check("after an entry moved to another period", map[string]period{"2026-03": {1, 300, "2026-03-02 08:00:00.000Z"}, "2026-04": {2, 700, ""}})
	exec(`DELETE FROM ledger_entries WHERE kind = 'monthly' AND period = '2026-03'`)
	exec(`UPDATE users SET balance = balance - 300 WHERE id = {:a}`)
	check("after the period's entry was deleted", map[string]period{"2026-04": {2, 700, ""}})
	exec(`UPDATE ledger_periods SET total = total + 1 WHERE period = '2026-04'`)
	bad, err := ledger.Reconcile(app)
	if err != nil || len(bad) != 1 || bad[0].UserID != "2026-04" {
		t.Errorf("a tampered period: got %v %+v, want one mismatch of 2026-04", err, bad)
	}
}
