package ledger_test

import (
	"testing"

	"teamfund/internal/ledger"
	"teamfund/internal/testutil"
)

// BenchmarkPostDebit measures one ledger debit in its own transaction: the guarded
// UPDATE ... RETURNING of the balance and the append-only entry.
//
//	go test ./internal/ledger -run '^$' -bench PostDebit -benchmem
func BenchmarkPostDebit(b *testing.B) {
	f := testutil.Fixtures(b)
	app := testutil.NewApp(b)
	defer app.Cleanup()
	acct := f.ID("memberA")
	if _, err := ledger.Post(app, ledger.Entry{Account: acct, Amount: 1_000_000_000, Kind: ledger.KindGrant}); err != nil {
		b.Fatal(err)
	}
	b.ResetTimer()
	for b.Loop() {
		if _, err := ledger.Post(app, ledger.Entry{Account: acct, Amount: -1, Kind: ledger.KindSpend, Reason: "bench"}); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkPostRefused measures a debit the guard refuses (balance too low): the UPDATE
// matches no row and nothing is written.
func BenchmarkPostRefused(b *testing.B) {
	f := testutil.Fixtures(b)
	app := testutil.NewApp(b)
	defer app.Cleanup()
	acct := f.ID("memberB")
	b.ResetTimer()
	for b.Loop() {
		if _, err := ledger.Post(app, ledger.Entry{Account: acct, Amount: -1, Kind: ledger.KindSpend}); err != ledger.ErrInsufficientFunds {
			b.Fatal(err)
		}
	}
}
