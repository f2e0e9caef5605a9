package export_test

import (
	"archive/zip"
	"bytes"
	"encoding/xml"
	"errors"
	"io"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"

	"teamfund/internal/export"
	"teamfund/internal/money"
)

// checkWellFormed parses every XML part of the archive b with a strict XML decoder.
func checkWellFormed(t *testing.T, b []byte) {
	t.Helper()
	zr, err := zip.NewReader(bytes.NewReader(b), int64(len(b)))
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range zr.File {
		r, err := f.Open()
		if err != nil {
			t.Fatal(err)
		}
		d := xml.NewDecoder(r)
		for {
			if _, err = d.Token(); err != nil {
				break
			}
		}
		r.Close()
		if err != io.EOF {
			t.Errorf("%s is not well-formed XML: %v", f.Name, err)
		}
	}
}

func TestXLSXSheetHasFrozenBoldHeaderWidthsAndTable(t *testing.T) {
	when := time.Date(2026, 7, 1, 12, 30, 0, 0, time.UTC)
	b := writeFile(t, export.XLSX, [][]any{{"x", money.Cents(1), when, int64(2)}, {"y", nil, nil, nil}})
	checkWellFormed(t, b)
	f, rows := readXLSX(t, b)
	if got := f.GetSheetList(); len(got) != 1 || got[0] != "Test" {
		t.Errorf("sheets = %q, want [Test]", got)
	}
	if len(rows) != 3 {
		t.Errorf("got %d rows, want header + 2", len(rows))
	}
	panes, err := f.GetPanes("Test")
	if err != nil {
		t.Fatal(err)
	}
	if !panes.Freeze || panes.YSplit != 1 || panes.TopLeftCell != "A2" || panes.ActivePane != "bottomLeft" {
		t.Errorf("panes = %+v, want the header row frozen", panes)
	}
	for col, want := range map[string]float64{"A": 24, "B": 14, "C": 20, "D": 14} {
		if got, err := f.GetColWidth("Test", col); err != nil || got != want {
			t.Errorf("column %s width = %v (%v), want %v", col, got, err, want)
		}
	}
	if style := cellStyle(t, f, "A1"); style.Font == nil || !style.Font.Bold {
		t.Errorf("header font = %+v, want bold", style.Font)
	}
	if style := cellStyle(t, f, "C2"); style.CustomNumFmt == nil || *style.CustomNumFmt != "yyyy-mm-dd hh:mm:ss" {
		t.Errorf("time number format = %v, want yyyy-mm-dd hh:mm:ss", style.CustomNumFmt)
	}
	if style := cellStyle(t, f, "B2"); style.CustomNumFmt == nil || *style.CustomNumFmt != `"€"#,##0.00;-"€"#,##0.00` {
		t.Errorf("money number format = %v", style.CustomNumFmt)
	}
	serial, _ := f.GetCellValue("Test", "C2", excelize.Options{RawCellValue: true})
	if v, err := strconv.ParseFloat(serial, 64); err != nil || v < 46204.6041666 || v > 46204.6041667 {
		t.Errorf("C2 = %q, want the serial of 2026-07-01 14:30 (46204.604166…)", serial)
	}
	tables, err := f.GetTables("Test")
	if err != nil {
		t.Fatal(err)
	}
	if len(tables) != 1 || tables[0].Range != "A1:D3" || tables[0].Name != "Test" || tables[0].StyleName != "TableStyleLight9" {
		t.Errorf("tables = %+v, want table Test over A1:D3 styled TableStyleLight9", tables)
	}
}

func cellStyle(t *testing.T, f *excelize.File, cell string) *excelize.Style {
	t.Helper()
	id, err := f.GetCellStyle("Test", cell)
	if err != nil {
		t.Fatal(err)
	}
	style, err := f.GetStyle(id)
	if err != nil {
		t.Fatal(err)
	}
	return style
}

func TestXLSXWithOnlyAHeaderHasATableOfTwoRows(t *testing.T) {
	f, rows := readXLSX(t, writeFile(t, export.XLSX, nil))
	if len(rows) != 1 || strings.Join(rows[0], "|") != "Name|Amount|When (Europe/Berlin)|Count" {
		t.Errorf("rows = %q, want the header alone", rows)
	}
	tables, err := f.GetTables("Test")
	if err != nil {
		t.Fatal(err)
	}
	if len(tables) != 1 || tables[0].Range != "A1:D2" {
		t.Errorf("tables = %+v, want one over A1:D2", tables)
	}
}

