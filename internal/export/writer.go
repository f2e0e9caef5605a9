// Package export writes Teamfund's lists (users, ledger, sends) as CSV or XLSX, one row at
// a time from a streaming database cursor, with only the rows the caller may see.
// The web handlers and the `teamfund export` command share it.
package export

import (
	"fmt"
	"io"
	"strings"
	"time"

	"teamfund/internal/money"
)

// Format is a file format an export can be written in.
type Format string

// The two formats.
const (
	CSV  Format = "csv"
	XLSX Format = "xlsx"
)

// ParseFormat accepts "csv" or "xlsx" (any case).
func ParseFormat(s string) (Format, error) {
	switch f := Format(strings.ToLower(strings.TrimSpace(s))); f {
	case CSV, XLSX:
		return f, nil
	}
	return "", ErrUnknownFormat
}

// ContentType is the MIME type of the format.
func (f Format) ContentType() string {
	if f == XLSX {
		return "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
	}
	return "text/csv; charset=utf-8"
}

// Kind says how a column's values are typed and formatted.
type Kind int

// Column kinds. The Go type a row must hold for each kind is noted beside it; a nil value
// is an empty cell.
const (
	Text   Kind = iota // string
	Money              // money.Cents
	Time               // time.Time (zero = empty)
	Number             // int64
)

// Column is one column of an export.
type Column struct {
	Header string
	Kind   Kind
}

// RowWriter writes a header and rows to one file. Close finishes the file (for XLSX that is
// when the archive is written) and must be called once, also after an error.
type RowWriter interface {
	WriteHeader(cols []Column) error
	WriteRow(values []any) error
	Close() error
}

// Options are the company settings a file is written with.
type Options struct {
	Location *time.Location // dates are shown in this zone (the company's)
	Currency string         // ISO code; the XLSX money format uses its symbol
	Sheet    string         // XLSX sheet name
}

// NewWriter returns the RowWriter of format f writing to w.
func NewWriter(f Format, w io.Writer, opts Options) (RowWriter, error) {
	if opts.Location == nil {
		opts.Location = time.UTC
	}
	switch f {
	case CSV:
		return newCSVWriter(w, opts), nil
	case XLSX:
		return newXLSXWriter(w, opts), nil
	}
	return nil, ErrUnknownFormat
}

// Neutralize makes a text cell safe to open in a spreadsheet: a value that starts with a
// character that a spreadsheet reads as the start of a formula (= + - @) or a control
// character that some of them skip before looking (tab, CR, LF) gets a leading apostrophe,
// so it is shown as the text it is. Only text cells go through it; money and numbers are
// written as numbers, so a negative amount stays a number.
func Neutralize(s string) string {
	if s == "" {
		return s
	}
	switch s[0] {
	case '=', '+', '-', '@', '\t', '\r', '\n':
		return "'" + s
	}
	return s
}

// eachCell calls set with each column's index and value (nil past the end of values),
// after checking that the value has the Go type its column's kind requires.
func eachCell(cols []Column, values []any, set func(i int, v any)) error {
	for i, c := range cols {
		var v any
		if i < len(values) {
			v = values[i]
		}
		if err := checkValue(c.Kind, v); err != nil {
			return err
		}
		set(i, v)
	}
	return nil
}

// checkValue verifies that v has the Go type that kind k requires.
func checkValue(k Kind, v any) error {
	ok := false
	switch v.(type) {
	case nil:
		ok = true
	case string:
		ok = k == Text
	case money.Cents:
		ok = k == Money
	case time.Time:
		ok = k == Time
	case int64:
		ok = k == Number
	}
	if !ok {
		return fmt.Errorf("export: value %T does not fit a column of kind %d", v, k)
	}
	return nil
}
