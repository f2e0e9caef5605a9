package web

import (
	"errors"
	"net/http"
	"strconv"
	"strings"
	"time"

	validation "github.com/pocketbase/ozzo-validation/v4"
	"github.com/pocketbase/pocketbase/core"

	"teamfund/internal/access"
	"teamfund/internal/budget"
	"teamfund/internal/figures"
	"teamfund/internal/member"
	"teamfund/internal/money"
	"teamfund/internal/team"
)

// Team routes:
//
//	GET    /teams                                  showTeamsPage
//	POST   /teams                                  createTeam
//	GET    /teams/{id}                             showTeamPage
//	POST   /teams/{id}                             updateTeam (name, description, settings)
//	POST   /teams/{id}/delete                      deleteTeam
//	POST   /teams/{id}/members                     addTeamMember
//	POST   /teams/{id}/members/{user}/remove       removeTeamMember
//	GET    /api/tf/teams                           listTeamsJSON
//	POST   /api/tf/teams                           createTeamJSON
//	GET    /api/tf/teams/{id}                      getTeamJSON
//	PATCH  /api/tf/teams/{id}                      updateTeamJSON
//	DELETE /api/tf/teams/{id}                      deleteTeamJSON
//	POST   /api/tf/teams/{id}/members              addTeamMemberJSON
//	DELETE /api/tf/teams/{id}/members/{user}       removeTeamMemberJSON
func bindTeamRoutes(pages, api routeGroup) {
	addNav(10, "Teams", "/teams", everyone)
	pages.GET("/teams", showTeamsPage).BindFunc(requireUser)
	pages.POST("/teams", createTeam).BindFunc(requireUser)
	pages.GET("/teams/{id}", showTeamPage).BindFunc(requireUser)
	pages.POST("/teams/{id}", updateTeam).BindFunc(requireUser)
	pages.POST("/teams/{id}/delete", deleteTeam).BindFunc(requireUser)
	pages.POST("/teams/{id}/members", addTeamMember).BindFunc(requireUser)
	pages.POST("/teams/{id}/members/{user}/remove", removeTeamMember).BindFunc(requireUser)

	api.GET("/teams", listTeamsJSON)
	api.POST("/teams", createTeamJSON)
	api.GET("/teams/{id}", getTeamJSON)
	api.PATCH("/teams/{id}", updateTeamJSON)
	api.DELETE("/teams/{id}", deleteTeamJSON)
	api.POST("/teams/{id}/members", addTeamMemberJSON)
	api.DELETE("/teams/{id}/members/{user}", removeTeamMemberJSON)
}

type teamsPage struct {
	Page
	Teams     []team.Summary
	Search    string
	CanCreate bool
	Form      team.Input
	Errors    FormErrors
}

func showTeamsPage(e *core.RequestEvent) error {
	return renderTeams(e, http.StatusOK, team.Input{BudgetMode: team.ModeOneTime}, nil)
}

func renderTeams(e *core.RequestEvent, status int, form team.Input, errs FormErrors) error {
	u := currentUser(e)
	search := strings.TrimSpace(e.Request.URL.Query().Get("q"))
	rows, err := team.List(e.App, u, search)
	if err != nil {
		return pageError(e, err)
	}
	return render(e, status, "team/list", &teamsPage{Page: Page{Title: "Teams"}, Teams: rows, Search: search,
		CanCreate: access.Can(u, access.CreateTeam, ""), Form: form, Errors: errs})
}

func createTeam(e *core.RequestEvent) error {
	in, errs := teamForm(e)
	if errs != nil {
		return renderTeams(e, http.StatusUnprocessableEntity, in, errs)
	}
	t, err := team.Create(e.App, currentUser(e), in)
	if fe, ok := formErrors(err); ok {
		return renderTeams(e, http.StatusUnprocessableEntity, in, fe)
	}
	if err != nil {
		return pageError(e, err)
	}
	setFlash(e, "ok", "Team "+t.Name()+" created.")
	return redirect(e, "/teams/"+t.Id)
}

