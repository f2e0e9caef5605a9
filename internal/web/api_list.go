package web

import (
	"cmp"
	"fmt"
	"net/http"
	"reflect"
	"slices"
	"sort"
	"strconv"
	"strings"

	validation "github.com/pocketbase/ozzo-validation/v4"
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

// paging is the page a list request asks for. SkipTotal (skipTotal=1, PocketBase's
// convention) leaves the count out: totalItems and totalPages are -1, and a list that
// counts in SQL does not count, for clients that page with "next" until a short page.
type paging struct {
	Page, PerPage int
	SkipTotal     bool
}

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
	p.SkipTotal, _ = strconv.ParseBool(q.Get("skipTotal"))
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
	if p.SkipTotal {
		total, pages = -1, -1
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

// listSorts are the fields each /api/tf list sorts by (sort=-created,name), by path: JSON
// field → SQL column (the field itself for lists sorted in memory). The handlers, the
// OpenAPI document and docs/API.md share this one table.
var listSorts = map[string]sortable{
	"/api/tf/sends": {"created": "sends.created", "cost": "sends.cost", "status": "sends.status",
		"recipient_name": "sends.recipient_name", "recipient_email": "sends.recipient_email"},
	"/api/tf/ledger": {"created": "created", "amount": "amount", "kind": "kind", "balance_after": "balance_after",
		"user_email": "user_email"},
	"/api/tf/audit":               {"created": "created", "action": "action", "actor_email": "actor_email", "target_type": "target_type"},
	"/api/tf/invites":             {"created": "created", "email": "email", "name": "name", "expires": "expires", "role": "role"},
	"/api/tf/users":               {"email": "email"},
	"/api/tf/webhooks/deliveries": {"created": "d.created", "status": "d.status", "event": "d.event", "attempts": "d.attempts"},
	"/api/tf/api-keys":            fieldsSortable("name", "role", "created", "expires", "lastUsedAt"),
	"/api/tf/invite-keys":         fieldsSortable("expires", "status", "uses"),
	"/api/tf/leave-requests":      fieldsSortable("created", "name", "email", "status", "balance"),
	"/api/tf/outbox":              fieldsSortable("created", "to", "subject", "kind", "delivery"),
	"/api/tf/approvals/sends":     fieldsSortable("created", "cost", "recipient_name", "touch_name"),
	"/api/tf/teams":               fieldsSortable("name", "members", "total_balance", "budget_mode", "monthly_limit"),
	"/api/tf/touches":             fieldsSortable("name", "cost", "status", "inventory", "starts_at", "ends_at"),
	"/api/tf/webhooks":            fieldsSortable("url", "description", "active", "team"),
}

// sortKey is one field of a `sort` parameter.
type sortKey struct {
	field, column string
	desc          bool
}

// sortable is one list's allow-list of sort fields: the JSON field name → the SQL column
// it orders by (the field itself for lists sorted in memory).
type sortable map[string]string

// sortOf reads `sort` the way PocketBase's records API writes it: fields separated by
// commas, each optionally prefixed with - (descending) or + (ascending), e.g.
// sort=-created,name. A field the list does not allow is a 400 naming sort. No sort
// parameter gives nil: the list's own order.
func sortOf(e *core.RequestEvent, allowed sortable) ([]sortKey, error) {
	raw := strings.TrimSpace(e.Request.URL.Query().Get("sort"))
	if raw == "" {
		return nil, nil
	}
	var keys []sortKey
	for _, part := range strings.Split(raw, ",") {
		part = strings.TrimSpace(part)
		k := sortKey{field: strings.TrimLeft(part, "+-"), desc: strings.HasPrefix(part, "-")}
		col, ok := allowed[k.field]
		if !ok || len(part)-len(k.field) > 1 || len(keys) >= 3 {
			return nil, validation.Errors{"sort": validation.NewError("validation_invalid_sort",
				fmt.Sprintf("cannot sort by %q; sort by up to 3 of %s, each optionally prefixed with - for descending", part, allowed.names()))}
		}
		k.column = col
		keys = append(keys, k)
	}
	return keys, nil
}

func (s sortable) names() string {
	names := make([]string, 0, len(s))
	for n := range s {
		names = append(names, n)
	}
	sort.Strings(names)
	return strings.Join(names, ", ")
}

// orderBy is the ORDER BY terms of keys, ending with tiebreak so that pages never overlap;
// nil when keys is (the list's own order).
func orderBy(keys []sortKey, tiebreak string) []string {
	if len(keys) == 0 {
		return nil
	}
	terms := make([]string, 0, len(keys)+1)
	for _, k := range keys {
		dir := " ASC"
		if k.desc {
			dir = " DESC"
		}
		terms = append(terms, k.column+dir)
	}
	return append(terms, tiebreak)
}

// sortItems orders a list held in memory by keys, comparing the items' JSON fields; equal
// items keep the list's own order.
func sortItems[T any](items []T, keys []sortKey) {
	if len(keys) == 0 {
		return
	}
	slices.SortStableFunc(items, func(a, b T) int {
		va, vb := reflect.ValueOf(a), reflect.ValueOf(b)
		for _, k := range keys {
			c := compareValues(jsonField(va, k.field), jsonField(vb, k.field))
			if k.desc {
				c = -c
			}
			if c != 0 {
				return c
			}
		}
		return 0
	})
}

// jsonField is the field of struct v whose JSON name is name (embedded structs included).
func jsonField(v reflect.Value, name string) reflect.Value {
	for v.Kind() == reflect.Pointer {
		v = v.Elem()
	}
	t := v.Type()
	for i := range t.NumField() {
		f := t.Field(i)
		tag, _, _ := strings.Cut(f.Tag.Get("json"), ",")
		if f.Anonymous && tag == "" && f.Type.Kind() == reflect.Struct {
			if got := jsonField(v.Field(i), name); got.IsValid() {
				return got
			}
			continue
		}
		if tag == name {
			return v.Field(i)
		}
	}
	return reflect.Value{}
}

func compareValues(a, b reflect.Value) int {
	switch a.Kind() {
	case reflect.String:
		return strings.Compare(a.String(), b.String()) // as SQLite orders text (BINARY), like the SQL-paged lists
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		return cmp.Compare(a.Int(), b.Int())
	case reflect.Bool:
		return cmp.Compare(boolRank(a.Bool()), boolRank(b.Bool()))
	}
	return 0
}

func boolRank(b bool) int {
	if b {
		return 1
	}
	return 0
}

// orderTerms is orderBy as one string ("" for the list's own order), for comparable filters.
func orderTerms(keys []sortKey, tiebreak string) string {
	return strings.Join(orderBy(keys, tiebreak), ", ")
}

// writeSortedList answers a list held in memory, sorted by the request's sort parameter.
func writeSortedList[T any](e *core.RequestEvent, all []T, allowed sortable) error {
	keys, err := sortOf(e, allowed)
	if err != nil {
		return apiError(e, err)
	}
	sortItems(all, keys)
	return writeList(e, pagingOf(e, defaultPerPage), all)
}

// fieldsSortable allows sorting by the given JSON fields of an in-memory list.
func fieldsSortable(fields ...string) sortable {
	s := sortable{}
	for _, f := range fields {
		s[f] = f
	}
	return s
}
