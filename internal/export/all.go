package export

import (
	"archive/zip"
	"context"
	"database/sql"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/core"

	"teamfund/internal/audit"
	"teamfund/internal/company"
	"teamfund/internal/member"
	"teamfund/internal/money"
)

// table is one kind of record in the download of everything: a CSV file, a sheet of the
// workbook and a paragraph of README.txt. query selects exactly the columns, in order, with
// one SQL type per kind: TEXT for Text and Time (as PocketBase stores dates), INTEGER for
// Money (minor units) and Number.
//
// note: the columns are listed, never `SELECT *`: a field added later (a token, a secret)
// stays out of the download until someone adds it here on purpose. Every query walks a
// table or an index in its order (rowid is the order rows were added): an ORDER BY that
// needs a sort would hold every row in memory (temp_store=MEMORY) before the first is
// written.
type table struct {
	file    string // file name without extension; also the sheet's name
	sheet   string
	about   string
	columns []Column
	query   string
}

// everything is what the download of everything holds, in the order of the files.
var everything = []table{
	{"company", "Company", "The company settings: name, currency, time zone, seat limit, invite validity, domain rule.",
		[]Column{{"Name", Text}, {"Currency", Text}, {"Time zone", Text}, {"Seat limit", Number},
			{"Invite validity (hours)", Number}, {"Domain rule", Text}, {"Domain", Text}, {"Set up", Time}, {"Updated", Time}},
		`SELECT name, currency, timezone, seat_limit, invite_ttl_hours, ` + yesNoSQL("domain_rule") + `, domain, created, updated
		FROM company ORDER BY rowid`},
	{"users", "Users", "Every user: email, name, role, status, team, balance, data permissions. No passwords.",
		[]Column{{"ID", Text}, {"Email", Text}, {"Name", Text}, {"Role", Text}, {"Status", Text}, {"Team ID", Text},
			{"Team", Text}, {"Balance", Money}, {"May export", Text}, {"Record visibility", Text}, {"Phone", Text},
			{"Created", Time}, {"Updated", Time}},
		`SELECT u.id, u.email, u.name, u.role, u.status, u.team, COALESCE(t.name, ''), u.balance, ` + yesNoSQL("u.may_export") + `,
			u.record_visibility, u.phone, u.created, u.updated
		FROM users u LEFT JOIN teams t ON t.id = u.team ORDER BY u.rowid`},
	{"teams", "Teams", "Every team with its budget settings (amounts in the company currency; 0 means none).",
		[]Column{{"ID", Text}, {"Name", Text}, {"Description", Text}, {"Budget mode", Text}, {"Monthly limit", Money},
			{"Month start rule", Text}, {"Rollover cap", Money}, {"Max per send", Money}, {"Approval threshold", Money},
			{"Leaving needs approval", Text}, {"Created", Time}, {"Updated", Time}},
		`SELECT id, name, description, budget_mode, monthly_limit, month_rule, rollover_cap, max_per_send, approval_threshold,
			` + yesNoSQL("leave_needs_approval") + `, created, updated
		FROM teams ORDER BY name COLLATE NOCASE, id`},
	{"invites", "Invites", "Every invitation by email and its status. The link tokens are not included.",
		[]Column{{"ID", Text}, {"Email", Text}, {"Name", Text}, {"Role", Text}, {"Team ID", Text}, {"Team", Text},
			{"Status", Text}, {"Expires", Time}, {"Invited by", Text}, {"Accepted by user ID", Text}, {"Last sent", Time},
			{"Created", Time}, {"Updated", Time}},
		`SELECT i.id, i.email, i.name, i.role, i.team, COALESCE(t.name, ''), i.status, i.expires, COALESCE(u.email, ''),
			i.accepted_user, i.sent_at, i.created, i.updated
		FROM invites i LEFT JOIN teams t ON t.id = i.team LEFT JOIN users u ON u.id = i.invited_by ORDER BY i.rowid`},
	{"invite_keys", "Invite keys", "Every team join link (invite key): team, expiry, uses. The keys themselves are not included.",
		[]Column{{"ID", Text}, {"Team ID", Text}, {"Team", Text}, {"Expires", Time}, {"Revoked", Text}, {"Uses", Number},
			{"Created by", Text}, {"Created", Time}},
		`SELECT l.id, l.team, COALESCE(t.name, ''), l.expires, ` + yesNoSQL("l.revoked") + `, l.uses, COALESCE(u.email, ''), l.created
		FROM invite_links l LEFT JOIN teams t ON t.id = l.team LEFT JOIN users u ON u.id = l.created_by ORDER BY l.rowid`},
	{"touches", "Touches", "Every touch (gift or outreach campaign): cost, status, inventory, dates.",
		[]Column{{"ID", Text}, {"Name", Text}, {"Description", Text}, {"Cost", Money}, {"Status", Text},
			{"Tracks inventory", Text}, {"Inventory", Number}, {"Starts", Time}, {"Ends", Time}, {"Created", Time}, {"Updated", Time}},
		`SELECT id, name, description, cost, status, ` + yesNoSQL("track_inventory") + `, inventory, starts_at, ends_at, created, updated
		FROM touches ORDER BY rowid`},
	{"touch_assignments", "Touch assignments", "Which teams each touch is assigned to: one row per touch and team.",
		[]Column{{"Touch ID", Text}, {"Touch", Text}, {"Team ID", Text}, {"Team", Text}},
		`SELECT t.id, t.name, j.value, COALESCE(tm.name, '')
		FROM touches t JOIN json_each(CASE WHEN json_valid(t.teams) THEN t.teams ELSE '[]' END) j
		LEFT JOIN teams tm ON tm.id = j.value ORDER BY t.rowid, j.key`},
	{"sends", "Sends", "Every send of a touch to a recipient: who sent it, cost, status, who decided.",
		[]Column{{"ID", Text}, {"Created", Time}, {"Touch ID", Text}, {"Touch", Text}, {"Sender ID", Text}, {"Sender", Text},
			{"Team ID", Text}, {"Team", Text}, {"Recipient name", Text}, {"Recipient email", Text}, {"Cost", Money},
			{"Status", Text}, {"Decided by", Text}, {"Decided", Time}},
		`SELECT s.id, s.created, s.touch, s.touch_name, s.sender, s.sender_email, s.team, COALESCE(t.name, ''),
			s.recipient_name, s.recipient_email, s.cost, s.status, COALESCE(u.email, ''), s.decided_at
		FROM sends s LEFT JOIN teams t ON t.id = s.team LEFT JOIN users u ON u.id = s.decided_by ORDER BY s.created, s.id`},
	{"ledger", "Ledger", "Every balance change, oldest first: the account (a user id, or \"company\"), amount, balance after, kind, reason, who did it. A user's balance is the sum of their rows.",
		[]Column{{"ID", Text}, {"Date", Time}, {"Account", Text}, {"Email", Text}, {"Team ID", Text}, {"Team", Text},
			{"Kind", Text}, {"Amount", Money}, {"Balance after", Money}, {"Reason", Text}, {"By", Text}, {"Period", Text},
			{"Reference", Text}},
		`SELECT l.id, l.created, l.account, l.user_email, l.team, COALESCE(t.name, ''), l.kind, l.amount, l.balance_after,
			l.reason, l.actor_email, l.period, l.ref
		FROM ledger_entries l LEFT JOIN teams t ON t.id = l.team ORDER BY l.created, l.id`},
	{"money_requests", "Money requests", "Every request for money from a teammate or a manager, and its outcome.",
		[]Column{{"ID", Text}, {"Created", Time}, {"Requester", Text}, {"Giver", Text}, {"Team", Text}, {"Amount", Money},
			{"Reason", Text}, {"Status", Text}, {"Decided", Time}},
		`SELECT r.id, r.created, COALESCE(a.email, r.requester), COALESCE(b.email, r.giver), COALESCE(t.name, r.team),
			r.amount, r.reason, r.status, r.decided_at
		FROM money_requests r LEFT JOIN users a ON a.id = r.requester LEFT JOIN users b ON b.id = r.giver
		LEFT JOIN teams t ON t.id = r.team ORDER BY r.rowid`},
	{"leave_requests", "Leave requests", "Every request to leave a team that needed approval, and its outcome.",
		[]Column{{"ID", Text}, {"Created", Time}, {"User", Text}, {"Team", Text}, {"Status", Text}, {"Decided by", Text},
			{"Decided", Time}},
		`SELECT r.id, r.created, COALESCE(u.email, r.user), COALESCE(t.name, r.team), r.status, COALESCE(d.email, r.decided_by),
			r.decided_at
		FROM leave_requests r LEFT JOIN users u ON u.id = r.user LEFT JOIN teams t ON t.id = r.team
		LEFT JOIN users d ON d.id = r.decided_by ORDER BY r.rowid`},
	{"budget_runs", "Monthly runs", "Every monthly allocation run: month, members reached, total, how it was started.",
		[]Column{{"Month", Text}, {"Members", Number}, {"Total", Money}, {"Started by", Text}, {"By", Text}, {"Created", Time},
			{"Updated", Time}},
		`SELECT month, entries, total, trigger, actor_email, created, updated FROM budget_runs ORDER BY month`},
	{"audit_log", "Audit log", "Every administrative action, oldest first: who, what, on which record, the values before and after (JSON).",
		[]Column{{"ID", Text}, {"Date", Time}, {"By", Text}, {"Action", Text}, {"Target type", Text}, {"Target ID", Text},
			{"Target", Text}, {"Before", Text}, {"After", Text}},
		`SELECT id, created, actor_email, action, target_type, target_id, target_label, COALESCE(CAST(before AS TEXT), ''),
			COALESCE(CAST(after AS TEXT), '')
		FROM audit_log ORDER BY created`},
}

