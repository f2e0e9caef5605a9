package export

import (
	"time"

	validation "github.com/go-ozzo/ozzo-validation/v4"
	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/core"

	"teamfund/internal/money"
)

// sendStatuses are the statuses a send can have (the schema's select values).
var sendStatuses = []any{"pending", "sent", "rejected", "cancelled"}

// sendsSource is the Sends page as a file: filters team, status, touch, user (sender),
// from/to and q (recipient name or email, or touch name).
var sendsSource = source{
	sheet: "Sends",
	columns: []Column{
		{"Date", Time}, {"Touch", Text}, {"Sender", Text}, {"Team", Text}, {"Recipient", Text},
		{"Recipient email", Text}, {"Cost", Money}, {"Status", Text}, {"Decided by", Text}, {"Decided at", Time},
	},
	validate: func(f Filter) error {
		return validation.ValidateStruct(&f,
			validation.Field(&f.Status, validation.In(sendStatuses...).Error("must be pending, sent, rejected or cancelled")),
		)
	},
	query: func(app core.App, f Filter, s Scope, loc *time.Location) *dbx.SelectQuery {
		q := app.DB().Select("s.created", "s.touch_name", "s.sender_email", "t.name AS team_name",
			"s.recipient_name", "s.recipient_email", "s.cost", "s.status", "d.email AS decided_by_email", "s.decided_at").
			From("sends s").
			LeftJoin("teams t", dbx.NewExp("t.id = s.team")).
			LeftJoin("users d", dbx.NewExp("d.id = s.decided_by")).
			Where(s.where("s.sender", "s.team")).
			AndWhere(teamCond("s.team", f.Team)).
			AndWhere(createdCond("s.created", f, loc)).
			OrderBy("s.created DESC", "s.id DESC")
		if f.Status != "" {
			q.AndWhere(dbx.HashExp{"s.status": f.Status})
		}
		if f.Touch != "" {
			q.AndWhere(dbx.HashExp{"s.touch": f.Touch})
		}
		if f.User != "" {
			q.AndWhere(dbx.HashExp{"s.sender": f.User})
		}
		if f.Q != "" {
			q.AndWhere(dbx.Or(dbx.Like("s.recipient_name", f.Q), dbx.Like("s.recipient_email", f.Q), dbx.Like("s.touch_name", f.Q)))
		}
		return q
	},
	read: func(rows *dbx.Rows, cells []any) error {
		var r struct {
			Created        string  `db:"created"`
			Touch          string  `db:"touch_name"`
			Sender         string  `db:"sender_email"`
			Team           *string `db:"team_name"`
			RecipientName  string  `db:"recipient_name"`
			RecipientEmail string  `db:"recipient_email"`
			Cost           int64   `db:"cost"`
			Status         string  `db:"status"`
			DecidedBy      *string `db:"decided_by_email"`
			DecidedAt      string  `db:"decided_at"`
		}
		if err := rows.ScanStruct(&r); err != nil {
			return err
		}
		cells[0], cells[1], cells[2], cells[3] = parseTime(r.Created), r.Touch, r.Sender, deref(r.Team)
		cells[4], cells[5], cells[6], cells[7] = r.RecipientName, r.RecipientEmail, money.Cents(r.Cost), r.Status
		cells[8], cells[9] = deref(r.DecidedBy), parseTime(r.DecidedAt)
		return nil
	},
}
