package web

import (
	"net/http"
	"time"

	"github.com/pocketbase/pocketbase/core"

	"teamfund/internal/budget"
	"teamfund/internal/figures"
	"teamfund/internal/ledger"
	"teamfund/internal/money"
)

// companyMoneyPage is the Money page of the owner and admins: the company's money, not a
// personal wallet — what it has handed out (a positive figure), this month line by line,
// every team, and the monthly runs. "My balance" (?view=mine) is the wallet page.
type companyMoneyPage struct {
	Page
	Month     budget.Month
	HandedOut money.Cents       // all time, net of returns
	AllTime   figures.Statement // every entry up to now
	ThisMonth figures.Statement
	Teams     []figures.Row // every team's month (their sum is ThisMonth)
	TeamRows  []figures.Row // the page of them shown
	TeamPages pager
	Runs      []budget.MonthRun
	OwnMoney  bool // the viewer has a team or a balance of their own
}

func showCompanyMoneyPage(e *core.RequestEvent) error {
	loc := companyLoc(e.App)
	now := time.Now()
	p := &companyMoneyPage{Page: Page{Title: "Money"}, Month: budget.MonthOf(now, loc)}
	var err error
	if p.HandedOut, err = ledger.CompanyHandedOut(e.App); err != nil {
		return pageError(e, err)
	}
	if p.AllTime, err = figures.Of(e.App, figures.Company, figures.Period{Start: time.Unix(0, 0), End: now.Add(time.Second)}); err != nil {
		return pageError(e, err)
	}
	if p.Teams, err = figures.TeamRows(e.App, "", figures.MonthPeriod(p.Month, loc)); err != nil {
		return pageError(e, err)
	}
	// The team rows add up to the company (they include the No team row): the month's
	// statement is their sum, not another read of the ledger.
	for _, t := range p.Teams {
		p.ThisMonth = p.ThisMonth.Add(t.Statement)
	}
	p.TeamPages = newPager(pageNumber(e), len(p.Teams), overviewTeamsPerPage, func(n int) string {
		return pageURL("/money", nil, n) + "#company-teams"
	})
	p.TeamRows = pageRows(p.TeamPages, p.Teams)
	if p.Runs, err = budget.RecentRuns(e.App, 6); err != nil {
		return pageError(e, err)
	}
	u := currentUser(e)
	p.OwnMoney = u.TeamID() != "" || u.Balance() != 0
	p.Flash = flashNow(e)
	return render(e, http.StatusOK, "money/company", p)
}
