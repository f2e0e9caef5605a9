package web

import (
	"net/http"
	"time"

	"github.com/pocketbase/pocketbase/core"

	"teamfund/internal/access"
	"teamfund/internal/budget"
	"teamfund/internal/money"
)

// Usage routes:
//
//	GET /usage            showUsagePage
//	GET /api/tf/usage     apiUsage (JSON)
func bindUsageRoutes(pages, api routeGroup) {
	addNav(80, "Usage", "/usage", managersUp)
	pages.GET("/usage", showUsagePage).BindFunc(requireUser)
	api.GET("/usage", apiUsage)
}

// usageBar is one bar of a team's chart; Width is in SVG units of at most chartWidth.
type usageBar struct {
	Label string
	Value money.Cents
	Width float64
	Y     int
	Class string
}

// teamUsage is a team's totals plus its chart.
type teamUsage struct {
	budget.Usage
	Bars []usageBar
}

type usagePage struct {
	Page
	Month      budget.Month
	PrevMonth  budget.Month
	NextMonth  budget.Month
	IsCurrent  bool
	Teams      []teamUsage
	TeamID     string
	TeamLabel  string
	Members    []budget.Usage
	TeamChoice []person
}

// usageQuery reads month and team from the query string and checks the viewer may see them.
func usageQuery(e *core.RequestEvent) (month budget.Month, teamID string, err error) {
	u := currentUser(e)
	loc := companyLoc(e.App)
	month = budget.MonthOf(time.Now(), loc)
	if s := e.Request.URL.Query().Get("month"); s != "" {
		if month, err = budget.ParseMonth(s); err != nil {
			return "", "", err
		}
	}
	teamID = e.Request.URL.Query().Get("team")
	if !u.Role().IsAdmin() {
		if teamID == "" {
			teamID = u.TeamID()
		}
		if err := access.Check(u, access.ViewUsage, teamID); err != nil {
			return "", "", err
		}
	}
	return month, teamID, nil
}

func chartOf(u budget.Usage) []usageBar {
	bars := []usageBar{{Label: "Allocated", Value: u.Allocated, Class: "allocated"},
		{Label: "Spent", Value: u.Spent, Class: "spent"},
		{Label: "Remaining", Value: u.Remaining, Class: "remaining"}}
	top := money.Cents(1)
	for _, b := range bars {
		top = max(top, b.Value)
	}
	for i := range bars {
		bars[i].Y = i * 22
		if bars[i].Value > 0 {
			bars[i].Width = float64(bars[i].Value) * chartWidth / float64(top)
		}
	}
	return bars
}

func showUsagePage(e *core.RequestEvent) error {
	month, teamID, err := usageQuery(e)
	if err != nil {
		return pageError(e, err)
	}
	loc := companyLoc(e.App)
	u := currentUser(e)
	p := &usagePage{Page: Page{Title: "Usage · " + month.Label()}, Month: month, PrevMonth: month.Prev(),
		NextMonth: month.Next(), IsCurrent: month == budget.MonthOf(time.Now(), loc), TeamID: teamID}
	if u.Role().IsAdmin() {
		p.TeamChoice = allTeams(e.App)
	}
	teams, err := budget.TeamUsage(e.App, teamID, month, loc)
	if err != nil {
		return pageError(e, err)
	}
	for _, t := range teams {
		p.Teams = append(p.Teams, teamUsage{Usage: t, Bars: chartOf(t)})
	}
	if teamID != "" {
		p.TeamLabel = teamName(e.App, teamID)
		if p.Members, err = budget.MemberUsage(e.App, teamID, month, loc); err != nil {
			return pageError(e, err)
		}
	}
	return render(e, http.StatusOK, "usage/usage", p)
}

// usageJSON is GET /api/tf/usage.
type usageJSON struct {
	Month   budget.Month   `json:"month"`
	Teams   []budget.Usage `json:"teams"`
	Members []budget.Usage `json:"members"`
}

func apiUsage(e *core.RequestEvent) error {
	month, teamID, err := usageQuery(e)
	if err != nil {
		return apiError(e, err)
	}
	loc := companyLoc(e.App)
	out := usageJSON{Month: month}
	if out.Teams, err = budget.TeamUsage(e.App, teamID, month, loc); err != nil {
		return apiError(e, err)
	}
	if teamID != "" {
		if out.Members, err = budget.MemberUsage(e.App, teamID, month, loc); err != nil {
			return apiError(e, err)
		}
	}
	out.Teams, out.Members = nonNil(out.Teams), nonNil(out.Members)
	return e.JSON(http.StatusOK, out)
}

// chartWidth is the longest bar of a usage chart, in SVG units.
const chartWidth = 220
