package export

import (
	"net/url"
	"strings"
	"time"

	validation "github.com/go-ozzo/ozzo-validation/v4"
	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/core"

	"teamfund/internal/member"
	"teamfund/internal/money"
)

// sendsSource is the Sends page as a file. Query parameters: status, team, member (sender
// id), from, to (days in the company zone).
var sendsSource = source{
	sheet:  "Sends",
	params: []string{"status", "team", "member", "from", "to"},
	columns: []Column{
		{"Date", Time}, {"Touch", Text}, {"Sender", Text}, {"Team", Text}, {"Recipient", Text},
		{"Recipient email", Text}, {"Cost", Money}, {"Status", Text}, {"Decided by", Text}, {"Decided at", Time},
	},
	query: func(app core.App, viewer *member.Member, q url.Values, loc *time.Location) (*dbx.SelectQuery, error) {
		f, err := parseSendsFilter(q)
		if err != nil {
			return nil, err
		}
		return app.DB().Select("sends.created", "sends.touch_name", "sends.sender_email", "COALESCE(t.name, '') AS team_name",
			"sends.recipient_name", "sends.recipient_email", "sends.cost", "sends.status",
			"COALESCE(d.email, '') AS decided_by_email", "sends.decided_at").
			From("sends").
			LeftJoin("teams t", dbx.NewExp("t.id = sends.team")).
			LeftJoin("users d", dbx.NewExp("d.id = sends.decided_by")).
			Where(orAll(allOf(sendsVisible(viewer), f.where(loc)))).
			OrderBy("sends.created DESC", "sends.id DESC"), nil
	},
	read: func(rows *dbx.Rows, cells []any) error {
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
		}
		if err := rows.ScanStruct(&r); err != nil {
			return err
		}
		cells[0], cells[1], cells[2], cells[3] = parseTime(r.Created), r.Touch, r.Sender, r.Team
		cells[4], cells[5], cells[6], cells[7] = r.RecipientName, r.RecipientEmail, money.Cents(r.Cost), r.Status
		cells[8], cells[9] = r.DecidedBy, parseTime(r.DecidedAt)
		return nil
	},
}

// sendsVisible mirrors the sends API rule: admins everything; others the sends they sent,
// plus their team's when they see team records.
func sendsVisible(viewer *member.Member) dbx.Expression {
	if viewer == nil || !viewer.Active() {
		return dbx.NewExp("1 = 0")
	}
	if viewer.Role().IsAdmin() {
		return nil
	}
	own := dbx.HashExp{"sends.sender": viewer.Id}
	if viewer.SeesTeamRecords() && viewer.TeamID() != "" {
		return dbx.Or(own, dbx.HashExp{"sends.team": viewer.TeamID()})
	}
	return own
}

// sendsFilter is the Sends page's filter.
type sendsFilter struct {
	Status, Team, Member, From, To string
}

var sendStatuses = []any{"pending", "sent", "rejected", "cancelled"}

func parseSendsFilter(q url.Values) (sendsFilter, error) {
	get := func(k string) string { return strings.TrimSpace(q.Get(k)) }
	f := sendsFilter{Status: get("status"), Team: get("team"), Member: get("member"), From: get("from"), To: get("to")}
	return f, validation.Errors{
		"status": validation.Validate(f.Status, validation.In(sendStatuses...).Error("must be pending, sent, rejected or cancelled")),
		"from":   validation.Validate(f.From, isDate),
		"to":     validation.Validate(f.To, isDate),
	}.Filter()
}

func (f sendsFilter) where(loc *time.Location) dbx.Expression {
	conds := []dbx.Expression{dayRange("sends.created", f.From, f.To, loc)}
	if f.Status != "" {
		conds = append(conds, dbx.HashExp{"sends.status": f.Status})
	}
	if f.Team != "" {
		conds = append(conds, dbx.HashExp{"sends.team": f.Team})
	}
	if f.Member != "" {
		conds = append(conds, dbx.HashExp{"sends.sender": f.Member})
	}
	return allOf(conds...)
}
