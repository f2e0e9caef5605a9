package web

import (
	"errors"
	"net/http"
	"time"

	"github.com/pocketbase/pocketbase/core"

	"teamfund/internal/access"
	"teamfund/internal/invite"
)

func nowUTC() time.Time { return time.Now().UTC() }

// changeInvites applies a bulk action to the selected invites, all or nothing.
func changeInvites(e *core.RequestEvent) error {
	if err := refuseRole(e, access.ManageInvites); err != nil {
		return invitePageError(e, err)
	}
	if err := e.Request.ParseForm(); err != nil {
		return renderError(e, http.StatusBadRequest, "Could not read the form.")
	}
	f := e.Request.PostForm
	ch := invite.Change{Action: f.Get("action"), IDs: f["ids"], Role: f.Get("role"), Team: f.Get("team"),
		ClearTeam: f.Get("team") == "none"}
	if ch.ClearTeam {
		ch.Team = ""
	}
	return applyInviteChange(e, ch)
}

// changeInvite applies one action (the buttons on each row) to one invite.
func changeInvite(e *core.RequestEvent) error {
	ch := invite.Change{Action: e.Request.PathValue("action"), IDs: []string{e.Request.PathValue("id")}}
	switch ch.Action {
	case invite.ActionResend, invite.ActionRevoke, invite.ActionDelete:
	default:
		return renderError(e, http.StatusNotFound, "Not found.")
	}
	return applyInviteChange(e, ch)
}

var changeDone = map[string]string{
	invite.ActionResend: "resent with a new link",
	invite.ActionRevoke: "revoked",
	invite.ActionDelete: "deleted",
	invite.ActionEdit:   "changed",
}

func applyInviteChange(e *core.RequestEvent, ch invite.Change) error {
	if _, ok := changeDone[ch.Action]; !ok {
		return renderError(e, http.StatusBadRequest, "Choose resend, revoke, delete or change.")
	}
	err := invite.Apply(e.App, currentUser(e), ch)
	var be *invite.BulkError
	if errors.As(err, &be) {
		status, msg := inviteMessage(invite.ErrBulkRefused)
		if isFragmentRequest(e) {
			return renderError(e, status, capitalize(be.Error()))
		}
		return renderInvites(e, status, &invitesPage{Refused: be.Refused, Page: Page{Flash: &Flash{Kind: "error", Message: msg}}})
	}
	if err != nil {
		return invitesPageRefusal(e, err, nil)
	}
	setFlash(e, "ok", inviteChangeDone(len(ch.IDs), ch.Action))
	return redirect(e, "/invites")
}

// changeInput is the JSON body of bulk and edit requests.
type changeInput struct {
	Action    string   `json:"action"`
	IDs       []string `json:"ids"`
	Role      string   `json:"role"`
	Team      string   `json:"team"`
	ClearTeam bool     `json:"clear_team"`
}

func changeInvitesJSON(e *core.RequestEvent) error {
	if err := refuseRole(e, access.ManageInvites); err != nil {
		return inviteAPIError(e, err)
	}
	var in changeInput
	if err := e.BindBody(&in); err != nil {
		return e.BadRequestError("Send a JSON object with action and ids.", nil)
	}
	if _, ok := changeDone[in.Action]; !ok {
		return e.BadRequestError("Invalid action.", fieldError("action", "invalid", errors.New("use resend, revoke, delete or edit")))
	}
	return applyInviteChangeJSON(e, invite.Change{Action: in.Action, IDs: in.IDs, Role: in.Role, Team: in.Team, ClearTeam: in.ClearTeam})
}

func applyInviteChangeJSON(e *core.RequestEvent, ch invite.Change) error {
	if err := invite.Apply(e.App, currentUser(e), ch); err != nil {
		return inviteAPIError(e, err)
	}
	if len(ch.IDs) == 1 && ch.Action != invite.ActionDelete {
		inv, err := invite.Find(e.App, ch.IDs[0])
		if err != nil {
			return apiError(e, err)
		}
		return e.JSON(http.StatusOK, toInviteJSON(inv))
	}
	if ch.Action == invite.ActionDelete && len(ch.IDs) == 1 {
		return e.NoContent(http.StatusNoContent)
	}
	return e.JSON(http.StatusOK, map[string]any{"changed": len(ch.IDs)})
}

func resendInviteJSON(e *core.RequestEvent) error {
	return applyInviteChangeJSON(e, invite.Change{Action: invite.ActionResend, IDs: []string{e.Request.PathValue("id")}})
}

func revokeInviteJSON(e *core.RequestEvent) error {
	return applyInviteChangeJSON(e, invite.Change{Action: invite.ActionRevoke, IDs: []string{e.Request.PathValue("id")}})
}

func deleteInviteJSON(e *core.RequestEvent) error {
	return applyInviteChangeJSON(e, invite.Change{Action: invite.ActionDelete, IDs: []string{e.Request.PathValue("id")}})
}

func editInviteJSON(e *core.RequestEvent) error {
	var in changeInput
	if err := e.BindBody(&in); err != nil {
		return e.BadRequestError("Send a JSON object with role and/or team.", nil)
	}
	return applyInviteChangeJSON(e, invite.Change{Action: invite.ActionEdit, IDs: []string{e.Request.PathValue("id")},
		Role: in.Role, Team: in.Team, ClearTeam: in.ClearTeam})
}

// inviteChangeDone is the flash after a change: "Invite revoked." or "3 invites revoked."
func inviteChangeDone(n int, action string) string {
	if n == 1 {
		return "Invite " + changeDone[action] + "."
	}
	return plural(n, "invite") + " " + changeDone[action] + "."
}
