package member

import (
	"maps"
	"net/url"
	"strconv"
	"strings"

	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/core"
)

// TeamNone is the ListFilter.Team value that selects teamless users.
const TeamNone = "none"

// Page sizes of the users list.
const (
	DefaultPerPage = 50
	MaxPerPage     = 500
)

// ListFilter is what the users list (and the users export) shows: team, role, status and
// a search on email or first name. The web page and the export parse it from the same
// query string, so an export holds exactly the rows the filters show.
type ListFilter struct {
	Team    string // team id, TeamNone for teamless users, "" for any
	Role    Role   // "" for any
	Status  string // StatusActive, StatusDeactivated or "" for any
	Search  string // prefix of the email or of the name (first name), case-insensitive
	Page    int    // 1-based page number (List only)
	PerPage int    // rows per page (List only)
}

// ParseListFilter reads a filter from query parameters team, role, status, q, page and
// per_page. Unknown roles and statuses are ignored rather than refused, so a stale link
// still shows a list.
func ParseListFilter(q url.Values) ListFilter {
	f := ListFilter{
		Team:   strings.TrimSpace(q.Get("team")),
		Role:   Role(strings.TrimSpace(q.Get("role"))),
		Status: strings.TrimSpace(q.Get("status")),
		Search: strings.TrimSpace(q.Get("q")),
	}
	if !f.Role.Valid() {
		f.Role = ""
	}
	if f.Status != StatusActive && f.Status != StatusDeactivated {
		f.Status = ""
	}
	if len(f.Search) > 100 {
		f.Search = f.Search[:100]
	}
	f.Page, _ = strconv.Atoi(q.Get("page"))
	f.PerPage, _ = strconv.Atoi(q.Get("per_page"))
	return f.normalized()
}

func (f ListFilter) normalized() ListFilter {
	if f.Page < 1 {
		f.Page = 1
	}
	if f.PerPage < 1 {
		f.PerPage = DefaultPerPage
	}
	if f.PerPage > MaxPerPage {
		f.PerPage = MaxPerPage
	}
	return f
}

// Values is the filter as query parameters (without page), for links and the export URL.
func (f ListFilter) Values() url.Values {
	v := url.Values{}
	set := func(k, val string) {
		if val != "" {
			v.Set(k, val)
		}
	}
	set("team", f.Team)
	set("role", string(f.Role))
	set("status", f.Status)
	set("q", f.Search)
	if f.PerPage != 0 && f.PerPage != DefaultPerPage {
		v.Set("per_page", strconv.Itoa(f.PerPage))
	}
	return v
}

// Row is one line of the users list.
type Row struct {
	ID               string `db:"id" json:"id"`
	Email            string `db:"email" json:"email"`
	Name             string `db:"name" json:"name"`
	Role             string `db:"role" json:"role"`
	Status           string `db:"status" json:"status"`
	TeamID           string `db:"team" json:"team"`
	TeamName         string `db:"team_name" json:"team_name"`
	Balance          int64  `db:"balance" json:"balance"`
	MayExport        bool   `db:"may_export" json:"may_export"`
	RecordVisibility string `db:"record_visibility" json:"record_visibility"`
	Created          string `db:"created" json:"created"`
	Avatar           string `db:"avatar" json:"avatar"` // the photo's file name, "" when none
}

// RoleLabel is the role as shown to people.
func (r Row) RoleLabel() string { return Role(r.Role).Label() }

// Query returns the select of the users viewer may see that match f, ordered by email,
// without pagination. Visibility mirrors the users API rule: admins see everyone; a
// manager, or a member with the team-records permission, sees their team; anyone else
// only themselves. Use it to stream rows (export); List adds paging and a total.
func Query(app core.App, viewer *Member, f ListFilter) *dbx.SelectQuery {
	q := app.DB().Select("u.id", "u.email", "u.name", "u.role", "u.status", "u.team",
		"COALESCE(t.name, '') AS team_name", "u.balance", "u.may_export", "u.record_visibility", "u.created", "u.avatar").
		From(Collection+" u").
		LeftJoin("teams t", dbx.NewExp("t.id = u.team"))
	for _, w := range f.where(viewer) {
		q = q.AndWhere(w)
	}
	return q.OrderBy("u.email ASC")
}

