package web

import (
	"errors"
	"net/http"
	"net/url"
	"strconv"

	validation "github.com/pocketbase/ozzo-validation/v4"
	"github.com/pocketbase/pocketbase/core"

	"teamfund/internal/access"
	"teamfund/internal/export"
	"teamfund/internal/member"
	"teamfund/internal/team"
	"teamfund/internal/useradmin"
)

// User administration routes:
//
//	GET  /users                                   showUsersPage (filters, pagination)
//	POST /users/bulk                              bulkUpdateUsers (all or nothing)
//	GET  /users/{id}                              showUserPage
//	POST /users/{id}/role                         changeUserRole
//	POST /users/{id}/team                         changeUserTeam
//	POST /users/{id}/deactivate                   deactivateUser
//	POST /users/{id}/reactivate                   reactivateUser
//	POST /users/{id}/delete                       deleteUser
//	POST /users/{id}/email                        changeUserEmail
//	POST /users/{id}/password-reset               sendUserPasswordReset
//	POST /users/{id}/permissions                  setUserPermissions
//	POST /users/{id}/transfer-ownership           transferOwnership
//	GET  /api/tf/users                            listUsersJSON
//	POST /api/tf/users/bulk                       bulkUpdateUsersJSON
//	GET  /api/tf/users/{id}                       getUserJSON
//	POST /api/tf/users/{id}/{action}              the same actions as the pages, JSON bodies
func bindUserRoutes(pages, api routeGroup) {
	addNav(20, "Users", "/users", managersUp)
	pages.GET("/users", showUsersPage).BindFunc(requireUser)
	pages.POST("/users/bulk", bulkUpdateUsers).BindFunc(requireUser)
	pages.GET("/users/{id}", showUserPage).BindFunc(requireUser)
	for _, a := range userActions {
		pages.POST("/users/{id}/"+a.path, userActionPage(a)).BindFunc(requireUser)
	}

	api.GET("/users", listUsersJSON)
	api.POST("/users/bulk", bulkUpdateUsersJSON)
	api.GET("/users/{id}", getUserJSON)
	for _, a := range userActions {
		api.POST("/users/{id}/"+a.path, userActionJSON(a))
	}
}

type usersPage struct {
	Page
	Filter    member.ListFilter
	List      member.ListPage
	Teams     []team.Summary
	Roles     []member.Role
	BulkRoles []member.Role // the roles the viewer may give
	Query     string        // the filter as a query string, for links and the bulk form
	PrevURL   string
	NextURL   string
	CanRole   bool
	CanTeam   bool
	CanLock   bool
	Refused   []useradmin.Refusal
	Selected  map[string]bool
	Bulk      useradmin.Op // the bulk choice to show again after a refusal
	Export    *ExportLinks // CSV/XLSX of exactly these filters (nil: no export permission)
}

// requireUserList refuses people who may not list users (members, teamless managers).
func requireUserList(e *core.RequestEvent) error {
	u := currentUser(e)
	if !access.Can(u, access.ViewUsers, u.TeamID()) {
		return access.ErrForbidden
	}
	return nil
}

func showUsersPage(e *core.RequestEvent) error {
	// Invited people are not users yet: the invites page lists them.
	if e.Request.URL.Query().Get("status") == "invited" {
		return redirect(e, "/invites?status=pending")
	}
	return renderUsers(e, http.StatusOK, e.Request.URL.Query(), nil)
}

func renderUsers(e *core.RequestEvent, status int, q url.Values, refused *useradmin.RefusedError) error {
	if err := requireUserList(e); err != nil {
		return pageError(e, err)
	}
	u := currentUser(e)
	f := member.ParseListFilter(q)
	list, err := member.List(e.App, u, f)
	if err != nil {
		return pageError(e, err)
	}
	teams, err := team.Names(e.App, u)
	if err != nil {
		return pageError(e, err)
	}
	data := &usersPage{Page: Page{Title: "Users"}, Filter: f, List: list, Teams: teams, Roles: member.Roles,
		Query: f.Values().Encode(), CanRole: access.Can(u, access.ChangeRole, u.TeamID()),
		CanTeam: access.Can(u, access.ChangeTeam, ""), CanLock: access.Can(u, access.LockUser, ""),
		Selected: map[string]bool{}, BulkRoles: assignableRoles(u)}
	data.Export = exportLinksFor(u, export.Users, f.Values())
	page := func(n int) string {
		v := f.Values()
		v.Set("page", strconv.Itoa(n))
		return "/users?" + v.Encode()
	}
	if list.Page > 1 {
		data.PrevURL = page(list.Page - 1)
	}
	if list.Page < list.Pages() {
		data.NextURL = page(list.Page + 1)
	}
	if refused != nil {
		data.Refused = refused.Rows
		for _, id := range e.Request.PostForm["ids"] {
			data.Selected[id] = true
		}
		data.Bulk = bulkOpFrom(e.Request.PostFormValue)
	}
	if isFragmentRequest(e) && e.Request.Header.Get("HX-Target") == "user-table" {
		// the filters and pager ask for the table only; the form around it stays as it is
		e.Response.Header().Add("Vary", "HX-Target")
		return renderFragment(e, status, "user/list", "user_table", data)
	}
	return render(e, status, "user/list", data)
}

