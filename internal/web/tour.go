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

// tourStep is one stop of the guided tour: Element is a CSS selector of what it points
// at; a step whose element is missing or hidden (a collapsed phone menu) shows centred.
type tourStep struct {
	Element string `json:"element"`
	Title   string `json:"title"`
	Text    string `json:"text"`
}

// tour is what the dashboard hands to ui/tour.js.
type tour struct {
	Autostart bool       `json:"autostart"`
	Steps     []tourStep `json:"steps"`
}

// tourFor is the tour of u's role, 4 to 6 steps pointing at the dashboard and the menu.
// Autostart is set on the first sign-in in this role, or when the user asked for it.
func tourFor(u *member.Member, asked bool) tour {
	steps := []tourStep{{"#balance", "Your balance", "This is the money you can spend on touches. It updates live when someone gives you money or a send is decided."}}
	if seesOverview(u) {
		steps = []tourStep{{"#overview-figures", "The month at a glance", "What was handed out, spent and held for approval, and what is left in balances — last month beside it. Every figure opens the rows behind it."}}
	}
	if u.TeamID() != "" {
		steps = append(steps, tourStep{"#send-action", "Send a touch", "Pick a gift, type who receives it, and Teamfund sends it from your balance. Costly touches wait for a manager's approval."})
	}
	switch {
	case u.Role().IsAdmin():
		steps = append(steps,
			tourStep{`a[href="/approvals/sends"]`, "Approvals", "Sends above a team's threshold, money requests and leave requests wait here; a badge counts them."},
			tourStep{`a[href="/invites"]`, "Invites", "Invite people by email, by CSV file or with an invite key for a whole team."},
			tourStep{"#allocate-action", "Budgets", "Monthly budgets are given out at each month start; the Money page shows the company's funding and the runs, and moves money."})
	case access.ScopeOf(u.Role(), access.DecideSend) != access.Nowhere:
		steps = append(steps,
			tourStep{`a[href="/approvals/sends"]`, "Approvals", "Your team's sends above the approval threshold and money requests wait here for you."},
			tourStep{`a[href="/invites"]`, "Invites", "Invite people to your team by email, by CSV file or with an invite key."},
			tourStep{`a[href="/usage"]`, "Budgets and usage", "See what your team was given and spent, member by member, month by month."})
	default:
		steps = append(steps,
			tourStep{"#money-action", "Money between teammates", "Give part of your balance to a teammate, or ask one for money."},
			tourStep{`a[href="/sends"]`, "Your sends", "Every touch you sent, and those waiting for approval."})
	}
	steps = append(steps, tourStep{"[data-tour-start]", "Take the tour again", "Your profile, this tour and signing out live in the menu under your name."})
	return tour{Autostart: asked || u.TourDue(), Steps: steps}
}
