package ledger

import (
	"net/url"
	"slices"
	"strings"
	"time"

	"github.com/pocketbase/dbx"
	validation "github.com/pocketbase/ozzo-validation/v4"
	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tools/types"

	"teamfund/internal/member"
)

// Filter selects ledger entries: the ledger page, its JSON twin and the CSV/XLSX export
// all parse the same query string with ParseFilter, so a download holds exactly the rows
// on screen. The zero Filter selects everything the viewer may see.
type Filter struct {
	Member string // user id, or an email (matches user_email, so deleted users stay findable)
	Team   string // team id the entry was posted under
	Kind   Kind
	From   string // first day, YYYY-MM-DD in the company time zone (inclusive)
	To     string // last day, YYYY-MM-DD in the company time zone (inclusive)
	// Order is the ORDER BY terms separated by ", ", from the caller's allow-list of
	// columns ("": newest first). A string, so that a Filter stays comparable.
	Order string
}

// Kinds lists every ledger kind, for validation and filter menus.
var Kinds = []Kind{KindGrant, KindMonthly, KindReturn, KindAdjust, KindTransferIn, KindTransferOut, KindSpend, KindRefund}

// Money words that stand for several kinds (docs/MONEY.md), so a figure on the overview
// can link to exactly the entries it sums: ?kind=handed_out lists monthly budgets, grants
// and adjustments.
const (
	KindsHandedOut   Kind = "handed_out"
	KindsTransferred Kind = "transferred"
)

// kindGroups are the kinds each money word sums.
var kindGroups = map[Kind][]Kind{
	KindsHandedOut:   {KindMonthly, KindGrant, KindAdjust},
	KindsTransferred: {KindTransferIn, KindTransferOut},
}

const dateLayout = "2006-01-02"

// NoTeam is the team filter (and figures' team scope) for the entries booked on no team
// that exists now: people without a team, and teams that were deleted. With it the teams
// of the company add up to the company, and a figure of that row can list its entries.
const NoTeam = member.TeamNone

// NoTeamSQL is the condition on a team id column that NoTeam stands for.
func NoTeamSQL(col string) string { return col + " NOT IN (SELECT id FROM teams)" }

// ParseFilter reads member, team, kind, from and to from a query string. Errors name the
// field (ozzo validation.Errors), so pages and the JSON API can show them.
func ParseFilter(v url.Values) (Filter, error) {
	f := Filter{
		Member: strings.TrimSpace(v.Get("member")),
		Team:   strings.TrimSpace(v.Get("team")),
		Kind:   Kind(strings.TrimSpace(v.Get("kind"))),
		From:   strings.TrimSpace(v.Get("from")),
		To:     strings.TrimSpace(v.Get("to")),
	}
	if strings.Contains(f.Member, "@") {
		f.Member = member.NormalizeEmail(f.Member)
	}
	kinds := make([]any, 0, len(Kinds)+len(kindGroups))
	for _, k := range Kinds {
		kinds = append(kinds, k)
	}
	for k := range kindGroups {
		kinds = append(kinds, k)
	}
	err := validation.Errors{
		"member": validation.Validate(f.Member, validation.Length(0, 255)),
		"team":   validation.Validate(f.Team, validation.Length(0, 40)),
		"kind":   validation.Validate(f.Kind, validation.In(kinds...).Error("must be one of the ledger kinds")),
		"from":   validation.Validate(f.From, validation.Date(dateLayout).Error("must be a date like 2026-03-01")),
		"to":     validation.Validate(f.To, validation.Date(dateLayout).Error("must be a date like 2026-03-31")),
	}.Filter()
	if err == nil && f.From != "" && f.To != "" && f.To < f.From {
		err = validation.Errors{"to": validation.NewError("validation_date_order", "must not be before from")}
	}
	if err != nil {
		return Filter{}, err
	}
	return f, nil
}

// Values is the filter as a query string (empty fields left out), for links such as
// "download these rows".
func (f Filter) Values() url.Values {
	v := url.Values{}
	for k, s := range map[string]string{"member": f.Member, "team": f.Team, "kind": string(f.Kind), "from": f.From, "to": f.To} {
		if s != "" {
			v.Set(k, s)
		}
	}
	return v
}

// Where is the SQL condition for the filter, limited to what viewer may see: admins see
// every entry; managers and members with the team-records permission their own entries and
// their team's; everyone else only their own. Dates are days in loc. A nil viewer sees nothing.
func (f Filter) Where(viewer *member.Member, loc *time.Location) dbx.Expression {
	return dbx.And(visibleTo(viewer), f.conds(loc))
}