// teamForm reads the team form; amounts are typed as decimals ("12.50").
func teamForm(e *core.RequestEvent) (team.Input, FormErrors) {
	f := e.Request.PostFormValue
	in := team.Input{Name: f("name"), Description: f("description"), BudgetMode: f("budget_mode"),
		MonthRule: f("month_rule"), LeaveNeedsApproval: f("leave_needs_approval") == "on"}
	errs := FormErrors{}
	for field, dst := range map[string]*money.Cents{"monthly_limit": &in.MonthlyLimit, "rollover_cap": &in.RolloverCap,
		"max_per_send": &in.MaxPerSend, "approval_threshold": &in.ApprovalThreshold} {
		v := strings.TrimSpace(f(field))
		if v == "" {
			continue
		}
		c, err := money.Parse(v)
		if err != nil {
			errs[field] = capitalize(err.Error()) + "."
			continue
		}
		*dst = c
	}
	if len(errs) > 0 {
		return in, errs
	}
	return in, nil
}

type teamPage struct {
	Page
	Team          *team.Team
	Members       []team.MemberRow // one page of them (team.MembersPerPage)
	MemberCount   int              // all the team's members
	PageNo        int              // the members' page shown (1-based, at most Pages)
	Pages         int
	PrevURL       string
	NextURL       string
	Month         budget.Month
	Figures       figures.Statement // the team's money this month (figures.Scope{Team})
	SeesFigures   bool              // managers of the team and admins see the month's statement
	Form          team.Input
	Errors        FormErrors
	CanEdit       bool
	CanManage     bool
	CanDelete     bool
	IsMember      bool
	ManagesPerms  bool
	LeavePending  bool
	CanAudit      bool
	AddEmail      string
	AddError      string
	AddPeople     []pickable // the add-member picker's first people (pickAdd)
	ModeMonthly   string
	ModeOneTime   string
	RuleRollover  string
	RuleReset     string
	BudgetModeTxt string
}

// loadTeam finds team id and checks the viewer may see it (404 for teams they may not see,
// so ids of other teams are not confirmed).
func loadTeam(e *core.RequestEvent) (*team.Team, error) {
	id := e.Request.PathValue("id")
	if !access.Can(currentUser(e), access.ViewTeam, id) {
		return nil, team.ErrUnknownTeam
	}
	return team.Find(e.App, id)
}

func showTeamPage(e *core.RequestEvent) error {
	t, err := loadTeam(e)
	if err != nil {
		return pageError(e, err)
	}
	return renderTeam(e, http.StatusOK, t, team.InputOf(t), nil)
}

func renderTeam(e *core.RequestEvent, status int, t *team.Team, form team.Input, errs FormErrors) error {
	u := currentUser(e)
	total, err := team.MemberCount(e.App, t.Id)
	if err != nil {
		return pageError(e, err)
	}
	// a page past the end shows the last one (e.g. after removing the last member of it)
	pg := newPager(pageNumber(e), total, team.MembersPerPage, func(n int) string { return teamPageURL(t.Id, n) })
	rows, err := team.Members(e.App, u, t.Id, team.MembersPerPage, (pg.Page-1)*team.MembersPerPage)
	if err != nil {
		return pageError(e, err)
	}
	loc := companyLoc(e.App)
	month := budget.MonthOf(time.Now(), loc)
	stmt, err := figures.OfMonth(e.App, figures.Scope{Team: t.Id}, month, loc)
	if err != nil {
		return pageError(e, err)
	}
	data := &teamPage{Page: Page{Title: t.Name()}, Team: t, Members: rows, MemberCount: total, PageNo: pg.Page, Pages: pg.Pages,
		PrevURL: pg.PrevURL, NextURL: pg.NextURL,
		Month: month, Figures: stmt,
		SeesFigures: access.Can(u, access.ViewUsage, t.Id), Form: form, Errors: errs,
		CanEdit: access.Can(u, access.EditTeam, t.Id), CanManage: access.Can(u, access.ManageTeamMembers, t.Id),
		CanDelete: access.Can(u, access.DeleteTeam, t.Id), IsMember: u.InTeam(t.Id),
		ManagesPerms: access.Can(u, access.SetPermissions, t.Id), CanAudit: access.Can(u, access.ViewAudit, ""),
		ModeMonthly: team.ModeMonthly, ModeOneTime: team.ModeOneTime, RuleRollover: team.RuleRollover, RuleReset: team.RuleReset,
		BudgetModeTxt: team.ModeLabel(t.BudgetMode())}
	data.LeavePending = data.IsMember && leavePending(e.App, u)
	if data.CanManage {
		if data.AddPeople, err = people(e.App, u, pickAdd, "", t.Id); err != nil {
			return pageError(e, err)
		}
	}
	if v, ok := e.Get("addEmail").(string); ok {
		data.AddEmail = v
		data.AddError, _ = e.Get("addError").(string)
	}
	return render(e, status, "team/show", data)
}

