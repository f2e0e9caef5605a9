package export_test

import (
	"bytes"
	"encoding/csv"
	"strings"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"

	"teamfund/internal/export"
	"teamfund/internal/money"
)

var testColumns = []export.Column{
	{Header: "Name", Kind: export.Text}, {Header: "Amount", Kind: export.Money},
	{Header: "When", Kind: export.Time}, {Header: "Count", Kind: export.Number},
}

// writeFile writes rows in format f with the test columns, in Europe/Berlin and EUR.
func writeFile(t *testing.T, f export.Format, rows [][]any) []byte {
	t.Helper()
	loc, err := time.LoadLocation("Europe/Berlin")
	if err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	w, err := export.NewWriter(f, &buf, export.Options{Location: loc, Currency: "EUR", Sheet: "Test"})
	if err != nil {
		t.Fatal(err)
	}
	if err := w.WriteHeader(testColumns); err != nil {
		t.Fatal(err)
	}
	for _, r := range rows {
		if err := w.WriteRow(r); err != nil {
			t.Fatal(err)
		}
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func readCSV(t *testing.T, b []byte) [][]string {
	t.Helper()
	if !bytes.HasPrefix(b, []byte("\xEF\xBB\xBF")) {
		t.Fatalf("CSV does not start with a UTF-8 BOM: % x", b[:min(3, len(b))])
	}
	recs, err := csv.NewReader(bytes.NewReader(b[3:])).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	return recs
}

func readXLSX(t *testing.T, b []byte) (*excelize.File, [][]string) {
	t.Helper()
	f, err := excelize.OpenReader(bytes.NewReader(b))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { f.Close() })
	rows, err := f.GetRows("Test", excelize.Options{RawCellValue: true})
	if err != nil {
		t.Fatal(err)
	}
	return f, rows
}

func TestNeutralize(t *testing.T) {
	tests := []struct{ in, want string }{
		{"=1+1", "'=1+1"},
		{"+41 79 000", "'+41 79 000"},
		{"-2+3", "'-2+3"},
		{"@SUM(A1)", "'@SUM(A1)"},
		{"\t=cmd", "'\t=cmd"},
		{"\r=cmd", "'\r=cmd"},
		{"Zoë Ørsted 山田", "Zoë Ørsted 山田"},
		{"a=b", "a=b"},
		{"", ""},
	}
	for _, tt := range tests {
		if got := export.Neutralize(tt.in); got != tt.want {
			t.Errorf("Neutralize(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

var evilRow = []any{`=HYPERLINK("http://evil.example","x")`, money.Cents(-1250), time.Time{}, int64(-3)}

func TestCSVNeutralizesFormulasButKeepsNegativeMoney(t *testing.T) {
	recs := readCSV(t, writeFile(t, export.CSV, [][]any{evilRow, {"@cmd", nil, nil, nil}, {"-1", money.Cents(5), nil, nil}}))
	want := [][]string{
		{"Name", "Amount (EUR)", "When", "Count"},
		{`'=HYPERLINK("http://evil.example","x")`, "-12.50", "", "-3"},
		{"'@cmd", "", "", ""},
		{"'-1", "0.05", "", ""},
	}
	for i := range want {
		if strings.Join(recs[i], "|") != strings.Join(want[i], "|") {
			t.Errorf("row %d = %q, want %q", i, recs[i], want[i])
		}
	}
}

func TestXLSXNeutralizesFormulasButKeepsNegativeMoney(t *testing.T) {
	f, rows := readXLSX(t, writeFile(t, export.XLSX, [][]any{evilRow, {"+1", money.Cents(123456), nil, nil}}))
	if got := rows[1][0]; got != `'=HYPERLINK("http://evil.example","x")` {
		t.Errorf("formula cell = %q, want it prefixed with '", got)
	}
	if got := rows[2][0]; got != "'+1" {
		t.Errorf("plus cell = %q, want '+1", got)
	}
	for cell, want := range map[string]string{"B2": "-12.5", "B3": "1234.56", "D2": "-3"} {
		typ, err := f.GetCellType("Test", cell)
		if err != nil {
			t.Fatal(err)
		}
		v, _ := f.GetCellValue("Test", cell, excelize.Options{RawCellValue: true})
		if typ != excelize.CellTypeUnset && typ != excelize.CellTypeNumber {
			t.Errorf("%s has type %v, want a number", cell, typ)
		}
		if v != want {
			t.Errorf("%s = %q, want %q", cell, v, want)
		}
		if formula, _ := f.GetCellFormula("Test", cell); formula != "" {
			t.Errorf("%s carries a formula %q", cell, formula)
		}
	}
	if formula, _ := f.GetCellFormula("Test", "A2"); formula != "" {
		t.Errorf("A2 carries a formula %q", formula)
	}
	tables, err := f.GetTables("Test")
	if err != nil {
		t.Fatal(err)
	}
	if len(tables) != 1 || tables[0].Range != "A1:D3" {
		t.Errorf("tables = %+v, want one table over A1:D3 (header and two rows, with filter buttons)", tables)
	}
}

func TestXLSXMoneyHasCurrencyFormatAndDatesShowCompanyZone(t *testing.T) {
	when := time.Date(2026, 7, 1, 12, 30, 0, 0, time.UTC) // 14:30 in Berlin (CEST)
	f, rows := readXLSX(t, writeFile(t, export.XLSX, [][]any{{"x", money.Cents(-98765), when, nil}}))
	if got := rows[0][2]; got != "When (Europe/Berlin)" {
		t.Errorf("time header = %q, want the zone named", got)
	}
	shown, err := f.GetCellValue("Test", "C2")
	if err != nil {
		t.Fatal(err)
	}
	if shown != "2026-07-01 14:30:00" {
		t.Errorf("date shown as %q, want 2026-07-01 14:30:00 (Berlin wall clock)", shown)
	}
	styleID, err := f.GetCellStyle("Test", "B2")
	if err != nil {
		t.Fatal(err)
	}
	style, err := f.GetStyle(styleID)
	if err != nil {
		t.Fatal(err)
	}
	if style.CustomNumFmt == nil || !strings.Contains(*style.CustomNumFmt, "€") {
		t.Errorf("money number format = %v, want the € symbol", style.CustomNumFmt)
	}
}

func TestCSVDatesAreISO8601InCompanyZone(t *testing.T) {
	when := time.Date(2026, 1, 15, 23, 30, 0, 0, time.UTC)
	recs := readCSV(t, writeFile(t, export.CSV, [][]any{{"x", money.Cents(100), when, int64(1)}}))
	if got := recs[1][2]; got != "2026-01-16T00:30:00+01:00" {
		t.Errorf("date = %q, want 2026-01-16T00:30:00+01:00", got)
	}
	if got := recs[1][1]; got != "1.00" {
		t.Errorf("money = %q, want plain decimal 1.00", got)
	}
}

func TestUTF8NamesRoundTrip(t *testing.T) {
	name := "Zoë Ørsted 山田"
	rows := [][]any{{name, money.Cents(1), nil, nil}}
	if got := readCSV(t, writeFile(t, export.CSV, rows))[1][0]; got != name {
		t.Errorf("CSV name = %q, want %q", got, name)
	}
	if _, got := readXLSX(t, writeFile(t, export.XLSX, rows)); got[1][0] != name {
		t.Errorf("XLSX name = %q, want %q", got[1][0], name)
	}
}

func TestWriterRefusesAValueOfTheWrongKind(t *testing.T) {
	for _, f := range []export.Format{export.CSV, export.XLSX} {
		w, err := export.NewWriter(f, &bytes.Buffer{}, export.Options{})
		if err != nil {
			t.Fatal(err)
		}
		if err := w.WriteHeader(testColumns); err != nil {
			t.Fatal(err)
		}
		if err := w.WriteRow([]any{"x", 12.5, nil, nil}); err == nil {
			t.Errorf("%s: a float in a money column was accepted", f)
		}
		w.Close()
	}
}
