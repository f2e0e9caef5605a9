package team

import (
	"database/sql"
	"errors"
	"strings"

	"github.com/pocketbase/dbx"
	validation "github.com/pocketbase/ozzo-validation/v4"
	"github.com/pocketbase/pocketbase/core"

	"teamfund/internal/access"
	"teamfund/internal/audit"
	"teamfund/internal/member"
	"teamfund/internal/money"
)

// Errors a user can act on.
var (
	ErrNameTaken    = errors.New("a team with this name already exists")
	ErrUnknownTeam  = errors.New("no such team")
	ErrUnknownUser  = errors.New("no such user")
	ErrInactiveUser = errors.New("this user is deactivated; reactivate them first")
	ErrNotMember    = errors.New("this user is not a member of the team")
	ErrAlreadyIn    = errors.New("this user is already in the team")
)

// Input is the team form: name, description and every budget setting. Amounts are cents.
type Input struct {
	Name               string      `json:"name" form:"name"`
	Description        string      `json:"description" form:"description"`
	BudgetMode         string      `json:"budget_mode" form:"budget_mode"`
	MonthlyLimit       money.Cents `json:"monthly_limit" form:"-"`
	MonthRule          string      `json:"month_rule" form:"month_rule"`
	RolloverCap        money.Cents `json:"rollover_cap" form:"-"`
	MaxPerSend         money.Cents `json:"max_per_send" form:"-"`
	ApprovalThreshold  money.Cents `json:"approval_threshold" form:"-"`
	LeaveNeedsApproval bool        `json:"leave_needs_approval" form:"leave_needs_approval"`
}

// InputOf is the current state of t as a form.
func InputOf(t *Team) Input {
	return Input{Name: t.Name(), Description: t.Description(), BudgetMode: t.BudgetMode(),
		MonthlyLimit: t.MonthlyLimit(), MonthRule: t.MonthRule(), RolloverCap: t.RolloverCap(),
		MaxPerSend: t.MaxPerSend(), ApprovalThreshold: t.ApprovalThreshold(), LeaveNeedsApproval: t.LeaveNeedsApproval()}
}

// Validate trims the text fields and names the field of each problem.
func (in *Input) Validate() error {
	in.Name = strings.TrimSpace(in.Name)
	in.Description = strings.TrimSpace(in.Description)
	if in.BudgetMode == "" {
		in.BudgetMode = ModeOneTime
	}
	if in.MonthRule == "" {
		in.MonthRule = RuleRollover
	}
	nonNegative := validation.Min(money.Cents(0)).Error("must not be negative")
	bounded := validation.Max(money.MaxAmount).Error(money.ErrTooLarge.Error())
	errs := validation.Errors{
		"name":               validation.Validate(in.Name, validation.Required, validation.RuneLength(1, 100)),
		"description":        validation.Validate(in.Description, validation.RuneLength(0, 1000)),
		"budget_mode":        validation.Validate(in.BudgetMode, validation.In(ModeMonthly, ModeOneTime).Error("must be monthly or one_time")),
		"month_rule":         validation.Validate(in.MonthRule, validation.In(RuleRollover, RuleReset).Error("must be rollover or reset")),
		"monthly_limit":      validation.Validate(in.MonthlyLimit, nonNegative, bounded),
		"rollover_cap":       validation.Validate(in.RolloverCap, nonNegative, bounded),
		"max_per_send":       validation.Validate(in.MaxPerSend, nonNegative, bounded),
		"approval_threshold": validation.Validate(in.ApprovalThreshold, nonNegative, bounded),
	}
	if in.BudgetMode == ModeMonthly && in.MonthlyLimit == 0 && errs["monthly_limit"] == nil {
		errs["monthly_limit"] = errors.New("is required in monthly mode")
	}
	if in.RolloverCap != 0 && in.RolloverCap < in.MonthlyLimit && errs["rollover_cap"] == nil {
		errs["rollover_cap"] = errors.New("must be at least the monthly limit (or 0 for no cap)")
	}
	return errs.Filter()
}

func (in Input) apply(r *core.Record) {
	r.Set("name", in.Name)
	r.Set("description", in.Description)
	r.Set("budget_mode", in.BudgetMode)
	r.Set("monthly_limit", int64(in.MonthlyLimit))
	r.Set("month_rule", in.MonthRule)
	r.Set("rollover_cap", int64(in.RolloverCap))
	r.Set("max_per_send", int64(in.MaxPerSend))
	r.Set("approval_threshold", int64(in.ApprovalThreshold))
	r.Set("leave_needs_approval", in.LeaveNeedsApproval)
}

func nameTaken(app core.App, name, exceptID string) (bool, error) {
	var n int
	err := app.DB().Select("COUNT(*)").From(Collection).
		Where(dbx.NewExp("name = {:name} COLLATE NOCASE AND id != {:id}", dbx.Params{"name": name, "id": exceptID})).Row(&n)
	return n > 0, err
}