func yesNoSQL(col string) string {
	return "CASE WHEN " + col + " THEN 'yes' ELSE 'no' END"
}

// WorkbookFile is the name of the workbook inside the download of everything.
const WorkbookFile = "teamfund.xlsx"

// AllFilename is the dated name of the download of everything, e.g.
// teamfund-everything-2026-11-25.zip, dated in the company's time zone.
func AllFilename(now time.Time, loc *time.Location) string {
	return "teamfund-everything-" + now.In(loc).Format(time.DateOnly) + ".zip"
}

// AllSummary is what WriteAll wrote: rows per file (without extension), for the audit log.
type AllSummary map[string]int

// WriteAll streams the download of everything to w: a ZIP with one CSV per kind of record,
// one XLSX workbook with a sheet per kind, and README.txt saying what each file holds. No
// password hashes, tokens, keys or mail (the outbox holds sign-in links) are in it.
//
// It reads every table inside one read transaction, so all files show the same moment
// even while the server keeps writing, and row by row from a cursor into the writers, so
// memory does not grow with the rows. Run it outside any transaction; auditing is the
// caller's (AuditAll). On an error the summary says how far it got.
func WriteAll(app core.App, w io.Writer, now time.Time) (AllSummary, error) {
	opts := Settings(app)
	query, done, err := snapshot(app)
	if err != nil {
		return nil, err
	}
	defer done()
	zw := zip.NewWriter(w)
	sum := AllSummary{}
	for _, t := range everything {
		part, err := zw.CreateHeader(&zip.FileHeader{Name: t.file + ".csv", Method: zip.Deflate, Modified: now})
		if err != nil {
			return sum, err
		}
		out := newCSVWriter(part, opts)
		n, err := copyTable(query, out, t)
		if cerr := out.Close(); err == nil {
			err = cerr
		}
		sum[t.file] = n
		if err != nil {
			return sum, fmt.Errorf("export %s: %w", t.file, err)
		}
	}
	if err := writeWorkbook(zw, query, opts, now); err != nil {
		return sum, err
	}
	readme, err := zw.CreateHeader(&zip.FileHeader{Name: "README.txt", Method: zip.Deflate, Modified: now})
	if err != nil {
		return sum, err
	}
	if _, err := io.WriteString(readme, allReadme(app, opts, now, sum)); err != nil {
		return sum, err
	}
	return sum, zw.Close()
}

