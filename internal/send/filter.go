package send

import (
	"net/url"
	"strings"
	"time"

	"github.com/pocketbase/dbx"
	validation "github.com/pocketbase/ozzo-validation/v4"
	"github.com/pocketbase/pocketbase/core"

	"teamfund/internal/ledger"
	"teamfund/internal/member"
)

// dateLayout is the format of the from/to filter dates (a day in the company time zone).
const dateLayout = "2006-01-02"

// Filter is what the sends list (page, JSON, export) narrows by. The zero value lists every
// send the viewer may see. Query parameters: status, team, member (sender id), from, to
// (YYYY-MM-DD, inclusive days in the company time zone).
type Filter struct {
	Status Status
	TeamID string
	Sender string // sender id, or the email a send was made with (a deleted sender's)
	From   string // YYYY-MM-DD or ""
	To     string // YYYY-MM-DD or ""
	// Dates says which date From and To apply to: "" the day it was sent (created),
	// DatesDecided the day it went out or was refused — the approval for a send that
	// waited, else the day it was sent. "Spent in March" is the sends that went out in
	// March (docs/MONEY.md), including one sent in February and approved in March.
	Dates string
	// HeldOn (YYYY-MM-DD) keeps the sends that were waiting for approval at the end of
	// that day: sent before, and pending then (still pending, or decided later). It is
	// the "held" figure of a month that has ended.
	HeldOn string
	// Order is the ORDER BY terms separated by ", ", from the caller's allow-list of
	// columns ("": newest first). A string, so that a Filter stays comparable.
	Order string
}

// DatesDecided is the Dates value for "the day it went out or was refused".
const DatesDecided = "decided"

// ParseFilter reads a Filter from query parameters; a bad value is a validation error
// naming its parameter.
func ParseFilter(q url.Values) (Filter, error) {
	f := Filter{
		Status: Status(strings.TrimSpace(q.Get("status"))),
		TeamID: strings.TrimSpace(q.Get("team")),
		Sender: strings.TrimSpace(q.Get("member")),
		From:   strings.TrimSpace(q.Get("from")),
		To:     strings.TrimSpace(q.Get("to")),
		Dates:  strings.TrimSpace(q.Get("dates")),
		HeldOn: strings.TrimSpace(q.Get("held_on")),
	}
	isDate := validation.Date(dateLayout).Error("must be a date like 2026-01-31")
	err := validation.Errors{
		"status": validation.Validate(string(f.Status), validation.By(func(any) error {
			if f.Status != "" && !f.Status.Valid() {
				return validation.NewError("status", "must be pending, sent, rejected or cancelled")
			}
			return nil
		})),
		"team":   validation.Validate(f.TeamID, validation.Length(0, 40)),
		"member": validation.Validate(f.Sender, validation.Length(0, 255)),
		"from":   validation.Validate(f.From, isDate),
		"to": validation.Validate(f.To, isDate, validation.By(func(any) error {
			if f.From != "" && f.To != "" && f.To < f.From {
				return validation.NewError("to", "must not be before the from date")
			}
			return nil
		})),
		"dates":   validation.Validate(f.Dates, validation.In("", "sent", DatesDecided).Error("must be sent or decided")),
		"held_on": validation.Validate(f.HeldOn, isDate),
	}.Filter()
	if f.Dates == "sent" {
		f.Dates = ""
	}
	return f, err
}

// Values is the filter as query parameters (for links, paging and export URLs).
func (f Filter) Values() url.Values {
	v := url.Values{}
	set := func(k, val string) {
		if val != "" {
			v.Set(k, val)
		}
	}
	set("status", string(f.Status))
	set("team", f.TeamID)
	set("member", f.Sender)
	set("from", f.From)
	set("to", f.To)
	set("dates", f.Dates)
	set("held_on", f.HeldOn)
	return v
}

// IsZero reports whether nothing is filtered.
func (f Filter) IsZero() bool { return f == Filter{} }

// Visible is the condition on the sends table that limits rows to what viewer may see:
// admins everything; managers their team's sends; members their own sends, or their team's
// with the team-records permission. Everyone sees the sends they sent themselves (also from
// an earlier team). It mirrors the records API rule of the sends collection.
func Visible(viewer *member.Member) dbx.Expression {
	if viewer == nil || !viewer.Active() {
		return dbx.NewExp("1 = 0")
	}
	if viewer.Role().IsAdmin() {
		return dbx.NewExp("1 = 1")
	}
	own := dbx.NewExp("[[sends.sender]] = {:viewer}", dbx.Params{"viewer": viewer.Id})
	if seesTeam(viewer) {
		return dbx.Or(own, dbx.NewExp("[[sends.team]] = {:viewerTeam}", dbx.Params{"viewerTeam": viewer.TeamID()}))
	}
	return own
}

// seesTeam reports whether an active viewer who is not an admin sees their team's sends
// besides their own.
func seesTeam(viewer *member.Member) bool {
	return viewer != nil && viewer.Active() && !viewer.Role().IsAdmin() && viewer.SeesTeamRecords() && viewer.TeamID() != ""
}

// visibleParts are Visible's OR for a viewer who sees their team's sends as two conditions
// that no send meets both of: the team's sends, and the viewer's own sent from another team.
// Each is an index range (team, created or sender, created), so a UNION ALL of them reads
// a page or a count without collecting the team's whole history (List, Count).
func visibleParts(viewer *member.Member) [2]dbx.Expression {
	p := dbx.Params{"viewer": viewer.Id, "viewerTeam": viewer.TeamID()}
	return [2]dbx.Expression{
		dbx.NewExp("[[sends.team]] = {:viewerTeam}", p),
		dbx.NewExp("[[sends.sender]] = {:viewer} AND [[sends.team]] != {:viewerTeam}", p),
	}
}

