package export

import (
	"net/url"
	"strings"
	"time"

	validation "github.com/go-ozzo/ozzo-validation/v4"
	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/core"

	"teamfund/internal/ledger"
	"teamfund/internal/member"
	"teamfund/internal/money"
)

// ledgerSource is the ledger page as a file. Query parameters: team, member (account id),
// kind, from, to (days in the company zone) and q (email, reason or reference contains).
var ledgerSource = source{
	sheet:  "Ledger",
	params: []string{"team", "member", "kind", "from", "to", "q"},
	columns: []Column{
		{"Date", Time}, {"Email", Text}, {"Team", Text}, {"Kind", Text}, {"Amount", Money},
		{"Balance after", Money}, {"Reason", Text}, {"By", Text}, {"Period", Text}, {"Reference", Text},
	},
	query: func(app core.App, viewer *member.Member, q url.Values, loc *time.Location) (*dbx.SelectQuery, error) {
		f, err := parseLedgerFilter(q)
		if err != nil {
			return nil, err
		}
		return app.DB().Select("l.created", "l.user_email", "COALESCE(t.name, '') AS team_name", "l.kind", "l.amount",
			"l.balance_after", "l.reason", "l.actor_email", "l.period", "l.ref").
			From(walkNewestFirst(ledger.Collection, "l", "idx_ledger_created")).
			LeftJoin("teams t", dbx.NewExp("t.id = l.team")).
			Where(orAll(allOf(ledgerVisible(viewer), f.where(loc)))).
			OrderBy("l.created DESC", "l.id DESC"), nil
	},
	read: func(rows *dbx.Rows, cells []any) error {
		var r struct {
			Created      string `db:"created"`
			Email        string `db:"user_email"`
			Team         string `db:"team_name"`
			Kind         string `db:"kind"`
			Amount       int64  `db:"amount"`
			BalanceAfter int64  `db:"balance_after"`
			Reason       string `db:"reason"`
			Actor        string `db:"actor_email"`
			Period       string `db:"period"`
			Ref          string `db:"ref"`
		}
		if err := rows.ScanStruct(&r); err != nil {
			return err
		}
		cells[0], cells[1], cells[2], cells[3] = parseTime(r.Created), r.Email, r.Team, r.Kind
		cells[4], cells[5] = money.Cents(r.Amount), money.Cents(r.BalanceAfter)
		cells[6], cells[7], cells[8], cells[9] = r.Reason, r.Actor, r.Period, r.Ref
		return nil
	},
}

// ledgerVisible mirrors the ledger_entries API rule: admins see every entry; others their
// own, plus their team's when they see team records (managers, members with "team").
func ledgerVisible(viewer *member.Member) dbx.Expression {
	if viewer == nil || !viewer.Active() {
		return dbx.NewExp("1 = 0")
	}
	if viewer.Role().IsAdmin() {
		return nil
	}
	own := dbx.HashExp{"l.account": viewer.Id}
	if viewer.SeesTeamRecords() && viewer.TeamID() != "" {
		return dbx.Or(own, dbx.HashExp{"l.team": viewer.TeamID()})
	}
	return own
}

// ledgerFilter is the ledger page's filter.
type ledgerFilter struct {
	Team, Member, Kind, From, To, Q string
}

func parseLedgerFilter(q url.Values) (ledgerFilter, error) {
	get := func(k string) string { return strings.TrimSpace(q.Get(k)) }
	f := ledgerFilter{Team: get("team"), Member: get("member"), Kind: get("kind"), From: get("from"), To: get("to"), Q: get("q")}
	return f, validation.Errors{
		"kind": validation.Validate(f.Kind, validation.In(kinds()...).Error("is not a ledger entry kind")),
		"from": validation.Validate(f.From, isDate),
		"to":   validation.Validate(f.To, isDate),
	}.Filter()
}

func (f ledgerFilter) where(loc *time.Location) dbx.Expression {
	conds := []dbx.Expression{dayRange("l.created", f.From, f.To, loc)}
	if f.Team != "" {
		conds = append(conds, dbx.HashExp{"l.team": f.Team})
	}
	if f.Member != "" {
		conds = append(conds, dbx.HashExp{"l.account": f.Member})
	}
	if f.Kind != "" {
		conds = append(conds, dbx.HashExp{"l.kind": f.Kind})
	}
	if f.Q != "" {
		conds = append(conds, dbx.Or(dbx.Like("l.user_email", f.Q), dbx.Like("l.reason", f.Q), dbx.Like("l.ref", f.Q)))
	}
	return allOf(conds...)
}

func kinds() []any {
	all := []ledger.Kind{ledger.KindGrant, ledger.KindMonthly, ledger.KindReturn, ledger.KindAdjust,
		ledger.KindTransferIn, ledger.KindTransferOut, ledger.KindSpend, ledger.KindRefund}
	out := make([]any, len(all))
	for i, k := range all {
		out[i] = string(k)
	}
	return out
}
