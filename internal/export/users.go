package export

import (
	"net/url"
	"time"

	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/core"

	"teamfund/internal/member"
	"teamfund/internal/money"
)

// usersSource is the Users page as a file: member.ParseListFilter reads the page's filters
// (team, role, status, q) and member.Query applies them and the viewer's visibility, so
// the file holds exactly the rows of the list, on every page, in the same order.
var usersSource = source{
	sheet:  "Users",
	params: []string{"team", "role", "status", "q"},
	columns: []Column{
		{"Email", Text}, {"Name", Text}, {"Role", Text}, {"Status", Text}, {"Team", Text},
		{"Balance", Money}, {"May export", Text}, {"Record visibility", Text}, {"Created", Time},
	},
	query: func(app core.App, viewer *member.Member, q url.Values, _ *time.Location) (*dbx.SelectQuery, error) {
		return member.Query(app, viewer, member.ParseListFilter(q)), nil
	},
	reader: func(core.App) (readFunc, error) { return readUser, nil },
}

func readUser(rows *dbx.Rows, cells []any) error {
	var r member.Row
	if err := rows.ScanStruct(&r); err != nil {
		return err
	}
	cells[0], cells[1], cells[2], cells[3] = r.Email, r.Name, r.RoleLabel(), r.Status
	cells[4], cells[5], cells[6] = r.TeamName, money.Cents(r.Balance), yesNo(r.MayExport)
	cells[7], cells[8] = r.RecordVisibility, parseTime(r.Created)
	return nil
}

func yesNo(b bool) string {
	if b {
		return "yes"
	}
	return "no"
}
