package web_test

import (
	"archive/zip"
	"bytes"
	"encoding/csv"
	"fmt"
	"html"
	"io"
	"math"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"

	"teamfund/internal/budget"
	"teamfund/internal/export"
	"teamfund/internal/figures"
	"teamfund/internal/money"
	"teamfund/internal/send"
	"teamfund/internal/testutil"
)

// anchorRE finds the links of a page with their text.
var anchorRE = regexp.MustCompile(`<a href="([^"]+)"[^>]*>([^<]*)</a>`)

// listPageJSON is the PocketBase list shape of /api/tf/ledger and /api/tf/sends.
type listPageJSON struct {
	TotalPages int `json:"totalPages"`
	Items      []struct {
		Amount int64 `json:"amount"`
		Cost   int64 `json:"cost"`
	} `json:"items"`
}

// followList reads every page of the JSON twin of a /ledger or /sends link as who and
// returns how many rows it lists and what they sum to (amounts or costs).
func followList(t *testing.T, base, link, who string, f *testutil.Fixture) (int, money.Cents) {
	t.Helper()
	path, query, _ := strings.Cut(link, "?")
	n, sum := 0, money.Cents(0)
	for page := 1; ; page++ {
		var p listPageJSON
		getJSON(t, base+"/api/tf"+path+"?"+query+"&perPage=500&page="+strconv.Itoa(page), f.AuthHeaders(who), &p)
		for _, it := range p.Items {
			n++
			sum += money.Cents(it.Amount + it.Cost)
		}
		if page >= p.TotalPages {
			return n, sum
		}
	}
}

// checkOverviewLinks follows every money figure of the overview pages of month m — the
// owner's company overview, each team's as an admin, and managerA's — to the list behind
// it (ledger, sends, usage), reads that list's JSON twin and checks that its rows sum to
// the figure shown. The page's figures are the JSON twin's; the statement's links (refunds,
// returns, transfers) and the sends waiting are checked against the JSON the same way.
func checkOverviewLinks(t *testing.T, base string, f *testutil.Fixture, r raw, m budget.Month, teams []string) {
	t.Helper()
	views := []struct{ who, query string }{{"owner", ""}, {"managerA", ""}}
	for _, id := range teams {
		views = append(views, struct{ who, query string }{"admin", "&team=" + id})
	}
	for _, v := range views {
		page := getBody(t, base+"/?month="+string(m)+v.query, f.CookieHeaders(v.who))
		if !strings.Contains(page, `id="kpi-handed-out"`) {
			continue // managerA may have been moved out of every team: they get their wallet
		}
		var o struct {
			Figures figures.Statement `json:"figures"`
			Waiting struct {
				Sends       int         `json:"sends"`
				SendsAmount money.Cents `json:"sends_amount"`
			} `json:"waiting"`
		}
		getJSON(t, base+"/api/tf/overview?month="+string(m)+v.query, f.AuthHeaders(v.who), &o)
		what := fmt.Sprintf("overview %s of %s%s", m, v.who, v.query)
		for key, c := range map[string]money.Cents{"handed-out": o.Figures.HandedOut, "spent": o.Figures.Spent,
			"held": o.Figures.Held, "available": o.Figures.Available} {
			if !strings.Contains(page, `id="kpi-`+key+`">`+money.Format(c, "USD")+"<") {
				t.Errorf("%s: the page's %s is not the JSON twin's %s", what, key, money.Format(c, "USD"))
			}
		}
		followed := 0
		for _, a := range anchorRE.FindAllStringSubmatch(page, -1) {
			link, text := html.UnescapeString(a[1]), strings.TrimSpace(html.UnescapeString(a[2]))
			switch {
			case strings.Contains(text, "$"):
				followed++
				if got := linkedSum(t, base, link, v.who, f); money.Format(got, "USD") != text {
					t.Errorf("%s: the figure %s links to %s, whose rows sum to %s", what, text, link, money.Format(got, "USD"))
				}
			case strings.HasPrefix(link, "/ledger?"):
				kind := mustQuery(t, link).Get("kind")
				_, sum := followList(t, base, link, v.who, f)
				want := map[string]money.Cents{"refund": o.Figures.Refunded, "return": -o.Figures.Returned,
					"transferred": o.Figures.Transferred()}[kind]
				if sum != want {
					t.Errorf("%s: %s sums to %v, the statement says %v", what, link, sum, want)
				}
			}
		}
		if followed < 4 {
			t.Errorf("%s: only %d money figures are links", what, followed)
		}
		waiting := regexp.MustCompile(`<a href="([^"]+)"[^>]*id="wait-sends"`).FindStringSubmatch(page)
		if waiting == nil {
			t.Fatalf("%s: no link on the sends waiting", what)
		}
		n, sum := followList(t, base, html.UnescapeString(waiting[1]), v.who, f)
		if n != o.Waiting.Sends || sum != o.Waiting.SendsAmount {
			t.Errorf("%s: sends waiting %d for %v, the linked list has %d for %v", what, o.Waiting.Sends, o.Waiting.SendsAmount, n, sum)
		}
	}
}

