package cli

import (
	"bytes"
	"strings"
	"testing"
	"time"

	"teamfund/internal/budget"
	"teamfund/internal/ledger"
)

func TestBudgetsRunRefusesAMonthBeforeTheSetup(t *testing.T) {
	app := cliApp(t)
	cmd := newBudgetsCommand(app)
	var out bytes.Buffer
	cmd.SetOut(&out)
	cmd.SetErr(&out)
	yearAgo := budget.MonthOf(time.Now().AddDate(-1, 0, 0), time.UTC)
	cmd.SetArgs([]string{"run", "--month", string(yearAgo)})
	err := cmd.Execute()
	if err == nil || !strings.Contains(err.Error(), "before the company was set up") {
		t.Fatalf("got %v, want the before-setup refusal", err)
	}
	if n, _ := app.CountRecords(ledger.Collection); n != 0 {
		t.Errorf("wrote %d ledger entries for %s", n, yearAgo)
	}
}
