package export

import (
	"net/url"
	"time"

	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/core"

	"teamfund/internal/member"
	"teamfund/internal/money"
	"teamfund/internal/send"
)

// sendsSource is the Sends page as a file (its Reference is the ref of the send's ledger
// entries, so the two files join in a spreadsheet): send.ParseFilter reads the page's filters
// (status, team, member, from, to) and send.Query applies them and the viewer's
// visibility, in the page's order; the export only joins in the team name and the
// approver's email.
var sendsSource = source{
	sheet:  "Sends",
	params: []string{"status", "team", "member", "from", "to"},
	columns: []Column{
		{"Date", Time}, {"Touch", Text}, {"Sender", Text}, {"Team", Text}, {"Recipient", Text},
		{"Recipient email", Text}, {"Cost", Money}, {"Status", Text}, {"Decided by", Text}, {"Decided at", Time},
		{"Reference", Text},
	},
	query: func(app core.App, viewer *member.Member, q url.Values, loc *time.Location) (*dbx.SelectQuery, error) {
		f, err := send.ParseFilter(q)
		if err != nil {
			return nil, err
		}
		return send.Query(app, viewer, f, loc).
			From(walkNewestFirst(send.Collection, "idx_sends_created")).
			AndSelect("COALESCE(t.name, '') AS team_name", "COALESCE(d.email, '') AS decided_by_email").
			LeftJoin("teams t", dbx.NewExp("t.id = sends.team")).
			LeftJoin(member.Collection+" d", dbx.NewExp("d.id = sends.decided_by")), nil
	},
	reader: func(core.App) (readFunc, error) { return readSend, nil },
}

func readSend(rows *dbx.Rows, cells []any) error {
	var r struct {
		Created        string `db:"created"`
		Touch          string `db:"touch_name"`
		Sender         string `db:"sender_email"`
		Team           string `db:"team_name"`
		RecipientName  string `db:"recipient_name"`
		RecipientEmail string `db:"recipient_email"`
		Cost           int64  `db:"cost"`
		Status         string `db:"status"`
		DecidedBy      string `db:"decided_by_email"`
		DecidedAt      string `db:"decided_at"`
		ID             string `db:"id"`
	}
	if err := rows.ScanStruct(&r); err != nil {
		return err
	}
	cells[0], cells[1], cells[2], cells[3] = parseTime(r.Created), r.Touch, r.Sender, r.Team
	cells[4], cells[5], cells[6], cells[7] = r.RecipientName, r.RecipientEmail, money.Cents(r.Cost), r.Status
	cells[8], cells[9], cells[10] = r.DecidedBy, parseTime(r.DecidedAt), send.Ref(r.ID)
	return nil
}
