package web_test

import (
	"net/http"
	"strings"
	"testing"

	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tests"

	"teamfund/internal/money"
	"teamfund/internal/testutil"
)

// ledgerByRef returns the amounts and kinds of the ledger entries with ref, in order.
func ledgerByRef(t testing.TB, app core.App, ref string) []string {
	t.Helper()
	var rows []struct {
		Kind   string `db:"kind"`
		Amount int64  `db:"amount"`
	}
	if err := app.DB().NewQuery("SELECT kind, amount FROM ledger_entries WHERE ref = {:ref} ORDER BY rowid").
		Bind(dbx.Params{"ref": ref}).All(&rows); err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, r := range rows {
		out = append(out, r.Kind+":"+money.Cents(r.Amount).Decimal())
	}
	return out
}

func auditCount(t testing.TB, app core.App, action, target string) int {
	t.Helper()
	n, err := app.CountRecords("audit_log", dbx.HashExp{"action": action, "target_id": target})
	if err != nil {
		t.Fatal(err)
	}
	return int(n)
}

func inventoryOf(t testing.TB, app core.App, id string) (int, string) {
	t.Helper()
	r, err := app.FindRecordById("touches", id)
	if err != nil {
		t.Fatal(err)
	}
	return r.GetInt("inventory"), r.GetString("status")
}

func equal(a, b []string) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

