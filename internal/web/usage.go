package web

import (
	"net/http"
	"net/url"
	"time"

	"github.com/pocketbase/pocketbase/core"

	"teamfund/internal/access"
	"teamfund/internal/budget"
	"teamfund/internal/export"
	"teamfund/internal/figures"
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
	TeamChoice   []person      // admins pick a team; managers see their own
	Teams        []figures.Row // the page of the month's team rows shown (TeamPages)
	TeamPages    pager
	Members      []figures.Row    // every member's money; the page shows MemberRows of them
	MemberRows   []usageMemberRow // the page of Members shown (MemberPages), ready to print
	MemberPages  pager
	Trend        []figures.MonthFigures
	Touches      []stats.TouchSends
	TeamsChart   chart
	MembersChart chart
	TrendChart   chart
	TouchChart   chart
	Export       *ExportLinks // the month's figures as CSV/XLSX (nil: no export permission)
}

// usageMembersPerPage is how many members the page's table and chart show at a time (the
// JSON twin and the export hold them all).
const usageMembersPerPage = 50

// memberPage picks page n of the members (a page past the end shows the last) and sets the
// pager's links, which keep the month and team of filter.
func (p *usagePage) memberPage(n int, filter url.Values) []figures.Row {
	p.MemberPages = newPager(n, len(p.Members), usageMembersPerPage, func(page int) string {
		return pageURL("/usage", filter, page) + "#usage-members"
	})
	return pageRows(p.MemberPages, p.Members)
}

// usageMemberRow is one line of the members table with its amounts formatted: the template
// prints flat fields (html/template's reflection over stats.Activity's embedded structs, four
// amounts for each of 470 members, was half of a manager's Usage page).
type usageMemberRow struct {
	Name, Email                                   string
	Former                                        bool
	Sends, PendingApprovals                       int
	RequestsMade, RequestsAnswered, InvitesAccept int
	Spent, HandedOut, Held, Available             string
}

