package ledger

import (
	"time"

	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/core"

	"teamfund/internal/member"
)

// Count is the number of entries Query selects for viewer and f: the ledger list's
// totalItems. A COUNT(*) of the list read every entry it counts (0.5 s for the whole
// company's 1,000,000 entries); Count reads the entry counts per UTC month, team and kind
// that triggers keep in ledger_months (columns n and n_<kind>; migration 1796630000) for whole months, and counts
// only the entries of the partial months at the edges of a date filter and the viewer's
// own entries, each through an index. ledger.Reconcile checks those counts against the
// entries, so every money test checks that Count agrees with COUNT(*).
func Count(app core.App, viewer *member.Member, f Filter, loc *time.Location) (int, error) {
	switch {
	case viewer == nil || !viewer.Active():
		return 0, nil
	case viewer.Role().IsAdmin() && f.Member == "":
		return countByMonths(app, nil, f, loc)
	case seesTeam(viewer) && f.Member == "":
		team, err := countByMonths(app, dbx.NewExp(teamPart, viewerParams(viewer)), f, loc)
		if err != nil {
			return 0, err
		}
		own, err := countWhere(app, dbx.And(dbx.NewExp(ownPart, viewerParams(viewer)), f.conds(loc)))
		return team + own, err
	}
	// one account's or one email's entries: the list itself reads them the same way
	return countWhere(app, f.Where(viewer, loc))
}

// countByMonths counts the entries matching scope (a condition on team, or nil) and f,
// which filters by nothing but team, kind and dates: whole UTC months from ledger_months
// (the empty month when there are no dates), the rest of the range from the entries.
func countByMonths(app core.App, scope dbx.Expression, f Filter, loc *time.Location) (int, error) {
	keys, teams := dbx.And(scope, f.keyConds()), dbx.And(scope, f.teamConds())
	from, to := f.instants(loc)
	first, last := monthAtOrAfter(from), monthAtOrBefore(to)
	if !from.IsZero() && !to.IsZero() && !first.Before(last) {
		return countWhere(app, dbx.And(keys, createdIn(from, to)))
	}
	months := dbx.NewExp("month = ''")
	if !from.IsZero() || !to.IsZero() {
		conds := []dbx.Expression{dbx.NewExp("month != ''")}
		if !from.IsZero() {
			conds = append(conds, dbx.NewExp("month >= {:firstMonth}", dbx.Params{"firstMonth": first.Format("2006-01")}))
		}
		if !to.IsZero() {
			conds = append(conds, dbx.NewExp("month < {:lastMonth}", dbx.Params{"lastMonth": last.Format("2006-01")}))
		}
		months = dbx.And(conds...)
	}
	var n int
	if err := app.DB().Select("COALESCE(SUM(" + f.countColumn() + "), 0)").From("ledger_months").Where(dbx.And(teams, months)).Row(&n); err != nil {
		return 0, err
	}
	for _, edge := range [][2]time.Time{{from, first}, {last, to}} {
		if edge[0].IsZero() || edge[1].IsZero() || !edge[0].Before(edge[1]) {
			continue
		}
		m, err := countWhere(app, dbx.And(keys, createdIn(edge[0], edge[1])))
		if err != nil {
			return 0, err
		}
		n += m
	}
	return n, nil
}

// countWhere is COUNT(*) of the entries matching cond.
func countWhere(app core.App, cond dbx.Expression) (int, error) {
	var n int
	err := app.DB().Select("COUNT(*)").From(Collection).Where(cond).Row(&n)
	return n, err
}

// createdIn is the condition created in [from, to).
func createdIn(from, to time.Time) dbx.Expression {
	return dbx.NewExp("created >= {:edgeFrom} AND created < {:edgeTo}", dbx.Params{"edgeFrom": dbTime(from), "edgeTo": dbTime(to)})
}

// monthAtOrAfter is the first UTC month start at or after t (zero for zero).
func monthAtOrAfter(t time.Time) time.Time {
	m := monthAtOrBefore(t)
	if !m.IsZero() && m.Before(t) {
		m = m.AddDate(0, 1, 0)
	}
	return m
}

// monthAtOrBefore is the last UTC month start at or before t (zero for zero).
func monthAtOrBefore(t time.Time) time.Time {
	if t.IsZero() {
		return t
	}
	t = t.UTC()
	return time.Date(t.Year(), t.Month(), 1, 0, 0, 0, 0, time.UTC)
}