// TestSendMoneyPaths follows the money through every path of a send over the real HTTP API.
func TestSendMoneyPaths(t *testing.T) {
	f := testutil.Fixtures(t)
	setup := func(t *testing.T) (*tests.TestApp, func(method, path, who string, body any) apiResult) {
		app := newSendsApp(t)
		t.Cleanup(app.Cleanup)
		srv := testutil.Serve(t, app)
		return app, func(method, path, who string, body any) apiResult {
			tok := ""
			if who != "" {
				tok = f.Token(who)
			}
			return callAPI(t, srv.Client(), srv.URL, method, path, tok, body)
		}
	}
	sendBody := func(touchID string) map[string]string {
		return map[string]string{"touch": touchID, "recipient_name": "Carla Client", "recipient_email": " Carla@Client.EXAMPLE "}
	}

	t.Run("a send below the threshold is sent at once and debited", func(t *testing.T) {
		app, call := setup(t)
		r := call("POST", "/api/tf/sends", "memberA", sendBody(mugID))
		if r.Status != http.StatusCreated || r.Body["status"] != "sent" || r.Body["recipient_email"] != "carla@client.example" {
			t.Fatalf("got %d %s, want 201 sent with a normalised email", r.Status, r.Text)
		}
		id := r.Body["id"].(string)
		if got := balanceOf(t, app, "memberA"); got != 9000 {
			t.Errorf("balance %v, want 9000", got)
		}
		if got := ledgerByRef(t, app, "send:"+id); !equal(got, []string{"spend:-10.00"}) {
			t.Errorf("ledger %v, want one spend of -10.00", got)
		}
		if auditCount(t, app, "send.create", id) != 1 {
			t.Error("send.create not audited")
		}
		expectReconciled(t, app)
	})

	t.Run("the last item pauses the touch and the next send is refused", func(t *testing.T) {
		app, call := setup(t)
		if r := call("POST", "/api/tf/sends", "memberA", sendBody(socksID)); r.Status != http.StatusCreated {
			t.Fatalf("first send: %d %s", r.Status, r.Text)
		}
		if inv, st := inventoryOf(t, app, socksID); inv != 0 || st != "paused_no_inventory" {
			t.Errorf("touch %d/%s, want 0/paused_no_inventory", inv, st)
		}
		r := call("POST", "/api/tf/sends", "memberA2", sendBody(socksID))
		if r.Status != http.StatusConflict || r.Body["message"] != "This touch is out of inventory." {
			t.Errorf("second send: %d %s", r.Status, r.Text)
		}
		expectReconciled(t, app)
	})

	t.Run("above the threshold the send is pending with the money held, and the manager approves it", func(t *testing.T) {
		app, call := setup(t)
		r := call("POST", "/api/tf/sends", "memberA", sendBody(hamperID))
		if r.Status != http.StatusCreated || r.Body["status"] != "pending" {
			t.Fatalf("got %d %s, want 201 pending", r.Status, r.Text)
		}
		id := r.Body["id"].(string)
		if got := balanceOf(t, app, "memberA"); got != 7000 {
			t.Errorf("held balance %v, want 7000", got)
		}
		list := call("GET", "/api/tf/approvals/sends", "managerA", nil)
		if !containsText(list.Text, id) {
			t.Errorf("manager's approvals do not list the send: %s", list.Text)
		}
		if other := call("GET", "/api/tf/approvals/sends", "managerB", nil); containsText(other.Text, id) {
			t.Errorf("other team's manager sees the send: %s", other.Text)
		}
		if r := call("POST", "/api/tf/sends/"+id+"/approve", "memberA2", nil); r.Status != http.StatusForbidden {
			t.Errorf("teammate approves: %d %s, want 403", r.Status, r.Text)
		}
		if r := call("POST", "/api/tf/sends/"+id+"/approve", "managerB", nil); r.Status != http.StatusForbidden {
			t.Errorf("other team's manager approves: %d %s, want 403", r.Status, r.Text)
		}
		a := call("POST", "/api/tf/sends/"+id+"/approve", "managerA", nil)
		if a.Status != http.StatusOK || a.Body["status"] != "sent" || a.Body["decided_by"] != f.ID("managerA") {
			t.Fatalf("approve: %d %s", a.Status, a.Text)
		}
		if got := balanceOf(t, app, "memberA"); got != 7000 {
			t.Errorf("balance after approval %v, want 7000 (no second debit)", got)
		}
		if got := ledgerByRef(t, app, "send:"+id); !equal(got, []string{"spend:-30.00"}) {
			t.Errorf("ledger %v, want one spend", got)
		}
		if auditCount(t, app, "send.approve", id) != 1 {
			t.Error("approval not audited")
		}
		if r := call("POST", "/api/tf/sends/"+id+"/approve", "admin", nil); r.Status != http.StatusConflict || r.Body["message"] != "This send is no longer pending." {
			t.Errorf("second approval: %d %s", r.Status, r.Text)
		}
		if r := call("POST", "/api/tf/sends/"+id+"/cancel", "memberA", nil); r.Status != http.StatusConflict {
			t.Errorf("cancel after approval: %d %s, want 409", r.Status, r.Text)
		}
		expectReconciled(t, app)
	})

	t.Run("an admin rejects: refund and the item comes back", func(t *testing.T) {
		app, call := setup(t)
		exec(t, app, "UPDATE touches SET cost = 2500 WHERE id = {:id}", dbx.Params{"id": socksID})
		r := call("POST", "/api/tf/sends", "memberA", sendBody(socksID))
		if r.Status != http.StatusCreated || r.Body["status"] != "pending" {
			t.Fatalf("got %d %s, want pending", r.Status, r.Text)
		}
		id := r.Body["id"].(string)
		if inv, st := inventoryOf(t, app, socksID); inv != 0 || st != "paused_no_inventory" {
			t.Errorf("touch %d/%s while pending, want 0/paused_no_inventory", inv, st)
		}
		x := call("POST", "/api/tf/sends/"+id+"/reject", "admin", nil)
		if x.Status != http.StatusOK || x.Body["status"] != "rejected" {
			t.Fatalf("reject: %d %s", x.Status, x.Text)
		}
		if got := balanceOf(t, app, "memberA"); got != 10000 {
			t.Errorf("balance after reject %v, want 10000", got)
		}
		if got := ledgerByRef(t, app, "send:"+id); !equal(got, []string{"spend:-25.00", "refund:25.00"}) {
			t.Errorf("ledger %v, want spend then refund", got)
		}
		if inv, st := inventoryOf(t, app, socksID); inv != 1 || st != "active" {
			t.Errorf("touch %d/%s after reject, want 1/active", inv, st)
		}
		if auditCount(t, app, "send.reject", id) != 1 {
			t.Error("reject not audited")
		}
		expectReconciled(t, app)
	})

	t.Run("the sender cancels a pending send and gets the money back; nobody else may", func(t *testing.T) {
		app, call := setup(t)
		id := call("POST", "/api/tf/sends", "memberA", sendBody(hamperID)).Body["id"].(string)
		if r := call("POST", "/api/tf/sends/"+id+"/cancel", "managerA", nil); r.Status != http.StatusForbidden || r.Body["message"] != "Only the sender can cancel a send." {
			t.Errorf("manager cancels: %d %s", r.Status, r.Text)
		}
		c := call("POST", "/api/tf/sends/"+id+"/cancel", "memberA", nil)
		if c.Status != http.StatusOK || c.Body["status"] != "cancelled" {
			t.Fatalf("cancel: %d %s", c.Status, c.Text)
		}
		if got := balanceOf(t, app, "memberA"); got != 10000 {
			t.Errorf("balance after cancel %v, want 10000", got)
		}
		if got := ledgerByRef(t, app, "send:"+id); !equal(got, []string{"spend:-30.00", "refund:30.00"}) {
			t.Errorf("ledger %v", got)
		}
		if auditCount(t, app, "send.cancel", id) != 1 {
			t.Error("cancel not audited")
		}
		if r := call("POST", "/api/tf/sends/"+id+"/reject", "managerA", nil); r.Status != http.StatusConflict {
			t.Errorf("reject after cancel: %d %s, want 409", r.Status, r.Text)
		}
		expectReconciled(t, app)
	})

	t.Run("nobody approves their own send, not even a manager", func(t *testing.T) {
		app, call := setup(t)
		id := call("POST", "/api/tf/sends", "managerA", sendBody(hamperID)).Body["id"].(string)
		r := call("POST", "/api/tf/sends/"+id+"/approve", "managerA", nil)
		if r.Status != http.StatusForbidden || r.Body["message"] != "Nobody may approve or reject their own send." {
			t.Errorf("own approval: %d %s", r.Status, r.Text)
		}
		if list := call("GET", "/api/tf/approvals/sends", "managerA", nil); containsText(list.Text, id) {
			t.Error("own send listed for approval")
		}
		if r := call("POST", "/api/tf/sends/"+id+"/approve", "owner", nil); r.Status != http.StatusOK {
			t.Errorf("owner approves a manager's send: %d %s", r.Status, r.Text)
		}
		expectReconciled(t, app)
	})
}

func containsText(s, sub string) bool { return sub != "" && strings.Contains(s, sub) }
