package web

import (
	"net/http"
	"strconv"

	"github.com/pocketbase/pocketbase/core"

	"teamfund/internal/export"
	"teamfund/internal/ledger"
)

// Ledger routes:
//
//	GET /ledger            showLedgerPage (filters member, team, kind, from, to; page)
//	GET /api/tf/ledger     apiLedger (JSON, same filters)
func bindLedgerRoutes(pages, api routeGroup) {
	addNav(85, "Ledger", "/ledger", everyone)
	pages.GET("/ledger", showLedgerPage).BindFunc(requireUser)
	api.GET("/ledger", apiLedger)
}

const ledgerPageSize = 50

type ledgerPage struct {
	Page
	Filter   ledger.Filter
	Export   *ExportLinks // CSV/XLSX of exactly these filters (nil: no export permission)
	Errors   FormErrors
	Rows     []ledger.Row
	People   peopleIndex // members and who moved the money
	PageNo   int
	NewerURL string
	OlderURL string
	Teams    []person
	Kinds    []ledger.Kind
	// MemberPicker offers the people whose entries the viewer sees (pickSee; false: only
	// their own): the first of them, and MemberText, what the picker shows for the filter.
	MemberPicker bool
	MemberPeople []pickable
	MemberText   string
}

func showLedgerPage(e *core.RequestEvent) error {
	u := currentUser(e)
	p := &ledgerPage{Page: Page{Title: "Ledger"}, PageNo: pageNumber(e), Kinds: append([]ledger.Kind{ledger.KindsHandedOut, ledger.KindsTransferred}, ledger.Kinds...),
		MemberPicker: mayPick(u, pickSee)}
	if u.Role().IsAdmin() {
		p.Teams = allTeams(e.App)
	}
	if p.MemberPicker {
		var err error
		if p.MemberPeople, err = people(e.App, u, pickSee, "", ""); err != nil {
			return pageError(e, err)
		}
	}
	f, err := ledger.ParseFilter(e.Request.URL.Query())
	if err == nil {
		f.Member, p.MemberText, err = resolveFilterPerson(e.App, u, "member", f.Member)
	}
	if errs, ok := formErrors(err); ok {
		q := e.Request.URL.Query()
		p.Errors = errs
		p.Filter = ledger.Filter{Member: q.Get("member"), Team: q.Get("team"), Kind: ledger.Kind(q.Get("kind")),
			From: q.Get("from"), To: q.Get("to")}
		p.MemberText = p.Filter.Member
		return render(e, http.StatusBadRequest, "ledger/list", p)
	}
	if err != nil {
		return pageError(e, err)
	}
	p.Filter, p.Export = f, exportLinksFor(u, export.Ledger, f.Values())
	rows, err := ledger.List(e.App, u, f, companyLoc(e.App), ledgerPageSize+1, (p.PageNo-1)*ledgerPageSize)
	if err != nil {
		return pageError(e, err)
	}
	if len(rows) > ledgerPageSize {
		p.OlderURL, rows = ledgerPageURL(f, p.PageNo+1), rows[:ledgerPageSize]
	}
	if p.PageNo > 1 {
		p.NewerURL = ledgerPageURL(f, p.PageNo-1)
	}
	ids := make([]string, 0, 2*len(rows))
	for _, r := range rows {
		ids = append(ids, r.Account, r.Actor)
	}
	p.Rows, p.People = rows, loadPeople(e.App, u, ids)
	return render(e, http.StatusOK, "ledger/list", p)
}

func apiLedger(e *core.RequestEvent) error {
	f, err := ledger.ParseFilter(e.Request.URL.Query())
	if err != nil {
		return apiError(e, err)
	}
	keys, err := sortOf(e, listSorts["/api/tf/ledger"])
	if err != nil {
		return apiError(e, err)
	}
	f.Order = orderTerms(keys, "id DESC")
	p := pagingOf(e, ledgerPageSize)
	rows, err := ledger.List(e.App, currentUser(e), f, companyLoc(e.App), p.PerPage, p.offset())
	if err != nil {
		return apiError(e, err)
	}
	total := 0
	if !p.SkipTotal {
		if total, err = ledger.Count(e.App, currentUser(e), f, companyLoc(e.App)); err != nil {
			return apiError(e, err)
		}
	}
	return e.JSON(http.StatusOK, newListPage(p, total, rows))
}

func ledgerPageURL(f ledger.Filter, page int) string {
	v := f.Values()
	if page > 1 {
		v.Set("page", strconv.Itoa(page))
	}
	return "/ledger?" + v.Encode()
}
