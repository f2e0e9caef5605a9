package figures_test

import (
	"fmt"
	"testing"
	"time"

	"github.com/pocketbase/dbx"

	"teamfund/internal/budget"
	"teamfund/internal/figures"
	"teamfund/internal/ledger"
	"teamfund/internal/money"
	"teamfund/internal/testutil"
)

// TestHeldAtMonthStartsInAnyTimeZone: what sat in sends waiting for approval at the start
// and end of a company month (read through idx_ledger_holds_spanning, which holds only the sends
// whose wait reaches a month start's window) equals a plain sum over every send, in time
// zones from UTC−10 to UTC+13 and one on a quarter hour, for sends that wait across a month
// start by minutes, days or a whole month, that wait and are decided before it, that are made
// after it, and that still wait.
func TestHeldAtMonthStartsInAnyTimeZone(t *testing.T) {
	f := testutil.Fixtures(t)
	app := testutil.NewApp(t)
	defer app.Cleanup()
	zones := []string{"UTC", "Europe/Berlin", "America/New_York", "Pacific/Honolulu", "Asia/Kathmandu", "Pacific/Auckland"}
	months := []budget.Month{"2026-02", "2026-03"}
	accounts := []string{f.ID("memberA"), f.ID("memberB")}
	n := 0
	addSend := func(created time.Time, decided time.Time, status string) {
		t.Helper()
		n++
		id := fmt.Sprintf("heldsend%07d", n)
		account := accounts[n%2]
		if _, err := ledger.Post(app, ledger.Entry{Account: account, Amount: 5000, Kind: ledger.KindGrant}); err != nil {
			t.Fatal(err)
		}
		if _, err := ledger.Post(app, ledger.Entry{Account: account, Amount: money.Cents(-100 * n), Kind: ledger.KindSpend, Ref: "send:" + id}); err != nil {
			t.Fatal(err)
		}
		decidedAt := ""
		if !decided.IsZero() {
			decidedAt = stampOf(decided)
		}
		if _, err := app.DB().Insert("sends", dbx.Params{"id": id, "sender": account, "team": f.ID("alpha"), "status": status,
			"cost": 100 * n, "created": stampOf(created.Add(time.Millisecond)), "decided_at": decidedAt}).Execute(); err != nil {
			t.Fatal(err)
		}
		if _, err := app.DB().NewQuery(`UPDATE ledger_entries SET created = {:at} WHERE ref = {:ref} OR (account = {:a} AND kind = 'grant' AND created > '2027')`).
			Bind(dbx.Params{"at": stampOf(created), "ref": "send:" + id, "a": account}).Execute(); err != nil {
			t.Fatal(err)
		}
	}
	for _, zone := range zones {
		loc, err := time.LoadLocation(zone)
		if err != nil {
			t.Fatal(err)
		}
		for _, m := range months {
			h := m.Start(loc)
			addSend(h.Add(-30*time.Minute), h.Add(2*time.Hour), "sent")        // waits across the start by minutes
			addSend(h.Add(-5*24*time.Hour), h.Add(3*24*time.Hour), "rejected") // by days
			addSend(h.Add(-20*24*time.Hour), h.Add(40*24*time.Hour), "sent")   // across two month starts
			addSend(h.Add(-3*time.Hour), h.Add(-time.Hour), "cancelled")       // decided before the start
			addSend(h.Add(-time.Millisecond), h, "sent")                       // decided exactly at the start
			addSend(h.Add(time.Hour), h.Add(26*time.Hour), "sent")             // made after the start
			addSend(h.Add(-13*time.Hour), time.Time{}, "pending")              // still waiting
		}
	}
	if err := ledger.SyncHolds(app); err != nil { // the sends rows went in with SQL
		t.Fatal(err)
	}
	if bad, err := ledger.Reconcile(app); err != nil || len(bad) > 0 {
		t.Fatalf("reconcile: %v %+v", err, bad)
	}
	heldAt := func(at time.Time) int64 {
		var held int64
		if err := app.DB().NewQuery(`SELECT COALESCE(-SUM(l.amount), 0) FROM sends s JOIN ledger_entries l ON l.ref = 'send:' || s.id AND l.kind = 'spend'
			WHERE l.created < {:at} AND (s.status = 'pending' OR (s.decided_at != '' AND s.decided_at >= {:at}))`).
			Bind(dbx.Params{"at": stampOf(at)}).Row(&held); err != nil {
			t.Fatal(err)
		}
		return held
	}
	checked := 0
	for _, zone := range zones {
		loc, _ := time.LoadLocation(zone)
		var periods []figures.Period
		for _, m := range []budget.Month{"2026-01", "2026-02", "2026-03", "2026-04"} {
			periods = append(periods, figures.MonthPeriod(m, loc))
		}
		all, err := figures.StatementsOver(app, figures.Company, figures.ByNothing, periods)
		if err != nil {
			t.Fatal(err)
		}
		for i, p := range periods {
			got := all[i][""]
			if want := heldAt(p.Start); int64(got.HeldBefore) != want {
				t.Errorf("%s %v: held at the start %d, want %d", zone, p.Start, got.HeldBefore, want)
			}
			if want := heldAt(p.End); int64(got.Held) != want {
				t.Errorf("%s %v: held at the end %d, want %d", zone, p.End, got.Held, want)
			}
			if want := heldAt(p.End); want != 0 {
				checked++
			}
		}
		spent, err := figures.SpentBy(app, figures.Company, periods[1])
		if err != nil {
			t.Fatal(err)
		}
		var held int64
		for _, s := range spent {
			held += int64(s.Held)
		}
		if want := heldAt(periods[1].End); held != want {
			t.Errorf("%s: SpentBy holds %d at the end of February, want %d", zone, held, want)
		}
	}
	if checked < len(zones)*3 {
		t.Errorf("only %d month ends held money; the sends do not wait across them", checked)
	}
}

func stampOf(t time.Time) string { return t.UTC().Format("2006-01-02 15:04:05.000Z") }
