package export

import (
	"encoding/csv"
	"io"
	"strconv"
	"time"

	"teamfund/internal/money"
)

// bom makes Excel read the file as UTF-8 (without it, "Zoë" arrives as "ZoÃ«").
const bom = "\uFEFF"

// csvWriter writes RFC 4180 CSV: UTF-8 with a BOM, money as plain decimals ("-12.50") under
// a header naming the currency ("Amount (EUR)"), times as RFC 3339 in the company zone
// ("2026-11-25T14:30:00+01:00").
type csvWriter struct {
	out   io.Writer
	csv   *csv.Writer
	opts  Options
	cols  []Column
	cells []string
}

func newCSVWriter(w io.Writer, opts Options) *csvWriter {
	return &csvWriter{out: w, csv: csv.NewWriter(w), opts: opts}
}

func (w *csvWriter) WriteHeader(cols []Column) error {
	w.cols = cols
	w.cells = make([]string, len(cols))
	if _, err := io.WriteString(w.out, bom); err != nil {
		return err
	}
	for i, c := range cols {
		h := c.Header
		if c.Kind == Money && w.opts.Currency != "" {
			h += " (" + w.opts.Currency + ")" // plain decimals carry no currency sign
		}
		w.cells[i] = Neutralize(h)
	}
	return w.csv.Write(w.cells)
}

func (w *csvWriter) WriteRow(values []any) error {
	if err := eachCell(w.cols, values, func(i int, v any) { w.cells[i] = w.format(v) }); err != nil {
		return err
	}
	return w.csv.Write(w.cells)
}

func (w *csvWriter) format(v any) string {
	switch x := v.(type) {
	case string:
		return Neutralize(x)
	case money.Cents:
		return x.Decimal()
	case time.Time:
		if x.IsZero() {
			return ""
		}
		return x.In(w.opts.Location).Format(time.RFC3339)
	case int64:
		return strconv.FormatInt(x, 10)
	}
	return ""
}

func (w *csvWriter) Close() error {
	w.csv.Flush()
	return w.csv.Error()
}
