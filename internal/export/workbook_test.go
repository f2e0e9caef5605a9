package export_test

import (
	"bytes"
	"strings"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"

	"teamfund/internal/export"
	"teamfund/internal/money"
)

func TestWorkbookWritesEachSheetWithItsOwnTable(t *testing.T) {
	var buf bytes.Buffer
	wb, err := export.NewWorkbook(&buf, export.Options{Location: time.UTC, Currency: "EUR"}, []string{"People", "Money: in/out"})
	if err != nil {
		t.Fatal(err)
	}
	steps := []struct {
		cols []export.Column
		rows [][]any
	}{
		{[]export.Column{{Header: "Name", Kind: export.Text}}, [][]any{{"=cmd"}, {"Zoë"}}},
		{[]export.Column{{Header: "Who", Kind: export.Text}, {Header: "Amount", Kind: export.Money}}, [][]any{{"a", money.Cents(-1250)}}},
	}
	for _, s := range steps {
		if err := wb.WriteHeader(s.cols); err != nil {
			t.Fatal(err)
		}
		for _, r := range s.rows {
			if err := wb.WriteRow(r); err != nil {
				t.Fatal(err)
			}
		}
	}
	if err := wb.Close(); err != nil {
		t.Fatal(err)
	}
	checkWellFormed(t, buf.Bytes())
	f, err := excelize.OpenReader(bytes.NewReader(buf.Bytes()))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if got := f.GetSheetList(); len(got) != 2 || got[0] != "People" || got[1] != "Money_ in_out" {
		t.Errorf("sheets = %q, want [People, Money_ in_out]", got)
	}
	if v, _ := f.GetCellValue("People", "A2"); v != "'=cmd" {
		t.Errorf("People!A2 = %q, want the formula neutralized", v)
	}
	if v, _ := f.GetCellValue("Money_ in_out", "B2", excelize.Options{RawCellValue: true}); v != "-12.5" {
		t.Errorf("amount = %q, want the number -12.5", v)
	}
	for _, sheet := range []string{"People", "Money_ in_out"} {
		tables, err := f.GetTables(sheet)
		if err != nil || len(tables) != 1 {
			t.Errorf("%s: tables %+v (%v), want one", sheet, tables, err)
		}
	}
}

func TestWorkbookRefusesDuplicateAndMissingSheets(t *testing.T) {
	if _, err := export.NewWorkbook(&bytes.Buffer{}, export.Options{}, []string{"Users", "users"}); err == nil {
		t.Error("two sheets differing only by case were accepted")
	}
	wb, err := export.NewWorkbook(&bytes.Buffer{}, export.Options{}, []string{"A", "B"})
	if err != nil {
		t.Fatal(err)
	}
	if err := wb.WriteHeader([]export.Column{{Header: "x", Kind: export.Text}}); err != nil {
		t.Fatal(err)
	}
	if err := wb.Close(); err == nil || !strings.Contains(err.Error(), "1 of the workbook's 2 sheets") {
		t.Errorf("closing with a sheet unwritten: %v, want an error", err)
	}
	wb, _ = export.NewWorkbook(&bytes.Buffer{}, export.Options{}, []string{"A"})
	col := []export.Column{{Header: "x", Kind: export.Text}}
	if err := wb.WriteHeader(col); err != nil {
		t.Fatal(err)
	}
	if err := wb.WriteHeader(col); err == nil {
		t.Error("a header past the last sheet was accepted")
	}
}
