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
