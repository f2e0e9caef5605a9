package web

import (
	"net/http"

	"github.com/pocketbase/pocketbase/core"

	"teamfund/internal/member"
	"teamfund/internal/team"
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

type dashboardPage struct {
	Page
	Me       *member.Member
	TeamName string
}

func showDashboard(e *core.RequestEvent) error {
	u := currentUser(e)
	data := &dashboardPage{Page: Page{Title: "Dashboard"}, Me: u, TeamName: team.NameOf(e.App, u.TeamID())}
	return render(e, http.StatusOK, "dashboard/dashboard", data)
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