func mustQuery(t *testing.T, link string) url.Values {
	t.Helper()
	u, err := url.Parse(link)
	if err != nil {
		t.Fatal(err)
	}
	return u.Query()
}

// linkedSum is what the list behind a figure's link sums to: ledger amounts, send costs, or
// the available of the usage page's team rows.
func linkedSum(t *testing.T, base, link, who string, f *testutil.Fixture) money.Cents {
	t.Helper()
	switch {
	case strings.HasPrefix(link, "/ledger?"), strings.HasPrefix(link, "/sends?"):
		_, sum := followList(t, base, link, who, f)
		return sum
	case strings.HasPrefix(link, "/usage?"):
		var u struct {
			Teams []figures.Row `json:"teams"`
		}
		getJSON(t, base+"/api/tf/usage?"+strings.TrimPrefix(link, "/usage?"), f.AuthHeaders(who), &u)
		var sum money.Cents
		for _, row := range u.Teams {
			sum += row.Available
		}
		return sum
	case strings.HasPrefix(link, "/money"):
		var me struct {
			Balance money.Cents `json:"balance"`
		}
		getJSON(t, base+"/api/tf/money/me", f.AuthHeaders(who), &me) // the viewer's own balance: their wallet
		return me.Balance
	}
	t.Errorf("a money figure links to %s, which is not a list of its rows", link)
	return 0
}

// table is a downloaded CSV or XLSX file: its header and rows as text (XLSX raw values:
// money and dates as numbers).
type table struct {
	format string
	header map[string]int
	rows   [][]string
}

func (tb table) get(row []string, col string) string {
	i, ok := tb.header[col]
	if !ok || i >= len(row) {
		return ""
	}
	return row[i]
}

// cents reads a money cell: a plain decimal in CSV, a number in XLSX.
func (tb table) cents(t *testing.T, row []string, col string) money.Cents {
	t.Helper()
	s := tb.get(row, col)
	if s == "" {
		return 0
	}
	v, err := strconv.ParseFloat(s, 64)
	if err != nil {
		t.Fatalf("%s %s: %q is not an amount", tb.format, col, s)
	}
	return money.Cents(math.Round(v * 100))
}

// stamp reads a time cell (RFC 3339 in CSV, a date serial in XLSX; the company is in UTC)
// as the database writes times, "" for an empty cell.
func (tb table) stamp(t *testing.T, row []string, col string) string {
	t.Helper()
	s := tb.get(row, col)
	if s == "" {
		return ""
	}
	if tb.format == "csv" {
		at, err := time.Parse(time.RFC3339, s)
		if err != nil {
			t.Fatalf("csv %s: %q is not a time", col, s)
		}
		return stamp(at)
	}
	v, err := strconv.ParseFloat(s, 64)
	if err != nil {
		t.Fatalf("xlsx %s: %q is not a date", col, s)
	}
	at, err := excelize.ExcelDateToTime(v, false)
	if err != nil {
		t.Fatal(err)
	}
	return stamp(at.Round(time.Second))
}

// download fetches an export through /api/tf/export as who and reads it back.
func download(t *testing.T, base, file, query, who string, f *testutil.Fixture, sheet string) table {
	t.Helper()
	return parseTable(t, file, []byte(getBody(t, base+"/api/tf/export/"+file+"?"+query, f.AuthHeaders(who))), sheet)
}

