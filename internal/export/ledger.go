package export

import (
	"time"

	validation "github.com/go-ozzo/ozzo-validation/v4"
	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/core"

	"teamfund/internal/ledger"
	"teamfund/internal/money"
)

// ledgerSource is the ledger page as a file: filters team, user (account), kind, from/to
// and q (email, reason or reference).
var ledgerSource = source{
	sheet: "Ledger",
	columns: []Column{
		{"Date", Time}, {"Email", Text}, {"Team", Text}, {"Kind", Text}, {"Amount", Money},
		{"Balance after", Money}, {"Reason", Text}, {"By", Text}, {"Period", Text}, {"Reference", Text},
	},
	validate: func(f Filter) error {
		return validation.ValidateStruct(&f,
			validation.Field(&f.Kind, validation.In(kindsOf()...).Error("is not a ledger entry kind")),
		)
	},
	query: func(app core.App, f Filter, s Scope, loc *time.Location) *dbx.SelectQuery {
		q := app.DB().Select("l.created", "l.user_email", "t.name AS team_name", "l.kind", "l.amount",
			"l.balance_after", "l.reason", "l.actor_email", "l.period", "l.ref").
			From(ledger.Collection+" l").
			LeftJoin("teams t", dbx.NewExp("t.id = l.team")).
			Where(s.where("l.account", "l.team")).
			AndWhere(teamCond("l.team", f.Team)).
			AndWhere(createdCond("l.created", f, loc)).
			OrderBy("l.created DESC", "l.id DESC")
		if f.User != "" {
			q.AndWhere(dbx.HashExp{"l.account": f.User})
		}
		if f.Kind != "" {
			q.AndWhere(dbx.HashExp{"l.kind": f.Kind})
		}
		if f.Q != "" {
			q.AndWhere(dbx.Or(dbx.Like("l.user_email", f.Q), dbx.Like("l.reason", f.Q), dbx.Like("l.ref", f.Q)))
		}
		return q
	},
	read: func(rows *dbx.Rows, cells []any) error {
		var r struct {
			Created      string  `db:"created"`
			Email        string  `db:"user_email"`
			Team         *string `db:"team_name"`
			Kind         string  `db:"kind"`
			Amount       int64   `db:"amount"`
			BalanceAfter int64   `db:"balance_after"`
			Reason       string  `db:"reason"`
			Actor        string  `db:"actor_email"`
			Period       string  `db:"period"`
			Ref          string  `db:"ref"`
		}
		if err := rows.ScanStruct(&r); err != nil {
			return err
		}
		cells[0], cells[1], cells[2], cells[3] = parseTime(r.Created), r.Email, deref(r.Team), r.Kind
		cells[4], cells[5] = money.Cents(r.Amount), money.Cents(r.BalanceAfter)
		cells[6], cells[7], cells[8], cells[9] = r.Reason, r.Actor, r.Period, r.Ref
		return nil
	},
}

func kindsOf() []any {
	kinds := []ledger.Kind{ledger.KindGrant, ledger.KindMonthly, ledger.KindReturn, ledger.KindAdjust,
		ledger.KindTransferIn, ledger.KindTransferOut, ledger.KindSpend, ledger.KindRefund}
	out := make([]any, len(kinds))
	for i, k := range kinds {
		out[i] = string(k)
	}
	return out
}
