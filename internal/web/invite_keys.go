package web

import (
	"encoding/base64"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"unicode"

	"github.com/pocketbase/pocketbase/core"

	"teamfund/internal/invite"
)

// createInviteKey makes a join link and redirects to the invites page, which shows it
// once (only its hash is stored). The link travels in a short-lived cookie that the page
// clears, so reloading the page neither shows it again nor creates another key.
func createInviteKey(e *core.RequestEvent) error {
	u := currentUser(e)
	teamID := e.Request.PostFormValue("team")
	if teamID == "" && !u.Role().IsAdmin() {
		teamID = u.TeamID()
	}
	mailTo := addressList(e.Request.PostFormValue("mail_to"))
	_, token, err := invite.CreateKey(e.App, u, teamID, mailTo...)
	if err != nil {
		return invitesPageRefusal(e, err, func(p *invitesPage, msg string) { p.KeyError = msg })
	}
	e.SetCookie(&http.Cookie{Name: newKeyCookie, Value: base64.RawURLEncoding.EncodeToString([]byte(invite.Link(e.App, invite.JoinPath(token)))),
		Path: "/invites", HttpOnly: true, Secure: isHTTPS(e), SameSite: http.SameSiteStrictMode, MaxAge: 60})
	msg := "Invite key created. Copy the link now: it is not shown again."
	if len(mailTo) > 0 {
		msg = fmt.Sprintf("Invite key created and mailed to %d addresses (see the outbox). Copy the link now: it is not shown again.", len(mailTo))
	}
	setFlash(e, "ok", msg)
	return redirect(e, "/invites")
}

// addressList splits what was typed in an addresses box: commas, semicolons, spaces or
// one per line.
func addressList(s string) []string {
	return strings.FieldsFunc(s, func(r rune) bool { return r == ',' || r == ';' || unicode.IsSpace(r) })
}

const newKeyCookie = "tf_new_key"

// takeNewKeyLink returns the link of the key just created (once), or "".
func takeNewKeyLink(e *core.RequestEvent) string {
	value := takeCookie(e, newKeyCookie, "/invites", http.SameSiteStrictMode)
	if value == "" {
		return ""
	}
	b, err := base64.RawURLEncoding.DecodeString(value)
	if err != nil {
		return ""
	}
	link, err := url.Parse(string(b))
	if err != nil || (link.Scheme != "http" && link.Scheme != "https") || !strings.HasPrefix(link.Path, invite.JoinPath("")) {
		return ""
	}
	return link.String()
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
	return writeSortedList(e, items, listSorts["/api/tf/invite-keys"])
}

func createInviteKeyJSON(e *core.RequestEvent) error {
	var in struct {
		Team   string   `json:"team"`
		MailTo []string `json:"mail_to"`
	}
	if err := e.BindBody(&in); err != nil {
		return e.BadRequestError("Send a JSON object with team (and optionally mail_to, a list of addresses).", nil)
	}
	u := currentUser(e)
	if in.Team == "" && !u.Role().IsAdmin() {
		in.Team = u.TeamID() // as in the form: a manager's key is for their own team
	}
	k, token, err := invite.CreateKey(e.App, u, in.Team, in.MailTo...)
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
