package web

import (
	"errors"
	"net/http"
	"strconv"
	"time"

	validation "github.com/pocketbase/ozzo-validation/v4"
	"github.com/pocketbase/pocketbase/apis"
	"github.com/pocketbase/pocketbase/core"

	"teamfund/internal/access"
	"teamfund/internal/company"
	"teamfund/internal/invite"
	"teamfund/internal/member"
	"teamfund/internal/team"
)

// Invitation routes:
//
//	GET    /invites                         showInvitesPage
//	POST   /invites                         createInvite
//	POST   /invites/bulk                    changeInvites (resend, revoke, delete, edit the selected)
//	POST   /invites/{id}/{action}           changeInvite
//	GET    /invites/template.csv            downloadInviteTemplate
//	POST   /invites/preview                 previewInviteCSV
//	POST   /invites/import                  importInviteCSV
//	POST   /invites/keys                    createInviteKey
//	POST   /invites/keys/{id}/revoke        revokeInviteKey
//	GET    /invite/{token}                  showAcceptPage (public)
//	POST   /invite/{token}                  acceptInvite (public)
//	GET    /join/{token}                    showJoinPage (public)
//	POST   /join/{token}                    joinWithKey (public)
//	GET    /api/tf/invites                  listInvitesJSON
//	POST   /api/tf/invites                  createInviteJSON
//	POST   /api/tf/invites/bulk             changeInvitesJSON
//	POST   /api/tf/invites/preview          previewInviteCSVJSON
//	POST   /api/tf/invites/import           importInviteCSVJSON
//	POST   /api/tf/invites/{id}/resend      resendInviteJSON
//	POST   /api/tf/invites/{id}/revoke      revokeInviteJSON
//	PATCH  /api/tf/invites/{id}             editInviteJSON
//	DELETE /api/tf/invites/{id}             deleteInviteJSON
//	GET    /api/tf/invite-keys              listInviteKeysJSON
//	POST   /api/tf/invite-keys              createInviteKeyJSON
//	POST   /api/tf/invite-keys/{id}/revoke  revokeInviteKeyJSON
func bindInviteRoutes(pages, api routeGroup) {
	addNav(30, "Invites", "/invites", managersUp)
	csvLimit := apis.BodyLimit(3*invite.MaxCSVBytes + 64<<10) // the import form resends the CSV as a field
	pages.GET("/invites", showInvitesPage).BindFunc(requireUser)
	pages.POST("/invites", createInvite).BindFunc(requireUser)
	pages.POST("/invites/bulk", changeInvites).BindFunc(requireUser)
	pages.POST("/invites/{id}/{action}", changeInvite).BindFunc(requireUser)
	pages.GET("/invites/template.csv", downloadInviteTemplate).BindFunc(requireUser)
	pages.POST("/invites/preview", previewInviteCSV).BindFunc(requireUser).Bind(csvLimit)
	pages.POST("/invites/import", importInviteCSV).BindFunc(requireUser).Bind(csvLimit)
	pages.POST("/invites/keys", createInviteKey).BindFunc(requireUser)
	pages.POST("/invites/keys/{id}/revoke", revokeInviteKey).BindFunc(requireUser)
	pages.GET("/invite/{token}", showAcceptPage)
	pages.POST("/invite/{token}", acceptInvite).Bind(apis.BodyLimit(6 << 20))
	pages.GET("/join/{token}", showJoinPage)
	pages.POST("/join/{token}", joinWithKey)

	api.GET("/invites", listInvitesJSON)
	api.POST("/invites", createInviteJSON)
	api.POST("/invites/bulk", changeInvitesJSON)
	api.POST("/invites/preview", previewInviteCSVJSON).Bind(csvLimit)
	api.POST("/invites/import", importInviteCSVJSON).Bind(csvLimit)
	api.POST("/invites/{id}/resend", resendInviteJSON)
	api.POST("/invites/{id}/revoke", revokeInviteJSON)
	api.PATCH("/invites/{id}", editInviteJSON)
	api.DELETE("/invites/{id}", deleteInviteJSON)
	api.GET("/invite-keys", listInviteKeysJSON)
	api.POST("/invite-keys", createInviteKeyJSON)
	api.POST("/invite-keys/{id}/revoke", revokeInviteKeyJSON)
}

