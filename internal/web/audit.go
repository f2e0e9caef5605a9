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
	Filter  audit.Filter
	Entries []auditEntry
	Actions []auditAction
	PrevURL string
	NextURL string
}

// auditAction is one choice of the action filter.
type auditAction struct{ Code, Label string }

func loadAudit(e *core.RequestEvent) (audit.Filter, audit.Page, error) {
	if err := access.Check(currentUser(e), access.ViewAudit, ""); err != nil {
		return audit.Filter{}, audit.Page{}, err
	}
	f := audit.ParseFilter(e.Request.URL.Query())
	c, err := company.Load(e.App)
	if err != nil {
		return f, audit.Page{}, err
	}
	list, err := audit.List(e.App, f, c.Location())
	return f, list, err
}

func showAuditLog(e *core.RequestEvent) error {
	f, list, err := loadAudit(e)
	if err != nil {
		return pageError(e, err)
	}
	actions, err := audit.Actions(e.App)
	if err != nil {
		return pageError(e, err)
	}
	data := &auditPage{Page: Page{Title: "Audit log"}, Filter: f, Entries: auditEntries(e.App, currentUser(e), list.Rows, currencyOf(e.App))}
	for _, a := range actions {
		data.Actions = append(data.Actions, auditAction{a, auditActionLabel(a)})
	}
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
