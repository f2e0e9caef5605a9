package web

import (
	"net/http"
	"strconv"

	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/core"
)

// Every /api/tf list pages the way PocketBase's records API does, so one client loop
// (and the PocketBase JS SDK's getList helpers' habits) works on every list.
const (
	defaultPerPage = 30
	maxPerPage     = 500
)

// listPage is PocketBase's list shape: page, perPage, totalItems, totalPages, items.
type listPage[T any] struct {
	Page       int `json:"page"`
	PerPage    int `json:"perPage"`
	TotalItems int `json:"totalItems"`
	TotalPages int `json:"totalPages"`
	Items      []T `json:"items"`
}

// paging is the page a list request asks for.
type paging struct{ Page, PerPage int }

// offset is the number of items before the page.
func (p paging) offset() int { return (p.Page - 1) * p.PerPage }

// pagingOf reads page and perPage (per_page, the users list's old name, still works); a
// missing or malformed value falls back to page 1 and def items, and perPage is capped
// at maxPerPage, as PocketBase normalizes its own.
func pagingOf(e *core.RequestEvent, def int) paging {
	q := e.Request.URL.Query()
	p := paging{Page: 1, PerPage: def}
	if n, err := strconv.Atoi(q.Get("page")); err == nil && n > 0 {
		p.Page = n
	}
	per := q.Get("perPage")
	if per == "" {
		per = q.Get("per_page")
	}
	if n, err := strconv.Atoi(per); err == nil && n > 0 {
		p.PerPage = min(n, maxPerPage)
	}
	return p
}

// newListPage wraps one page of items with the total the whole list has.
func newListPage[T any](p paging, total int, items []T) listPage[T] {
	if items == nil {
		items = []T{}
	}
	pages := 0
	if total > 0 {
		pages = (total + p.PerPage - 1) / p.PerPage
	}
	return listPage[T]{Page: p.Page, PerPage: p.PerPage, TotalItems: total, TotalPages: pages, Items: items}
}

// pageOfAll pages a list that is already bounded in memory (a few hundred rows at most).
func pageOfAll[T any](p paging, all []T) listPage[T] {
	from := min(p.offset(), len(all))
	to := min(from+p.PerPage, len(all))
	return newListPage(p, len(all), all[from:to])
}

// writeList answers a list page with 200.
func writeList[T any](e *core.RequestEvent, p paging, all []T) error {
	return e.JSON(http.StatusOK, pageOfAll(p, all))
}

// countOf counts the rows q would return, ignoring its limit and offset.
func countOf(app core.App, q *dbx.SelectQuery) (int, error) {
	built := q.Limit(-1).Offset(-1).Build()
	var n int
	err := app.DB().NewQuery("SELECT COUNT(*) FROM (" + built.SQL() + ")").Bind(built.Params()).Row(&n)
	return n, err
}
