package web

import (
	"errors"
	"net/http"

	"github.com/pocketbase/pocketbase/core"

	"teamfund/internal/access"
	"teamfund/internal/invite"
	"teamfund/internal/member"
	"teamfund/internal/outbox"
)

func createInvite(e *core.RequestEvent) error {
	u := currentUser(e)
	f := e.Request.PostFormValue
	form := inviteForm{Email: f("email"), Name: f("name"), Role: f("role"), Team: f("team")}
	inv, err := invite.Create(e.App, u, invite.Candidate{Email: form.Email, Name: form.Name, Role: form.Role, Team: form.Team})
	var fe *invite.FieldError
	if errors.As(err, &fe) {
		status, msg := inviteMessage(err)
		if status == http.StatusForbidden {
			return renderError(e, status, msg)
		}
		data := &invitesPage{Form: form, FormOpen: true, Errors: FormErrors{fe.Field: msg + "."}}
		if errors.Is(err, invite.ErrAlreadyInvited) {
			if inv, ferr := invite.FindPending(e.App, form.Email); ferr == nil && invite.MayManage(u, inv) == nil {
				data.ResendID = inv.Id
			}
		}
		return renderInvites(e, http.StatusUnprocessableEntity, data)
	}
	if err != nil {
		return invitePageError(e, err)
	}
	setFlash(e, "ok", sentMessage(e.App, u, inv.Email()))
	return redirect(e, "/invites")
}

// inviteJSON is an invite as the JSON API shows it.
type inviteJSON struct {
	ID        string `json:"id"`
	Email     string `json:"email"`
	Name      string `json:"name"`
	Role      string `json:"role"`
	Team      string `json:"team"`
	Status    string `json:"status"`
	Expires   string `json:"expires"`
	InvitedBy string `json:"invited_by"`
}

func toInviteJSON(inv *invite.Invite) inviteJSON {
	return inviteJSON{ID: inv.Id, Email: inv.Email(), Name: inv.Name(), Role: string(inv.Role()), Team: inv.TeamID(),
		Status: inv.Status(nowUTC()), Expires: inv.GetString("expires"), InvitedBy: inv.InvitedBy()}
}

type inviteInput struct {
	Email string `json:"email"`
	Name  string `json:"name"`
	Role  string `json:"role"`
	Team  string `json:"team"`
}

func createInviteJSON(e *core.RequestEvent) error {
	if err := refuseRole(e, access.InviteMember); err != nil {
		return inviteAPIError(e, err)
	}
	var in inviteInput
	if err := e.BindBody(&in); err != nil {
		return e.BadRequestError("Send a JSON object with email, name, role and team.", nil)
	}
	inv, err := invite.Create(e.App, currentUser(e), invite.Candidate{Email: in.Email, Name: in.Name, Role: in.Role, Team: in.Team})
	if err != nil {
		return inviteAPIError(e, err)
	}
	return e.JSON(http.StatusCreated, toInviteJSON(inv))
}

func listInvitesJSON(e *core.RequestEvent) error {
	q := e.Request.URL.Query()
	p := pagingOf(e, invite.DefaultPerPage)
	keys, err := sortOf(e, listSorts["/api/tf/invites"])
	if err != nil {
		return apiError(e, err)
	}
	invs, total, err := invite.List(e.App, currentUser(e), invite.Filter{Status: q.Get("status"), TeamID: q.Get("team"), Page: p.Page,
		PerPage: p.PerPage, Order: orderBy(keys, "id DESC")})
	if err != nil {
		return inviteAPIError(e, err)
	}
	items := make([]inviteJSON, len(invs))
	for i, inv := range invs {
		items[i] = toInviteJSON(inv)
	}
	return e.JSON(http.StatusOK, newListPage(p, total, items))
}

// sentMessage confirms an invitation, or says where its link is when SMTP refused the mail.
func sentMessage(app core.App, u *member.Member, email string) string {
	if outbox.LastDelivery(app, email) != outbox.Failed {
		return "Invitation sent to " + email + "."
	}
	where := "ask an admin to copy the link from the outbox"
	if access.Can(u, access.ViewOutbox, "") {
		where = "copy the link from the Outbox"
	}
	return "Invitation to " + email + " saved, but the mail server refused it; " + where + "."
}
