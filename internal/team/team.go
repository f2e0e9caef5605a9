// Package team holds teams and their budget settings.
package team

import (
	"github.com/pocketbase/pocketbase/core"

	"teamfund/internal/money"
)

// Collection holds the teams.
const Collection = "teams"

// Budget modes and month-start rules.
const (
	ModeMonthly  = "monthly"
	ModeOneTime  = "one_time"
	RuleRollover = "rollover"
	RuleReset    = "reset"
)

// Team wraps a teams record.
type Team struct {
	core.BaseRecordProxy
}

// Wrap returns the typed view of r (nil for nil).
func Wrap(r *core.Record) *Team {
	if r == nil {
		return nil
	}
	t := &Team{}
	t.SetProxyRecord(r)
	return t
}

// Find loads a team by id.
func Find(app core.App, id string) (*Team, error) {
	r, err := app.FindRecordById(Collection, id)
	if err != nil {
		return nil, err
	}
	return Wrap(r), nil
}

// NameOf returns the name of team id, or "" for no team or an unknown id.
func NameOf(app core.App, id string) string {
	if id == "" {
		return ""
	}
	t, err := Find(app, id)
	if err != nil {
		return ""
	}
	return t.Name()
}

// Name is the team's unique display name.
func (t *Team) Name() string { return t.GetString("name") }

// Description is free text shown on the team page.
func (t *Team) Description() string { return t.GetString("description") }

// BudgetMode is ModeMonthly or ModeOneTime.
func (t *Team) BudgetMode() string { return t.GetString("budget_mode") }

// MonthlyLimit is what each member gets at month start in monthly mode.
func (t *Team) MonthlyLimit() money.Cents { return money.Cents(t.GetInt("monthly_limit")) }

// MonthRule is RuleRollover or RuleReset.
func (t *Team) MonthRule() string { return t.GetString("month_rule") }

// RolloverCap caps a rolled-over balance; 0 means no cap.
func (t *Team) RolloverCap() money.Cents { return money.Cents(t.GetInt("rollover_cap")) }

// MaxPerSend is the highest cost of a single send; 0 means no limit.
func (t *Team) MaxPerSend() money.Cents { return money.Cents(t.GetInt("max_per_send")) }

// ApprovalThreshold: sends costing more wait for a manager; 0 means never.
func (t *Team) ApprovalThreshold() money.Cents { return money.Cents(t.GetInt("approval_threshold")) }

// LeaveNeedsApproval reports whether leaving the team needs a manager's approval.
func (t *Team) LeaveNeedsApproval() bool { return t.GetBool("leave_needs_approval") }