// parseTable reads a CSV file, or sheet of an XLSX workbook.
func parseTable(t *testing.T, file string, body []byte, sheet string) table {
	t.Helper()
	tb := table{format: file[strings.LastIndex(file, ".")+1:], header: map[string]int{}}
	var all [][]string
	if tb.format == "csv" {
		rd := csv.NewReader(bytes.NewReader(bytes.TrimPrefix(body, []byte("\uFEFF"))))
		var err error
		if all, err = rd.ReadAll(); err != nil {
			t.Fatalf("%s: %v", file, err)
		}
	} else {
		x, err := excelize.OpenReader(bytes.NewReader(body))
		if err != nil {
			t.Fatalf("%s: %v", file, err)
		}
		defer x.Close()
		if all, err = x.GetRows(sheet, excelize.Options{RawCellValue: true}); err != nil {
			t.Fatalf("%s: %v", file, err)
		}
	}
	if len(all) == 0 {
		t.Fatalf("%s: no header", file)
	}
	for i, h := range all[0] {
		// "Amount (USD)", "Date (UTC)": the header names the currency or the time zone
		if at := strings.Index(h, " ("); at > 0 {
			h = h[:at]
		}
		tb.header[h] = i
	}
	tb.rows = all[1:]
	return tb
}

// checkExports downloads, in both formats, the usage export of every month of the
// history, the ledger and sends exports and the users export, and checks every figure in
// them against the sums computed from the database rows: the usage rows of the company,
// each team (and the money on no team) and each member for each month; every statement
// rebuilt from the ledger and sends files alone, for every member, team and the company
// and every month; and each user's balance.
func checkExports(t *testing.T, base string, f *testutil.Fixture, r raw, first, current budget.Month, teams []string) {
	t.Helper()
	names := map[string]string{figures.NoTeamName: figures.NoTeam} // team name → id
	teamName := map[string]string{}
	for _, id := range teams {
		var team struct {
			Name string `json:"name"`
		}
		getJSON(t, base+"/api/tf/teams/"+id, f.AuthHeaders("owner"), &team)
		names[team.Name], teamName[id] = id, team.Name
	}
	var emails []string
	seen := map[string]bool{}
	for _, e := range r.entries {
		if !seen[e.Email] {
			seen[e.Email] = true
			emails = append(emails, e.Email)
		}
	}
	for _, format := range []string{"csv", "xlsx"} {
		checkUsageExport(t, base, f, r, first, current, names, format)
		ledger := download(t, base, "ledger."+format, "", "owner", f, "Ledger")
		sends := download(t, base, "sends."+format, "", "owner", f, "Sends")
		fromFiles := rawFromExports(t, ledger, sends)
		if len(fromFiles.entries) != len(r.entries) || len(fromFiles.sends) != len(r.sends) {
			t.Fatalf("%s: the ledger export has %d rows and the sends export %d, the database %d and %d",
				format, len(fromFiles.entries), len(fromFiles.sends), len(r.entries), len(r.sends))
		}
		for m := first; m <= current; m = m.Next() {
			start, end := span(m)
			what := func(s string) string { return fmt.Sprintf("%s ledger and sends exports, %s, %s", format, m, s) }
			sameFigures(t, what("company"), fromFiles.want(everything, start, end), r.want(everything, start, end))
			for name, id := range names {
				byName := func(e rawEntry) bool { return e.TeamName == name }
				if id == figures.NoTeam {
					byName = func(e rawEntry) bool { return e.TeamName == "" }
				}
				sameFigures(t, what("team "+name), fromFiles.want(byName, start, end), r.want(r.ofTeamRow(id), start, end))
			}
			for _, email := range emails {
				of := func(e rawEntry) bool { return e.Email == email }
				sameFigures(t, what("member "+email), fromFiles.want(of, start, end), r.want(of, start, end))
			}
		}
		users := download(t, base, "users."+format, "", "owner", f, "Users")
		var total money.Cents
		for _, row := range users.rows {
			email, balance := users.get(row, "Email"), users.cents(t, row, "Balance")
			total += balance
			if want := r.want(func(e rawEntry) bool { return e.Email == email }, "0000", "9999").Available; balance != want {
				t.Errorf("%s users export: %s has %v, the ledger %v", format, email, balance, want)
			}
		}
		if want := r.want(everything, "0000", "9999").Available; total != want {
			t.Errorf("%s users export: the balances add up to %v, the ledger to %v", format, total, want)
		}
	}
}

