// Package budget hands out money by team settings: the monthly allocation (cron, admin
// button, CLI, catch-up after downtime), the grant of a member who joins a monthly team
// mid-month, and the one-time grants of managers (group limits, team account balances).
// Every balance change goes through internal/ledger.
package budget

import (
	"errors"
	"fmt"
	"log/slog"
	"strconv"
	"time"

	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/core"

	"teamfund/internal/audit"
	"teamfund/internal/company"
	"teamfund/internal/ledger"
	"teamfund/internal/member"
	"teamfund/internal/money"
	"teamfund/internal/realtime"
	"teamfund/internal/telemetry"
	"teamfund/internal/webhook"
)

// RunsCollection remembers each month whose allocation has run.
const RunsCollection = "budget_runs"

// Triggers of a run, kept on the run row.
const (
	TriggerSchedule = "schedule"
	TriggerAdmin    = "admin"
	TriggerCLI      = "cli"
)

// Month-start rules (the values of teams.month_rule). note: budget reads teams with SQL
// instead of importing internal/team, because team.MoveMember calls GrantOnJoin.
const (
	RuleRollover = "rollover"
	RuleReset    = "reset"
)

// ErrFutureMonth refuses allocating a month that has not started yet.
var ErrFutureMonth = errors.New("that month has not started yet in the company time zone")

// ErrBeforeSetup refuses allocating a month that ended before the company was set up: the
// current members did not exist then, so paying them for it would only hand out money.
var ErrBeforeSetup = errors.New("that month is before the company was set up")

// beforeSetupError names the first month that may be allocated.
type beforeSetupError struct{ setup Month }

func (e beforeSetupError) Error() string { return e.PublicMessage() }
func (e beforeSetupError) Unwrap() error { return ErrBeforeSetup }
func (e beforeSetupError) PublicMessage() string {
	return fmt.Sprintf("That month is before the company was set up; the first month that can be allocated is %s (%s).",
		e.setup.Label(), e.setup)
}

// Allocation is the amount of a member's monthly entry: rollover adds the limit, capped so
// the balance after is at most the cap (never a negative amount); reset brings the balance
// to the limit (negative when a top-up pushed it above). A cap of 0 means no cap other than
// money.MaxBalance, where rollover stops so a run never fails on a full balance.
//
// allocationSQL below is the same rule for the batch; the table test checks both.
func Allocation(rule string, limit, rolloverCap, balance money.Cents) money.Cents {
	if rule == RuleReset {
		return limit - balance
	}
	if rolloverCap <= 0 || rolloverCap > money.MaxBalance {
		rolloverCap = money.MaxBalance
	}
	return max(0, min(limit, rolloverCap-balance))
}

var allocationSQL = `CASE WHEN t.month_rule = 'reset' THEN t.monthly_limit - u.balance
	ELSE MAX(0, MIN(t.monthly_limit, (CASE WHEN t.rollover_cap > 0 AND t.rollover_cap < ` + maxBalanceSQL + `
		THEN t.rollover_cap ELSE ` + maxBalanceSQL + ` END) - u.balance)) END`

var maxBalanceSQL = strconv.FormatInt(int64(money.MaxBalance), 10)

// Run is what one monthly allocation wrote.
type Run struct {
	Month   Month
	Entries int
	Total   money.Cents
}

// RunMonth gives every active member of every monthly team their allocation for month,
// exactly once per member and month (members who already have a monthly entry for it —
// from an earlier run or a mid-month join — are skipped; the unique index
// idx_ledger_monthly_once backs this up). It is set-based SQL in one transaction, so
// 100,000 members take seconds. actor is nil for the schedule.
func RunMonth(app core.App, month Month, now time.Time, trigger string, actor *member.Member) (Run, error) {
	c, err := company.Load(app)
	if err != nil {
		return Run{}, err
	}
	loc := c.Location()
	if month > MonthOf(now, loc) {
		return Run{}, ErrFutureMonth
	}
	if setup := SetupMonth(c); month < setup {
		return Run{}, beforeSetupError{setup: setup}
	}
	run := Run{Month: month}
	err = app.RunInTransaction(func(tx core.App) error {
		res, err := ledger.PostBatch(tx, ledger.Batch{
			Rows: `SELECT u.id AS account, ` + allocationSQL + ` AS amount
				FROM users u JOIN teams t ON t.id = u.team
				WHERE t.budget_mode = 'monthly' AND u.status = 'active'
				AND NOT EXISTS (SELECT 1 FROM ledger_entries l
					WHERE l.kind = 'monthly' AND l.account = u.id AND l.period = {:month})`,
			Params:    dbx.Params{"month": string(month)},
			Kind:      ledger.KindMonthly,
			Reason:    "Monthly budget " + month.Label(), // "Monthly budget December 2026": the ledger is read by people
			Actor:     actor,
			Period:    string(month),
			RefPrefix: "monthly:" + string(month),
			AllowZero: true,
		})
		if err != nil {
			return err
		}
		run.Entries, run.Total = res.Entries, res.Total
		if err := recordRun(tx, run, trigger, actor, now); err != nil {
			return err
		}
		if run.Entries == 0 && actor == nil {
			return nil
		}
		// budget.run announces money handed out: a run that wrote nothing (everyone had
		// the month already) is audited when an admin asked for it, but not announced.
		if run.Entries > 0 {
			err = webhook.Emit(tx, webhook.Event{Type: webhook.BudgetRun, Data: map[string]any{
				"month": string(month), "entries": run.Entries, "total": int64(run.Total), "trigger": trigger}})
			if err != nil {
				return err
			}
		}
		return audit.Record(tx, actor, audit.Entry{Action: "money.allocate", TargetType: "month",
			TargetID: string(month), TargetLabel: month.Label(),
			After: map[string]any{"entries": run.Entries, "total": int64(run.Total), "trigger": trigger}})
	})
	origin := telemetry.Origin(app)
	if err != nil {
		telemetry.Log.Error("allocation run failed", slog.String("month", string(month)), slog.String("trigger", trigger),
			origin, slog.Any("error", err))
		return Run{}, err
	}
	telemetry.Log.Info("allocation run", slog.String("month", string(month)), slog.String("trigger", trigger),
		slog.Int("entries", run.Entries), slog.Int64("total", int64(run.Total)), origin)
	if run.Entries > 0 {
		realtime.NotifyAll(app, realtime.BalanceChanged)
	}
	return run, nil
}

