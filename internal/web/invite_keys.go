package web

import (
	"net/http"

	"github.com/pocketbase/pocketbase/core"

	"teamfund/internal/invite"
)

// createInviteKey makes a join link and shows it once (only its hash is stored).
func createInviteKey(e *core.RequestEvent) error {
	u := currentUser(e)
	teamID := e.Request.PostFormValue("team")
	if teamID == "" && !u.Role().IsAdmin() {
		teamID = u.TeamID()
	}
	_, token, err := invite.CreateKey(e.App, u, teamID)
	if err != nil {
		return invitePageError(e, err)
	}
	data := &invitesPage{NewKeyLink: invite.Link(e.App, invite.JoinPath(token))}
	data.Flash = &Flash{Kind: "ok", Message: "Invite key created. Copy the link now: it is not shown again."}
	return renderInvites(e, http.StatusOK, data)
}

func revokeInviteKey(e *core.RequestEvent) error {
	if err := invite.RevokeKey(e.App, currentUser(e), e.Request.PathValue("id")); err != nil {
		return invitePageError(e, err)
	}
	setFlash(e, "ok", "Invite key revoked.")
	return redirect(e, "/invites")
}

// keyJSON is an invite key as the JSON API shows it; Link only right after creation.
type keyJSON struct {
	ID      string `json:"id"`
	Team    string `json:"team"`
	Status  string `json:"status"`
	Expires string `json:"expires"`
	Uses    int    `json:"uses"`
	Link    string `json:"link,omitempty"`
}

func toKeyJSON(k *invite.Key) keyJSON {
	return keyJSON{ID: k.Id, Team: k.TeamID(), Status: k.Status(nowUTC()), Expires: k.GetString("expires"), Uses: k.Uses()}
}

func listInviteKeysJSON(e *core.RequestEvent) error {
	keys, err := invite.ListKeys(e.App, currentUser(e))
	if err != nil {
		return inviteAPIError(e, err)
	}
	items := make([]keyJSON, len(keys))
	for i, k := range keys {
		items[i] = toKeyJSON(k)
	}
	return e.JSON(http.StatusOK, map[string]any{"items": items})
}

func createInviteKeyJSON(e *core.RequestEvent) error {
	var in struct {
		Team string `json:"team"`
	}
	if err := e.BindBody(&in); err != nil {
		return e.BadRequestError("Send a JSON object with team.", nil)
	}
	u := currentUser(e)
	if in.Team == "" && !u.Role().IsAdmin() {
		in.Team = u.TeamID() // as in the form: a manager's key is for their own team
	}
	k, token, err := invite.CreateKey(e.App, u, in.Team)
	if err != nil {
		return inviteAPIError(e, err)
	}
	out := toKeyJSON(k)
	out.Link = invite.Link(e.App, invite.JoinPath(token))
	return e.JSON(http.StatusCreated, out)
}

func revokeInviteKeyJSON(e *core.RequestEvent) error {
	if err := invite.RevokeKey(e.App, currentUser(e), e.Request.PathValue("id")); err != nil {
		return inviteAPIError(e, err)
	}
	return e.NoContent(http.StatusNoContent)
}
