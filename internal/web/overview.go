package web

import (
	"fmt"
	"html/template"
	"net/http"
	"net/url"
	"strings"
	"time"

	validation "github.com/pocketbase/ozzo-validation/v4"
	"github.com/pocketbase/pocketbase/core"

	"teamfund/internal/access"
	"teamfund/internal/budget"
	"teamfund/internal/member"
	"teamfund/internal/money"
	"teamfund/internal/overview"
	"teamfund/internal/send"
	"teamfund/internal/team"
)

// Overview routes (the owner's, admins' and managers' dashboard):
//
//	GET  /                             showDashboard → showOverview for owner, admins, managers with a team
//	POST /overview/checklist/dismiss   dismissChecklist
//	GET  /api/tf/overview              apiOverview (JSON; ?month=YYYY-MM&team=ID)
func bindOverviewRoutes(pages, api routeGroup) {
	pages.POST("/overview/checklist/dismiss", dismissChecklist).BindFunc(requireUser)
	api.GET("/overview", apiOverview)
}

// seesOverview reports whether u lands on the overview instead of the wallet: the owner and
// admins (the company), managers of a team (their team).
func seesOverview(u *member.Member) bool {
	return u.Role().IsAdmin() || (u.Role() == member.RoleManager && u.TeamID() != "")
}

// overviewQuery reads month and team and checks u may see them: owner and admins any team
// or the company, a manager only their own team (also when no team is asked for), members
// nothing.
func overviewQuery(e *core.RequestEvent) (budget.Month, string, error) {
	u := currentUser(e)
	q := e.Request.URL.Query()
	month := budget.MonthOf(time.Now(), companyLoc(e.App))
	if s := strings.TrimSpace(q.Get("month")); s != "" {
		m, err := budget.ParseMonth(s)
		if err != nil {
			return "", "", validation.Errors{"month": validation.NewError("validation_month", "must be a month like 2026-03")}
		}
		month = m
	}
	teamID := strings.TrimSpace(q.Get("team"))
	if !u.Role().IsAdmin() {
		if u.Role() != member.RoleManager || u.TeamID() == "" {
			return "", "", access.ErrForbidden
		}
		if teamID == "" {
			teamID = u.TeamID()
		}
		if err := access.Check(u, access.ViewUsage, teamID); err != nil {
			return "", "", err
		}
	}
	if teamID != "" {
		if _, err := team.Find(e.App, teamID); err != nil {
			return "", "", team.ErrUnknownTeam
		}
	}
	return month, teamID, nil
}

func loadOverview(e *core.RequestEvent) (*overview.Overview, error) {
	month, teamID, err := overviewQuery(e)
	if err != nil {
		return nil, err
	}
	o, err := overview.Load(e.App, teamID, month, companyLoc(e.App))
	if err != nil {
		return nil, err
	}
	if teamID == "" {
		o.Checklist, err = overview.LoadChecklist(e.App)
	}
	return o, err
}

func apiOverview(e *core.RequestEvent) error {
	o, err := loadOverview(e)
	if err != nil {
		return apiError(e, err)
	}
	o.Teams, o.TopSpenders = nonNil(o.Teams), nonNil(o.TopSpenders)
	return e.JSON(http.StatusOK, o)
}

// overviewPage is the overview with what only the page needs: links to the rows behind each
// figure, the month picker and the teams' sparklines.
type overviewPage struct {
	Page
	*overview.Overview
	Heading    string
	IsCurrent  bool
	NextMonth  budget.Month
	TeamChoice []person          // admins may look at one team
	Rows       []overviewTeamRow // the page of the teams table shown, ready to print
	TeamPages  pager
	Tour       tour
	from, to   string // the month's first and last day, company time zone
}

// overviewTeamsPerPage is how many teams the page's table shows at a time (the company's
// figures are those of every team; the JSON twin holds every row).
const overviewTeamsPerPage = 50

func showOverview(e *core.RequestEvent) error {
	o, err := loadOverview(e)
	if err != nil {
		return pageError(e, err)
	}
	loc := companyLoc(e.App)
	p := &overviewPage{Page: Page{Title: "Overview · " + o.Month.Label()}, Overview: o,
		IsCurrent: o.Month == budget.MonthOf(time.Now(), loc), NextMonth: o.Month.Next(),
		from: o.Month.Start(loc).Format("2006-01-02"), to: o.Month.End(loc).AddDate(0, 0, -1).Format("2006-01-02"),
		Tour: tourFor(currentUser(e), e.Request.URL.Query().Get("tour") == "start")}
	p.Page.Flash = flashNow(e)
	if o.Team != "" {
		p.Heading = o.TeamName
	}
	if currentUser(e).Role().IsAdmin() {
		p.TeamChoice = allTeams(e.App)
	}
	currency := currencyOf(e.App) // once, not per team (200 reads of the company record)
	filter := url.Values{"month": {string(o.Month)}}
	if o.Team != "" {
		filter.Set("team", o.Team)
	}
	p.TeamPages = newPager(pageNumber(e), len(o.Teams), overviewTeamsPerPage, func(page int) string {
		return pageURL("/", filter, page) + "#overview-teams"
	})
	for _, t := range pageRows(p.TeamPages, o.Teams) {
		p.Rows = append(p.Rows, p.teamRow(t, currency))
	}
	return render(e, http.StatusOK, "overview/overview", p)
}

