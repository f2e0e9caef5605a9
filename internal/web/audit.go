package web

import (
	"net/http"
	"strconv"

	"github.com/pocketbase/pocketbase/core"

	"teamfund/internal/access"
	"teamfund/internal/audit"
	"teamfund/internal/company"
)

// Audit log routes (admins):
//
//	GET /audit          showAuditLog (?actor=&action=&target=&from=&to=&page=)
//	GET /api/tf/audit   listAuditJSON
func bindAuditRoutes(pages, api routeGroup) {
	addNav(90, "Audit", "/audit", adminsOnly)
	pages.GET("/audit", showAuditLog).BindFunc(requireUser)
	api.GET("/audit", listAuditJSON)
}

type auditPage struct {
	Page
	Filter      audit.Filter
	Errors      FormErrors
	ActorText   string     // what the actor picker shows (an email where the filter is a user id)
	ActorPeople []pickable // the actor picker's first people
	Entries     []auditEntry
	Actions     []auditAction
	PrevURL     string
	NextURL     string
}

// auditAction is one choice of the action filter.
type auditAction struct{ Code, Label string }

func showAuditLog(e *core.RequestEvent) error {
	u := currentUser(e)
	if err := access.Check(u, access.ViewAudit, ""); err != nil {
		return pageError(e, err)
	}
	data := &auditPage{Page: Page{Title: "Audit log"}, Filter: audit.ParseFilter(e.Request.URL.Query())}
	actions, err := audit.Actions(e.App)
	if err != nil {
		return pageError(e, err)
	}
	for _, a := range actions {
		data.Actions = append(data.Actions, auditAction{a, auditActionLabel(a)})
	}
	if data.ActorPeople, err = people(e.App, u, pickSee, "", ""); err != nil {
		return pageError(e, err)
	}
	// The actor is a person picker: a picked email or a typed name becomes the user id; an
	// email nobody has now (a deleted user, a dashboard superuser) stays an email.
	data.Filter.Actor, data.ActorText, err = resolveFilterPerson(e.App, u, "actor", data.Filter.Actor)
	if errs, ok := formErrors(err); ok {
		data.Errors = errs
		return render(e, http.StatusBadRequest, "audit/list", data)
	}
	if err != nil {
		return pageError(e, err)
	}
	f := data.Filter
	c, err := company.Load(e.App)
	if err != nil {
		return pageError(e, err)
	}
	list, err := audit.List(e.App, f, c.Location())
	if err != nil {
		return pageError(e, err)
	}
	data.Entries = auditEntries(e.App, u, list.Rows, currencyOf(e.App))
	page := func(n int) string {
		v := f.Values()
		v.Set("page", strconv.Itoa(n))
		return "/audit?" + v.Encode()
	}
	if list.Page > 1 {
		data.PrevURL = page(list.Page - 1)
	}
	if list.HasNext {
		data.NextURL = page(list.Page + 1)
	}
	return render(e, http.StatusOK, "audit/list", data)
}

func listAuditJSON(e *core.RequestEvent) error {
	if err := access.Check(currentUser(e), access.ViewAudit, ""); err != nil {
		return apiError(e, err)
	}
	c, err := company.Load(e.App)
	if err != nil {
		return apiError(e, err)
	}
	p := pagingOf(e, audit.PerPage)
	f := audit.ParseFilter(e.Request.URL.Query())
	f.Page, f.PerPage = p.Page, p.PerPage
	keys, err := sortOf(e, listSorts["/api/tf/audit"])
	if err != nil {
		return apiError(e, err)
	}
	f.Order = orderTerms(keys, "id DESC")
	list, err := audit.List(e.App, f, c.Location())
	if err != nil {
		return apiError(e, err)
	}
	total := 0
	if !p.SkipTotal {
		if total, err = audit.Count(e.App, f, c.Location()); err != nil {
			return apiError(e, err)
		}
	}
	return e.JSON(http.StatusOK, newListPage(p, total, list.Rows))
}
