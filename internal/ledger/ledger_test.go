package ledger_test

import (
	"errors"
	"sync"
	"testing"

	"teamfund/internal/ledger"
	"teamfund/internal/member"
	"teamfund/internal/money"
	"teamfund/internal/testutil"
)

func TestMain(m *testing.M) { testutil.Main(m) }

func TestPostKeepsBalanceEqualToLedgerAndNeverNegative(t *testing.T) {
	f := testutil.Fixtures(t)
	app := testutil.NewApp(t)
	defer app.Cleanup()
	acct := f.ID("memberA")
	if _, err := ledger.Post(app, ledger.Entry{Account: acct, Amount: 1000, Kind: ledger.KindGrant}); err != nil {
		t.Fatal(err)
	}
	var wg sync.WaitGroup
	var mu sync.Mutex
	ok, refused := 0, 0
	for range 60 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			_, err := ledger.Post(app, ledger.Entry{Account: acct, Amount: -30, Kind: ledger.KindSpend})
			mu.Lock()
			defer mu.Unlock()
			switch {
			case err == nil:
				ok++
			case errors.Is(err, ledger.ErrInsufficientFunds):
				refused++
			default:
				t.Errorf("unexpected error: %v", err)
			}
		}()
	}
	wg.Wait()
	if ok != 33 || refused != 27 {
		t.Errorf("got %d debits and %d refusals, want 33 and 27", ok, refused)
	}
	if bad, err := ledger.Reconcile(app); err != nil || len(bad) > 0 {
		t.Fatalf("reconcile: %v %+v", err, bad)
	}
	u, _ := member.Find(app, acct)
	if u.Balance() != 10 {
		t.Errorf("balance = %d, want 10", u.Balance())
	}
	if c, _ := ledger.CompanyBalance(app); c != -1000 {
		t.Errorf("company balance = %d, want -1000", c)
	}
}

func TestLedgerIsAppendOnly(t *testing.T) {
	f := testutil.Fixtures(t)
	app := testutil.NewApp(t)
	defer app.Cleanup()
	p, err := ledger.Post(app, ledger.Entry{Account: f.ID("memberA"), Amount: 500, Kind: ledger.KindGrant})
	if err != nil {
		t.Fatal(err)
	}
	r, err := app.FindRecordById(ledger.Collection, p.ID)
	if err != nil {
		t.Fatal(err)
	}
	r.Set("amount", 999999)
	if err := app.Save(r); !errors.Is(err, ledger.ErrAppendOnly) {
		t.Errorf("update: got %v, want %v", err, ledger.ErrAppendOnly)
	}
	if err := app.Delete(r); !errors.Is(err, ledger.ErrAppendOnly) {
		t.Errorf("delete: got %v, want %v", err, ledger.ErrAppendOnly)
	}
}

func TestPostRefusals(t *testing.T) {
	f := testutil.Fixtures(t)
	app := testutil.NewApp(t)
	defer app.Cleanup()
	tests := []struct {
		name string
		e    ledger.Entry
		want error
	}{
		{"debit below zero", ledger.Entry{Account: f.ID("memberB"), Amount: -1, Kind: ledger.KindSpend}, ledger.ErrInsufficientFunds},
		{"zero amount", ledger.Entry{Account: f.ID("memberB"), Amount: 0, Kind: ledger.KindGrant}, ledger.ErrZeroAmount},
		{"unknown account", ledger.Entry{Account: "nope", Amount: 5, Kind: ledger.KindGrant}, ledger.ErrUnknownAccount},
	}
	for _, tt := range tests {
		if _, err := ledger.Post(app, tt.e); !errors.Is(err, tt.want) {
			t.Errorf("%s: got %v, want %v", tt.name, err, tt.want)
		}
	}
	if n, _ := app.CountRecords(ledger.Collection); n != 0 {
		t.Errorf("refusals wrote %d ledger entries", n)
	}
}

// TestPostRecordsTheAccountAsChanged: the entry keeps the balance after the change and the
// account's email and team as they were (read by the same UPDATE that changed the balance).
func TestPostRecordsTheAccountAsChanged(t *testing.T) {
	f := testutil.Fixtures(t)
	app := testutil.NewApp(t)
	defer app.Cleanup()
	acct := f.ID("memberA")
	for _, c := range []struct {
		amount, after int64
	}{{700, 700}, {-200, 500}, {-500, 0}} {
		p, err := ledger.Post(app, ledger.Entry{Account: acct, Amount: money.Cents(c.amount), Kind: ledger.KindAdjust})
		if err != nil {
			t.Fatal(err)
		}
		if int64(p.BalanceAfter) != c.after {
			t.Errorf("%+d: BalanceAfter = %d, want %d", c.amount, p.BalanceAfter, c.after)
		}
		r, err := app.FindRecordById(ledger.Collection, p.ID)
		if err != nil {
			t.Fatal(err)
		}
		if got := r.GetInt("balance_after"); int64(got) != c.after {
			t.Errorf("%+d: stored balance_after = %d, want %d", c.amount, got, c.after)
		}
		if r.GetString("user_email") != f.Emails["memberA"] || r.GetString("team") != f.ID("alpha") {
			t.Errorf("%+d: entry names %q in team %q, want %q in %q", c.amount, r.GetString("user_email"), r.GetString("team"), f.Emails["memberA"], f.ID("alpha"))
		}
	}
}

func TestCreditsStopAtTheLargestBalanceButRefundsDoNot(t *testing.T) {
	f := testutil.Fixtures(t)
	app := testutil.NewApp(t)
	defer app.Cleanup()
	acct := f.ID("memberA")
	if _, err := ledger.Post(app, ledger.Entry{Account: acct, Amount: money.MaxBalance - 100, Kind: ledger.KindGrant}); err != nil {
		t.Fatal(err)
	}
	for _, kind := range []ledger.Kind{ledger.KindGrant, ledger.KindTransferIn, ledger.KindMonthly, ledger.KindAdjust} {
		if _, err := ledger.Post(app, ledger.Entry{Account: acct, Amount: 101, Kind: kind}); !errors.Is(err, ledger.ErrBalanceTooHigh) {
			t.Errorf("%s of 101: got %v, want %v", kind, err, ledger.ErrBalanceTooHigh)
		}
	}
	if _, err := ledger.Post(app, ledger.Entry{Account: acct, Amount: 100, Kind: ledger.KindGrant}); err != nil {
		t.Errorf("grant up to the largest balance: %v", err)
	}
	if _, err := ledger.Post(app, ledger.Entry{Account: acct, Amount: 500, Kind: ledger.KindRefund}); err != nil {
		t.Errorf("a refund must never fail on the cap: %v", err)
	}
	_, err := ledger.PostBatch(app, ledger.Batch{Rows: `SELECT {:id} AS account, 1 AS amount`,
		Params: map[string]any{"id": acct}, Kind: ledger.KindGrant})
	if !errors.Is(err, ledger.ErrBalanceTooHigh) {
		t.Errorf("batch grant above the cap: got %v, want %v", err, ledger.ErrBalanceTooHigh)
	}
	if bad, err := ledger.Reconcile(app); err != nil || len(bad) > 0 {
		t.Fatalf("reconcile: %v %+v", err, bad)
	}
}