// teamPageURL links page n of team id's members (the pager: always with ?page=).
func teamPageURL(id string, n int) string {
	return "/teams/" + id + "?page=" + strconv.Itoa(n)
}

// backToTeam is where a form on the team page returns to: the members' page it was sent
// from (its action carries ?page=N beyond the first), clamped to the last page on render.
func backToTeam(e *core.RequestEvent, id string) string {
	if n := pageNumber(e); n > 1 {
		return teamPageURL(id, n)
	}
	return "/teams/" + id
}

func updateTeam(e *core.RequestEvent) error {
	t, err := loadTeam(e)
	if err != nil {
		return pageError(e, err)
	}
	in, errs := teamForm(e)
	if errs != nil {
		return renderTeam(e, http.StatusUnprocessableEntity, t, in, errs)
	}
	_, err = team.Update(e.App, currentUser(e), t.Id, in)
	if fe, ok := formErrors(err); ok {
		return renderTeam(e, http.StatusUnprocessableEntity, t, in, fe)
	}
	if err != nil {
		return pageError(e, err)
	}
	setFlash(e, "ok", "Team settings saved.")
	return redirect(e, backToTeam(e, t.Id))
}

func deleteTeam(e *core.RequestEvent) error {
	t, err := loadTeam(e)
	if err != nil {
		return pageError(e, err)
	}
	if err := team.Delete(e.App, currentUser(e), t.Id); err != nil {
		return pageError(e, err)
	}
	setFlash(e, "ok", "Team "+t.Name()+" deleted; its members' balances went back to the company.")
	return redirect(e, "/teams")
}

func addTeamMember(e *core.RequestEvent) error {
	t, err := loadTeam(e)
	if err != nil {
		return pageError(e, err)
	}
	if err := access.Check(currentUser(e), access.ManageTeamMembers, t.Id); err != nil {
		return pageError(e, err) // before reading the input
	}
	actor := currentUser(e)
	typed := strings.TrimSpace(e.Request.PostFormValue("email"))
	fail := func(msg string) error {
		e.Set("addEmail", typed)
		e.Set("addError", msg)
		return renderTeam(e, http.StatusUnprocessableEntity, t, team.InputOf(t), nil)
	}
	u, err := personToAdd(e.App, actor, typed)
	if fe, ok := formErrors(err); ok {
		return fail(fe["email"])
	}
	if err != nil {
		return pageError(e, err)
	}
	err = team.AddMember(e.App, actor, t.Id, u.Id)
	if errors.Is(err, team.ErrAlreadyIn) || errors.Is(err, team.ErrInactiveUser) {
		return fail(capitalize(err.Error()) + ".")
	}
	if errors.Is(err, access.ErrForbidden) && access.Can(actor, access.ManageTeamMembers, t.Id) {
		return fail("This user is in another team; an admin can move them.")
	}
	if err != nil {
		return pageError(e, err)
	}
	setFlash(e, "ok", u.Email()+" added to "+t.Name()+".")
	return redirect(e, backToTeam(e, t.Id))
}

// personToAdd is the user the add-member picker names: an email of any user (team.AddMember
// then says why one may not be added), or the exact name of one person the actor may add.
func personToAdd(app core.App, actor *member.Member, typed string) (*member.Member, error) {
	if typed == "" {
		return nil, validation.Errors{"email": validation.NewError("required", "pick a person to add")}
	}
	if strings.Contains(typed, "@") {
		u, err := member.FindByEmail(app, member.NormalizeEmail(typed))
		if err != nil {
			return nil, validation.Errors{"email": validation.NewError("unknown_person", "no user with this email")}
		}
		return u, nil
	}
	p, err := resolvePicked(app, actor, pickAdd, "email", typed)
	if err != nil {
		return nil, err
	}
	return member.Find(app, p.ID)
}

