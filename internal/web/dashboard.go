package web

import (
	"net/http"
	"time"

	"github.com/pocketbase/pocketbase/core"

	"teamfund/internal/access"
	"teamfund/internal/budget"
	"teamfund/internal/company"
	"teamfund/internal/figures"
	"teamfund/internal/leave"
	"teamfund/internal/member"
	"teamfund/internal/send"
	"teamfund/internal/team"
	"teamfund/internal/transfer"
)

// Dashboard routes:
//
//	GET /             showDashboard
//	GET /api/tf/me    getMe (JSON)
func bindDashboardRoutes(pages, api routeGroup) {
	addNav(0, "Dashboard", "/", everyone)
	pages.GET("/{$}", showDashboard).BindFunc(requireUser)
	api.GET("/me", getMe)
}

// todo is one kind of thing waiting for the signed-in user, with where to handle it.
type todo struct {
	Count     int
	One, Many string // the label after a count of 1, and after any other count
	Path      string
}

// Label is the count with its label: "1 money request to answer", "3 money requests to answer".
func (t todo) Label() string { return plural(t.Count, t.One, t.Many) }

type dashboardPage struct {
	Page
	Me          *member.Member
	TeamName    string
	Month       budget.Month
	Usage       figures.Statement
	Todos       []todo
	CanSend     bool
	CanInvite   bool
	CanAllocate bool
	Tour        tour
}

func showDashboard(e *core.RequestEvent) error {
	u := currentUser(e)
	if seesOverview(u) {
		return showOverview(e)
	}
	loc := time.UTC
	if c, err := company.Load(e.App); err == nil {
		loc = c.Location()
	}
	data := &dashboardPage{Page: Page{Title: "Dashboard"}, Me: u, TeamName: team.NameOf(e.App, u.TeamID()),
		Month: budget.MonthOf(time.Now(), loc), CanSend: u.TeamID() != "",
		CanInvite:   access.ScopeOf(u.Role(), access.InviteMember) != access.Nowhere,
		CanAllocate: access.Can(u, access.RunAllocation, ""),
		Tour:        tourFor(u, e.Request.URL.Query().Get("tour") == "start")}
	usage, err := figures.OfMonth(e.App, figures.Scope{Member: u.Id}, data.Month, loc)
	if err != nil {
		return pageError(e, err)
	}
	data.Usage = usage
	if data.Todos, err = todosFor(e.App, u); err != nil {
		return pageError(e, err)
	}
	return render(e, http.StatusOK, "dashboard/dashboard", data)
}

// todosFor counts what waits for u: money requests to answer, and for managers and admins
// sends and leave requests to decide.
func todosFor(app core.App, u *member.Member) ([]todo, error) {
	incoming, _, err := transfer.Pending(app, u.Id)
	if err != nil {
		return nil, err
	}
	out := []todo{{len(incoming), "money request to answer", "money requests to answer", "/approvals/money"}}
	if access.ScopeOf(u.Role(), access.DecideSend) != access.Nowhere {
		sends, err := send.PendingCountFor(app, u)
		if err != nil {
			return nil, err
		}
		leaves, err := leave.List(app, u, "pending", -1)
		if err != nil {
			return nil, err
		}
		out = append(out, todo{sends, "send waiting for approval", "sends waiting for approval", "/approvals/sends"},
			todo{len(leaves), "leave request to decide", "leave requests to decide", "/approvals/leave"})
	}
	return out, nil
}

// meJSON is the signed-in user's own summary.
type meJSON struct {
	ID      string `json:"id"`
	Email   string `json:"email"`
	Name    string `json:"name"`
	Role    string `json:"role"`
	Team    string `json:"team"`
	Balance int64  `json:"balance"`
}

func getMe(e *core.RequestEvent) error {
	u := currentUser(e)
	return e.JSON(http.StatusOK, meJSON{ID: u.Id, Email: u.Email(), Name: u.Name(), Role: string(u.Role()),
		Team: u.TeamID(), Balance: int64(u.Balance())})
}