func TestXLSXKeepsHostileTextAsText(t *testing.T) {
	tests := []struct{ name, in, want string }{
		{"markup", `<b>"Tom" & 'Jerry'</b>`, `<b>"Tom" & 'Jerry'</b>`},
		{"DDE formula", `=cmd|' /C calc'!A0`, `'=cmd|' /C calc'!A0`},
		{"formula after a tab", "\t=1+1", "'\t=1+1"},
		{"control characters", "a\x00b\x01c\x1bd\x7fe", "abcd\x7fe"},
		{"line breaks", "one\ntwo\r\nthree", "one\ntwo\r\nthree"},
		{"non-ASCII and emoji", "Zoë Ørsted 山田 😀👍🏽", "Zoë Ørsted 山田 😀👍🏽"},
		{"OOXML escape look-alike", "_x0041_ and _x005F_", "_x0041_ and _x005F_"},
		{"invalid UTF-8", "a\xffb", "a\uFFFDb"},
		{"not characters", "a\uFFFEb\uFFFF", "ab"},
		{"spaces kept", "  padded  ", "  padded  "},
	}
	rows := make([][]any, len(tests))
	for i, tt := range tests {
		rows[i] = []any{tt.in, nil, nil, nil}
	}
	b := writeFile(t, export.XLSX, rows)
	checkWellFormed(t, b)
	f, got := readXLSX(t, b)
	for i, tt := range tests {
		if got[i+1][0] != tt.want {
			t.Errorf("%s: read back %q, want %q", tt.name, got[i+1][0], tt.want)
		}
		if formula, _ := f.GetCellFormula("Test", "A"+strconv.Itoa(i+2)); formula != "" {
			t.Errorf("%s: the cell carries a formula %q", tt.name, formula)
		}
	}
}

func TestXLSXCutsTextAtTheCellLimit(t *testing.T) {
	tests := []struct {
		name, text string
		want       int // characters kept
	}{
		{"ASCII", strings.Repeat("a", 40_000), 32767},
		{"accented", strings.Repeat("é", 40_000), 32767},
		{"emoji (two UTF-16 units each)", strings.Repeat("😀", 20_000), 16383},
		{"just under", strings.Repeat("a", 32767), 32767},
	}
	rows := make([][]any, len(tests))
	for i, tt := range tests {
		rows[i] = []any{tt.text, nil, nil, nil}
	}
	_, got := readXLSX(t, writeFile(t, export.XLSX, rows))
	for i, tt := range tests {
		if n := len([]rune(got[i+1][0])); n != tt.want {
			t.Errorf("%s: text of %d characters, want %d (Excel's cell limit is 32,767 UTF-16 units)", tt.name, n, tt.want)
		}
	}
}

// failAfter is an output that breaks after n bytes, like a client that goes away.
type failAfter struct{ n int }

var errGone = errors.New("client gone")

func (w *failAfter) Write(p []byte) (int, error) {
	if len(p) > w.n {
		return 0, errGone
	}
	w.n -= len(p)
	return len(p), nil
}

func TestXLSXReportsAFailingOutput(t *testing.T) {
	w, err := export.NewWriter(export.XLSX, &failAfter{n: 20_000}, export.Options{})
	if err != nil {
		t.Fatal(err)
	}
	if err := w.WriteHeader(testColumns); err != nil {
		t.Fatal(err)
	}
	for i := range 100_000 {
		err = w.WriteRow([]any{"row " + strconv.Itoa(i), money.Cents(i), time.Now(), int64(i)})
		if err != nil {
			break
		}
	}
	if !errors.Is(err, errGone) {
		t.Errorf("WriteRow error = %v, want the output's error", err)
	}
	if err := w.Close(); !errors.Is(err, errGone) {
		t.Errorf("Close error = %v, want the output's error", err)
	}
}

func TestXLSXWithoutAHeaderWritesNothing(t *testing.T) {
	var buf bytes.Buffer
	w, err := export.NewWriter(export.XLSX, &buf, export.Options{})
	if err != nil {
		t.Fatal(err)
	}
	if err := w.Close(); err != nil || buf.Len() != 0 {
		t.Errorf("Close = %v with %d bytes written, want nothing", err, buf.Len())
	}
}
