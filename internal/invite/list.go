package invite

import (
	"time"

	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/core"

	"teamfund/internal/access"
	"teamfund/internal/member"
)

// Filter selects invites for the list.
type Filter struct {
	Status  string // one of Statuses, "" = all
	TeamID  string // "" = all the actor may see
	Page    int    // 1-based
	PerPage int
	// Order is the ORDER BY terms, from the caller's allow-list of columns (nil: newest first).
	Order []string
}

// DefaultPerPage is the list's page size.
const DefaultPerPage = 100

// List returns the invites actor may see (admins all, managers their team's), newest
// first, and how many match in total.
func List(app core.App, actor *member.Member, f Filter) ([]*Invite, int, error) {
	if actor == nil || !access.Can(actor, access.ManageInvites, actor.TeamID()) {
		return nil, 0, access.ErrForbidden
	}
	conds := []dbx.Expression{}
	if !actor.Role().IsAdmin() {
		conds = append(conds, dbx.HashExp{"team": actor.TeamID()})
	}
	if f.TeamID != "" {
		conds = append(conds, dbx.HashExp{"team": f.TeamID})
	}
	now := dbx.Params{"now": dbTime(time.Now())}
	switch f.Status {
	case StatusPending:
		conds = append(conds, dbx.NewExp("status = 'pending' AND expires > {:now}", now))
	case StatusExpired:
		conds = append(conds, dbx.NewExp("status = 'pending' AND expires <= {:now}", now))
	case StatusAccepted, StatusRevoked:
		conds = append(conds, dbx.HashExp{"status": f.Status})
	}
	conds = append(conds, dbx.NewExp("1 = 1")) // note: dbx.And of nothing renders invalid SQL
	where := dbx.And(conds...)
	var total int
	if err := app.RecordQuery(Collection).Select("COUNT(*)").AndWhere(where).Row(&total); err != nil {
		return nil, 0, err
	}
	if f.PerPage <= 0 {
		f.PerPage = DefaultPerPage
	}
	f.Page = max(f.Page, 1)
	var recs []*core.Record
	order := f.Order
	if len(order) == 0 {
		order = []string{"created DESC", "id DESC"}
	}
	err := app.RecordQuery(Collection).AndWhere(where).OrderBy(order...).
		Limit(int64(f.PerPage)).Offset(int64((f.Page - 1) * f.PerPage)).All(&recs)
	if err != nil {
		return nil, 0, err
	}
	out := make([]*Invite, len(recs))
	for i, r := range recs {
		out[i] = Wrap(r)
	}
	return out, total, nil
}
