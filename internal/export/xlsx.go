package export

import (
	"archive/zip"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"
	"time"

	"teamfund/internal/money"
)

// maxSheetRows is how many rows (header included) a worksheet can hold.
const maxSheetRows = 1_048_576

// errSheetFull ends an XLSX export that has more rows than a worksheet holds.
var errSheetFull = errors.New("export: an XLSX sheet holds at most 1,048,575 rows: use CSV or narrow the filters")

// xlsxWriter writes a workbook of one sheet (an export) or of several named up front (the
// download of everything), one after the other: money as numbers with the company currency
// format, times as date cells showing the company zone's wall clock (the zone is named in
// the column header, since a spreadsheet date has none).
//
// note: it writes the zip itself, straight into out, and each sheet's XML row by row into
// its zip entry, with inline strings: memory stays the same whatever the number of rows.
// excelize's StreamWriter kept up to 16 MB of sheet XML in memory (peak RSS +40 MB at 100k
// rows) and could only start the archive once the sheet was complete.
type xlsxWriter struct {
	out    io.Writer
	opts   Options
	sheets []string    // the sheets' names (valid for Excel), in order
	n      int         // the sheet being written, from 1; 0 before the first header
	zip    *zip.Writer // nil until the first WriteHeader
	part   io.Writer   // the current worksheet's zip entry, open from WriteHeader to the next or Close
	err    error       // the first write error; the archive is broken after it
	cols   []Column
	refs   []string // column letters
	row    int      // rows of the current sheet written, header included
	buf    []byte   // the XML of the row being written
}

func newXLSXWriter(w io.Writer, opts Options) *xlsxWriter {
	return &xlsxWriter{out: w, opts: opts, sheets: []string{sheetName(opts.Sheet)}}
}

// NewWorkbook returns a RowWriter of an XLSX workbook with one sheet per name, in order:
// each WriteHeader ends the sheet before and starts the next, so rows go to the sheet
// whose header came last. Every named sheet must be started before Close. Names are made
// valid for Excel (see sheetName) and must stay distinct, ignoring case, as Excel wants —
// also as table names, whose rules are stricter (see tableName).
func NewWorkbook(w io.Writer, opts Options, sheets []string) (RowWriter, error) {
	if opts.Location == nil {
		opts.Location = time.UTC
	}
	x := &xlsxWriter{out: w, opts: opts}
	seen := map[string]bool{}
	for _, name := range sheets {
		name = sheetName(name)
		if key := strings.ToLower(tableName(name)); seen[key] {
			return nil, fmt.Errorf("export: two sheets named %q", name)
		} else {
			seen[key] = true
		}
		x.sheets = append(x.sheets, name)
	}
	if len(x.sheets) == 0 {
		return nil, errors.New("export: a workbook needs a sheet at least")
	}
	return x, nil
}

// currencyFormat is an Excel number format that shows amounts like money.Format does:
// "$#,##0.00" for known symbols, "SEK #,##0.00" otherwise; negatives with a minus sign.
func currencyFormat(currency string) string {
	if currency == "" {
		return "#,##0.00"
	}
	prefix := strings.TrimSuffix(money.Format(0, currency), "0.00")
	quoted := `"` + strings.ReplaceAll(prefix, `"`, "") + `"`
	return quoted + "#,##0.00;-" + quoted + "#,##0.00"
}

// WriteHeader starts the next sheet (and, the first time, the archive with the parts that
// do not depend on the rows): the sheet's entry up to its header row.
func (x *xlsxWriter) WriteHeader(cols []Column) error {
	if len(cols) == 0 {
		return errors.New("export: an XLSX sheet needs a column at least")
	}
	if x.err != nil {
		return x.err
	}
	if x.n == len(x.sheets) {
		return fmt.Errorf("export: the workbook has %d sheets, all written", len(x.sheets))
	}
	if x.zip == nil {
		x.zip = zip.NewWriter(x.out)
		for _, p := range x.leadingParts() {
			if err := x.writePart(p.name, p.body); err != nil {
				return err
			}
		}
	} else if err := x.endSheet(); err != nil {
		return err
	}
	x.n++
	x.cols = cols
	x.refs = make([]string, len(cols))
	for i := range cols {
		x.refs[i] = columnName(i + 1)
	}
	if err := x.writePart(sheetRelsPath(x.n), relationships(relType+"table", "../tables/"+tableFile(x.n))); err != nil {
		return err
	}
	part, err := x.zip.CreateHeader(&zip.FileHeader{Name: sheetPath(x.n), Method: zip.Deflate})
	if err != nil {
		x.err = err
		return err
	}
	x.part = part
	x.buf = appendSheetStart(x.buf[:0], cols)
	x.buf = append(x.buf, `<row r="1">`...)
	for i, c := range cols {
		x.buf = x.appendString(x.buf, i, styleHeader, Neutralize(x.header(c)))
	}
	x.buf = append(x.buf, "</row>"...)
	x.row = 1
	return x.flush()
}

// header is column c's title; a time column names the zone its wall clock is in.
func (x *xlsxWriter) header(c Column) string {
	if c.Kind == Time {
		return c.Header + " (" + x.opts.Location.String() + ")"
	}
	return c.Header
}

