package web

import (
	"net/http"

	"github.com/pocketbase/pocketbase/core"

	"teamfund/internal/access"
	"teamfund/internal/member"
)

// Guided tour routes (the tour itself runs in the browser, ui/tour.js, on the dashboard):
//
//	POST /tour/seen    markTourSeen (finished or skipped: do not start it by itself again)
func bindTourRoutes(pages routeGroup) {
	pages.POST("/tour/seen", markTourSeen).BindFunc(requireUser)
}

func markTourSeen(e *core.RequestEvent) error {
	if err := member.MarkTourSeen(e.App, currentUser(e)); err != nil {
		return pageError(e, err)
	}
	return e.NoContent(http.StatusNoContent)
}

// tourStep is one stop of the guided tour: Page is where it is shown (the tour opens that
// page first; "" = wherever the person is), Element a CSS selector of what it points at;
// a step whose element is missing or hidden shows centred.
type tourStep struct {
	Page    string `json:"page"`
	Element string `json:"element"`
	Title   string `json:"title"`
	Text    string `json:"text"`
}

// tour is what the pages hand to ui/tour.js: the layout the steps (every page, so the tour
// goes on where a step leads), the dashboard also whether it starts by itself.
type tour struct {
	Autostart bool       `json:"autostart"`
	User      string     `json:"user"` // whose saved place in the tour this is
	Steps     []tourStep `json:"steps"`
}

// tourFor is the tour of u's role: the balance and sending on the dashboard, then the
// pages the role works on (approvals, invites, budgets and settings; or money and history),
// then the user menu. Autostart is set on the first sign-in in this role, or when asked.
func tourFor(u *member.Member, asked bool) tour {
	if u == nil {
		return tour{}
	}
	steps := []tourStep{{"/", "#balance", "Your balance", "This is the money you can spend on touches. It updates live when someone gives you money or a send is decided."}}
	if seesOverview(u) {
		steps = []tourStep{{"/", "#overview-figures", "The month at a glance", "What was handed out, spent and held for approval, and what is left in balances — last month beside it. Every figure opens the rows behind it."}}
	}
	if u.TeamID() != "" {
		steps = append(steps, tourStep{"/", "#send-action", "Send a touch", "Pick a gift, type who receives it, and Teamfund sends it from your balance. Costly touches wait for a manager's approval."})
	}
	switch {
	case u.Role().IsAdmin():
		steps = append(steps,
			tourStep{"/approvals/sends", "main h1", "Approvals", "Sends above a team's threshold, money requests and leave requests wait here; a badge in the menu counts them."},
			tourStep{"/invites", "#invite-button", "Invites", "Invite people by email, by CSV file or with a join link for a whole team."},
			tourStep{"/money/admin", "#allocate-form", "Budgets", "Monthly budgets are given out at each month start; here you run them by hand and move money between people."},
			tourStep{"/users", "main h1", "People", "Everyone with an account: change roles and teams, one by one or many at once."})
		if u.Role() == member.RoleOwner {
			steps = append(steps, tourStep{"/settings", "#settings-form", "Company settings", "Currency, time zone, seat limit and who may join live here; only you, the owner, change them."})
		}
	case access.ScopeOf(u.Role(), access.DecideSend) != access.Nowhere:
		steps = append(steps,
			tourStep{"/approvals/sends", "main h1", "Approvals", "Your team's sends above the approval threshold and money requests wait here for you."},
			tourStep{"/invites", "#invite-button", "Invites", "Invite people to your team by email, by CSV file or with a join link."},
			tourStep{"/usage", "main h1", "Budgets and usage", "See what your team was given and spent, member by member, month by month."})
	default:
		steps = append(steps,
			tourStep{"/money", "main h1", "Money between teammates", "Give part of your balance to a teammate, or ask one for money."},
			tourStep{"/sends", "main h1", "Your sends", "Every touch you sent, and those waiting for approval."},
			tourStep{"/ledger", "#ledger", "Your history", "Every change of your balance: budgets, transfers, sends and refunds."})
	}
	steps = append(steps, tourStep{"", "[data-tour-start]", "Take the tour again", "Your profile, the theme, this tour and signing out live in the menu under your name. Closing the tour keeps your place: take it again to go on."})
	return tour{Autostart: asked || u.TourDue(), User: u.Id, Steps: steps}
}
