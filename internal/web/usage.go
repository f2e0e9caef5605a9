package web

import (
	"net/http"
	"time"

	"github.com/pocketbase/pocketbase/core"

	"teamfund/internal/access"
	"teamfund/internal/budget"
	"teamfund/internal/money"
	"teamfund/internal/stats"
)

// Usage routes (usage and team statistics):
//
//	GET /usage            showUsagePage
//	GET /api/tf/usage     apiUsage (JSON)
func bindUsageRoutes(pages, api routeGroup) {
	addNav(80, "Usage", "/usage", managersUp)
	pages.GET("/usage", showUsagePage).BindFunc(requireUser)
	api.GET("/usage", apiUsage)
}

// trendMonths is how many months the trend shows, the chosen one last.
const trendMonths = 12

type usagePage struct {
	Page
	Month        budget.Month
	PrevMonth    budget.Month
	NextMonth    budget.Month
	IsCurrent    bool
	TeamID       string
	TeamLabel    string
	TeamChoice   []person // admins pick a team; managers see their own
	Teams        []budget.Usage
	Members      []stats.Activity
	Trend        []stats.MonthTotal
	Touches      []stats.TouchSends
	TeamsChart   chart
	MembersChart chart
	TrendChart   chart
	TouchChart   chart
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

// usageData is what the page and the JSON share.
type usageData struct {
	Teams   []budget.Usage
	Members []stats.Activity
	Trend   []stats.MonthTotal
	Touches []stats.TouchSends
}

func loadUsage(app core.App, teamID string, month budget.Month) (d usageData, err error) {
	loc := companyLoc(app)
	if d.Teams, err = budget.TeamUsage(app, teamID, month, loc); err != nil {
		return d, err
	}
	if teamID != "" {
		if d.Members, err = stats.MemberActivity(app, teamID, month, loc); err != nil {
			return d, err
		}
	}
	if d.Trend, err = stats.Trend(app, teamID, month, trendMonths, loc); err != nil {
		return d, err
	}
	d.Touches, err = stats.SendsPerTouch(app, teamID, month, loc)
	return d, err
}

func showUsagePage(e *core.RequestEvent) error {
	month, teamID, err := usageQuery(e)
	if err != nil {
		return pageError(e, err)
	}
	d, err := loadUsage(e.App, teamID, month)
	if err != nil {
		return pageError(e, err)
	}
	p := &usagePage{Page: Page{Title: "Usage · " + month.Label()}, Month: month, PrevMonth: month.Prev(),
		NextMonth: month.Next(), IsCurrent: month == budget.MonthOf(time.Now(), companyLoc(e.App)), TeamID: teamID,
		Teams: d.Teams, Members: d.Members, Trend: d.Trend, Touches: d.Touches}
	if currentUser(e).Role().IsAdmin() {
		p.TeamChoice = allTeams(e.App)
	}
	if teamID != "" {
		p.TeamLabel = teamName(e.App, teamID)
	}
	p.TeamsChart = moneyChart(d.Teams)
	members := make([]budget.Usage, len(d.Members))
	for i, m := range d.Members {
		members[i] = m.Usage
	}
	p.MembersChart = moneyChart(members)
	p.TrendChart = trendChart(d.Trend)
	p.TouchChart = touchChart(d.Touches)
	return render(e, http.StatusOK, "usage/usage", p)
}

// usageJSON is GET /api/tf/usage.
type usageJSON struct {
	Month   budget.Month       `json:"month"`
	Teams   []budget.Usage     `json:"teams"`
	Members []stats.Activity   `json:"members"`
	Trend   []stats.MonthTotal `json:"trend"`
	Touches []stats.TouchSends `json:"touches"`
}

func apiUsage(e *core.RequestEvent) error {
	month, teamID, err := usageQuery(e)
	if err != nil {
		return apiError(e, err)
	}
	d, err := loadUsage(e.App, teamID, month)
	if err != nil {
		return apiError(e, err)
	}
	return e.JSON(http.StatusOK, usageJSON{Month: month, Teams: nonNil(d.Teams), Members: nonNil(d.Members),
		Trend: nonNil(d.Trend), Touches: nonNil(d.Touches)})
}

// chart is what ui/charts.js needs to draw one Chart.js chart; the page writes it as a
// JSON block next to the canvas (the CSP allows no inline script).
type chart struct {
	Type       string         `json:"type"` // "bar" or "line"
	Horizontal bool           `json:"horizontal,omitempty"`
	Money      bool           `json:"money,omitempty"` // values are amounts in major units
	Labels     []string       `json:"labels"`
	Datasets   []chartDataset `json:"datasets"`
}

type chartDataset struct {
	Label string    `json:"label"`
	Data  []float64 `json:"data"`
	Color string    `json:"color"`
}

// Colours of the three money series, the same in every chart (Tabler's blue, orange, green).
const (
	colorAllocated = "#206bc4"
	colorSpent     = "#f76707"
	colorRemaining = "#2fb344"
)

func major(c money.Cents) float64 { return float64(c) / 100 }

// moneyChart draws allocated, spent and remaining of each row side by side on one scale.
func moneyChart(rows []budget.Usage) chart {
	c := chart{Type: "bar", Horizontal: true, Money: true, Datasets: []chartDataset{
		{Label: "Allocated", Color: colorAllocated}, {Label: "Spent", Color: colorSpent}, {Label: "Remaining", Color: colorRemaining}}}
	for _, r := range rows {
		c.Labels = append(c.Labels, r.Name)
		c.Datasets[0].Data = append(c.Datasets[0].Data, major(r.Allocated))
		c.Datasets[1].Data = append(c.Datasets[1].Data, major(r.Spent))
		c.Datasets[2].Data = append(c.Datasets[2].Data, major(r.Remaining))
	}
	return c
}

func trendChart(months []stats.MonthTotal) chart {
	c := chart{Type: "line", Money: true, Datasets: []chartDataset{
		{Label: "Allocated", Color: colorAllocated}, {Label: "Spent", Color: colorSpent}, {Label: "Remaining", Color: colorRemaining}}}
	for _, m := range months {
		c.Labels = append(c.Labels, m.Month.Short())
		c.Datasets[0].Data = append(c.Datasets[0].Data, major(m.Allocated))
		c.Datasets[1].Data = append(c.Datasets[1].Data, major(m.Spent))
		c.Datasets[2].Data = append(c.Datasets[2].Data, major(m.Remaining))
	}
	return c
}

func touchChart(rows []stats.TouchSends) chart {
	c := chart{Type: "bar", Horizontal: true, Datasets: []chartDataset{{Label: "Sends", Color: colorAllocated}}}
	for _, r := range rows {
		c.Labels = append(c.Labels, r.Name)
		c.Datasets[0].Data = append(c.Datasets[0].Data, float64(r.Sends))
	}
	return c
}
