package web

import (
	"net/http"

	"github.com/pocketbase/pocketbase/core"

	"teamfund/internal/access"
	"teamfund/internal/member"
	"teamfund/internal/send"
)

type sendApprovalsPage struct {
	Page
	Rows      []*send.Send
	People    peopleIndex
	TeamNames map[string]string
}

func showSendApprovals(e *core.RequestEvent) error {
	u := currentUser(e)
	if u.Role() == member.RoleMember {
		return renderError(e, http.StatusForbidden, "Only managers and admins approve sends.")
	}
	rows, err := send.PendingFor(e.App, u)
	if err != nil {
		return pageError(e, err)
	}
	return render(e, http.StatusOK, "send/approvals", &sendApprovalsPage{Page: Page{Title: "Approvals · Sends"}, Rows: rows,
		TeamNames: teamNames(e.App), People: loadPeople(e.App, currentUser(e), sendersOf(rows))})
}

type sendDecision func(core.App, *member.Member, string) (*send.Send, error)

// decideSendPage runs a decision from a page and goes back to where it came from with a flash.
func decideSendPage(e *core.RequestEvent, decide sendDecision, back, done string) error {
	s, err := decide(e.App, currentUser(e), e.Request.PathValue("id"))
	if err != nil {
		status, msg := statusOf(err)
		if status == http.StatusInternalServerError {
			return pageError(e, err)
		}
		setFlash(e, "error", msg)
		return redirect(e, back)
	}
	setFlash(e, "ok", s.TouchName()+" to "+s.RecipientName()+": "+done+".")
	return redirect(e, back)
}

func approveSend(e *core.RequestEvent) error {
	return decideSendPage(e, send.Approve, "/approvals/sends", "approved and sent")
}

func rejectSend(e *core.RequestEvent) error {
	return decideSendPage(e, send.Reject, "/approvals/sends", "rejected, the money went back to the sender")
}

func cancelSend(e *core.RequestEvent) error {
	return decideSendPage(e, send.Cancel, "/sends", "cancelled, the money is back on your balance")
}

func decideSendJSON(e *core.RequestEvent, decide sendDecision) error {
	s, err := decide(e.App, currentUser(e), e.Request.PathValue("id"))
	if err != nil {
		return apiError(e, err)
	}
	return e.JSON(http.StatusOK, toSendJSON(s))
}

func approveSendJSON(e *core.RequestEvent) error { return decideSendJSON(e, send.Approve) }

func rejectSendJSON(e *core.RequestEvent) error { return decideSendJSON(e, send.Reject) }

func cancelSendJSON(e *core.RequestEvent) error { return decideSendJSON(e, send.Cancel) }

func listSendApprovalsJSON(e *core.RequestEvent) error {
	u := currentUser(e)
	if err := access.Check(u, access.DecideSend, u.TeamID()); err != nil {
		return apiError(e, err)
	}
	rows, err := send.PendingFor(e.App, u)
	if err != nil {
		return apiError(e, err)
	}
	return writeSortedList(e, sendsJSON(rows), listSorts["/api/tf/approvals/sends"])
}
