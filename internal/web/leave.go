package web

import (
	"net/http"

	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/core"

	"teamfund/internal/access"
	"teamfund/internal/leave"
	"teamfund/internal/member"
)

// Leave-team routes:
//
//	POST /leave                                   leaveTeam (the signed-in user leaves or asks to)
//	POST /leave/withdraw                          withdrawLeave (takes back a pending request)
//	GET  /approvals/leave                         showLeaveApprovals
//	POST /approvals/leave/{id}/approve            approveLeave
//	POST /approvals/leave/{id}/decline            declineLeave
//	POST /api/tf/leave                            leaveTeamJSON
//	POST /api/tf/leave/withdraw                   withdrawLeaveJSON
//	GET  /api/tf/leave-requests                   listLeaveRequestsJSON (?status=pending|approved|declined)
//	POST /api/tf/leave-requests/{id}/approve      approveLeaveJSON
//	POST /api/tf/leave-requests/{id}/decline      declineLeaveJSON
func bindLeaveRoutes(pages, api routeGroup) {
	addNav(70, "Approvals", "/approvals/leave", managersUp)
	pages.POST("/leave", leaveTeam).BindFunc(requireUser)
	pages.POST("/leave/withdraw", withdrawLeave).BindFunc(requireUser)
	pages.GET("/approvals/leave", showLeaveApprovals).BindFunc(requireUser)
	pages.POST("/approvals/leave/{id}/approve", decideLeave(true)).BindFunc(requireUser)
	pages.POST("/approvals/leave/{id}/decline", decideLeave(false)).BindFunc(requireUser)

	api.POST("/leave", leaveTeamJSON)
	api.POST("/leave/withdraw", withdrawLeaveJSON)
	api.GET("/leave-requests", listLeaveRequestsJSON)
	api.POST("/leave-requests/{id}/approve", decideLeaveJSON(true))
	api.POST("/leave-requests/{id}/decline", decideLeaveJSON(false))
}

// leavePending reports whether u has asked to leave their team and waits for a decision.
func leavePending(app core.App, u *member.Member) bool {
	var n int
	err := app.DB().Select("COUNT(*)").From(leave.Collection).
		Where(dbx.HashExp{"user": u.Id, "team": u.TeamID(), "status": leave.StatusPending}).Row(&n)
	return err == nil && n > 0
}

func leaveTeam(e *core.RequestEvent) error {
	u := currentUser(e)
	teamID := u.TeamID()
	out, err := leave.Leave(e.App, u)
	if err != nil {
		return pageError(e, err)
	}
	if out.Left {
		setFlash(e, "ok", "You left the team. Your unused balance went back to the company.")
		return redirect(e, "/")
	}
	setFlash(e, "ok", "Your request to leave the team waits for a manager's decision.")
	return redirect(e, backToTeam(e, teamID))
}

func withdrawLeave(e *core.RequestEvent) error {
	u := currentUser(e)
	if err := leave.Withdraw(e.App, u); err != nil {
		return pageError(e, err)
	}
	setFlash(e, "ok", "Your request to leave the team is withdrawn.")
	if u.TeamID() == "" {
		return redirect(e, "/")
	}
	return redirect(e, backToTeam(e, u.TeamID()))
}

func withdrawLeaveJSON(e *core.RequestEvent) error {
	if err := leave.Withdraw(e.App, currentUser(e)); err != nil {
		return apiError(e, err)
	}
	return e.NoContent(http.StatusNoContent)
}

type leaveApprovalsPage struct {
	Page
	Pending []leave.Row
	Recent  []leave.Row
}

func showLeaveApprovals(e *core.RequestEvent) error {
	u := currentUser(e)
	if u.Role() == member.RoleMember {
		return pageError(e, access.ErrForbidden)
	}
	pending, err := leave.List(e.App, u, leave.StatusPending, 500)
	if err != nil {
		return pageError(e, err)
	}
	all, err := leave.List(e.App, u, "", 50)
	if err != nil {
		return pageError(e, err)
	}
	recent := all[:0:0]
	for _, r := range all {
		if r.Status != leave.StatusPending {
			recent = append(recent, r)
		}
	}
	return render(e, http.StatusOK, "leave/approvals", &leaveApprovalsPage{Page: Page{Title: "Leave requests"},
		Pending: pending, Recent: recent})
}

func decideLeave(approve bool) func(e *core.RequestEvent) error {
	return func(e *core.RequestEvent) error {
		if err := leave.Decide(e.App, currentUser(e), e.Request.PathValue("id"), approve); err != nil {
			return pageError(e, err)
		}
		if approve {
			setFlash(e, "ok", "Approved: the member left the team and their balance went back to the company.")
		} else {
			setFlash(e, "ok", "Declined: the member stays in the team.")
		}
		return redirect(e, "/approvals/leave")
	}
}

func leaveTeamJSON(e *core.RequestEvent) error {
	out, err := leave.Leave(e.App, currentUser(e))
	if err != nil {
		return apiError(e, err)
	}
	if out.Left {
		return e.JSON(http.StatusOK, map[string]any{"left": true})
	}
	return e.JSON(http.StatusAccepted, map[string]any{"left": false, "request": out.RequestID, "status": leave.StatusPending})
}

func listLeaveRequestsJSON(e *core.RequestEvent) error {
	status := e.Request.URL.Query().Get("status")
	switch status {
	case "", leave.StatusPending, leave.StatusApproved, leave.StatusDeclined:
	default:
		return e.BadRequestError("status must be pending, approved or declined.", nil)
	}
	rows, err := leave.List(e.App, currentUser(e), status, 500)
	if err != nil {
		return apiError(e, err)
	}
	return writeSortedList(e, rows, listSorts["/api/tf/leave-requests"])
}

func decideLeaveJSON(approve bool) func(e *core.RequestEvent) error {
	return func(e *core.RequestEvent) error {
		if err := leave.Decide(e.App, currentUser(e), e.Request.PathValue("id"), approve); err != nil {
			return apiError(e, err)
		}
		return e.NoContent(http.StatusNoContent)
	}
}
