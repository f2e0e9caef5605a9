package export

import (
	"net/url"
	"strings"
	"time"

	validation "github.com/pocketbase/ozzo-validation/v4"
	"github.com/pocketbase/pocketbase/core"

	"teamfund/internal/access"
	"teamfund/internal/budget"
	"teamfund/internal/figures"
	"teamfund/internal/member"
	"teamfund/internal/team"
)

// MaxUsageMonths is how many months one usage export covers at most: each month is a few
// queries per team, so a range is bounded like a page is.
const MaxUsageMonths = 36

// usageSource is the Usage page as a file: for each month, the company (when no team is
// chosen), every team (with the row of money booked on no team, so the teams add up to the
// company) and every member of each team, with the money words of the page computed by
// internal/figures (docs/MONEY.md). The page's filter is month and team; from and to (months)
// cover several months at once.
var usageSource = source{
	sheet:  "Usage",
	params: []string{"month", "from", "to", "team"},
	columns: []Column{
		{"Month", Text}, {"Row", Text}, {"Team", Text}, {"Member", Text}, {"Email", Text}, {"Note", Text},
		{"Opening balance", Money}, {"Held at the start", Money}, {"Handed out", Money}, {"Transferred in", Money},
		{"Transferred out", Money}, {"Returned", Money}, {"Refunded", Money}, {"Spent", Money}, {"Held", Money},
		{"Available", Money},
	},
	table: usageTable,
}

// usageFilter is the usage export's query: the months it covers and the team ("" for the
// company, figures.NoTeam for the money booked on no team).
type usageFilter struct {
	From, To budget.Month
	Team     string
}

// parseUsageFilter reads month (one month) or from and to (months, both included; either
// alone is one month), and team. The default is the current month in loc.
func parseUsageFilter(app core.App, q url.Values, loc *time.Location) (usageFilter, error) {
	f := usageFilter{Team: strings.TrimSpace(q.Get("team"))}
	read := func(name string, def budget.Month) (budget.Month, error) {
		s := strings.TrimSpace(q.Get(name))
		if s == "" {
			return def, nil
		}
		m, err := budget.ParseMonth(s)
		if err != nil {
			return "", validation.Errors{name: validation.NewError("validation_month", "must be a month like 2026-03")}
		}
		return m, nil
	}
	month, err := read("month", budget.MonthOf(time.Now(), loc))
	if err != nil {
		return f, err
	}
	if f.From, err = read("from", month); err != nil {
		return f, err
	}
	if f.To, err = read("to", f.From); err != nil {
		return f, err
	}
	if q.Get("from") == "" && q.Get("to") != "" {
		f.From = f.To
	}
	if f.To < f.From {
		return f, validation.Errors{"to": validation.NewError("validation_month_order", "must not be before from")}
	}
	if n := monthsBetween(f.From, f.To); n > MaxUsageMonths {
		return f, validation.Errors{"to": validation.NewError("validation_month_range",
			"must be at most 36 months after from: export a longer span in parts")}
	}
	if f.Team != "" && f.Team != figures.NoTeam {
		if _, err := team.Find(app, f.Team); err != nil {
			return f, validation.Errors{"team": validation.NewError("validation_team", "no such team")}
		}
	}
	return f, nil
}

func monthsBetween(from, to budget.Month) int {
	n := 1
	for m := from; m < to; m = m.Next() {
		n++
	}
	return n
}

// usageTable checks the filter and the viewer (managers their own team, admins any, like
// the Usage page) and returns what writes the rows, month by month.
func usageTable(app core.App, viewer *member.Member, q url.Values, loc *time.Location) (emitFunc, error) {
	f, err := parseUsageFilter(app, q, loc)
	if err != nil {
		return nil, err
	}
	if !viewer.Role().IsAdmin() {
		if f.Team == "" {
			f.Team = viewer.TeamID()
		}
		if err := access.Check(viewer, access.ViewUsage, f.Team); err != nil {
			return nil, err
		}
	}
	return func(emit func([]any) error) error {
		for m := f.From; m <= f.To; m = m.Next() {
			if err := usageMonth(app, f.Team, m, loc, emit); err != nil {
				return err
			}
		}
		return nil
	}, nil
}

// usageMonth emits one month: the company, then each team followed by its members.
func usageMonth(app core.App, teamID string, m budget.Month, loc *time.Location, emit func([]any) error) error {
	p := figures.MonthPeriod(m, loc)
	if teamID == "" {
		s, err := figures.Of(app, figures.Company, p)
		if err != nil {
			return err
		}
		if err := emit(usageCells(m, "Company", "", "", "", "", s)); err != nil {
			return err
		}
	}
	teams, err := figures.TeamRows(app, teamID, p)
	if err != nil {
		return err
	}
	for _, t := range teams {
		if err := emit(usageCells(m, "Team", t.Name, "", "", "", t.Statement)); err != nil {
			return err
		}
		members, err := figures.MemberRows(app, t.ID, p)
		if err != nil {
			return err
		}
		for _, r := range members {
			note := ""
			if r.Former {
				note = "left the team"
			}
			if err := emit(usageCells(m, "Member", t.Name, r.Name, r.Email, note, r.Statement)); err != nil {
				return err
			}
		}
	}
	return nil
}

func usageCells(m budget.Month, kind, teamName, name, email, note string, s figures.Statement) []any {
	return []any{string(m), kind, teamName, name, email, note,
		s.Opening, s.HeldBefore, s.HandedOut, s.TransferredIn, s.TransferredOut, s.Returned, s.Refunded, s.Spent, s.Held, s.Available}
}
