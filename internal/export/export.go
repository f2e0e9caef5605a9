package export

import (
	"errors"
	"fmt"
	"io"
	"net/url"
	"strings"
	"time"

	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/core"

	"teamfund/internal/company"
	"teamfund/internal/member"
)

// Dataset names one of the lists that can be exported.
type Dataset string

// The exports, each the list of one page.
const (
	Users  Dataset = "users"
	Ledger Dataset = "ledger"
	Sends  Dataset = "sends"
	Usage  Dataset = "usage"
)

// ParseDataset accepts "users", "ledger", "sends" or "usage".
func ParseDataset(s string) (Dataset, error) {
	ds := Dataset(strings.ToLower(strings.TrimSpace(s)))
	if _, ok := sources[ds]; !ok {
		return "", ErrUnknownDataset
	}
	return ds, nil
}

// source is how one dataset is read: its columns, its page's query (filters parsed from the
// page's query string, rows limited to what the viewer may see), and how one result row
// becomes cells. A list of figures rather than of records (usage) has table instead of
// query and reader: it checks the filter and returns what emits the rows.
type source struct {
	sheet   string
	params  []string // the page's filter parameters (query string names)
	columns []Column
	query   func(app core.App, viewer *member.Member, q url.Values, loc *time.Location) (*dbx.SelectQuery, error)
	reader  func(app core.App) (readFunc, error)
	table   func(app core.App, viewer *member.Member, q url.Values, loc *time.Location) (emitFunc, error)
}

// emitFunc writes a computed table's rows, one cells slice at a time, to emit.
type emitFunc func(emit func(cells []any) error) error

// readFunc turns the current row of rows into cells (one per column).
type readFunc func(rows *dbx.Rows, cells []any) error

var sources = map[Dataset]*source{Users: &usersSource, Ledger: &ledgerSource, Sends: &sendsSource, Usage: &usageSource}

// Params lists the filter parameters of dataset ds's page (query string names, which are
// also the command line's flag names).
func Params(ds Dataset) []string {
	if src, ok := sources[ds]; ok {
		return src.params
	}
	return nil
}

// Request is one export: which list, in which format, narrowed by the page's query string,
// limited to what Viewer may see (check Authorize first; the CLI passes System).
type Request struct {
	Dataset Dataset
	Format  Format
	Query   url.Values
	Viewer  *member.Member
}

// Filename is the dated name of the file, e.g. teamfund-ledger-2026-11-25.xlsx, dated in
// the company's time zone.
func (r Request) Filename(now time.Time, loc *time.Location) string {
	return fmt.Sprintf("teamfund-%s-%s.%s", r.Dataset, now.In(loc).Format(time.DateOnly), r.Format)
}

// Write streams the export to w: rows come one at a time from a database cursor and go
// straight to the file writer, so memory does not grow with the number of rows. It returns
// how many rows were written. Bad filters (validation.Errors naming the query parameter)
// and unknown datasets or formats are reported before anything is written to w.
// Run it outside any transaction: it only reads, and may take a while.
func Write(app core.App, w io.Writer, r Request) (int, error) {
	src, ok := sources[r.Dataset]
	if !ok {
		return 0, ErrUnknownDataset
	}
	if _, err := ParseFormat(string(r.Format)); err != nil {
		return 0, err
	}
	if r.Viewer == nil {
		return 0, errors.New("export: no viewer (use export.System for the command line)")
	}
	opts := Settings(app)
	opts.Sheet = src.sheet
	if src.table != nil {
		return writeTable(app, w, r, src, opts)
	}
	q, err := src.query(app, r.Viewer, r.Query, opts.Location)
	if err != nil {
		return 0, err
	}
	read, err := src.reader(app)
	if err != nil {
		return 0, err
	}
	rows, closeRows, err := openRows(app, q)
	if err != nil {
		return 0, err
	}
	defer closeRows()
	out, err := NewWriter(r.Format, w, opts)
	if err != nil {
		return 0, err
	}
	n, err := copyRows(out, src.columns, read, rows)
	if cerr := out.Close(); err == nil {
		err = cerr
	}
	return n, err
}

// openRows runs q on a connection of its own with a small page cache (scanConn), or in
// the caller's transaction when app is one.
func openRows(app core.App, q *dbx.SelectQuery) (*dbx.Rows, func(), error) {
	db, ok := app.ConcurrentDB().(*dbx.DB)
	if !ok || app.IsTransactional() {
		rows, err := q.Rows()
		if err != nil {
			return nil, nil, err
		}
		return rows, func() { rows.Close() }, nil
	}
	exec, release, err := scanConn(db)
	if err != nil {
		return nil, nil, err
	}
	built := q.Build()
	rows, err := dbx.NewQuery(db, exec, built.SQL()).Bind(built.Params()).Rows()
	if err != nil {
		release()
		return nil, nil, err
	}
	return rows, func() { rows.Close(); release() }, nil
}

// writeTable writes a computed table: its filter is checked before anything is written.
func writeTable(app core.App, w io.Writer, r Request, src *source, opts Options) (int, error) {
	rows, err := src.table(app, r.Viewer, r.Query, opts.Location)
	if err != nil {
		return 0, err
	}
	out, err := NewWriter(r.Format, w, opts)
	if err != nil {
		return 0, err
	}
	n := 0
	err = out.WriteHeader(src.columns)
	if err == nil {
		err = rows(func(cells []any) error {
			n++
			return out.WriteRow(cells)
		})
	}
	if cerr := out.Close(); err == nil {
		err = cerr
	}
	return n, err
}

func copyRows(out RowWriter, columns []Column, read readFunc, rows *dbx.Rows) (int, error) {
	if err := out.WriteHeader(columns); err != nil {
		return 0, err
	}
	cells := make([]any, len(columns))
	n := 0
	for rows.Next() {
		clear(cells)
		if err := read(rows, cells); err != nil {
			return n, err
		}
		if err := out.WriteRow(cells); err != nil {
			return n, err
		}
		n++
	}
	return n, rows.Err()
}

// Settings returns the company's time zone and currency (UTC and USD before setup).
func Settings(app core.App) Options {
	opts := Options{Location: time.UTC, Currency: company.DefaultCurrency}
	if c, err := company.Load(app); err == nil {
		opts.Location = c.Location()
		opts.Currency = c.Currency()
	}
	return opts
}