func usageMemberRows(members []stats.Activity, currency string) []usageMemberRow {
	out := make([]usageMemberRow, len(members))
	for i, m := range members {
		out[i] = usageMemberRow{Name: m.Name, Email: m.Email, Former: m.Former, Sends: m.Sends,
			PendingApprovals: m.PendingApprovals, RequestsMade: m.RequestsMade, RequestsAnswered: m.RequestsAnswered,
			InvitesAccept: m.InvitesAccepted, Spent: money.Format(m.Spent, currency), HandedOut: money.Format(m.HandedOut, currency),
			Held: money.Format(m.Held, currency), Available: money.Format(m.Available, currency)}
	}
	return out
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

// usageData is what the page and the JSON share. Members are the team's money rows; the JSON
// has every member's activity (Activity), the page reads only that of the members it shows.
type usageData struct {
	Teams    []figures.Row
	Members  []figures.Row
	Activity []stats.Activity // with allActivity
	Trend    []figures.MonthFigures
	Touches  []stats.TouchSends
}

// loadUsage reads its parts at the same time (figures.ReadTogether).
func loadUsage(app core.App, teamID string, month budget.Month, allActivity bool) (d usageData, err error) {
	loc := companyLoc(app)
	reads := []func() error{func() (err error) {
		d.Teams, err = figures.TeamRows(app, teamID, figures.MonthPeriod(month, loc))
		return err
	}, func() (err error) {
		d.Trend, err = figures.Trend(app, figures.Scope{Team: teamID}, month, trendMonths, loc)
		return err
	}, func() (err error) {
		d.Touches, err = stats.SendsPerTouch(app, teamID, month, loc)
		return err
	}}
	var counts stats.Counts
	if teamID != "" {
		reads = append(reads, func() (err error) {
			d.Members, err = figures.MemberRows(app, teamID, figures.MonthPeriod(month, loc))
			return err
		})
	}
	if teamID != "" && allActivity {
		reads = append(reads, func() (err error) {
			counts, err = stats.TeamCounts(app, teamID, month, loc)
			return err
		})
	}
	if err := figures.ReadTogether(app, reads...); err != nil {
		return d, err
	}
	if allActivity {
		d.Activity = counts.Of(d.Members)
	}
	return d, nil
}

func showUsagePage(e *core.RequestEvent) error {
	month, teamID, err := usageQuery(e)
	if err != nil {
		return pageError(e, err)
	}
	d, err := loadUsage(e.App, teamID, month, false)
	if err != nil {
		return pageError(e, err)
	}
	loc := companyLoc(e.App)
	p := &usagePage{Page: Page{Title: "Usage · " + month.Label()}, Month: month, PrevMonth: month.Prev(),
		NextMonth: month.Next(), IsCurrent: month == budget.MonthOf(time.Now(), loc), TeamID: teamID,
		Members: d.Members, Trend: d.Trend, Touches: d.Touches}
	if currentUser(e).Role().IsAdmin() {
		p.TeamChoice = allTeams(e.App)
	}
	if teamID == figures.NoTeam {
		p.TeamLabel = figures.NoTeamName
	} else if teamID != "" {
		p.TeamLabel = teamName(e.App, teamID)
	}
	filter := url.Values{"month": {string(month)}}
	if teamID != "" {
		filter.Set("team", teamID)
	}
	p.Export = exportLinksFor(currentUser(e), export.Usage, filter)
	// All teams show 50 at a time, as on the overview (one team is one row): the JSON and the
	// export hold every team.
	p.TeamPages = newPager(pageNumber(e), len(d.Teams), overviewTeamsPerPage, func(n int) string {
		return pageURL("/usage", filter, n) + "#usage-teams"
	})
	p.Teams = pageRows(p.TeamPages, d.Teams)
	p.TeamsChart = moneyChart(p.Teams)
	shown := p.memberPage(pageNumber(e), filter)
	activity, err := stats.ActivityOf(e.App, shown, month, loc)
	if err != nil {
		return pageError(e, err)
	}
	p.MemberRows = usageMemberRows(activity, currencyOf(e.App))
	p.MembersChart = moneyChart(shown)
	p.TrendChart = trendChart(d.Trend)
	p.TouchChart = touchChart(d.Touches)
	return render(e, http.StatusOK, "usage/usage", p)
}

// usageJSON is GET /api/tf/usage.
type usageJSON struct {
	Month   budget.Month           `json:"month"`
	Teams   []figures.Row          `json:"teams"`
	Members []stats.Activity       `json:"members"`
	Trend   []figures.MonthFigures `json:"trend"`
	Touches []stats.TouchSends     `json:"touches"`
}

func apiUsage(e *core.RequestEvent) error {
	month, teamID, err := usageQuery(e)
	if err != nil {
		return apiError(e, err)
	}
	d, err := loadUsage(e.App, teamID, month, true)
	if err != nil {
		return apiError(e, err)
	}
	return e.JSON(http.StatusOK, usageJSON{Month: month, Teams: nonNil(d.Teams), Members: nonNil(d.Activity),
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

// Colours of the money series, the same in every chart (Tabler's blue, orange, yellow, green).
const (
	colorHandedOut = "#206bc4"
	colorSpent     = "#f76707"
	colorHeld      = "#f59f00"
	colorAvailable = "#2fb344"
)

func major(c money.Cents) float64 { return float64(c) / 100 }

// moneySeries are the words each money chart draws, in the order of docs/MONEY.md.
func moneySeries() []chartDataset {
	return []chartDataset{{Label: "Handed out", Color: colorHandedOut}, {Label: "Spent", Color: colorSpent},
		{Label: "Held", Color: colorHeld}, {Label: "Available", Color: colorAvailable}}
}

func addMoney(c *chart, label string, s figures.Statement) {
	c.Labels = append(c.Labels, label)
	for i, v := range []money.Cents{s.HandedOut, s.Spent, s.Held, s.Available} {
		c.Datasets[i].Data = append(c.Datasets[i].Data, major(v))
	}
}

// moneyChart draws handed out, spent, held and available of each row side by side on one scale.
func moneyChart(rows []figures.Row) chart {
	c := chart{Type: "bar", Horizontal: true, Money: true, Datasets: moneySeries()}
	for _, r := range rows {
		addMoney(&c, r.Name, r.Statement)
	}
	return c
}

func trendChart(months []figures.MonthFigures) chart {
	c := chart{Type: "line", Money: true, Datasets: moneySeries()}
	for _, m := range months {
		addMoney(&c, m.Month.Short(), m.Statement)
	}
	return c
}

func touchChart(rows []stats.TouchSends) chart {
	c := chart{Type: "bar", Horizontal: true, Datasets: []chartDataset{{Label: "Sends", Color: colorHandedOut}}}
	for _, r := range rows {
		c.Labels = append(c.Labels, r.Name)
		c.Datasets[0].Data = append(c.Datasets[0].Data, float64(r.Sends))
	}
	return c
}
