package ledger

import (
	"database/sql"
	"errors"
	"fmt"
	"math"
	"strconv"
	"strings"

	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tools/types"

	"teamfund/internal/member"
	"teamfund/internal/money"
	"teamfund/internal/realtime"
	"teamfund/internal/stmt"
)

// Kind says why a balance changed.
type Kind string

// Ledger entry kinds. Grants, monthly allocations, adjustments and returns have the company
// as counterparty; transfers move money between two members; spends leave the system and
// refunds bring a spend back.
const (
	KindGrant       Kind = "grant"
	KindMonthly     Kind = "monthly"
	KindReturn      Kind = "return"
	KindAdjust      Kind = "adjust"
	KindTransferIn  Kind = "transfer_in"
	KindTransferOut Kind = "transfer_out"
	KindSpend       Kind = "spend"
	KindRefund      Kind = "refund"
)

// CompanyKinds are the kinds whose counterparty is the company account.
var CompanyKinds = []Kind{KindGrant, KindMonthly, KindReturn, KindAdjust}

// Errors a user can act on.
var (
	ErrInsufficientFunds = errors.New("insufficient funds: the balance is too low for this amount")
	ErrUnknownAccount    = errors.New("no such user")
	ErrZeroAmount        = errors.New("the amount must not be zero")
	ErrBalanceTooHigh    = errors.New("this would take the balance above the largest balance allowed, 100,000,000,000.00")
)

// capped says which credits stop at money.MaxBalance. Refunds and returns are not capped,
// so giving back held money never fails; they can exceed the cap by at most what was held.
func capped(k Kind) bool {
	return k == KindGrant || k == KindMonthly || k == KindTransferIn || k == KindAdjust
}

// Entry is one balance change to post.
type Entry struct {
	Account string      // user id
	Amount  money.Cents // signed: positive credits, negative debits
	Kind    Kind
	Reason  string
	Actor   *member.Member // nil for the system (monthly cron)
	Period  string         // YYYY-MM for monthly allocations
	Ref     string         // e.g. "send:<id>", "request:<id>", "transfer:<id>"
	// AllowZero lets a monthly reset post a zero entry (it still marks the month as done).
	AllowZero bool
	// Team books the entry on this team instead of the account's team now: a refund of
	// money held on the team the member sent from, after they moved (send.refund).
	Team string
}

// Posted is the result of Post.
type Posted struct {
	ID           string
	BalanceAfter money.Cents
	Team         string // the team the entry is booked on
	AccountTeam  string // the account's team when the entry was written
}

// debitSQL changes a balance (?1 signed amount, ?2 account) unless it would go below zero
// or a credit would take it above ?3.
const debitSQL = `UPDATE users SET balance = balance + ?1 WHERE id = ?2 AND balance + ?1 >= 0
	AND (?1 <= 0 OR balance + ?1 <= ?3) RETURNING balance, email, team`

// insertEntrySQL writes one ledger entry (Post).
const insertEntrySQL = `INSERT INTO ledger_entries (id, account, user_email, team, amount, kind, reason, period, ref,
	balance_after, actor, actor_email, created) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13)`

// Post changes one balance: a guarded UPDATE that never lets the balance go below zero
// (no read-check-write race), then the append-only entry with the balance after, both in
// one transaction (Post joins the caller's transaction when app is a txApp).
func Post(app core.App, e Entry) (Posted, error) {
	if e.Amount == 0 && !e.AllowZero {
		return Posted{}, ErrZeroAmount
	}
	limit := int64(math.MaxInt64)
	if capped(e.Kind) {
		limit = int64(money.MaxBalance)
	}
	var out Posted
	err := app.RunInTransaction(func(tx core.App) error {
		// One statement changes the balance and returns what the entry records, so the
		// writer runs no extra SELECT (SQLite >= 3.35 RETURNING).
		var acct struct {
			Balance     int64
			Email, Team string
		}
		err := stmt.QueryRow(tx, debitSQL, []any{int64(e.Amount), e.Account, limit}, &acct.Balance, &acct.Email, &acct.Team)
		if errors.Is(err, sql.ErrNoRows) {
			if _, err := tx.FindRecordById(member.Collection, e.Account); err != nil {
				return ErrUnknownAccount
			}
			if e.Amount > 0 {
				return ErrBalanceTooHigh
			}
			return ErrInsufficientFunds
		}
		if err != nil {
			return err
		}
		team := acct.Team
		if e.Team != "" {
			team = e.Team
		}
		actor, actorEmail := "", ""
		if e.Actor != nil {
			actor, actorEmail = e.Actor.Id, e.Actor.Email()
		}
		id := core.GenerateDefaultRandomId()
		if _, err := stmt.Exec(tx, insertEntrySQL, id, e.Account, acct.Email, team, int64(e.Amount), string(e.Kind),
			e.Reason, e.Period, e.Ref, acct.Balance, actor, actorEmail, types.NowDateTime().String()); err != nil {
			return fmt.Errorf("writing ledger entry: %w", err)
		}
		// Written with a statement prepared once, not a record save (which prepares its
		// INSERT anew, so SQLite compiled the rollup triggers for every entry): tell the
		// pages and the records-API subscribers after the commit, as the save's hooks did.
		realtime.Announce(tx, core.ModelEventTypeCreate, Collection, id)
		realtime.BalanceWritten(tx, e.Account)
		out = Posted{ID: id, BalanceAfter: money.Cents(acct.Balance), Team: team, AccountTeam: acct.Team}
		return nil
	})
	return out, err
}

