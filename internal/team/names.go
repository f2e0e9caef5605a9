package team

import (
	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/core"

	"teamfund/internal/member"
)

// Names returns the teams viewer may see (admins all, everyone else only their own), by
// name, with only ID and Name filled: for team pickers. List also counts the members and
// sums their balances, which reads every user row — at 10,000 users that was most of the
// Users page's time, for a dropdown that shows names.
func Names(app core.App, viewer *member.Member) ([]Summary, error) {
	q := app.DB().Select("t.id", "t.name").From(Collection + " t").OrderBy("lower(t.name)")
	if viewer == nil || !viewer.Role().IsAdmin() {
		id := ""
		if viewer != nil {
			id = viewer.TeamID()
		}
		q = q.Where(dbx.NewExp("t.id = {:own} AND t.id != ''", dbx.Params{"own": id}))
	}
	out := []Summary{}
	err := q.All(&out)
	return out, err
}