// conds is the filter's own condition, without the viewer's visibility. Its parameters are
// numbered by dbx in the same order on every call, so two arms of a UNION built from it
// share them (List).
func (f Filter) conds(loc *time.Location) dbx.Expression {
	conds := []dbx.Expression{dbx.NewExp("1 = 1")}
	if f.Member != "" {
		if strings.Contains(f.Member, "@") {
			conds = append(conds, dbx.HashExp{"user_email": f.Member})
		} else {
			conds = append(conds, dbx.HashExp{"account": f.Member})
		}
	}
	conds = append(conds, f.keyConds())
	from, to := f.instants(loc)
	if !from.IsZero() {
		conds = append(conds, dbx.NewExp("created >= {:from}", dbx.Params{"from": dbTime(from)}))
	}
	if !to.IsZero() {
		conds = append(conds, dbx.NewExp("created < {:to}", dbx.Params{"to": dbTime(to)}))
	}
	return dbx.And(conds...)
}

// keyConds is the filter's condition on team and kind.
func (f Filter) keyConds() dbx.Expression {
	conds := []dbx.Expression{f.teamConds()}
	if group, ok := kindGroups[f.Kind]; ok {
		in := make([]any, len(group))
		for i, k := range group {
			in[i] = string(k)
		}
		conds = append(conds, dbx.In("kind", in...))
	} else if f.Kind != "" {
		conds = append(conds, dbx.HashExp{"kind": string(f.Kind)})
	}
	return dbx.And(conds...)
}

// teamConds is the filter's condition on team: a column ledger_entries and ledger_months share.
func (f Filter) teamConds() dbx.Expression {
	switch {
	case f.Team == NoTeam:
		return dbx.NewExp(NoTeamSQL("team"))
	case f.Team != "":
		return dbx.HashExp{"team": f.Team}
	}
	return dbx.NewExp("1 = 1")
}

// countColumn is what ledger_months counts of the entries of the filter's kind: n (every
// kind), n_<kind>, or the sum of a group's (a kind it has no column for counts nothing).
func (f Filter) countColumn() string {
	kinds := kindGroups[f.Kind]
	switch {
	case f.Kind == "":
		return "n"
	case kinds == nil:
		kinds = []Kind{f.Kind}
	}
	var cols []string
	for _, k := range kinds {
		if slices.Contains(Kinds, k) {
			cols = append(cols, "n_"+string(k))
		}
	}
	if len(cols) == 0 {
		return "0"
	}
	return strings.Join(cols, " + ")
}

// instants are the filter's from and to days as the instants that bound them: the start
// of From and the end of To (the start of the next day) in loc; zero when not set.
func (f Filter) instants(loc *time.Location) (from, to time.Time) {
	if loc == nil {
		loc = time.UTC
	}
	if t, err := time.ParseInLocation(dateLayout, f.From, loc); err == nil {
		from = t
	}
	if t, err := time.ParseInLocation(dateLayout, f.To, loc); err == nil {
		to = t.AddDate(0, 0, 1)
	}
	return from, to
}

func visibleTo(viewer *member.Member) dbx.Expression {
	switch {
	case viewer == nil || !viewer.Active():
		return dbx.NewExp("1 = 0")
	case viewer.Role().IsAdmin():
		return dbx.NewExp("1 = 1")
	case seesTeam(viewer):
		return dbx.Or(dbx.HashExp{"account": viewer.Id}, dbx.HashExp{"team": viewer.TeamID()})
	}
	return dbx.HashExp{"account": viewer.Id}
}

// seesTeam reports whether an active viewer who is not an admin sees their team's entries
// besides their own (managers, members with the team-records permission).
func seesTeam(viewer *member.Member) bool {
	return viewer != nil && viewer.Active() && !viewer.Role().IsAdmin() && viewer.SeesTeamRecords() && viewer.TeamID() != ""
}

// The two parts of what a team viewer sees, with named parameters so that they do not
// collide with the filter's numbered ones: the team's entries, and the viewer's own
// entries booked on another team (before they joined it). Together they are visibleTo's
// OR, without an entry in both.
const (
	teamPart = "[[team]] = {:viewerTeam}"
	ownPart  = "[[account]] = {:viewer} AND [[team]] != {:viewerTeam}"
)

func viewerParams(viewer *member.Member) dbx.Params {
	return dbx.Params{"viewer": viewer.Id, "viewerTeam": viewer.TeamID()}
}