// overviewTeamRow is one line of the overview's teams table with its figures formatted and
// its links built: the template only prints flat fields (for 200 teams, walking the
// embedded structs of overview.Team field by field took 20 ms of html/template's reflection).
type overviewTeamRow struct {
	ID, Name, Href                                    string
	Members                                           int
	Budget                                            string // "" for a one-time team
	HandedOut, Spent, Held, Available                 string
	HandedOutHref, SpentHref, HeldHref, AvailableHref string
	UsedPercent                                       int // -1 when there is nothing to measure against
	UsedWidth                                         int
	Spark                                             template.HTML
}

func (p *overviewPage) teamRow(t overview.Team, currency string) overviewTeamRow {
	r := overviewTeamRow{ID: t.ID, Name: t.Name, Href: "/teams/" + t.ID, Members: t.Members,
		HandedOut: money.Format(t.HandedOut, currency), Spent: money.Format(t.Spent, currency),
		Held: money.Format(t.Held, currency), Available: money.Format(t.Available, currency),
		HandedOutHref: p.LedgerLink("handed_out", t.ID), SpentHref: p.SendsLink("sent", t.ID, ""),
		HeldHref: p.SendsLink("pending", t.ID, ""), AvailableHref: p.UsageLink(t.ID),
		UsedPercent: t.UsedPercent, UsedWidth: max(0, min(t.UsedPercent, 100)), Spark: sparkline(t, currency)}
	if t.IsNoTeam() {
		r.Href = p.UsageLink(t.ID)
	}
	if t.MonthlyBudget != 0 {
		r.Budget = money.Format(t.MonthlyBudget, currency)
	}
	return r
}

// days is the month as the from/to days of the list filters (company time zone).
func (p *overviewPage) days() url.Values {
	return url.Values{"from": {p.from}, "to": {p.to}}
}

// LedgerLink lists the month's ledger entries of kind (a kind or a money word such as
// handed_out) for teamID ("" = the overview's scope).
func (p *overviewPage) LedgerLink(kind, teamID string) string {
	v := p.days()
	v.Set("kind", kind)
	p.setTeam(v, teamID)
	return "/ledger?" + v.Encode()
}

// SendsLink lists the sends behind a figure: "sent" the sends that went out in the month
// (sent at once, or approved in it: dates=decided), "pending" those held at the end of the
// month — waiting now for the current month, else waiting at its last day's end (held_on).
func (p *overviewPage) SendsLink(status, teamID, memberID string) string {
	v := p.days()
	switch {
	case status == "sent":
		v.Set("status", status)
		v.Set("dates", send.DatesDecided)
	case p.IsCurrent:
		v = url.Values{"status": {status}}
	default:
		v = url.Values{"held_on": {v.Get("to")}}
	}
	p.setTeam(v, teamID)
	if memberID != "" {
		v.Set("member", memberID)
	}
	return "/sends?" + v.Encode()
}

// WaitingSendsLink lists the sends waiting for approval now in the overview's scope: the
// rows behind "sends waiting" and their amount, whatever month is shown. (The approvals
// page leaves out the viewer's own sends, which they may not decide.)
func (p *overviewPage) WaitingSendsLink() string {
	v := url.Values{"status": {"pending"}}
	p.setTeam(v, "")
	return "/sends?" + v.Encode()
}

// UsageLink is the usage page of the month (one team, or the overview's scope).
func (p *overviewPage) UsageLink(teamID string) string {
	v := url.Values{"month": {string(p.Month)}}
	p.setTeam(v, teamID)
	return "/usage?" + v.Encode()
}

// MonthLink is the overview of another month, keeping the team.
func (p *overviewPage) MonthLink(m budget.Month) string {
	v := url.Values{"month": {string(m)}}
	if p.Team != "" && p.TeamChoice != nil {
		v.Set("team", p.Team)
	}
	return "/?" + v.Encode()
}

func (p *overviewPage) setTeam(v url.Values, teamID string) {
	if teamID == "" {
		teamID = p.Team
	}
	if teamID != "" {
		v.Set("team", teamID)
	}
}

// sparkline draws a team's spent over the trend months as a small inline SVG; its label
// says the numbers, and the usage page has the table.
func sparkline(t overview.Team, currency string) template.HTML {
	const w, h = 96, 28
	var top money.Cents
	for _, pt := range t.Trend {
		top = max(top, pt.Spent)
	}
	var points, labels []string
	for i, pt := range t.Trend {
		x := float64(i) * w / float64(max(len(t.Trend)-1, 1))
		y := float64(h - 2)
		if top > 0 {
			y = 2 + float64(h-4)*(1-float64(pt.Spent)/float64(top))
		}
		points = append(points, fmt.Sprintf("%.1f,%.1f", x, y))
		labels = append(labels, pt.Month.Short()+" "+money.Format(pt.Spent, currency))
	}
	label := template.HTMLEscapeString("Spent per month: " + strings.Join(labels, ", "))
	return template.HTML(fmt.Sprintf(`<svg class="sparkline" width="%d" height="%d" viewBox="0 0 %d %d" role="img" aria-label="%s"><title>%s</title>`+
		`<polyline fill="none" stroke="currentColor" stroke-width="2" stroke-linejoin="round" stroke-linecap="round" points="%s"/></svg>`,
		w, h, w, h, label, label, strings.Join(points, " ")))
}

func dismissChecklist(e *core.RequestEvent) error {
	if !currentUser(e).Role().IsAdmin() {
		return pageError(e, access.ErrForbidden)
	}
	if err := overview.DismissChecklist(e.App); err != nil {
		return pageError(e, err)
	}
	setFlash(e, "ok", "Setup checklist hidden.")
	return redirect(e, "/")
}