func removeTeamMember(e *core.RequestEvent) error {
	t, err := loadTeam(e)
	if err != nil {
		return pageError(e, err)
	}
	if err := team.RemoveMember(e.App, currentUser(e), t.Id, e.Request.PathValue("user")); err != nil {
		return pageError(e, err)
	}
	setFlash(e, "ok", "Removed from "+t.Name()+"; their unused balance went back to the company.")
	return redirect(e, backToTeam(e, t.Id))
}

// teamJSON is a team with its settings, for the JSON API.
type teamJSON struct {
	ID string `json:"id"`
	team.Input
	Members []team.MemberRow `json:"members,omitempty"`
}

func listTeamsJSON(e *core.RequestEvent) error {
	rows, err := team.List(e.App, currentUser(e), e.Request.URL.Query().Get("q"))
	if err != nil {
		return apiError(e, err)
	}
	return writeSortedList(e, rows, listSorts["/api/tf/teams"])
}

func createTeamJSON(e *core.RequestEvent) error {
	var in team.Input
	if err := e.BindBody(&in); err != nil {
		return e.BadRequestError("Invalid JSON body.", nil)
	}
	t, err := team.Create(e.App, currentUser(e), in)
	if err != nil {
		return apiError(e, err)
	}
	return e.JSON(http.StatusCreated, teamJSON{ID: t.Id, Input: team.InputOf(t)})
}

func getTeamJSON(e *core.RequestEvent) error {
	t, err := loadTeam(e)
	if err != nil {
		return apiError(e, err)
	}
	rows, err := team.Members(e.App, currentUser(e), t.Id, 0, 0) // every member: the API is not paged
	if err != nil {
		return apiError(e, err)
	}
	return e.JSON(http.StatusOK, teamJSON{ID: t.Id, Input: team.InputOf(t), Members: rows})
}

// updateTeamJSON applies the fields present in the body over the team's current settings.
func updateTeamJSON(e *core.RequestEvent) error {
	t, err := loadTeam(e)
	if err != nil {
		return apiError(e, err)
	}
	in := team.InputOf(t)
	if err := e.BindBody(&in); err != nil {
		return e.BadRequestError("Invalid JSON body.", nil)
	}
	t, err = team.Update(e.App, currentUser(e), t.Id, in)
	if err != nil {
		return apiError(e, err)
	}
	return e.JSON(http.StatusOK, teamJSON{ID: t.Id, Input: team.InputOf(t)})
}

func deleteTeamJSON(e *core.RequestEvent) error {
	t, err := loadTeam(e)
	if err != nil {
		return apiError(e, err)
	}
	if err := team.Delete(e.App, currentUser(e), t.Id); err != nil {
		return apiError(e, err)
	}
	return e.NoContent(http.StatusNoContent)
}

func addTeamMemberJSON(e *core.RequestEvent) error {
	t, err := loadTeam(e)
	if err != nil {
		return apiError(e, err)
	}
	if err := access.Check(currentUser(e), access.ManageTeamMembers, t.Id); err != nil {
		return apiError(e, err) // before reading the input
	}
	var body struct {
		User  string `json:"user"`
		Email string `json:"email"`
	}
	if err := e.BindBody(&body); err != nil {
		return e.BadRequestError("Invalid JSON body.", nil)
	}
	if body.User == "" && body.Email != "" {
		u, err := member.FindByEmail(e.App, body.Email)
		if err != nil {
			return apiError(e, validation.Errors{"email": errors.New("no user with this email")})
		}
		body.User = u.Id
	}
	if body.User == "" {
		return apiError(e, validation.Errors{"user": errors.New("give the user's id or email")})
	}
	if err := team.AddMember(e.App, currentUser(e), t.Id, body.User); err != nil {
		return apiError(e, err)
	}
	return e.NoContent(http.StatusNoContent)
}

func removeTeamMemberJSON(e *core.RequestEvent) error {
	t, err := loadTeam(e)
	if err != nil {
		return apiError(e, err)
	}
	if err := team.RemoveMember(e.App, currentUser(e), t.Id, e.Request.PathValue("user")); err != nil {
		return apiError(e, err)
	}
	return e.NoContent(http.StatusNoContent)
}
