package export

import (
	"archive/zip"
	"io"
	"strings"
	"time"

	"github.com/xuri/excelize/v2"

	"teamfund/internal/money"
)

// xlsxWriter writes one sheet with excelize's StreamWriter: money as numbers with the
// company currency format, times as date cells showing the company zone's wall clock
// (the zone is named in the column header, since a spreadsheet date has none).
//
// note: excelize's StreamWriter keeps up to 16 MB of sheet XML in memory and spills the
// rest to a temp file, but File.Write builds the whole zip in a bytes.Buffer. To keep memory
// flat we hand excelize a zip.Writer on our own output (SetZipWriter), so the archive is
// compressed straight into the response and the buffer it returns stays empty.
type xlsxWriter struct {
	out                            io.Writer
	name                           string
	file                           *excelize.File
	sheet                          *excelize.StreamWriter
	opts                           Options
	cols                           []Column
	row                            int
	cells                          []any
	headStyle, moneyStyle, tmStyle int
}

func newXLSXWriter(w io.Writer, opts Options) (*xlsxWriter, error) {
	f := excelize.NewFile()
	name := opts.Sheet
	if name == "" {
		name = "Export"
	}
	x := &xlsxWriter{out: w, file: f, opts: opts, name: name}
	if err := f.SetSheetName("Sheet1", name); err != nil {
		f.Close()
		return nil, err
	}
	var err error
	if x.sheet, err = f.NewStreamWriter(name); err != nil {
		f.Close()
		return nil, err
	}
	if err := x.makeStyles(); err != nil {
		f.Close()
		return nil, err
	}
	return x, nil
}

// makeStyles registers the header, money and time cell styles.
func (x *xlsxWriter) makeStyles() error {
	var err error
	if x.headStyle, err = x.file.NewStyle(&excelize.Style{Font: &excelize.Font{Bold: true}}); err != nil {
		return err
	}
	moneyFmt := currencyFormat(x.opts.Currency)
	if x.moneyStyle, err = x.file.NewStyle(&excelize.Style{CustomNumFmt: &moneyFmt}); err != nil {
		return err
	}
	timeFmt := "yyyy-mm-dd hh:mm:ss"
	x.tmStyle, err = x.file.NewStyle(&excelize.Style{CustomNumFmt: &timeFmt})
	return err
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

func (x *xlsxWriter) WriteHeader(cols []Column) error {
	x.cols = cols
	x.cells = make([]any, len(cols))
	for i, c := range cols {
		width := 24.0
		switch c.Kind {
		case Money, Number:
			width = 14
		case Time:
			width = 20
		}
		if err := x.sheet.SetColWidth(i+1, i+1, width); err != nil {
			return err
		}
	}
	if err := x.sheet.SetPanes(&excelize.Panes{Freeze: true, YSplit: 1, TopLeftCell: "A2", ActivePane: "bottomLeft"}); err != nil {
		return err
	}
	for i, c := range cols {
		h := c.Header
		if c.Kind == Time {
			h += " (" + x.opts.Location.String() + ")"
		}
		x.cells[i] = excelize.Cell{StyleID: x.headStyle, Value: Neutralize(h)}
	}
	return x.next()
}

func (x *xlsxWriter) WriteRow(values []any) error {
	if err := eachCell(x.cols, values, func(i int, v any) { x.cells[i] = x.cell(v) }); err != nil {
		return err
	}
	return x.next()
}

func (x *xlsxWriter) cell(v any) any {
	switch val := v.(type) {
	case string:
		return Neutralize(val)
	case money.Cents:
		// A spreadsheet number is a float64; cents/100 is the nearest double to the
		// decimal amount, and excelize writes it back in its shortest form ("12.34").
		return excelize.Cell{StyleID: x.moneyStyle, Value: float64(val) / 100}
	case time.Time:
		if val.IsZero() {
			return nil
		}
		return excelize.Cell{StyleID: x.tmStyle, Value: val.In(x.opts.Location)}
	case int64:
		return val
	}
	return nil
}

// next writes the prepared cells as the next row.
func (x *xlsxWriter) next() error {
	x.row++
	cell, err := excelize.CoordinatesToCellName(1, x.row)
	if err != nil {
		return err
	}
	return x.sheet.SetRow(cell, x.cells)
}

func (x *xlsxWriter) Close() error {
	defer x.file.Close()
	if x.cols == nil {
		return nil
	}
	if err := x.addTable(); err != nil {
		return err
	}
	if err := x.sheet.Flush(); err != nil {
		return err
	}
	x.file.SetZipWriter(func(io.Writer) excelize.ZipWriter { return zip.NewWriter(x.out) })
	_, err := x.file.WriteToBuffer()
	return err
}

// addTable makes the written range an Excel table: filter buttons on the header and
// banded rows, which spreadsheet users expect of a list.
func (x *xlsxWriter) addTable() error {
	last, err := excelize.CoordinatesToCellName(len(x.cols), max(x.row, 2))
	if err != nil {
		return err
	}
	return x.sheet.AddTable(&excelize.Table{Range: "A1:" + last, Name: x.name, StyleName: "TableStyleLight9"})
}
