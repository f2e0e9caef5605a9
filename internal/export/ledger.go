package export

import (
	"net/url"
	"time"

	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/core"

	"teamfund/internal/ledger"
	"teamfund/internal/member"
	"teamfund/internal/money"
)

// ledgerSource is the ledger page as a file: ledger.ParseFilter reads the page's filters
// (member, team, kind, from, to) and ledger.Query applies them and the viewer's visibility,
// in the page's order.
var ledgerSource = source{
	sheet:  "Ledger",
	params: []string{"member", "team", "kind", "from", "to"},
	columns: []Column{
		{"Date", Time}, {"Email", Text}, {"Team", Text}, {"Kind", Text}, {"Amount", Money},
		{"Balance after", Money}, {"Reason", Text}, {"By", Text}, {"Period", Text}, {"Reference", Text},
	},
	query: func(app core.App, viewer *member.Member, q url.Values, loc *time.Location) (*dbx.SelectQuery, error) {
		f, err := ledger.ParseFilter(q)
		if err != nil {
			return nil, err
		}
		return ledger.Query(app, viewer, f, loc).From(walkNewestFirst(ledger.Collection, "idx_ledger_created")), nil
	},
	reader: func(app core.App) (readFunc, error) {
		// Team names by id: a few dozen rows read once, instead of a join (ledger rows keep
		// the team id even after the team is deleted; its name is then empty).
		names, err := teamNames(app)
		if err != nil {
			return nil, err
		}
		return func(rows *dbx.Rows, cells []any) error {
			var r ledger.Row
			if err := rows.ScanStruct(&r); err != nil {
				return err
			}
			cells[0], cells[1], cells[2], cells[3] = r.Created.Time(), r.UserEmail, names[r.Team], r.Kind
			cells[4], cells[5] = money.Cents(r.Amount), money.Cents(r.BalanceAfter)
			cells[6], cells[7], cells[8], cells[9] = r.Reason, r.ActorEmail, r.Period, r.Ref
			return nil
		}, nil
	},
}

// teamNames maps every team id to its name.
func teamNames(app core.App) (map[string]string, error) {
	var rows []struct {
		ID   string `db:"id"`
		Name string `db:"name"`
	}
	if err := app.DB().Select("id", "name").From("teams").All(&rows); err != nil {
		return nil, err
	}
	out := make(map[string]string, len(rows))
	for _, r := range rows {
		out[r.ID] = r.Name
	}
	return out, nil
}