// where lists the conditions of f plus the viewer's visibility.
func (f ListFilter) where(viewer *Member) []dbx.Expression {
	// note: "email != ''" lets SQLite use PocketBase's partial unique email index for the ORDER BY.
	out := []dbx.Expression{dbx.NewExp("u.email != ''")}
	switch {
	case viewer == nil:
		out = append(out, dbx.NewExp("0 = 1"))
	case viewer.Role().IsAdmin():
	case viewer.TeamID() != "" && viewer.SeesTeamRecords():
		out = append(out, dbx.NewExp("u.team = {:viewerTeam}", dbx.Params{"viewerTeam": viewer.TeamID()}))
	default:
		out = append(out, dbx.NewExp("u.id = {:viewerID}", dbx.Params{"viewerID": viewer.Id}))
	}
	switch f.Team {
	case "":
	case TeamNone:
		out = append(out, dbx.NewExp("u.team = ''"))
	default:
		out = append(out, dbx.NewExp("u.team = {:team}", dbx.Params{"team": f.Team}))
	}
	// note: "+" keeps SQLite from choosing the role or status index. Without statistics
	// (ANALYZE runs only with PocketBase's nightly PRAGMA optimize) it took them for
	// selective, yet nearly every user is an active member: the count read every row
	// through idx_users_status even with a team filter, and the page sorted all of them in a
	// temp B-tree instead of walking the email index (10,000 users: 12 ms → 3.6 ms for
	// role + status, 5 ms → 0.5 ms with a team). A rare role now walks the email index, at
	// most one pass over the users.
	if f.Role != "" {
		out = append(out, dbx.NewExp("+u.role = {:role}", dbx.Params{"role": string(f.Role)}))
	}
	if f.Status != "" {
		out = append(out, dbx.NewExp("+u.status = {:status}", dbx.Params{"status": f.Status}))
	}
	if f.Search != "" {
		out = append(out, dbx.NewExp(SearchSQL("u", f.Search)))
	}
	return out
}

// SearchSQL is the condition (with its params) that matches the users (table alias) whose email or name starts with search,
// case-insensitively: "search by email or first name" everywhere (users list, export,
// teams search). Emails are stored lower-cased, so an email prefix is a range on
// PocketBase's email index; a name prefix is the same range on the NOCASE name index (ASCII
// case folding, like SQLite's LIKE). Each side is an index lookup of rowids, not a test of
// every row.
func SearchSQL(alias, search string) (string, dbx.Params) {
	lo := strings.ToLower(strings.TrimSpace(search))
	return alias + `.rowid IN (
		SELECT rowid FROM ` + Collection + ` WHERE email >= {:searchLo} AND email < {:searchHi} AND email != ''
		UNION ALL SELECT rowid FROM ` + Collection + ` WHERE name >= {:searchLo} COLLATE NOCASE AND name < {:searchHi} COLLATE NOCASE)`,
		dbx.Params{"searchLo": lo, "searchHi": lo + "\U0010FFFF"}
}

// ListPage is one page of the users list.
type ListPage struct {
	Rows    []Row
	Total   int
	Page    int
	PerPage int
}

// Pages is the number of pages (at least 1).
func (p ListPage) Pages() int {
	if p.Total == 0 || p.PerPage == 0 {
		return 1
	}
	return (p.Total + p.PerPage - 1) / p.PerPage
}

// List returns page f.Page of the users viewer may see that match f, plus the total count.
//
// It counts and picks the page from the users filter indexes alone (migration 1764700000:
// each holds role, status, team and email, one also the name) and reads only the rows it
// shows: reading the wide user rows to test a filter cost milliseconds per page at 10,000
// users. A search takes the email matches plus the name matches whose email does not
// match, so nobody comes twice and no set of matches is built to remove duplicates. A viewer who sees only themselves gets
// the plain query, as does anyone if a filter index was dropped (e.g. in the dashboard).
func List(app core.App, viewer *Member, f ListFilter) (ListPage, error) {
	f = f.normalized()
	out := ListPage{Page: f.Page, PerPage: f.PerPage, Rows: []Row{}}
	if k, ok := f.indexed(viewer); ok {
		err := k.list(app, f, &out)
		if err == nil || !strings.Contains(err.Error(), "no such index") {
			return out, err
		}
		out.Rows = []Row{}
	}
	count := app.DB().Select("COUNT(*)").From(Collection + " u")
	for _, w := range f.where(viewer) {
		count = count.AndWhere(w)
	}
	if err := count.Row(&out.Total); err != nil {
		return out, err
	}
	err := Query(app, viewer, f).Limit(int64(f.PerPage)).Offset(int64((f.Page - 1) * f.PerPage)).All(&out.Rows)
	return out, err
}

