package invite_test

import (
	"testing"

	"teamfund/internal/invite"
	"teamfund/internal/ledger"
)

func TestAcceptingIntoAMonthlyTeamBringsTheMonthsBudget(t *testing.T) {
	app := newApp(t)
	for _, c := range []invite.Candidate{{Email: "new.alpha@acme.com", Team: "Alpha"}, {Email: "new.beta@acme.com", Team: "Beta"}} {
		if _, err := invite.Create(app, actor(t, app, "admin"), c); err != nil {
			t.Fatal(err)
		}
	}
	want := map[string]int64{"new.alpha@acme.com": 10000, "new.beta@acme.com": 0}
	for email, balance := range want {
		m, err := invite.Accept(app, lastToken(t, app, email), invite.Profile{Name: "New", Password: "password123",
			PasswordConfirm: "password123"}, nil)
		if err != nil {
			t.Fatal(err)
		}
		if int64(m.Balance()) != balance {
			t.Errorf("%s: balance %d, want %d (Alpha is monthly 100.00, Beta one-time)", email, m.Balance(), balance)
		}
	}
	if bad, err := ledger.Reconcile(app); err != nil || len(bad) > 0 {
		t.Errorf("reconcile: %v %+v", err, bad)
	}
}