// WriteRow appends one row to the worksheet entry.
func (x *xlsxWriter) WriteRow(values []any) error {
	if x.err != nil {
		return x.err
	}
	if x.row >= maxSheetRows {
		return errSheetFull
	}
	b := append(x.buf[:0], `<row r="`...)
	b = strconv.AppendInt(b, int64(x.row+1), 10)
	b = append(b, `">`...)
	if err := eachCell(x.cols, values, func(i int, v any) { b = x.appendCell(b, i, v) }); err != nil {
		return err
	}
	x.buf = append(b, "</row>"...)
	x.row++
	return x.flush()
}

// appendCell appends the cell of value v in column i; nil, "" and the zero time are left out.
func (x *xlsxWriter) appendCell(b []byte, i int, v any) []byte {
	switch val := v.(type) {
	case string:
		return x.appendString(b, i, "", Neutralize(val))
	case money.Cents:
		// A spreadsheet number is a float64; cents/100 is the nearest double to the
		// decimal amount, and its shortest form prints back as written ("12.34").
		b = x.appendCellStart(b, i, styleMoney)
		b = strconv.AppendFloat(b, float64(val)/100, 'f', -1, 64)
		return append(b, "</v></c>"...)
	case time.Time:
		if val.IsZero() {
			return b
		}
		serial, ok := excelSerial(val.In(x.opts.Location))
		if !ok {
			return x.appendString(b, i, "", val.In(x.opts.Location).Format(time.RFC3339))
		}
		b = x.appendCellStart(b, i, styleTime)
		b = strconv.AppendFloat(b, serial, 'f', -1, 64)
		return append(b, "</v></c>"...)
	case int64:
		b = x.appendCellStart(b, i, "")
		b = strconv.AppendInt(b, val, 10)
		return append(b, "</v></c>"...)
	}
	return b
}

// appendCellStart appends `<c r="B7" s="2"><v>` for a number in column i of the next row.
func (x *xlsxWriter) appendCellStart(b []byte, i int, style string) []byte {
	b = append(b, `<c r="`...)
	b = append(b, x.refs[i]...)
	b = strconv.AppendInt(b, int64(x.row+1), 10)
	b = append(b, '"')
	b = append(b, style...)
	return append(b, "><v>"...)
}

// appendString appends an inline string cell in column i of the next row; an empty string
// is an empty cell.
func (x *xlsxWriter) appendString(b []byte, i int, style, s string) []byte {
	if s == "" {
		return b
	}
	b = append(b, `<c r="`...)
	b = append(b, x.refs[i]...)
	b = strconv.AppendInt(b, int64(x.row+1), 10)
	b = append(b, '"')
	b = append(b, style...)
	b = append(b, ` t="inlineStr"><is><t xml:space="preserve">`...)
	b = appendXMLText(b, s)
	return append(b, "</t></is></c>"...)
}

// excelSerial is wall's wall clock as an Excel date serial: days since 1899-12-30 plus the
// fraction of the day. Times before 1900-03-01 have none (Excel counts a 29 February 1900
// that never was, and nothing before 1900); they are written as text.
func excelSerial(wall time.Time) (float64, bool) {
	_, offset := wall.Zone()
	secs := wall.Unix() + int64(offset) + excelEpochOffset
	if secs < 61*secondsPerDay {
		return 0, false
	}
	days, rest := secs/secondsPerDay, secs%secondsPerDay
	frac := (float64(rest) + float64(wall.Nanosecond())/1e9) / secondsPerDay
	return float64(days) + frac, true
}

const (
	secondsPerDay = 86400
	// excelEpochOffset is the Unix time of 1899-12-30T00:00:00Z, negated.
	excelEpochOffset = 25569 * secondsPerDay
)

// flush writes the row in x.buf to the worksheet entry.
func (x *xlsxWriter) flush() error {
	if _, err := x.part.Write(x.buf); err != nil {
		x.err = err
		return err
	}
	return nil
}

// writePart adds a whole part to the archive.
func (x *xlsxWriter) writePart(name string, body []byte) error {
	w, err := x.zip.CreateHeader(&zip.FileHeader{Name: name, Method: zip.Deflate})
	if err == nil {
		_, err = w.Write(body)
	}
	if err != nil {
		x.err = err
	}
	return err
}

// endSheet ends the current worksheet and adds its table (its range is known now).
func (x *xlsxWriter) endSheet() error {
	x.buf = append(x.buf[:0], sheetEnd...)
	if err := x.flush(); err != nil {
		return err
	}
	return x.writePart(tablePath(x.n), x.tablePart())
}

// Close ends the last worksheet and writes the zip's directory. Without a header nothing
// was started and nothing is written.
func (x *xlsxWriter) Close() error {
	if x.zip == nil {
		return nil
	}
	if x.err != nil {
		return x.err
	}
	if err := x.endSheet(); err != nil {
		return err
	}
	if x.n < len(x.sheets) {
		x.err = fmt.Errorf("export: only %d of the workbook's %d sheets were written", x.n, len(x.sheets))
		return x.err
	}
	return x.zip.Close()
}
