package ledger_test

import (
	"testing"

	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/core"

	"teamfund/internal/ledger"
	"teamfund/internal/money"
	"teamfund/internal/testutil"
)

// TestHoldsFollowSendsAndDebits: ledger_holds keeps, for every send that waits or was
// decided, its debit beside its status and decision — whether the debit or the send record is
// written first, through decisions, a sent-at-once send (no row), hand edits of the debit and
// deletions of either — Reconcile names a tampered row, and SyncHolds mends it.
func TestHoldsFollowSendsAndDebits(t *testing.T) {
	f := testutil.Fixtures(t)
	app := testutil.NewApp(t)
	defer app.Cleanup()
	a, b := f.ID("memberA"), f.ID("memberB")
	for _, who := range []string{a, b} {
		if _, err := ledger.Post(app, ledger.Entry{Account: who, Amount: 10000, Kind: ledger.KindGrant}); err != nil {
			t.Fatal(err)
		}
	}
	exec := func(sql string, p dbx.Params) {
		t.Helper()
		if _, err := app.DB().NewQuery(sql).Bind(p).Execute(); err != nil {
			t.Fatal(err)
		}
	}
	debit := func(send string, amount int64) {
		t.Helper()
		if _, err := ledger.Post(app, ledger.Entry{Account: a, Amount: money.Cents(-amount), Kind: ledger.KindSpend, Ref: "send:" + send}); err != nil {
			t.Fatal(err)
		}
	}
	col, err := app.FindCollectionByNameOrId("sends")
	if err != nil {
		t.Fatal(err)
	}
	sends := map[string]*core.Record{}
	sendRow := func(id, status, decided string) { // a record save, as the app and the dashboard write sends
		t.Helper()
		r := core.NewRecord(col)
		r.Id = id
		r.Load(map[string]any{"sender": a, "team": f.ID("alpha"), "status": status, "cost": 100, "decided_at": decided,
			"recipient_name": "R", "recipient_email": "r@example.com", "touch_name": "T"})
		if err := app.Save(r); err != nil {
			t.Fatal(err)
		}
		sends[id] = r
	}
	type hold struct {
		Account, Team, Status, Decided string
		Amount                         int64
	}
	check := func(step string, want map[string]hold) {
		t.Helper()
		if bad, err := ledger.Reconcile(app); err != nil || len(bad) > 0 {
			t.Fatalf("%s: reconcile: %v %+v", step, err, bad)
		}
		rows, err := app.DB().NewQuery(`SELECT send, account, team, status, decided_at, amount FROM ledger_holds`).Rows()
		if err != nil {
			t.Fatal(err)
		}
		defer rows.Close()
		got := map[string]hold{}
		for rows.Next() {
			var id string
			var h hold
			if err := rows.Scan(&id, &h.Account, &h.Team, &h.Status, &h.Decided, &h.Amount); err != nil {
				t.Fatal(err)
			}
			got[id] = h
		}
		if len(got) != len(want) {
			t.Errorf("%s: holds %+v, want %+v", step, got, want)
		}
		for id, w := range want {
			if got[id] != w {
				t.Errorf("%s: hold of %s = %+v, want %+v", step, id, got[id], w)
			}
		}
	}
	alpha := f.ID("alpha")
	debit("holdsend0000001", 300) // the app's order: the debit, then the send
	sendRow("holdsend0000001", "pending", "")
	sendRow("holdsend0000002", "pending", "") // the other order
	debit("holdsend0000002", 500)
	debit("holdsend0000003", 700) // went out at once: never held
	sendRow("holdsend0000003", "sent", "")
	check("two waiting, one sent at once", map[string]hold{
		"holdsend0000001": {a, alpha, "pending", "", -300},
		"holdsend0000002": {a, alpha, "pending", "", -500}})

	decided := sends["holdsend0000001"]
	decided.Set("status", "rejected")
	decided.Set("decided_at", "2026-03-01 10:00:00.000Z")
	if err := app.Save(decided); err != nil {
		t.Fatal(err)
	}
	exec(`UPDATE ledger_entries SET amount = -550, team = '' WHERE ref = 'send:holdsend0000002'`, nil)
	exec(`UPDATE users SET balance = balance - 50 WHERE id = {:a}`, dbx.Params{"a": a})
	check("a decision and a hand-edited debit", map[string]hold{
		"holdsend0000001": {a, alpha, "rejected", "2026-03-01 10:00:00.000Z", -300},
		"holdsend0000002": {a, "", "pending", "", -550}})

	exec(`UPDATE ledger_entries SET account = {:b} WHERE ref = 'send:holdsend0000002'`, dbx.Params{"b": b})
	exec(`UPDATE users SET balance = balance + 550 WHERE id = {:a}`, dbx.Params{"a": a})
	exec(`UPDATE users SET balance = balance - 550 WHERE id = {:b}`, dbx.Params{"b": b})
	check("the debit moved to another account", map[string]hold{
		"holdsend0000001": {a, alpha, "rejected", "2026-03-01 10:00:00.000Z", -300},
		"holdsend0000002": {b, "", "pending", "", -550}})

	if err := app.Delete(sends["holdsend0000001"]); err != nil {
		t.Fatal(err)
	}
	exec(`DELETE FROM ledger_entries WHERE ref = 'send:holdsend0000002'`, nil)
	exec(`UPDATE users SET balance = balance + 550 WHERE id = {:b}`, dbx.Params{"b": b})
	check("a send and a debit deleted", map[string]hold{})

	sendRow("holdsend0000004", "pending", "")
	debit("holdsend0000004", 100)
	exec(`UPDATE ledger_holds SET decided_at = '2026-01-01 00:00:00.000Z'`, nil)
	bad, err := ledger.Reconcile(app)
	if err != nil || len(bad) == 0 {
		t.Errorf("a tampered hold: reconcile = %+v, %v; want holdsend0000004", bad, err)
	}
	for _, m := range bad { // the kept row and the joined one, each found once
		if m.UserID != "holdsend0000004" || m.Balance+m.Sum != 1 {
			t.Errorf("a tampered hold: reconcile names %+v, want holdsend0000004", m)
		}
	}
	if err := ledger.SyncHolds(app); err != nil {
		t.Fatal(err)
	}
	check("after SyncHolds", map[string]hold{"holdsend0000004": {a, alpha, "pending", "", -100}})
}
