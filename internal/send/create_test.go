package send_test

import (
	"errors"
	"fmt"
	"testing"

	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tests"

	"teamfund/internal/access"
	"teamfund/internal/ledger"
	"teamfund/internal/member"
	"teamfund/internal/send"
	"teamfund/internal/testutil"
)

// TestCreateGuardsWhatChangesAfterTheChecks: Create checks on the read pool and writes
// afterwards, so each case changes something between the two, as a concurrent request
// would. The write must then refuse and write nothing, and a new Create names the rule
// that now fails (or, for a lowered approval threshold, waits for approval).
func TestCreateGuardsWhatChangesAfterTheChecks(t *testing.T) {
	f := testutil.Fixtures(t)
	cases := []struct {
		name    string
		limited bool   // the touch has 5 items
		change  string // SQL run between the checks and the write
		wantErr error  // of the racing attempt
		again   error  // of a new Create afterwards (nil: it succeeds)
		pending bool   // the new send waits for approval
	}{
		{"touch completed by an admin", false, "UPDATE touches SET status = 'completed' WHERE id = {:touch}", send.ErrChanged, send.ErrTouchNotActive, false},
		{"touch unassigned from the team", false, "UPDATE touches SET teams = '[]' WHERE id = {:touch}", send.ErrChanged, send.ErrNotAssigned, false},
		{"touch cost raised above the maximum per send", false, "UPDATE touches SET cost = 9000 WHERE id = {:touch}", send.ErrChanged, send.ErrOverMaxPerSend, false},
		{"last items taken by other sends", true, "UPDATE touches SET inventory = 0, status = 'paused_no_inventory' WHERE id = {:touch}", send.ErrChanged, send.ErrOutOfInventory, false},
		{"inventory emptied without pausing", true, "UPDATE touches SET inventory = 0 WHERE id = {:touch}", send.ErrChanged, send.ErrOutOfInventory, false},
		{"sender moved to another team", false, "UPDATE users SET team = {:beta} WHERE id = {:sender}", send.ErrChanged, send.ErrNotAssigned, false},
		{"sender deactivated", false, "UPDATE users SET status = 'deactivated' WHERE id = {:sender}", send.ErrChanged, access.ErrForbidden, false},
		{"team maximum per send lowered", false, "UPDATE teams SET max_per_send = 100 WHERE id = {:alpha}", send.ErrChanged, send.ErrOverMaxPerSend, false},
		{"team approval threshold lowered", false, "UPDATE teams SET approval_threshold = 100 WHERE id = {:alpha}", send.ErrChanged, nil, true},
		{"balance spent elsewhere", true, "UPDATE users SET balance = 100 WHERE id = {:sender}", send.ErrInsufficientBalance, send.ErrInsufficientBalance, false},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			app, touchID := newCreateApp(t, c.limited)
			defer app.Cleanup()
			actor, err := member.Find(app, f.ID("memberA"))
			if err != nil {
				t.Fatal(err)
			}
			before := dataPrint(t, app)
			params := dbx.Params{"touch": touchID, "sender": actor.Id, "alpha": f.ID("alpha"), "beta": f.ID("beta")}
			var after string
			in := send.Input{TouchID: touchID, RecipientName: "Rita", RecipientEmail: "rita@client.example"}
			_, err = send.CreateRacing(app, actor, in, func() {
				if _, err := app.DB().NewQuery(c.change).Bind(params).Execute(); err != nil {
					t.Fatal(err)
				}
				after = dataPrint(t, app)
			})
			if !errors.Is(err, c.wantErr) {
				t.Fatalf("racing send: got %v, want %v", err, c.wantErr)
			}
			if got := dataPrint(t, app); got != after {
				t.Errorf("the refused send wrote something:\n got %s\nwant %s", got, after)
			}
			if after == before {
				t.Fatal("the change changed nothing; the case proves nothing")
			}
			s, err := send.Create(app, actor, in)
			if !errors.Is(err, c.again) {
				t.Fatalf("send after the change: got %v, want %v", err, c.again)
			}
			if err == nil && (s.Status() == send.StatusPending) != c.pending {
				t.Errorf("send after the change: status %s, want pending %v", s.Status(), c.pending)
			}
		})
	}
}

// TestCreateTakesTheLastItemAndPausesTheTouch: the guarded decrement takes the items one
// by one, pauses the touch with the last and refuses the next send.
func TestCreateTakesTheLastItemAndPausesTheTouch(t *testing.T) {
	f := testutil.Fixtures(t)
	app, touchID := newCreateApp(t, true)
	defer app.Cleanup()
	actor, err := member.Find(app, f.ID("memberA"))
	if err != nil {
		t.Fatal(err)
	}
	for i := 0; i < 6; i++ {
		in := send.Input{TouchID: touchID, RecipientName: "R", RecipientEmail: fmt.Sprintf("r%d@client.example", i)}
		_, err := send.Create(app, actor, in)
		if want := error(nil); i == 5 {
			if !errors.Is(err, send.ErrOutOfInventory) {
				t.Fatalf("send %d: got %v, want %v", i, err, send.ErrOutOfInventory)
			}
		} else if err != want {
			t.Fatalf("send %d: got %v, want success", i, err)
		}
	}
	var row struct {
		Inventory int    `db:"inventory"`
		Status    string `db:"status"`
	}
	if err := app.DB().NewQuery("SELECT inventory, status FROM touches WHERE id = {:id}").Bind(dbx.Params{"id": touchID}).One(&row); err != nil {
		t.Fatal(err)
	}
	if row.Inventory != 0 || row.Status != "paused_no_inventory" {
		t.Errorf("touch after the last item: got %d/%s, want 0/paused_no_inventory", row.Inventory, row.Status)
	}
	if bad, err := ledger.Reconcile(app); err != nil || len(bad) > 0 {
		t.Errorf("ledger does not reconcile: %v %+v", err, bad)
	}
}