// invitesPage is the list of invites with the invite dialog, the CSV upload and the invite keys.
type invitesPage struct {
	Page
	Invites    []inviteRow
	Total      int
	PageNo     int
	PrevPage   int
	NextPage   int
	Filter     invite.Filter
	Statuses   []string
	Teams      []teamOption // teams the user may invite into
	Roles      []member.Role
	Form       inviteForm
	Errors     FormErrors
	FormOpen   bool
	Refused    []invite.Refusal
	CSVError   string // why the uploaded file was refused, shown under the upload field
	KeyError   string // why no invite key was made, shown under the key form
	Keys       []keyRow
	NewKeyLink string
	ResendID   string // the pending invite the form's email already has
	SeatsUsed  int
	SeatLimit  int
	People     peopleIndex // who sent the invites and made the keys, by name
}

type teamOption struct{ ID, Name string }

type inviteForm struct{ Email, Name, Role, Team string }

type inviteRow struct {
	ID, Email, Name, Role, TeamName, Status string
	InviterID, InviterEmail                 string
	Expires, SentAt                         time.Time
}

type keyRow struct {
	ID, TeamName, Status    string
	CreatorID, CreatorEmail string
	Expires, Created        time.Time
	Uses                    int
}

// mayManageInvites: managers (own team) and admins.
func mayManageInvites(u *member.Member) bool {
	return access.Can(u, access.ManageInvites, u.TeamID())
}

func showInvitesPage(e *core.RequestEvent) error {
	u := currentUser(e)
	if !mayManageInvites(u) {
		return pageError(e, access.ErrForbidden)
	}
	return renderInvites(e, http.StatusOK, &invitesPage{NewKeyLink: takeNewKeyLink(e)})
}

// renderInvites fills the list, options and keys into data and renders the page.
func renderInvites(e *core.RequestEvent, status int, data *invitesPage) error {
	u := currentUser(e)
	q := e.Request.URL.Query()
	page, _ := strconv.Atoi(q.Get("page"))
	data.Filter = invite.Filter{Status: q.Get("status"), TeamID: q.Get("team"), Page: max(page, 1)}
	data.Title = "Invites"
	data.Statuses = invite.Statuses
	data.Roles = invitableRoles(u)
	if data.Form.Role == "" {
		data.Form.Role = string(member.RoleMember)
	}
	teams, err := teamOptions(e.App, u)
	if err != nil {
		return pageError(e, err)
	}
	data.Teams = teams
	invs, total, err := invite.List(e.App, u, data.Filter)
	if err != nil {
		return pageError(e, err)
	}
	data.Total, data.PageNo = total, data.Filter.Page
	if data.PageNo > 1 {
		data.PrevPage = data.PageNo - 1
	}
	if data.PageNo*invite.DefaultPerPage < total {
		data.NextPage = data.PageNo + 1
	}
	names := optionNames(teams)
	now := time.Now()
	for _, inv := range invs {
		data.Invites = append(data.Invites, inviteRow{ID: inv.Id, Email: inv.Email(), Name: inv.Name(),
			Role: inv.Role().Label(), TeamName: names[inv.TeamID()], Status: inv.Status(now),
			InviterID: inv.InvitedBy(), InviterEmail: userEmail(e.App, inv.InvitedBy()), Expires: inv.Expires(), SentAt: inv.SentAt()})
	}
	if data.SeatsUsed, err = invite.SeatsUsed(e.App, now); err != nil {
		return pageError(e, err)
	}
	if c, err := company.Load(e.App); err == nil {
		data.SeatLimit = c.SeatLimit()
	}
	keys, err := invite.ListKeys(e.App, u)
	if err != nil {
		return pageError(e, err)
	}
	for _, k := range keys {
		data.Keys = append(data.Keys, keyRow{ID: k.Id, TeamName: names[k.TeamID()], CreatorID: k.CreatedBy(), CreatorEmail: userEmail(e.App, k.CreatedBy()),
			Status: k.Status(now), Expires: k.Expires(), Created: k.Created(), Uses: k.Uses()})
	}
	var ids []string
	for _, r := range data.Invites {
		ids = append(ids, r.InviterID)
	}
	for _, k := range data.Keys {
		ids = append(ids, k.CreatorID)
	}
	data.People = loadPeople(e.App, u, ids)
	return render(e, status, "invite/list", data)
}