// Create adds a team (admins) and audits it.
func Create(app core.App, actor *member.Member, in Input) (*Team, error) {
	if err := access.Check(actor, access.CreateTeam, ""); err != nil {
		return nil, err
	}
	if err := in.Validate(); err != nil {
		return nil, err
	}
	var out *Team
	err := app.RunInTransaction(func(tx core.App) error {
		if taken, err := nameTaken(tx, in.Name, ""); err != nil || taken {
			return errors.Join(err, validation.Errors{"name": ErrNameTaken})
		}
		col, err := tx.FindCachedCollectionByNameOrId(Collection)
		if err != nil {
			return err
		}
		r := core.NewRecord(col)
		in.apply(r)
		if err := tx.Save(r); err != nil {
			return err
		}
		out = Wrap(r)
		return audit.Record(tx, actor, audit.Entry{Action: "team.create", TargetType: "team", TargetID: r.Id,
			TargetLabel: in.Name, After: in})
	})
	return out, err
}

// Update renames, describes and changes the settings of team id (admins, or its
// manager) and audits the before and after.
func Update(app core.App, actor *member.Member, id string, in Input) (*Team, error) {
	if err := access.Check(actor, access.EditTeam, id); err != nil {
		return nil, err
	}
	if err := in.Validate(); err != nil {
		return nil, err
	}
	var out *Team
	err := app.RunInTransaction(func(tx core.App) error {
		t, err := findTeam(tx, id)
		if err != nil {
			return err
		}
		if taken, err := nameTaken(tx, in.Name, id); err != nil || taken {
			return errors.Join(err, validation.Errors{"name": ErrNameTaken})
		}
		before := InputOf(t)
		in.apply(t.ProxyRecord())
		if err := tx.Save(t); err != nil {
			return err
		}
		out = t
		return audit.Record(tx, actor, audit.Entry{Action: "team.update", TargetType: "team", TargetID: id,
			TargetLabel: in.Name, Before: before, After: in})
	})
	return out, err
}

// Delete removes team id (owner only). Each member's balance first returns to the company
// and they become teamless; ledger entries keep the team id, so money history stays.
func Delete(app core.App, actor *member.Member, id string) error {
	if err := access.Check(actor, access.DeleteTeam, id); err != nil {
		return err
	}
	return app.RunInTransaction(func(tx core.App) error {
		t, err := findTeam(tx, id)
		if err != nil {
			return err
		}
		ids, err := memberIDs(tx, id)
		if err != nil {
			return err
		}
		for _, uid := range ids {
			if err := MoveMember(tx, actor, uid, ""); err != nil {
				return err
			}
		}
		if err := audit.Record(tx, actor, audit.Entry{Action: "team.delete", TargetType: "team", TargetID: id,
			TargetLabel: t.Name(), Before: InputOf(t), After: map[string]any{"members_removed": len(ids)}}); err != nil {
			return err
		}
		return tx.Delete(t)
	})
}

func findTeam(app core.App, id string) (*Team, error) {
	t, err := Find(app, id)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, ErrUnknownTeam
	}
	return t, err
}

func memberIDs(app core.App, teamID string) ([]string, error) {
	var ids []string
	err := app.DB().Select("id").From(member.Collection).Where(dbx.HashExp{"team": teamID}).OrderBy("email").Column(&ids)
	return ids, err
}

// AddMember puts user userID into team teamID from the team page: admins for any team, a
// manager for their own team and only users without a team (moving someone out of another
// team needs rights over that team too).
func AddMember(app core.App, actor *member.Member, teamID, userID string) error {
	if err := access.Check(actor, access.ManageTeamMembers, teamID); err != nil {
		return err
	}
	return app.RunInTransaction(func(tx core.App) error {
		u, err := findUser(tx, userID)
		if err != nil {
			return err
		}
		if u.TeamID() == teamID {
			return ErrAlreadyIn
		}
		if !u.Active() {
			return ErrInactiveUser
		}
		if u.TeamID() != "" {
			if err := access.Check(actor, access.ManageTeamMembers, u.TeamID()); err != nil {
				return err
			}
		}
		return MoveMember(tx, actor, userID, teamID)
	})
}

// RemoveMember takes user userID out of team teamID (admins, or the team's manager).
func RemoveMember(app core.App, actor *member.Member, teamID, userID string) error {
	if err := access.Check(actor, access.ManageTeamMembers, teamID); err != nil {
		return err
	}
	return app.RunInTransaction(func(tx core.App) error {
		u, err := findUser(tx, userID)
		if err != nil {
			return err
		}
		if u.TeamID() != teamID {
			return ErrNotMember
		}
		return MoveMember(tx, actor, userID, "")
	})
}

func findUser(app core.App, id string) (*member.Member, error) {
	u, err := member.Find(app, id)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, ErrUnknownUser
	}
	return u, err
}