// Mismatch is a user whose cached balance differs from the sum of their entries, or (Totals)
// a running total of ledger_totals, ledger_months or ledger_quarters that differs from the
// sum of the entries it counts, or a count of ledger_months that differs from the number of
// entries.
type Mismatch struct {
	UserID  string `db:"id"`
	Balance int64  `db:"balance"` // the cached balance, or the running total
	Sum     int64  `db:"total"`
	Totals  bool   `db:"totals"`
}

// Reconcile lists users whose balance is not the sum of their ledger entries, or negative,
// and the rollups kept by triggers (migrations 1796617451, 1796630000) that do not match the
// entries: running totals per team, account and kind (ledger_totals), per UTC month, team and
// kind with the entry count (ledger_months; UserID is then the team, Balance the kept total
// or count, Sum the entries'), per quarter hour near month starts (ledger_quarters) and the
// members, total and last payment per budget period (ledger_periods; UserID is the period), and
// the debit, status and decision of every send that waited for approval (ledger_holds; UserID
// is the send, Balance and Sum how often the table and the join hold that row), and the
// spends and refunds per UTC month and account (ledger_spent). An
// empty result is the ledger's main invariant; every money test that checks it checks the
// rollups too.
func Reconcile(app core.App) ([]Mismatch, error) {
	var out []Mismatch
	err := app.DB().NewQuery(`
		SELECT u.id AS id, u.balance AS balance, COALESCE(l.total, 0) AS total, 0 AS totals
		FROM users u LEFT JOIN (SELECT account, SUM(amount) AS total FROM ledger_entries GROUP BY account) l
		ON l.account = u.id
		WHERE u.balance != COALESCE(l.total, 0) OR u.balance < 0
		UNION ALL
		SELECT account AS id, SUM(kept) AS balance, SUM(summed) AS total, 1 AS totals FROM (
			SELECT team, account, kind, total AS kept, 0 AS summed FROM ledger_totals
			UNION ALL SELECT team, account, kind, 0, amount FROM ledger_entries)
		GROUP BY team, account, kind HAVING SUM(kept) != SUM(summed)
		UNION ALL
		` + monthsMismatchSQL() + `
		UNION ALL
		SELECT team AS id, SUM(kept) AS balance, SUM(summed) AS total, 1 AS totals FROM (
			SELECT quarter, team, kind, total AS kept, 0 AS summed FROM ledger_quarters
			UNION ALL SELECT ` + quarterOf + `, team, kind, 0, amount FROM ledger_entries
			WHERE substr(created, 9, 2) IN ('01', '28', '29', '30', '31'))
		GROUP BY quarter, team, kind HAVING SUM(kept) != SUM(summed)
		UNION ALL
		SELECT period AS id, SUM(kept) AS balance, SUM(summed) AS total, 1 AS totals FROM (
			SELECT period, n AS kept, 0 AS summed, total AS kept_total, 0 AS summed_total, last AS kept_last, '' AS summed_last FROM ledger_periods
			UNION ALL SELECT period, 0, 1, 0, amount, '', created FROM ledger_entries WHERE kind = 'monthly')
		GROUP BY period HAVING SUM(kept) != SUM(summed) OR SUM(kept_total) != SUM(summed_total) OR MAX(kept_last) != MAX(summed_last)
		UNION ALL
		SELECT send AS id, SUM(kept) AS balance, SUM(summed) AS total, 1 AS totals FROM (
			SELECT send, account, team, amount, debited, status, decided_at, 1 AS kept, 0 AS summed FROM ledger_holds
			UNION ALL SELECT *, 0, 1 FROM (` + HoldsSQL + `))
		GROUP BY send, account, team, amount, debited, status, decided_at HAVING SUM(kept) != SUM(summed)
		UNION ALL
		SELECT account AS id, SUM(kept) AS balance, SUM(summed) AS total, 1 AS totals FROM (
			SELECT month, account, total AS kept, 0 AS summed FROM ledger_spent
			UNION ALL SELECT substr(created, 1, 7), account, 0, amount FROM ledger_entries WHERE kind = 'spend' OR kind = 'refund')
		GROUP BY month, account HAVING SUM(kept) != SUM(summed)`).All(&out)
	return out, err
}