// invitableRoles are the roles u may give in an invite.
func invitableRoles(u *member.Member) []member.Role {
	if u.Role().IsAdmin() {
		return []member.Role{member.RoleMember, member.RoleManager, member.RoleAdmin}
	}
	return []member.Role{member.RoleMember}
}

// teamOptions are the teams u may invite into: all for admins, their own for managers.
func teamOptions(app core.App, u *member.Member) ([]teamOption, error) {
	recs, err := app.FindRecordsByFilter(team.Collection, "", "name", 0, 0)
	if err != nil {
		return nil, err
	}
	var out []teamOption
	for _, r := range recs {
		if u.Role().IsAdmin() || u.InTeam(r.Id) {
			out = append(out, teamOption{ID: r.Id, Name: r.GetString("name")})
		}
	}
	return out, nil
}

func optionNames(opts []teamOption) map[string]string {
	out := make(map[string]string, len(opts))
	for _, o := range opts {
		out[o.ID] = o.Name
	}
	return out
}

func userEmail(app core.App, id string) string {
	if id == "" {
		return ""
	}
	m, err := member.Find(app, id)
	if err != nil {
		return ""
	}
	return m.Email()
}

// inviteMessage is the public text of an invite error: the domain error's own words
// (they carry details such as line numbers), or the generic mapping for anything else.
func inviteMessage(err error) (int, string) {
	status, msg := statusOf(err)
	var fe *invite.FieldError
	var be *invite.BulkError
	if status < 500 && (errors.As(err, &fe) || errors.As(err, &be) || isInviteError(err)) {
		msg = capitalize(err.Error())
	}
	return status, msg
}

func isInviteError(err error) bool {
	for _, known := range []error{invite.ErrNotAllowed, invite.ErrFileTooLarge, invite.ErrBadCSV, invite.ErrBadHeader,
		invite.ErrEmptyFile, invite.ErrNoFile, invite.ErrNotPending, invite.ErrSeatLimit} {
		if errors.Is(err, known) {
			return true
		}
	}
	return false
}

// invitePageError shows an invite error as a page or HTMX flash.
func invitePageError(e *core.RequestEvent, err error) error {
	status, msg := inviteMessage(err)
	if status >= 500 {
		return pageError(e, err)
	}
	return renderError(e, status, msg)
}

// invitesPageRefusal keeps a person on the invites page after a mistake they can fix
// there (nothing selected, a bad file, no team for a key): the message as a toast and,
// through fill, next to the field it is about. Anything else is an error page.
func invitesPageRefusal(e *core.RequestEvent, err error, fill func(p *invitesPage, msg string)) error {
	status, msg := inviteMessage(err)
	if status >= 500 || status == http.StatusForbidden || isFragmentRequest(e) {
		return invitePageError(e, err)
	}
	p := &invitesPage{Page: Page{Flash: &Flash{Kind: "error", Message: msg}}}
	if fill != nil {
		fill(p, msg)
	}
	return renderInvites(e, status, p)
}

// inviteAPIError answers an invite error as JSON, naming the field or listing bulk refusals.
func inviteAPIError(e *core.RequestEvent, err error) error {
	status, msg := inviteMessage(err)
	if status >= 500 {
		return apiError(e, err)
	}
	var fe *invite.FieldError
	if errors.As(err, &fe) {
		return e.Error(status, msg, fieldError(fe.Field, "invalid", fe.Err))
	}
	var be *invite.BulkError
	if errors.As(err, &be) {
		// note: written directly, since PocketBase's error data keeps only field errors.
		return e.JSON(status, map[string]any{"status": status, "message": msg, "data": map[string]any{"refused": be.Refused}})
	}
	var verrs validation.Errors
	if errors.As(err, &verrs) {
		return apiError(e, err)
	}
	return e.Error(status, msg, nil)
}