// newCreateApp is the fixture app with team alpha limited to 50.00 per send and approval
// above 20.00, memberA holding 100.00, and one active 10.00 touch for alpha (5 items
// when limited).
func newCreateApp(t *testing.T, limited bool) (*tests.TestApp, string) {
	t.Helper()
	f := testutil.Fixtures(t)
	app := testutil.NewApp(t)
	if _, err := app.DB().NewQuery("UPDATE teams SET max_per_send = 5000, approval_threshold = 2000 WHERE id = {:id}").
		Bind(dbx.Params{"id": f.ID("alpha")}).Execute(); err != nil {
		t.Fatal(err)
	}
	if _, err := ledger.Post(app, ledger.Entry{Account: f.ID("memberA"), Amount: 10000, Kind: ledger.KindGrant, Reason: "test"}); err != nil {
		t.Fatal(err)
	}
	col, err := app.FindCollectionByNameOrId("touches")
	if err != nil {
		t.Fatal(err)
	}
	r := core.NewRecord(col)
	r.Load(map[string]any{"name": "Mug", "cost": 1000, "status": "active", "teams": []string{f.ID("alpha")},
		"track_inventory": limited, "inventory": 5})
	if err := app.Save(r); err != nil {
		t.Fatal(err)
	}
	return app, r.Id
}

// dataPrint is everything a send could write.
func dataPrint(t *testing.T, app core.App) string {
	t.Helper()
	var row struct {
		Sends    int    `db:"sends"`
		Ledger   int    `db:"ledger"`
		Audit    int    `db:"audit"`
		Balances string `db:"balances"`
		Touches  string `db:"touches"`
		Teams    string `db:"teams"`
	}
	err := app.DB().NewQuery(`SELECT
		(SELECT COUNT(*) FROM sends) AS sends,
		(SELECT COUNT(*) FROM ledger_entries) AS ledger,
		(SELECT COUNT(*) FROM audit_log) AS audit,
		(SELECT GROUP_CONCAT(id || '=' || balance || '/' || team || '/' || status, ',') FROM (SELECT * FROM users ORDER BY id)) AS balances,
		(SELECT GROUP_CONCAT(id || '=' || inventory || '/' || status || '/' || cost || '/' || teams, ',') FROM (SELECT * FROM touches ORDER BY id)) AS touches,
		(SELECT GROUP_CONCAT(id || '=' || max_per_send || '/' || approval_threshold, ',') FROM (SELECT * FROM teams ORDER BY id)) AS teams`).One(&row)
	if err != nil {
		t.Fatal(err)
	}
	return fmt.Sprintf("%+v", row)
}

// TestCreateInsideACallersTransaction: the checks read inside the caller's transaction
// (seeing what it wrote), and a refusal leaves that transaction's own writes intact.
func TestCreateInsideACallersTransaction(t *testing.T) {
	f := testutil.Fixtures(t)
	app, touchID := newCreateApp(t, true)
	defer app.Cleanup()
	err := app.RunInTransaction(func(tx core.App) error {
		actor, err := member.Find(tx, f.ID("memberA2"))
		if err != nil {
			return err
		}
		in := send.Input{TouchID: touchID, RecipientName: "R", RecipientEmail: "r@client.example"}
		if _, err := send.Create(tx, actor, in); !errors.Is(err, send.ErrInsufficientBalance) {
			t.Errorf("before the grant: got %v, want %v", err, send.ErrInsufficientBalance)
		}
		// A grant written in this transaction is seen by the checks (actor is now stale).
		if _, err := ledger.Post(tx, ledger.Entry{Account: actor.Id, Amount: 1000, Kind: ledger.KindGrant}); err != nil {
			return err
		}
		if _, err := send.Create(tx, actor, in); err != nil {
			t.Errorf("after the grant: %v", err)
		}
		if _, err := send.Create(tx, actor, in); !errors.Is(err, send.ErrInsufficientBalance) {
			t.Errorf("balance spent: got %v, want %v", err, send.ErrInsufficientBalance)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	var n int
	if err := app.DB().NewQuery("SELECT COUNT(*) FROM sends").Row(&n); err != nil || n != 1 {
		t.Errorf("sends after the transaction: %d (%v), want 1", n, err)
	}
	if bad, err := ledger.Reconcile(app); err != nil || len(bad) > 0 {
		t.Errorf("ledger does not reconcile: %v %+v", err, bad)
	}
}