// HoldsSQL is what ledger_holds holds (migration 1796630003): each send that waits or was
// decided, with its debit as the ledger booked it.
const HoldsSQL = `SELECT s.id AS send, l.account, l.team, l.amount, l.created AS debited, s.status, s.decided_at
	FROM sends s JOIN ledger_entries l ON l.ref = 'send:' || s.id AND l.kind = 'spend'
	WHERE s.status = 'pending' OR s.decided_at != ''`

// monthsMismatchSQL compares each column of ledger_months (the total and count of every
// kind, and of all) with the entries of its UTC month (or all time) and team; Balance and
// Sum are the first column that differs.
func monthsMismatchSQL() string {
	cols := []string{"total", "n"}
	entry := []string{"amount", "1"}
	for _, k := range Kinds {
		cols = append(cols, "t_"+string(k), "n_"+string(k))
		entry = append(entry, "iif(kind = '"+string(k)+"', amount, 0)", "(kind = '"+string(k)+"')")
	}
	var kept, sNames, summed, zeros, differ, balance, total []string
	for i, c := range cols {
		k, s := "k"+strconv.Itoa(i), "s"+strconv.Itoa(i)
		kept, sNames = append(kept, c+" AS "+k), append(sNames, "0 AS "+s)
		zeros, summed = append(zeros, "0"), append(summed, entry[i])
		d := "SUM(" + k + ") != SUM(" + s + ")"
		differ = append(differ, d)
		balance = append(balance, "WHEN "+d+" THEN SUM("+k+")")
		total = append(total, "WHEN "+d+" THEN SUM("+s+")")
	}
	fromEntries := func(month string) string {
		return "SELECT " + month + ", team, " + strings.Join(zeros, ", ") + ", " + strings.Join(summed, ", ") + " FROM ledger_entries"
	}
	return `SELECT team AS id, CASE ` + strings.Join(balance, " ") + ` END AS balance, CASE ` + strings.Join(total, " ") + ` END AS total, 1 AS totals FROM (
			SELECT month, team, ` + strings.Join(kept, ", ") + `, ` + strings.Join(sNames, ", ") + ` FROM ledger_months
			UNION ALL ` + fromEntries("substr(created, 1, 7)") + `
			UNION ALL ` + fromEntries("''") + `)
		GROUP BY month, team HAVING ` + strings.Join(differ, " OR ")
}

// quarterOf is the quarter hour of an entry's created as ledger_quarters keys it.
const quarterOf = `substr(created, 1, 14) || CASE WHEN substr(created, 15, 2) < '15' THEN '00'
	WHEN substr(created, 15, 2) < '30' THEN '15' WHEN substr(created, 15, 2) < '45' THEN '30' ELSE '45' END`

// CompanyBalance is the company account's balance in the ledger: minus the sum of every
// entry whose counterparty is the company, so usually negative. Pages never show it; they
// show CompanyHandedOut.
func CompanyBalance(app core.App) (money.Cents, error) {
	handed, err := CompanyHandedOut(app)
	return -handed, err
}

// CompanyHandedOut is what the company has handed out to members, net of what came back
// to it (returns, negative adjustments): the positive figure the pages show for funding.
func CompanyHandedOut(app core.App) (money.Cents, error) {
	var row struct {
		Total int64 `db:"total"`
	}
	// The all-time running totals per team and kind (month '' of ledger_months, kept by
	// triggers in every ledger write's transaction) instead of every entry of the ledger.
	err := app.DB().NewQuery(`SELECT COALESCE(SUM(t_grant + t_monthly + t_return + t_adjust), 0) AS total FROM ledger_months
		WHERE month = ''`).One(&row)
	return money.Cents(row.Total), err
}