// dbTime formats t like PocketBase stores datetimes, so text comparison orders correctly.
func dbTime(t time.Time) string {
	return t.UTC().Format(types.DefaultDateLayout)
}

// Row is one ledger entry as listed and exported.
type Row struct {
	ID           string         `db:"id" json:"id"`
	Account      string         `db:"account" json:"account"`
	UserEmail    string         `db:"user_email" json:"user_email"`
	Team         string         `db:"team" json:"team"`
	Amount       int64          `db:"amount" json:"amount"`
	Kind         string         `db:"kind" json:"kind"`
	Reason       string         `db:"reason" json:"reason"`
	Actor        string         `db:"actor" json:"actor"` // user id; "" for the system or a deleted user
	ActorEmail   string         `db:"actor_email" json:"actor_email"`
	Period       string         `db:"period" json:"period"`
	BalanceAfter int64          `db:"balance_after" json:"balance_after"`
	Ref          string         `db:"ref" json:"ref"`
	Created      types.DateTime `db:"created" json:"created"`
}

// RowColumns are the columns Row reads, in export order.
const RowColumns = "id, account, user_email, team, amount, kind, reason, actor, actor_email, period, balance_after, ref, created"

// Query selects the filtered entries viewer may see, newest first. Exports iterate it with
// Rows() so 100,000 entries never sit in memory at once.
func Query(app core.App, viewer *member.Member, f Filter, loc *time.Location) *dbx.SelectQuery {
	return app.DB().Select(strings.Split(RowColumns, ", ")...).From(Collection).
		Where(f.Where(viewer, loc)).OrderBy(orderOr(f.Order, "created DESC", "id DESC")...)
}

// List returns one page of the filtered entries viewer may see, newest first.
//
// For a viewer who sees their team's entries the page is read from a UNION ALL of the
// team's entries and the viewer's own on other teams: each part walks its own index
// (team, created or account, created) in order and SQLite merges them and stops at the
// page, where the OR of Query collects the team's whole history and sorts it (0.3 s for
// the big team's manager on 1,000,000 entries). Exports keep Query: they read every row.
func List(app core.App, viewer *member.Member, f Filter, loc *time.Location, limit, offset int) ([]Row, error) {
	var rows []Row
	q := Query(app, viewer, f, loc)
	if seesTeam(viewer) && f.Member == "" {
		// A member filter reads that account's entries (idx_ledger_account); the team's
		// part of the UNION walked the whole team's history to find them (13 ms for a
		// manager's own Money page in a team of 470).
		q = teamViewerQuery(app, viewer, f, loc)
	}
	err := q.Limit(int64(limit)).Offset(int64(offset)).All(&rows)
	return rows, err
}

// teamViewerQuery is Query for a viewer who sees their team's entries, as a UNION ALL of
// the two parts (teamPart, ownPart) with the filter in each.
func teamViewerQuery(app core.App, viewer *member.Member, f Filter, loc *time.Location) *dbx.SelectQuery {
	cols := strings.Split(RowColumns, ", ")
	part := func(cond string) *dbx.Query {
		return app.DB().Select(cols...).From(Collection).Where(dbx.And(dbx.NewExp(cond), f.conds(loc))).Build()
	}
	team, own := part(teamPart), part(ownPart)
	params := viewerParams(viewer)
	for _, p := range []dbx.Params{team.Params(), own.Params()} {
		for k, v := range p {
			params[k] = v
		}
	}
	return app.DB().Select(cols...).From("(" + team.SQL() + " UNION ALL " + own.SQL() + ") entries").
		Bind(params).OrderBy(orderOr(f.Order, "created DESC", "id DESC")...)
}

// kindLabels name the kinds for people.
var kindLabels = map[Kind]string{KindsHandedOut: "Handed out", KindsTransferred: "Transferred", KindGrant: "Grant", KindMonthly: "Monthly budget", KindReturn: "Returned",
	KindAdjust: "Adjustment", KindTransferIn: "Transfer in", KindTransferOut: "Transfer out", KindSpend: "Send",
	KindRefund: "Refund"}

// Label is the kind for people ("Transfer in").
func (k Kind) Label() string {
	if l, ok := kindLabels[k]; ok {
		return l
	}
	return string(k)
}

// KindLabel is the entry's kind for people.
func (r Row) KindLabel() string { return Kind(r.Kind).Label() }

// orderOr is the terms of order, or def when order is empty.
func orderOr(order string, def ...string) []string {
	if order == "" {
		return def
	}
	return strings.Split(order, ", ")
}