// indexedFilter is f as conditions that the users filter indexes answer without the rows.
type indexedFilter struct {
	conds  string // role, status, team and visibility tests, ANDed
	params dbx.Params
	team   bool // conds test the team: the page walks the (team, email, …) index
}

// indexed returns f as an indexedFilter, or false when the viewer sees only themselves
// (a test on the id, which the indexes do not hold; one row anyway).
func (f ListFilter) indexed(viewer *Member) (indexedFilter, bool) {
	k := indexedFilter{params: dbx.Params{}}
	conds := []string{"email != ''"}
	switch {
	case viewer == nil:
		return k, false
	case viewer.Role().IsAdmin():
	case viewer.TeamID() != "" && viewer.SeesTeamRecords():
		conds, k.team = append(conds, "team = {:viewerTeam}"), true
		k.params["viewerTeam"] = viewer.TeamID()
	default:
		return k, false
	}
	switch f.Team {
	case "":
	case TeamNone:
		conds, k.team = append(conds, "team = ''"), true
	default:
		conds, k.team = append(conds, "team = {:team}"), true
		k.params["team"] = f.Team
	}
	if f.Role != "" {
		conds = append(conds, "role = {:role}")
		k.params["role"] = string(f.Role)
	}
	if f.Status != "" {
		conds = append(conds, "status = {:status}")
		k.params["status"] = f.Status
	}
	if f.Search != "" {
		lo := strings.ToLower(f.Search)
		k.params["searchLo"], k.params["searchHi"] = lo, lo+"\U0010FFFF"
	}
	k.conds = strings.Join(conds, " AND ")
	return k, true
}

const (
	emailPrefix = "email >= {:searchLo} AND email < {:searchHi}"
	namePrefix  = "name >= {:searchLo} COLLATE NOCASE AND name < {:searchHi} COLLATE NOCASE"
)

// list fills out's total and rows for f.
func (k indexedFilter) list(app core.App, f ListFilter, out *ListPage) error {
	from := func(index string) string { return "FROM " + Collection + " INDEXED BY " + index + " WHERE " + k.conds }
	var count, keys string
	switch {
	case f.Search != "":
		// email matches, then name matches whose email does not match: no user twice
		byEmail := from("idx_users_filter_email") + " AND " + emailPrefix
		byNameOnly := from("idx_users_filter_name") + " AND " + namePrefix + " AND NOT (" + emailPrefix + ")"
		count = "SELECT (SELECT COUNT(*) " + byEmail + ") + (SELECT COUNT(*) " + byNameOnly + ")"
		keys = "SELECT rowid, email " + byEmail + " UNION ALL SELECT rowid, email " + byNameOnly
	case k.team: // a team is the narrowest range, whatever role and status ask
		count = "SELECT COUNT(*) " + from("idx_users_filter_team")
		keys = "SELECT rowid, email " + from("idx_users_filter_team")
	default:
		count = "SELECT COUNT(*) " + from("idx_users_filter")
		keys = "SELECT rowid, email " + from("idx_users_filter_email")
	}
	if err := app.DB().NewQuery(count).Bind(k.params).Row(&out.Total); err != nil {
		return err
	}
	if out.Total <= (f.Page-1)*f.PerPage {
		return nil
	}
	params := dbx.Params{"limit": f.PerPage, "offset": (f.Page - 1) * f.PerPage}
	maps.Copy(params, k.params)
	return app.DB().NewQuery(`SELECT u.id, u.email, u.name, u.role, u.status, u.team, COALESCE(t.name, '') AS team_name,
		u.balance, u.may_export, u.record_visibility, u.created, u.avatar
		FROM (` + keys + ` ORDER BY email LIMIT {:limit} OFFSET {:offset}) k
		JOIN ` + Collection + ` u ON u.rowid = k.rowid LEFT JOIN teams t ON t.id = u.team
		ORDER BY k.email`).Bind(params).All(&out.Rows)
}

// Each streams every row of Query(app, viewer, f) to fn without loading them all in
// memory (used by the export); it stops at fn's first error.
func Each(app core.App, viewer *Member, f ListFilter, fn func(Row) error) error {
	rows, err := Query(app, viewer, f).Rows()
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		var r Row
		if err := rows.ScanStruct(&r); err != nil {
			return err
		}
		if err := fn(r); err != nil {
			return err
		}
	}
	return rows.Err()
}
