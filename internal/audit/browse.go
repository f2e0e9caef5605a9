package audit

import (
	"encoding/json"
	"net/url"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/core"
)

// Filter selects audit entries: actor (email or id), action (exact or prefix ending in
// "."), target (id, or email/name contained in the label) and a date range [From, To] in
// the company time zone.
type Filter struct {
	Actor   string
	Action  string
	Target  string
	From    string // YYYY-MM-DD, inclusive
	To      string // YYYY-MM-DD, inclusive
	Page    int
	PerPage int
	// Order is the ORDER BY terms separated by ", ", from the caller's allow-list of
	// columns ("": newest first). A string, so that a Filter stays comparable.
	Order string
}

// PerPage is the audit page size.
const PerPage = 50

// ParseFilter reads actor, action, target, from, to and page from query parameters;
// malformed dates are dropped.
func ParseFilter(q url.Values) Filter {
	f := Filter{
		Actor:  strings.ToLower(strings.TrimSpace(q.Get("actor"))),
		Action: strings.TrimSpace(q.Get("action")),
		Target: strings.TrimSpace(q.Get("target")),
		From:   validDate(q.Get("from")),
		To:     validDate(q.Get("to")),
	}
	f.Page, _ = strconv.Atoi(q.Get("page"))
	if f.Page < 1 {
		f.Page = 1
	}
	f.PerPage = PerPage
	return f
}

func validDate(s string) string {
	s = strings.TrimSpace(s)
	if _, err := time.Parse("2006-01-02", s); err != nil {
		return ""
	}
	return s
}

// Values is the filter as query parameters (without page), for pagination links.
func (f Filter) Values() url.Values {
	v := url.Values{}
	for k, val := range map[string]string{"actor": f.Actor, "action": f.Action, "target": f.Target, "from": f.From, "to": f.To} {
		if val != "" {
			v.Set(k, val)
		}
	}
	return v
}

// Row is one audit entry as listed; Before and After are its JSON text.
type Row struct {
	ID          string `db:"id" json:"id"`
	Actor       string `db:"actor" json:"actor"`
	ActorEmail  string `db:"actor_email" json:"actor_email"`
	Action      string `db:"action" json:"action"`
	TargetType  string `db:"target_type" json:"target_type"`
	TargetID    string `db:"target_id" json:"target_id"`
	TargetLabel string `db:"target_label" json:"target_label"`
	Before      string `db:"before" json:"-"`
	After       string `db:"after" json:"-"`
	Created     string `db:"created" json:"created"`
}

// Page is one page of audit entries, newest first.
type Page struct {
	Rows    []Row
	HasNext bool
	Page    int
}

// List returns page f.Page of the entries matching f, newest first. Dates are days in loc.
// It asks for one row more than a page to know whether a next page exists (no COUNT over
// a table that only grows).
func List(app core.App, f Filter, loc *time.Location) (Page, error) {
	if loc == nil {
		loc = time.UTC
	}
	if f.PerPage < 1 {
		f.PerPage = PerPage
	}
	if f.Page < 1 {
		f.Page = 1
	}
	out := Page{Page: f.Page, Rows: []Row{}}
	if err := listQuery(app, f, loc).All(&out.Rows); err != nil {
		return out, err
	}
	if len(out.Rows) > f.PerPage {
		out.HasNext = true
		out.Rows = out.Rows[:f.PerPage]
	}
	return out, nil
}

// listQuery reads page f.Page of the entries f selects, and one more to tell whether a next
// page exists.
func listQuery(app core.App, f Filter, loc *time.Location) *dbx.SelectQuery {
	return filtered(app, f, loc).Select("id", "actor", "actor_email", "action", "target_type", "target_id", "target_label",
		"COALESCE(before, '') AS before", "COALESCE(after, '') AS after", "created").
		OrderBy(orderOr(f.Order, "created DESC", "id DESC")...).
		Limit(int64(f.PerPage + 1)).Offset(int64((f.Page - 1) * f.PerPage))
}

// Count is the number of entries f selects, for the API's totalItems.
func Count(app core.App, f Filter, loc *time.Location) (int, error) {
	if loc == nil {
		loc = time.UTC
	}
	var n int
	err := filtered(app, f, loc).Select("COUNT(*)").Row(&n)
	return n, err
}