// writeWorkbook adds the workbook: the same tables, one sheet each.
func writeWorkbook(zw *zip.Writer, query queryFunc, opts Options, now time.Time) error {
	part, err := zw.CreateHeader(&zip.FileHeader{Name: WorkbookFile, Method: zip.Deflate, Modified: now})
	if err != nil {
		return err
	}
	names := make([]string, len(everything))
	for i, t := range everything {
		names[i] = t.sheet
	}
	wb, err := NewWorkbook(part, opts, names)
	if err != nil {
		return err
	}
	for _, t := range everything {
		if _, err := copyTable(query, wb, t); err != nil {
			wb.Close()
			return fmt.Errorf("export %s sheet: %w", t.file, err)
		}
	}
	return wb.Close()
}

// copyTable writes t's header and rows to out.
func copyTable(query queryFunc, out RowWriter, t table) (int, error) {
	rows, err := query(t.query)
	if err != nil {
		return 0, err
	}
	defer rows.Close()
	if err := out.WriteHeader(t.columns); err != nil {
		return 0, err
	}
	texts := make([]sql.NullString, len(t.columns))
	ints := make([]sql.NullInt64, len(t.columns))
	dest := make([]any, len(t.columns))
	for i, c := range t.columns {
		if c.Kind == Money || c.Kind == Number {
			dest[i] = &ints[i]
		} else {
			dest[i] = &texts[i]
		}
	}
	cells := make([]any, len(t.columns))
	n := 0
	for rows.Next() {
		if err := rows.Scan(dest...); err != nil {
			return n, err
		}
		for i, c := range t.columns {
			cells[i] = cell(c.Kind, texts[i], ints[i])
		}
		if err := out.WriteRow(cells); err != nil {
			return n, err
		}
		n++
	}
	return n, rows.Err()
}

