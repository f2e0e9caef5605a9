package web_test

import (
	"net/http"
	"testing"

	"github.com/pocketbase/dbx"

	"teamfund/internal/figures"
	"teamfund/internal/money"
	"teamfund/internal/team"
	"teamfund/internal/testutil"
)

// TestARefundAfterAMoveStaysOnTheTeamThatHeldIt: memberA sends a hamper that waits for
// approval (held on Alpha), moves to Beta, and the send is then rejected by an admin or
// cancelled by memberA (through /api/tf). The refund is booked on Alpha, where the money
// was held, and goes back to the company from there like the rest of memberA's unused
// Alpha money did at the move; Beta's figures do not change. Read back through the usage
// JSON, each team's month balances and spent is what really went out (nothing); a send
// decided before any move is refunded to the member as before.
func TestARefundAfterAMoveStaysOnTheTeamThatHeldIt(t *testing.T) {
	f := testutil.Fixtures(t)
	for _, tc := range []struct {
		name, decider, verb string
		move                bool
		wantKinds           []string
		wantBalance         money.Cents // memberA's balance after the decision
	}{
		{"rejected by an admin after the sender moved", "admin", "reject", true,
			[]string{"spend:-30.00", "refund:30.00", "return:-30.00"}, 0},
		{"cancelled by the sender after they moved", "memberA", "cancel", true,
			[]string{"spend:-30.00", "refund:30.00", "return:-30.00"}, 0},
		{"rejected while the sender is still in the team", "admin", "reject", false,
			[]string{"spend:-30.00", "refund:30.00"}, 10000},
	} {
		t.Run(tc.name, func(t *testing.T) {
			app := newSendsApp(t)
			defer app.Cleanup()
			s := mustSend(t, app, "memberA", hamperID, "Held Hamper")
			if s.Status() != "pending" {
				t.Fatalf("the hamper is %s, want pending", s.Status())
			}
			if tc.move {
				if err := team.MoveMember(app, testutil.Member(t, app, f.ID("admin")), f.ID("memberA"), f.ID("beta")); err != nil {
					t.Fatal(err)
				}
			}
			srv := testutil.Serve(t, app)
			if res := do(t, srv.URL, http.MethodPost, "/api/tf/sends/"+s.Id+"/"+tc.verb, "", f.AuthHeaders(tc.decider)); res.StatusCode != http.StatusOK {
				t.Fatalf("%s: %d", tc.verb, res.StatusCode)
			}
			if got := ledgerByRef(t, app, "send:"+s.Id); !equal(got, tc.wantKinds) {
				t.Errorf("entries of the send: got %v, want %v", got, tc.wantKinds)
			}
			var teams []string
			if err := app.DB().NewQuery("SELECT DISTINCT team FROM ledger_entries WHERE ref = {:ref}").
				Bind(dbx.Params{"ref": "send:" + s.Id}).Column(&teams); err != nil {
				t.Fatal(err)
			}
			if len(teams) != 1 || teams[0] != f.ID("alpha") {
				t.Errorf("the send's entries are booked on %v, want only Alpha", teams)
			}
			if got := testutil.Member(t, app, f.ID("memberA")).Balance(); got != tc.wantBalance {
				t.Errorf("memberA's balance: got %v, want %v", got, tc.wantBalance)
			}
			for _, key := range []string{"alpha", "beta"} {
				var u struct {
					Teams []figures.Row `json:"teams"`
				}
				getJSON(t, srv.URL+"/api/tf/usage?team="+f.ID(key), f.AuthHeaders("owner"), &u)
				if len(u.Teams) != 1 {
					t.Fatalf("usage of %s: %d rows", key, len(u.Teams))
				}
				s := u.Teams[0].Statement
				if !s.Balanced() {
					t.Errorf("%s: %+v does not balance", key, s)
				}
				if s.Spent != 0 || s.Held != 0 {
					t.Errorf("%s: spent %v, held %v; nothing went out and nothing waits", key, s.Spent, s.Held)
				}
				wantRefunded := money.Cents(0)
				if key == "alpha" {
					wantRefunded = 3000
				}
				if s.Refunded != wantRefunded {
					t.Errorf("%s: refunded %v, want %v", key, s.Refunded, wantRefunded)
				}
			}
		})
	}
}