// filtered is the query of the entries f selects, without columns, order or paging.
func filtered(app core.App, f Filter, loc *time.Location) *dbx.SelectQuery {
	q := app.DB().Select().From(Collection)
	// An email has an @ and an id never does: an id reads idx_audit_actor (actor, created) in
	// the list's order; the OR of both read every entry of the log, newest first, until a page
	// of that person's was found (all 650,000 to count them, or for someone who acted long ago).
	switch {
	case strings.Contains(f.Actor, "@"):
		q = q.AndWhere(dbx.NewExp("lower(actor_email) = {:actor}", dbx.Params{"actor": f.Actor}))
	case f.Actor != "":
		q = q.AndWhere(dbx.HashExp{"actor": f.Actor})
	}
	if f.Action != "" {
		if strings.HasSuffix(f.Action, ".") {
			q = q.AndWhere(dbx.NewExp("substr(action, 1, {:n}) = {:action}", dbx.Params{"n": len(f.Action), "action": f.Action}))
		} else {
			q = q.AndWhere(dbx.HashExp{"action": f.Action})
		}
	}
	if f.Target != "" {
		q = q.AndWhere(dbx.NewExp("(target_id = {:target} OR instr(lower(target_label), lower({:target})) > 0)",
			dbx.Params{"target": f.Target}))
	}
	if f.From != "" {
		day, _ := time.ParseInLocation("2006-01-02", f.From, loc)
		q = q.AndWhere(dbx.NewExp("created >= {:from}", dbx.Params{"from": dbTime(day)}))
	}
	if f.To != "" {
		day, _ := time.ParseInLocation("2006-01-02", f.To, loc)
		q = q.AndWhere(dbx.NewExp("created < {:to}", dbx.Params{"to": dbTime(day.AddDate(0, 0, 1))}))
	}
	return q
}

// dbTime formats t like PocketBase stores datetimes (UTC, sortable as text).
func dbTime(t time.Time) string { return t.UTC().Format("2006-01-02 15:04:05.000Z") }

// Actions lists the distinct actions recorded so far, for the filter's choices. It skips
// from one action to the next through idx_audit_action (one index seek per action, a few
// dozen), where SELECT DISTINCT read the whole index: 650,000 entries, most of the audit
// page's time on a company with years of history.
func Actions(app core.App) ([]string, error) {
	var out []string
	err := app.DB().NewQuery(`WITH RECURSIVE actions(action) AS (
			SELECT MIN(action) FROM ` + Collection + `
			UNION ALL
			SELECT (SELECT MIN(action) FROM ` + Collection + ` WHERE action > actions.action) FROM actions
			WHERE actions.action IS NOT NULL)
		SELECT action FROM actions WHERE action IS NOT NULL`).Column(&out)
	return out, err
}

// Change is one field that an entry's before/after differ in, for display.
type Change struct {
	Field  string
	Before string
	After  string
}

// Changes lists the fields whose values differ between Before and After (both JSON
// objects), sorted by name; fields only on one side show "" on the other. Entries whose
// before/after are not objects give nil (the page shows the raw JSON then).
func (r Row) Changes() []Change {
	before, okB := jsonObject(r.Before)
	after, okA := jsonObject(r.After)
	if !okB || !okA {
		return nil
	}
	keys := map[string]bool{}
	for k := range before {
		keys[k] = true
	}
	for k := range after {
		keys[k] = true
	}
	var out []Change
	for k := range keys {
		b, a := jsonText(before[k]), jsonText(after[k])
		if b != a {
			out = append(out, Change{Field: k, Before: b, After: a})
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Field < out[j].Field })
	return out
}

// jsonObject decodes s as a JSON object; "" and "null" are the empty object.
func jsonObject(s string) (map[string]json.RawMessage, bool) {
	if s == "" || s == "null" {
		return map[string]json.RawMessage{}, true
	}
	var m map[string]json.RawMessage
	if err := json.Unmarshal([]byte(s), &m); err != nil {
		return nil, false
	}
	return m, true
}

// jsonText shows a JSON value without quotes around strings, and a list of strings as
// "a, b".
func jsonText(v json.RawMessage) string {
	var s string
	if json.Unmarshal(v, &s) == nil {
		return s
	}
	var list []string
	if json.Unmarshal(v, &list) == nil && list != nil {
		return strings.Join(list, ", ")
	}
	return string(v)
}

// RawBefore and RawAfter are the entry's JSON as-is (null when empty), for the JSON API.
func (r Row) RawBefore() json.RawMessage { return raw(r.Before) }

// RawAfter: see RawBefore.
func (r Row) RawAfter() json.RawMessage { return raw(r.After) }

// MarshalJSON writes the entry with before/after as JSON values, not strings.
func (r Row) MarshalJSON() ([]byte, error) {
	type plain Row
	return json.Marshal(struct {
		plain
		Before json.RawMessage `json:"before"`
		After  json.RawMessage `json:"after"`
	}{plain(r), r.RawBefore(), r.RawAfter()})
}

func raw(s string) json.RawMessage {
	if s == "" || !json.Valid([]byte(s)) {
		return json.RawMessage("null")
	}
	return json.RawMessage(s)
}

// orderOr is the terms of order, or def when order is empty.
func orderOr(order string, def ...string) []string {
	if order == "" {
		return def
	}
	return strings.Split(order, ", ")
}