func cell(k Kind, text sql.NullString, num sql.NullInt64) any {
	switch k {
	case Money:
		if num.Valid {
			return money.Cents(num.Int64)
		}
	case Number:
		if num.Valid {
			return num.Int64
		}
	case Time:
		return parseTime(text.String)
	default:
		return text.String
	}
	return nil
}

// queryFunc runs a plain SQL query (no dbx placeholders).
type queryFunc func(sql string) (*sql.Rows, error)

// snapshot opens a read transaction on a connection of its own (with the small page cache
// of scanConn) and returns what runs queries in it; done ends it. In a transaction it
// queries there.
func snapshot(app core.App) (queryFunc, func(), error) {
	db, ok := app.ConcurrentDB().(*dbx.DB)
	if !ok || app.IsTransactional() {
		return func(q string) (*sql.Rows, error) {
			rows, err := app.DB().NewQuery(q).Rows()
			if err != nil {
				return nil, err
			}
			return rows.Rows, nil
		}, func() {}, nil
	}
	exec, release, err := scanConn(db)
	if err != nil {
		return nil, nil, err
	}
	ctx := context.Background()
	// note: a deferred BEGIN takes its snapshot at the first read, which is the next query.
	if _, err := exec.ExecContext(ctx, "BEGIN"); err != nil {
		release()
		return nil, nil, err
	}
	return func(q string) (*sql.Rows, error) { return exec.QueryContext(ctx, q) }, func() {
		if _, err := exec.ExecContext(ctx, "ROLLBACK"); err != nil {
			app.Logger().Warn("export: ending the read transaction", "error", err)
		}
		release()
	}, nil
}

// allReadme is README.txt: when and what, then one paragraph per file.
func allReadme(app core.App, opts Options, now time.Time, sum AllSummary) string {
	var b strings.Builder
	name := "your company"
	if c, err := company.Load(app); err == nil {
		name = c.Name()
	}
	fmt.Fprintf(&b, "Teamfund: everything of %s, as of %s.\r\n\r\n", name, now.In(opts.Location).Format("2 January 2006 15:04 MST"))
	b.WriteString("Each kind of record is here twice: as a CSV file (UTF-8, comma-separated, one header row)\r\n" +
		"and as a sheet of " + WorkbookFile + " (one sheet per kind, in the order below).\r\n" +
		"Amounts are in " + opts.Currency + " (in the CSV files as plain decimals, e.g. 12.50); times are in the\r\n" +
		"company time zone, " + opts.Location.String() + ". IDs link the files together (e.g. a user's Team ID is a team's ID).\r\n" +
		"Texts that a spreadsheet would run as a formula start with an apostrophe.\r\n\r\n" +
		"Not included: passwords (only their hashes are stored, and those stay on the server), invite\r\n" +
		"and sign-in tokens, invite keys, the mail outbox (its messages carry sign-in links), uploaded\r\n" +
		"files such as profile photos, and server settings such as mail passwords. To move the whole\r\n" +
		"server, use `teamfund backup` instead.\r\n\r\n")
	for _, t := range everything {
		fmt.Fprintf(&b, "%s.csv (sheet %q, %d rows)\r\n    %s\r\n\r\n", t.file, t.sheet, sum[t.file], t.about)
	}
	return b.String()
}

// AuditAll records in the audit log that actor (nil for the command line) took the
// download of everything, with its rows per file; complete is false when it broke off.
func AuditAll(app core.App, actor *member.Member, sum AllSummary, complete bool) error {
	after := map[string]any{"complete": complete}
	for file, n := range sum {
		after[file] = n
	}
	return audit.Record(app, actor, audit.Entry{Action: "company.export_all", TargetType: "company",
		TargetLabel: "Download of everything", After: after})
}
