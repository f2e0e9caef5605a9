// Package overview answers what the people who run the company ask first: how much was
// handed out and spent this month, per team and against budget, how much is held, what is
// left, who spends most, how it compares with last month, and what waits for a decision.
// Owners and admins see the company, managers their own team. The money comes from
// internal/figures, so the overview, Money, Usage and the team page never disagree.
package overview

import (
	"time"

	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/core"

	"teamfund/internal/budget"
	"teamfund/internal/figures"
	"teamfund/internal/money"
)

// TrendMonths is how many months each team's trend shows, the chosen month last.
const TrendMonths = 6

// TopSpenders is how many people the top spenders list shows.
const TopSpenders = 5

// Overview is the overview of the company (Team "") or of one team for one month. The page
// and GET /api/tf/overview render this same value.
type Overview struct {
	Month         budget.Month      `json:"month"`
	PreviousMonth budget.Month      `json:"previous_month"`
	Team          string            `json:"team,omitempty"`
	TeamName      string            `json:"team_name,omitempty"`
	Figures       figures.Statement `json:"figures"`
	Previous      figures.Statement `json:"previous"`
	Teams         []Team            `json:"teams"`
	TopSpenders   []Spender         `json:"top_spenders"`
	Waiting       Waiting           `json:"waiting"`
	Checklist     *Checklist        `json:"checklist,omitempty"`
}

// Team is one team's row: its figures for the month, budget, share used and trend.
type Team struct {
	figures.Row
	MonthlyBudget money.Cents `json:"monthly_budget"`
	UsedPercent   int         `json:"used_percent"` // -1 when there is nothing to measure against
	// Trend is spent and handed out in the last TrendMonths months, oldest first.
	Trend []TrendPoint `json:"trend"`
}

// TrendPoint is one month of a team's trend.
type TrendPoint struct {
	Month     budget.Month `json:"month"`
	HandedOut money.Cents  `json:"handed_out"`
	Spent     money.Cents  `json:"spent"`
}

// Spender is one of the people who spent most in the month.
type Spender struct {
	ID    string      `json:"id"`
	Name  string      `json:"name"`
	Email string      `json:"email"`
	Team  string      `json:"team"` // the team's name now ("" when teamless or deleted)
	Spent money.Cents `json:"spent"`
	Held  money.Cents `json:"held"`
	// Deleted marks a deleted user: their sends went to a successor, so the lists behind
	// their figures find them by the email they were sent with (SendsMember).
	Deleted bool `json:"deleted,omitempty"`
}

// SendsMember is the sends list's member filter for the spender's sends: the user id, or
// for a deleted user the email their sends keep.
func (s Spender) SendsMember() string {
	if s.Deleted {
		return s.Email
	}
	return s.ID
}

// Waiting counts what waits for a decision or attention now. Mail and webhook failures are
// the company's (nil for a team's overview: managers do not handle them).
type Waiting struct {
	Sends          int         `json:"sends"`
	SendsAmount    money.Cents `json:"sends_amount"`
	MoneyRequests  int         `json:"money_requests"`
	LeaveRequests  int         `json:"leave_requests"`
	FailedMails    *int        `json:"failed_mails,omitempty"`
	FailedWebhooks *int        `json:"failed_webhooks,omitempty"`
	InvitesPending int         `json:"invites_pending"`
	RequestsAmount money.Cents `json:"money_requests_amount"`
}

// Mails is FailedMails for a page (0 for a team's overview).
func (w Waiting) Mails() int { return deref(w.FailedMails) }

// Webhooks is FailedWebhooks for a page (0 for a team's overview).
func (w Waiting) Webhooks() int { return deref(w.FailedWebhooks) }

func deref(n *int) int {
	if n == nil {
		return 0
	}
	return *n
}

// count is one COUNT(*) query and where its answer goes.
type count struct {
	dst *int
	sql string
}

// Load computes the overview of teamID ("" for the company) for month in loc.
func Load(app core.App, teamID string, month budget.Month, loc *time.Location) (*Overview, error) {
	o := &Overview{Month: month, PreviousMonth: month.Prev(), Team: teamID}
	scope := figures.Scope{Team: teamID}
	// The team rows add up to the scope (the company's include the No team row), so the
	// month's and the previous month's figures are their sums, not another read. The three
	// parts are read at the same time.
	err := figures.ReadTogether(app, func() (err error) {
		o.Teams, o.Figures, o.Previous, err = loadTeams(app, teamID, month, loc)
		return err
	}, func() (err error) {
		o.TopSpenders, err = topSpenders(app, scope, month, loc)
		return err
	}, func() (err error) {
		o.Waiting, err = waiting(app, teamID)
		return err
	})
	if err != nil {
		return nil, err
	}
	if teamID != "" && len(o.Teams) == 0 { // a team deleted since: its entries still count
		both, err := figures.StatementsOver(app, scope, figures.ByNothing,
			[]figures.Period{figures.MonthPeriod(month, loc), figures.MonthPeriod(month.Prev(), loc)})
		if err != nil {
			return nil, err
		}
		o.Figures, o.Previous = both[0][""], both[1][""]
	}
	if teamID != "" && len(o.Teams) == 1 {
		o.TeamName = o.Teams[0].Name
	}
	return o, nil
}

