package rules_test

import (
	"testing"

	"teamfund/internal/rules"
	"teamfund/internal/testutil"
)

// TestShippedRulesAreTheMigrations: the table of shipped rules is what the migrations
// leave, so a fresh server shows no warning — and a migration that changes a rule must
// change the table too.
func TestShippedRulesAreTheMigrations(t *testing.T) {
	app := testutil.NewApp(t)
	defer app.Cleanup()
	for _, d := range rules.Check(app) {
		t.Errorf("%s.%s: migrations leave %q, the table says %q", d.Collection, d.Name, rules.Describe(d.Current), rules.Describe(d.Shipped))
	}
}