// checkEverythingExport downloads the owner's download of everything (a ZIP with a CSV
// file and a workbook sheet per kind of record) and rebuilds every statement from its
// ledger and sends, by account and team id, for every member, team, No team and the
// company and every month; each user's balance must be the sum of their ledger rows.
func checkEverythingExport(t *testing.T, base string, f *testutil.Fixture, r raw, first, current budget.Month) {
	t.Helper()
	body := []byte(getBody(t, base+"/api/tf/company/export", f.AuthHeaders("owner")))
	zr, err := zip.NewReader(bytes.NewReader(body), int64(len(body)))
	if err != nil {
		t.Fatal(err)
	}
	read := func(name string) []byte {
		file, err := zr.Open(name)
		if err != nil {
			t.Fatalf("the download of everything: %v", err)
		}
		defer file.Close()
		b, err := io.ReadAll(file)
		if err != nil {
			t.Fatal(err)
		}
		return b
	}
	workbook := read(export.WorkbookFile)
	for _, format := range []string{"csv", "xlsx"} {
		file := func(name, sheet string) table {
			if format == "csv" {
				return parseTable(t, name+".csv", read(name+".csv"), "")
			}
			return parseTable(t, export.WorkbookFile, workbook, sheet)
		}
		ledger, sends, teams, users := file("ledger", "Ledger"), file("sends", "Sends"), file("teams", "Teams"), file("users", "Users")
		out := raw{sends: map[string]rawSend{}, teams: map[string]bool{}}
		for _, row := range teams.rows {
			out.teams[teams.get(row, "ID")] = true
		}
		for _, row := range ledger.rows {
			out.entries = append(out.entries, rawEntry{Account: ledger.get(row, "Account"), Team: ledger.get(row, "Team ID"),
				Kind: ledger.get(row, "Kind"), Amount: int64(ledger.cents(t, row, "Amount")), Ref: ledger.get(row, "Reference"),
				Created: ledger.stamp(t, row, "Date")})
		}
		for _, row := range sends.rows {
			ref := send.Ref(sends.get(row, "ID"))
			out.sends[ref] = rawSend{ID: ref, Status: sends.get(row, "Status"), Created: sends.stamp(t, row, "Created"),
				DecidedAt: sends.stamp(t, row, "Decided")}
		}
		if len(out.entries) != len(r.entries) || len(out.sends) != len(r.sends) {
			t.Fatalf("%s download of everything: %d ledger rows and %d sends, the database %d and %d",
				format, len(out.entries), len(out.sends), len(r.entries), len(r.sends))
		}
		accounts := map[string]bool{}
		for _, e := range r.entries {
			accounts[e.Account] = true
		}
		for m := first; m <= current; m = m.Next() {
			start, end := span(m)
			what := func(s string) string { return fmt.Sprintf("%s download of everything, %s, %s", format, m, s) }
			sameFigures(t, what("company"), out.want(everything, start, end), r.want(everything, start, end))
			for id := range r.teams {
				sameFigures(t, what("team "+id), out.want(out.ofTeamRow(id), start, end), r.want(r.ofTeamRow(id), start, end))
			}
			sameFigures(t, what("no team"), out.want(out.ofTeamRow(figures.NoTeam), start, end), r.want(r.ofTeamRow(figures.NoTeam), start, end))
			for id := range accounts {
				of := func(e rawEntry) bool { return e.Account == id }
				sameFigures(t, what("account "+id), out.want(of, start, end), r.want(of, start, end))
			}
		}
		for _, row := range users.rows {
			id := users.get(row, "ID")
			if got, want := users.cents(t, row, "Balance"), r.want(func(e rawEntry) bool { return e.Account == id }, "0000", "9999").Available; got != want {
				t.Errorf("%s download of everything: user %s has a balance of %v, their ledger rows sum to %v", format, id, got, want)
			}
		}
	}
}