// loadTeams is the month's row of every team (or one) with its trend: one figures query
// for all months and teams, not one per month or team; and the sum of the rows in the
// month and the month before.
func loadTeams(app core.App, teamID string, month budget.Month, loc *time.Location) (teams []Team, this, previous figures.Statement, err error) {
	months := make([]budget.Month, TrendMonths)
	periods := make([]figures.Period, TrendMonths)
	m := month
	for k := TrendMonths - 1; k >= 0; k-- {
		months[k], periods[k] = m, figures.MonthPeriod(m, loc)
		m = m.Prev()
	}
	all, err := figures.TeamRowsOver(app, teamID, periods)
	if err != nil {
		return nil, this, previous, err
	}
	for _, r := range all[TrendMonths-1] {
		this = this.Add(r.Statement)
	}
	for _, r := range all[TrendMonths-2] {
		previous = previous.Add(r.Statement)
	}
	// Every period lists the same teams in the same order; only the No team row comes and
	// goes with its entries, so a month's rows are matched by id.
	byID := make([]map[string]figures.Row, TrendMonths)
	for k, rows := range all {
		byID[k] = make(map[string]figures.Row, len(rows))
		for _, r := range rows {
			byID[k][r.ID] = r
		}
	}
	rows := all[TrendMonths-1]
	out := make([]Team, len(rows))
	for i, r := range rows {
		out[i] = Team{Row: r, MonthlyBudget: money.Cents(r.Budget()), UsedPercent: r.UsedPercent(),
			Trend: make([]TrendPoint, TrendMonths)}
		for k := range months {
			past := byID[k][r.ID]
			out[i].Trend[k] = TrendPoint{Month: months[k], HandedOut: past.HandedOut, Spent: past.Spent}
		}
	}
	return out, this, previous, nil
}

// topSpenders are the accounts of scope that spent most in the month (spent, then held).
func topSpenders(app core.App, scope figures.Scope, month budget.Month, loc *time.Location) ([]Spender, error) {
	top, err := figures.TopSpenders(app, scope, figures.MonthPeriod(month, loc), TopSpenders)
	if err != nil {
		return nil, err
	}
	out := make([]Spender, len(top))
	for i, s := range top {
		who, err := figures.Person(app, s.Account)
		if err != nil {
			return nil, err
		}
		out[i] = Spender{ID: s.Account, Spent: s.Spent, Held: s.Held, Name: who.Name, Email: who.Email, Team: who.TeamName, Deleted: who.Deleted}
	}
	return out, nil
}

// waiting counts what waits now in teamID ("" for the company).
func waiting(app core.App, teamID string) (Waiting, error) {
	var w Waiting
	p := dbx.Params{"team": teamID}
	// One form per scope: ({:team} = '' OR team = {:team}) kept SQLite off every index.
	team := "1 = 1"
	if teamID != "" {
		team = "team = {:team}"
	}
	var sends struct {
		N   int   `db:"n"`
		Sum int64 `db:"total"`
	}
	if err := app.DB().NewQuery(`SELECT COUNT(*) AS n, COALESCE(SUM(cost), 0) AS total FROM sends
		WHERE status = 'pending' AND ` + team).Bind(p).One(&sends); err != nil {
		return w, err
	}
	w.Sends, w.SendsAmount = sends.N, money.Cents(sends.Sum)
	if err := app.DB().NewQuery(`SELECT COUNT(*) AS n, COALESCE(SUM(amount), 0) AS total FROM money_requests
		WHERE status = 'pending' AND ` + team).Bind(p).One(&sends); err != nil {
		return w, err
	}
	w.MoneyRequests, w.RequestsAmount = sends.N, money.Cents(sends.Sum)
	counts := []count{
		{&w.LeaveRequests, `SELECT COUNT(*) FROM leave_requests WHERE status = 'pending' AND ` + team},
		{&w.InvitesPending, `SELECT COUNT(*) FROM invites WHERE status = 'pending' AND expires > {:now} AND ` + team},
	}
	if teamID == "" {
		w.FailedMails, w.FailedWebhooks = new(int), new(int)
		counts = append(counts,
			count{w.FailedMails, `SELECT COUNT(*) FROM outbox WHERE delivery = 'failed'`},
			count{w.FailedWebhooks, `SELECT COUNT(*) FROM webhook_deliveries WHERE status = 'failed'`})
	}
	p["now"] = time.Now().UTC().Format("2006-01-02 15:04:05.000Z")
	for _, c := range counts {
		if err := app.DB().NewQuery(c.sql).Bind(p).Row(c.dst); err != nil {
			return w, err
		}
	}
	return w, nil
}
