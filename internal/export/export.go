package export

import (
	"fmt"
	"io"
	"strings"
	"time"

	validation "github.com/go-ozzo/ozzo-validation/v4"
	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tools/types"

	"teamfund/internal/company"
)

// Dataset names one of the lists that can be exported.
type Dataset string

// The three exports, each the list of one page.
const (
	Users  Dataset = "users"
	Ledger Dataset = "ledger"
	Sends  Dataset = "sends"
)

// ParseDataset accepts "users", "ledger" or "sends".
func ParseDataset(s string) (Dataset, error) {
	ds := Dataset(strings.ToLower(strings.TrimSpace(s)))
	if _, ok := sources[ds]; !ok {
		return "", ErrUnknownDataset
	}
	return ds, nil
}

// source is how one dataset is read: its columns, the filter rules of its page, the query
// for a filter and scope, and how one result row becomes cells.
type source struct {
	sheet    string
	columns  []Column
	validate func(f Filter) error
	query    func(app core.App, f Filter, s Scope, loc *time.Location) *dbx.SelectQuery
	read     func(rows *dbx.Rows, cells []any) error
}

var sources = map[Dataset]*source{Users: &usersSource, Ledger: &ledgerSource, Sends: &sendsSource}

// Request is one export: which list, in which format, narrowed by a filter, limited to a scope.
type Request struct {
	Dataset Dataset
	Format  Format
	Filter  Filter
	Scope   Scope
}

// Validate checks the request before anything is written; bad filter values come back as
// validation.Errors keyed by the query parameter name.
func (r Request) Validate() error {
	src, ok := sources[r.Dataset]
	if !ok {
		return ErrUnknownDataset
	}
	if _, err := ParseFormat(string(r.Format)); err != nil {
		return err
	}
	if err := validation.ValidateStruct(&r.Filter,
		validation.Field(&r.Filter.From, validateDate),
		validation.Field(&r.Filter.To, validateDate),
	); err != nil {
		return renameFields(err)
	}
	return renameFields(src.validate(r.Filter))
}

// renameFields turns ozzo's field names (the json tag or Go name) into query parameter names.
func renameFields(err error) error {
	verrs, ok := err.(validation.Errors)
	if !ok {
		return err
	}
	out := validation.Errors{}
	for k, v := range verrs {
		out[strings.ToLower(k)] = v
	}
	return out
}

// Filename is the dated name of the file, e.g. teamfund-ledger-2026-11-25.xlsx, dated in
// the company's time zone.
func (r Request) Filename(now time.Time, loc *time.Location) string {
	return fmt.Sprintf("teamfund-%s-%s.%s", r.Dataset, now.In(loc).Format(dateLayout), r.Format)
}

// Write streams the export to w: rows come one at a time from a database cursor and go
// straight to the file writer, so memory does not grow with the number of rows. It returns
// how many rows were written. Run it outside any transaction (it reads, and may take a while).
func Write(app core.App, w io.Writer, r Request) (int, error) {
	if err := r.Validate(); err != nil {
		return 0, err
	}
	src := sources[r.Dataset]
	opts := Settings(app)
	opts.Sheet = src.sheet
	rows, err := src.query(app, r.Filter, r.Scope, opts.Location).Rows()
	if err != nil {
		return 0, err
	}
	defer rows.Close()
	out, err := NewWriter(r.Format, w, opts)
	if err != nil {
		return 0, err
	}
	n, err := copyRows(out, src, rows)
	if cerr := out.Close(); err == nil {
		err = cerr
	}
	return n, err
}

func copyRows(out RowWriter, src *source, rows *dbx.Rows) (int, error) {
	if err := out.WriteHeader(src.columns); err != nil {
		return 0, err
	}
	cells := make([]any, len(src.columns))
	n := 0
	for rows.Next() {
		clear(cells)
		if err := src.read(rows, cells); err != nil {
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

// parseTime reads a datetime column as PocketBase stores it ("" → zero time).
func parseTime(s string) time.Time {
	if s == "" {
		return time.Time{}
	}
	dt, err := types.ParseDateTime(s)
	if err != nil {
		return time.Time{}
	}
	return dt.Time()
}

// teamCond is the team filter on column col: a team id, or NoTeam for rows without one.
func teamCond(col, team string) dbx.Expression {
	switch team {
	case "":
		return nil
	case NoTeam:
		return dbx.HashExp{col: ""}
	}
	return dbx.HashExp{col: team}
}

// createdCond limits column col to the filter's date range.
func createdCond(col string, f Filter, loc *time.Location) dbx.Expression {
	from, until := f.createdRange(loc)
	var conds []dbx.Expression
	if from != "" {
		conds = append(conds, dbx.NewExp(col+" >= {:from}", dbx.Params{"from": from}))
	}
	if until != "" {
		conds = append(conds, dbx.NewExp(col+" < {:until}", dbx.Params{"until": until}))
	}
	return dbx.And(conds...)
}