// assignableRoles are the roles u may give: admins admin/manager/member, managers manager/member.
func assignableRoles(u *member.Member) []member.Role {
	if u.Role().IsAdmin() {
		return []member.Role{member.RoleAdmin, member.RoleManager, member.RoleMember}
	}
	return []member.Role{member.RoleManager, member.RoleMember}
}

// bulkOpFrom reads the bulk action from form fields: action, role, team.
func bulkOpFrom(get func(string) string) useradmin.Op {
	return useradmin.Op{Kind: get("action"), Role: member.Role(get("role")), TeamID: get("team")}
}

func bulkUpdateUsers(e *core.RequestEvent) error {
	if err := requireUserList(e); err != nil {
		return pageError(e, err)
	}
	if err := e.Request.ParseForm(); err != nil {
		return renderError(e, http.StatusBadRequest, "Unreadable form.")
	}
	back, _ := url.ParseQuery(e.Request.PostFormValue("back"))
	op := bulkOpFrom(e.Request.PostFormValue)
	n, err := useradmin.Bulk(e.App, currentUser(e), e.Request.PostForm["ids"], op)
	var refused *useradmin.RefusedError
	if errors.As(err, &refused) {
		return renderUsers(e, http.StatusConflict, back, refused)
	}
	if errors.Is(err, useradmin.ErrNothingSelected) {
		setFlash(e, "error", "Select at least one user first.")
		return redirect(e, "/users?"+back.Encode())
	}
	if err != nil {
		return pageError(e, err)
	}
	setFlash(e, "ok", plural(n, "user")+" updated.")
	return redirect(e, "/users?"+back.Encode())
}

func listUsersJSON(e *core.RequestEvent) error {
	if err := requireUserList(e); err != nil {
		return apiError(e, err)
	}
	// note: the users list pages by email through an index (see member.List), so email,
	// ascending, is its only order.
	keys, err := sortOf(e, listSorts["/api/tf/users"])
	if err == nil && len(keys) > 0 && keys[0].desc {
		err = validation.Errors{"sort": validation.NewError("validation_invalid_sort", "the users list sorts by email, ascending, only")}
	}
	if err != nil {
		return apiError(e, err)
	}
	p := pagingOf(e, member.DefaultPerPage)
	f := member.ParseListFilter(e.Request.URL.Query())
	f.Page, f.PerPage = p.Page, min(p.PerPage, member.MaxPerPage)
	list, err := member.List(e.App, currentUser(e), f)
	if err != nil {
		return apiError(e, err)
	}
	return e.JSON(http.StatusOK, newListPage(paging{Page: list.Page, PerPage: list.PerPage, SkipTotal: p.SkipTotal}, list.Total, list.Rows))
}

func bulkUpdateUsersJSON(e *core.RequestEvent) error {
	if err := requireUserList(e); err != nil {
		return apiError(e, err)
	}
	var body struct {
		useradmin.Op
		IDs []string `json:"ids"`
	}
	if err := e.BindBody(&body); err != nil {
		return e.BadRequestError("Invalid JSON body.", nil)
	}
	n, err := useradmin.Bulk(e.App, currentUser(e), body.IDs, body.Op)
	var refused *useradmin.RefusedError
	if errors.As(err, &refused) {
		return e.JSON(http.StatusConflict, map[string]any{"status": http.StatusConflict,
			"message": capitalize(refused.Error()) + ".", "data": map[string]any{"refused": refused.Rows}})
	}
	if err != nil {
		return apiError(e, err)
	}
	return e.JSON(http.StatusOK, map[string]any{"updated": n})
}
