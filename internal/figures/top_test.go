package figures_test

import (
	"fmt"
	"math/rand/v2"
	"slices"
	"testing"
	"time"

	"github.com/pocketbase/dbx"

	"teamfund/internal/budget"
	"teamfund/internal/figures"
	"teamfund/internal/ledger"
	"teamfund/internal/money"
	"teamfund/internal/testutil"
)

// TestTopSpendersAreTheFirstOfEveryonesSpending: the company's top spenders of a month
// (read from the accounts in the order of what they sent in the UTC month) are the first n of
// every account's Spent and Held ranked (SpentBy), for n from 1 to all, in time zones east and
// west of UTC, with equal amounts (ties), spends and refunds in the hours between a company
// month and its UTC month, sends held across either end of the month, and a month in which
// everyone sent the same.
func TestTopSpendersAreTheFirstOfEveryonesSpending(t *testing.T) {
	app := testutil.NewApp(t)
	defer app.Cleanup()
	testutil.InsertTeamMembers(t, app, 30)
	var accounts []string
	if err := app.DB().NewQuery("SELECT id FROM users WHERE status = 'active' ORDER BY id").Column(&accounts); err != nil {
		t.Fatal(err)
	}
	post := func(e ledger.Entry, at time.Time) {
		t.Helper()
		posted, err := ledger.Post(app, e)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := app.DB().NewQuery("UPDATE ledger_entries SET created = {:at} WHERE id = {:id}").
			Bind(dbx.Params{"at": stampOf(at), "id": posted.ID}).Execute(); err != nil {
			t.Fatal(err)
		}
	}
	for _, a := range accounts {
		post(ledger.Entry{Account: a, Amount: 1_000_000, Kind: ledger.KindGrant}, time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC))
	}
	zones := []string{"UTC", "Europe/Berlin", "America/New_York", "Asia/Kathmandu", "Pacific/Auckland", "Pacific/Honolulu"}
	months := []budget.Month{"2026-02", "2026-03", "2026-04"}
	offsets := []time.Duration{-15 * time.Hour, -90 * time.Minute, -time.Millisecond, 0, 20 * time.Minute, 5 * time.Hour, 13 * time.Hour, 9 * 24 * time.Hour}
	rng := rand.New(rand.NewPCG(7, 21))
	sends := 0
	for _, zone := range zones {
		loc, _ := time.LoadLocation(zone)
		for _, m := range months {
			h := m.Start(loc)
			for range 12 {
				a := accounts[rng.IntN(len(accounts))]
				at := h.Add(offsets[rng.IntN(len(offsets))])
				amount := money.Cents(100 * (1 + rng.IntN(3))) // few amounts: ties
				switch rng.IntN(4) {
				case 0: // sent and partly refunded
					post(ledger.Entry{Account: a, Amount: -amount, Kind: ledger.KindSpend}, at)
					post(ledger.Entry{Account: a, Amount: 100, Kind: ledger.KindRefund}, at.Add(time.Duration(rng.IntN(30))*time.Hour))
				case 1: // held across the month start, decided a while after (or still waiting)
					sends++
					id := fmt.Sprintf("topsend%08d", sends)
					post(ledger.Entry{Account: a, Amount: -amount, Kind: ledger.KindSpend, Ref: "send:" + id}, at)
					status, decided := "sent", stampOf(at.Add(time.Duration(1+rng.IntN(40*24))*time.Hour))
					if rng.IntN(4) == 0 {
						status, decided = "pending", ""
					}
					if _, err := app.DB().Insert("sends", dbx.Params{"id": id, "sender": a, "status": status, "cost": int64(amount),
						"created": stampOf(at.Add(time.Millisecond)), "decided_at": decided}).Execute(); err != nil {
						t.Fatal(err)
					}
				default:
					post(ledger.Entry{Account: a, Amount: -amount, Kind: ledger.KindSpend}, at)
				}
			}
		}
	}
	// June: 30 people sent the same mid-month, nobody else sent anything (ties only).
	for _, a := range accounts[:30] {
		post(ledger.Entry{Account: a, Amount: -1000, Kind: ledger.KindSpend}, time.Date(2026, 6, 15, 12, 0, 0, 0, time.UTC))
	}
	if err := ledger.SyncHolds(app); err != nil { // the sends rows went in with SQL
		t.Fatal(err)
	}
	if bad, err := ledger.Reconcile(app); err != nil || len(bad) > 0 {
		t.Fatalf("reconcile: %v %+v", err, bad)
	}
	checked := 0
	for _, zone := range zones {
		loc, _ := time.LoadLocation(zone)
		for _, m := range append(months, "2026-06") {
			p := figures.MonthPeriod(m, loc)
			everyone, err := figures.SpentBy(app, figures.Company, p)
			if err != nil {
				t.Fatal(err)
			}
			var want []figures.Spender
			for id, s := range everyone {
				if s.Spent > 0 || s.Held > 0 {
					want = append(want, figures.Spender{Account: id, Statement: figures.Statement{Spent: s.Spent, Held: s.Held}})
				}
			}
			slices.SortFunc(want, func(a, b figures.Spender) int {
				switch {
				case a.Spent != b.Spent:
					return int(b.Spent - a.Spent)
				case a.Held != b.Held:
					return int(b.Held - a.Held)
				case a.Account < b.Account:
					return -1
				}
				return 1
			})
			for n := 1; n <= len(want)+1; n++ {
				got, err := figures.TopSpenders(app, figures.Company, p, n)
				if err != nil {
					t.Fatal(err)
				}
				if w := want[:min(n, len(want))]; !slices.Equal(got, w) {
					t.Errorf("%s %s: top %d = %+v, want %+v", zone, m, n, got, w)
				}
				checked++
			}
		}
	}
	if checked < 200 {
		t.Errorf("only %d rankings checked", checked)
	}
}