// recordRun adds a run to its month's row. A later run that pays nothing (everyone already
// had the month) keeps the trigger and actor of the run that paid, so the row still says who
// allocated the month.
func recordRun(app core.App, run Run, trigger string, actor *member.Member, now time.Time) error {
	actorEmail := "system"
	if actor != nil {
		actorEmail = actor.Email()
	}
	ts := now.UTC().Format("2006-01-02 15:04:05.000Z")
	_, err := app.DB().NewQuery(`INSERT INTO budget_runs (id, month, entries, total, trigger, actor_email, created, updated)
		VALUES (substr(lower(hex(randomblob(8))), 1, 15), {:month}, {:entries}, {:total}, {:trigger}, {:actor}, {:now}, {:now})
		ON CONFLICT (month) DO UPDATE SET entries = entries + excluded.entries, total = total + excluded.total,
			trigger = CASE WHEN excluded.entries > 0 THEN excluded.trigger ELSE trigger END,
			actor_email = CASE WHEN excluded.entries > 0 THEN excluded.actor_email ELSE actor_email END,
			updated = excluded.updated`).
		Bind(dbx.Params{"month": string(run.Month), "entries": run.Entries, "total": int64(run.Total),
			"trigger": trigger, "actor": actorEmail, "now": ts}).Execute()
	return err
}

// LastRun is the latest month whose allocation has run ("" when none has).
func LastRun(app core.App) (Month, error) {
	var row struct {
		Month string `db:"month"`
	}
	err := app.DB().NewQuery("SELECT COALESCE(MAX(month), '') AS month FROM budget_runs").One(&row)
	return Month(row.Month), err
}

// CatchUp runs every month from the one after the last run up to the current month, in
// order, each in its own transaction — so a server that was down ends with the balances
// of one that ran. It never starts before the month after the company was set up (people
// who join in that month get their month's grant on joining, see GrantOnJoin).
func CatchUp(app core.App, now time.Time, trigger string) ([]Run, error) {
	c, err := company.Load(app)
	if err != nil {
		return nil, nil // not set up yet: nothing to allocate
	}
	loc := c.Location()
	last, err := LastRun(app)
	if err != nil {
		return nil, err
	}
	// Data folders from before RunMonth refused such months may hold a hand-run month from
	// before the setup; that must not make the schedule pay out every month since.
	if setup := SetupMonth(c); last < setup {
		last = setup
	}
	var runs []Run
	for m := last.Next(); m <= MonthOf(now, loc); m = m.Next() {
		run, err := RunMonth(app, m, now, trigger, nil)
		if err != nil {
			return runs, err
		}
		runs = append(runs, run)
	}
	return runs, nil
}

// GrantOnJoin gives a member who just joined a monthly team the full allocation for the
// current month at once, unless they already had a monthly entry this month (in any team):
// at most one monthly grant per member and month. Call it in the transaction that moves
// the member into the team (team change, invite acceptance); it does nothing for one-time
// teams, teamless or deactivated users.
func GrantOnJoin(app core.App, userID string) error {
	return app.RunInTransaction(func(tx core.App) error {
		m, err := member.Find(tx, userID)
		if err != nil {
			return err
		}
		if m.TeamID() == "" || !m.Active() {
			return nil
		}
		var t struct {
			Name  string `db:"name"`
			Mode  string `db:"budget_mode"`
			Limit int64  `db:"monthly_limit"`
			Rule  string `db:"month_rule"`
			Cap   int64  `db:"rollover_cap"`
		}
		if err := tx.DB().NewQuery("SELECT name, budget_mode, monthly_limit, month_rule, rollover_cap FROM teams WHERE id = {:id}").
			Bind(dbx.Params{"id": m.TeamID()}).One(&t); err != nil {
			return err
		}
		if t.Mode != "monthly" {
			return nil
		}
		month := MonthOf(time.Now(), companyLocation(tx))
		var n int
		if err := tx.DB().NewQuery(`SELECT COUNT(*) FROM ledger_entries WHERE kind = 'monthly' AND account = {:id} AND period = {:month}`).
			Bind(dbx.Params{"id": userID, "month": string(month)}).Row(&n); err != nil {
			return err
		}
		if n > 0 {
			return nil
		}
		_, err = ledger.Post(tx, ledger.Entry{Account: userID, Kind: ledger.KindMonthly, Period: string(month),
			Amount:    Allocation(t.Rule, money.Cents(t.Limit), money.Cents(t.Cap), m.Balance()),
			Reason:    "Monthly budget " + month.Label() + " (joined " + t.Name + ")",
			Ref:       "join:" + m.TeamID(),
			AllowZero: true})
		return err
	})
}

// SetupMonth is the month the company was set up in, in its time zone: the first month
// that may be allocated.
func SetupMonth(c *company.Company) Month {
	return MonthOf(c.GetDateTime("created").Time(), c.Location())
}

func companyLocation(app core.App) *time.Location {
	if c, err := company.Load(app); err == nil {
		return c.Location()
	}
	return time.UTC
}