// checkUsageExport downloads the usage of every month at once (from, to) and checks each
// row, and that every team and every member with money in a month has its row.
func checkUsageExport(t *testing.T, base string, f *testutil.Fixture, r raw, first, current budget.Month, names map[string]string, format string) {
	t.Helper()
	usage := download(t, base, "usage."+format, "from="+string(first)+"&to="+string(current), "owner", f, "Usage")
	got := map[string]bool{}
	for _, row := range usage.rows {
		m := budget.Month(usage.get(row, "Month"))
		start, end := span(m)
		kind, name, email := usage.get(row, "Row"), usage.get(row, "Team"), usage.get(row, "Email")
		s := figures.Statement{Opening: usage.cents(t, row, "Opening balance"), HeldBefore: usage.cents(t, row, "Held at the start"),
			HandedOut: usage.cents(t, row, "Handed out"), TransferredIn: usage.cents(t, row, "Transferred in"),
			TransferredOut: usage.cents(t, row, "Transferred out"), Returned: usage.cents(t, row, "Returned"),
			Refunded: usage.cents(t, row, "Refunded"), Spent: usage.cents(t, row, "Spent"), Held: usage.cents(t, row, "Held"),
			Available: usage.cents(t, row, "Available")}
		what := fmt.Sprintf("%s usage export %s %s %s %s", format, m, kind, name, email)
		id, known := names[name]
		switch {
		case kind == "Company":
			same(t, what, s, r.want(everything, start, end))
		case !known:
			t.Errorf("%s: no such team", what)
		case kind == "Team":
			same(t, what, s, r.want(r.ofTeamRow(id), start, end))
		default:
			team := r.ofTeamRow(id)
			same(t, what, s, r.want(func(e rawEntry) bool { return team(e) && e.Email == email }, start, end))
		}
		got[string(m)+"|"+kind+"|"+name+"|"+email] = true
	}
	for m := first; m <= current; m = m.Next() {
		start, end := span(m)
		if !got[string(m)+"|Company||"] {
			t.Errorf("%s usage export: no company row for %s", format, m)
		}
		for name, id := range names {
			if id != figures.NoTeam && !got[string(m)+"|Team|"+name+"|"] {
				t.Errorf("%s usage export: no row of team %s for %s", format, name, m)
			}
		}
		for _, e := range r.entries {
			if e.Created < start || e.Created >= end || e.Amount == 0 {
				continue
			}
			name := e.TeamName
			if !r.teams[e.Team] {
				name = figures.NoTeamName
			}
			if !got[string(m)+"|Member|"+name+"|"+e.Email] {
				t.Errorf("%s usage export: %s had money on %s in %s but has no row", format, e.Email, name, m)
			}
		}
	}
}

// rawFromExports rebuilds the ledger and sends rows from the two exports alone (joined by
// their Reference column), with emails as accounts and team names as teams.
func rawFromExports(t *testing.T, ledger, sends table) raw {
	t.Helper()
	out := raw{sends: map[string]rawSend{}}
	for _, row := range ledger.rows {
		email := ledger.get(row, "Email")
		out.entries = append(out.entries, rawEntry{Account: email, Email: email, TeamName: ledger.get(row, "Team"),
			Kind: ledger.get(row, "Kind"), Amount: int64(ledger.cents(t, row, "Amount")), Ref: ledger.get(row, "Reference"),
			Created: ledger.stamp(t, row, "Date")})
	}
	for _, row := range sends.rows {
		ref := sends.get(row, "Reference")
		out.sends[ref] = rawSend{ID: ref, Status: sends.get(row, "Status"), Created: sends.stamp(t, row, "Date"),
			DecidedAt: sends.stamp(t, row, "Decided at")}
	}
	return out
}

// sameFigures compares the statements rebuilt from the exports with the database's.
func sameFigures(t *testing.T, what string, got, want figures.Statement) {
	t.Helper()
	if got != want {
		t.Errorf("%s:\n got %+v\nwant %+v", what, got, want)
	}
}