// Where is the filter as a condition on the sends table; dates are whole days in loc.
func (f Filter) Where(loc *time.Location) dbx.Expression {
	var conds []dbx.Expression
	if f.Status != "" {
		conds = append(conds, dbx.HashExp{"sends.status": string(f.Status)})
	}
	if f.TeamID == ledger.NoTeam {
		conds = append(conds, dbx.NewExp(ledger.NoTeamSQL("[[sends.team]]")))
	} else if f.TeamID != "" {
		conds = append(conds, dbx.HashExp{"sends.team": f.TeamID})
	}
	if strings.Contains(f.Sender, "@") {
		// a deleted sender's sends went to a successor; they keep the email they were sent with
		conds = append(conds, dbx.HashExp{"sends.sender_email": f.Sender})
	} else if f.Sender != "" {
		conds = append(conds, dbx.HashExp{"sends.sender": f.Sender})
	}
	date := "[[sends.created]]"
	if f.Dates == DatesDecided {
		date = "COALESCE(NULLIF([[sends.decided_at]], ''), [[sends.created]])"
	}
	if t, err := time.ParseInLocation(dateLayout, f.From, loc); err == nil {
		conds = append(conds, dbx.NewExp(date+" >= {:from}", dbx.Params{"from": dbTime(t)}))
	}
	if t, err := time.ParseInLocation(dateLayout, f.To, loc); err == nil {
		conds = append(conds, dbx.NewExp(date+" < {:to}", dbx.Params{"to": dbTime(t.AddDate(0, 0, 1))}))
	}
	if t, err := time.ParseInLocation(dateLayout, f.HeldOn, loc); err == nil {
		// the same instant test as figures' held (heldSQL)
		conds = append(conds, dbx.NewExp("[[sends.created]] < {:heldAt} AND ([[sends.status]] = 'pending' OR [[sends.decided_at]] >= {:heldAt})",
			dbx.Params{"heldAt": dbTime(t.AddDate(0, 0, 1))}))
	}
	if len(conds) == 0 {
		return dbx.NewExp("1 = 1")
	}
	return dbx.And(conds...)
}

// dbTime formats t the way PocketBase stores datetimes, so string comparison orders them.
func dbTime(t time.Time) string { return t.UTC().Format("2006-01-02 15:04:05.000Z") }

// Query selects the sends viewer may see that match f, newest first. It is a plain
// SELECT on the sends table, so callers can page it (List) or stream it (export) with
// dbx's Rows without loading everything.
func Query(app core.App, viewer *member.Member, f Filter, loc *time.Location) *dbx.SelectQuery {
	return app.RecordQuery(Collection).
		AndWhere(Visible(viewer)).
		AndWhere(f.Where(loc)).
		OrderBy(orderOr(f.Order, "sends.created DESC", "sends.id DESC")...)
}

// List returns one page of the sends viewer may see that match f, newest first. For a
// viewer who sees their team's sends it reads a UNION ALL of visibleParts, each walking its
// index in order, where Query's OR collects and sorts every send of the team.
func List(app core.App, viewer *member.Member, f Filter, loc *time.Location, limit, offset int) ([]*Send, error) {
	q := Query(app, viewer, f, loc)
	if seesTeam(viewer) && f.Sender == "" {
		// A sender filter reads that person's sends (idx_sends_sender); the team's part of
		// the UNION walked the team's sends to find them.
		q = teamViewerQuery(app, viewer, f, loc)
	}
	var recs []*core.Record
	if err := q.Limit(int64(limit)).Offset(int64(offset)).All(&recs); err != nil {
		return nil, err
	}
	out := make([]*Send, len(recs))
	for i, r := range recs {
		out[i] = Wrap(r)
	}
	return out, nil
}

// orderOr is the terms of order, or def when order is empty.
func orderOr(order string, def ...string) []string {
	if order == "" {
		return def
	}
	return strings.Split(order, ", ")
}

// teamViewerQuery is Query for a viewer who sees their team's sends: the UNION ALL of the
// two visibleParts with the filter in each (its numbered parameters come out the same in
// both parts, since the parts' own are named).
func teamViewerQuery(app core.App, viewer *member.Member, f Filter, loc *time.Location) *dbx.SelectQuery {
	params := dbx.Params{}
	var sql []string
	for _, part := range visibleParts(viewer) {
		built := app.DB().Select("sends.*").From(Collection).Where(dbx.And(part, f.Where(loc))).Build()
		sql = append(sql, built.SQL())
		for k, v := range built.Params() {
			params[k] = v
		}
	}
	return app.RecordQuery(Collection).From("(" + strings.Join(sql, " UNION ALL ") + ") " + Collection).
		Bind(params).OrderBy(orderOr(f.Order, "sends.created DESC", "sends.id DESC")...)
}

// Count is the number of sends Query selects: the list's totalItems. A plain COUNT(*) on
// the sends table (a COUNT of Query's rows read every column of every send it counted);
// for a team viewer the sum of the two visibleParts, each counted through its index.
func Count(app core.App, viewer *member.Member, f Filter, loc *time.Location) (int, error) {
	parts := []dbx.Expression{Visible(viewer)}
	if seesTeam(viewer) {
		p := visibleParts(viewer)
		parts = p[:]
	}
	total := 0
	for _, part := range parts {
		var n int
		if err := app.DB().Select("COUNT(*)").From(Collection).Where(dbx.And(part, f.Where(loc))).Row(&n); err != nil {
			return 0, err
		}
		total += n
	}
	return total, nil
}
