package export

import (
	"testing"
	"time"
)

func TestTableNameIsValidForExcel(t *testing.T) {
	tests := []struct{ sheet, want string }{
		{"Ledger", "Ledger"},
		{"My sheet (2026)", "My_sheet__2026_"},
		{"2026 ledger", "_2026_ledger"},
		{"A1", "_A1"},
		{"xfd1048576", "_xfd1048576"},
		{"R1C1", "_R1C1"},
		{"C", "_C"},
		{"Zoë", "Zoë"},
		{"v1.2", "v1.2"},
	}
	for _, tt := range tests {
		if got := tableName(tt.sheet); got != tt.want {
			t.Errorf("tableName(%q) = %q, want %q", tt.sheet, got, tt.want)
		}
	}
}

func TestSheetNameIsValidForExcel(t *testing.T) {
	tests := []struct{ in, want string }{
		{"", "Export"},
		{"Sends", "Sends"},
		{"a/b:c?d*e[f]g\\h", "a_b_c_d_e_f_g_h"},
		{"'quoted'", "quoted"},
		{"A name much longer than thirty-one characters", "A name much longer than thirty-"},
	}
	for _, tt := range tests {
		if got := sheetName(tt.in); got != tt.want {
			t.Errorf("sheetName(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func TestColumnName(t *testing.T) {
	for n, want := range map[int]string{1: "A", 26: "Z", 27: "AA", 52: "AZ", 703: "AAA", 16384: "XFD"} {
		if got := columnName(n); got != want {
			t.Errorf("columnName(%d) = %q, want %q", n, got, want)
		}
	}
}

func TestExcelSerial(t *testing.T) {
	tests := []struct {
		wall   time.Time
		want   float64
		wantOK bool
	}{
		{time.Date(1900, 3, 1, 0, 0, 0, 0, time.UTC), 61, true},
		{time.Date(2026, 1, 1, 18, 0, 0, 0, time.UTC), 46023.75, true},
		{time.Date(2026, 1, 1, 18, 0, 0, 0, time.FixedZone("X", -5*3600)), 46023.75, true}, // wall clock, not UTC
		{time.Date(1900, 2, 28, 23, 59, 59, 0, time.UTC), 0, false},
		{time.Date(1850, 1, 1, 0, 0, 0, 0, time.UTC), 0, false},
	}
	for _, tt := range tests {
		got, ok := excelSerial(tt.wall)
		if got != tt.want || ok != tt.wantOK {
			t.Errorf("excelSerial(%v) = %v, %v, want %v, %v", tt.wall, got, ok, tt.want, tt.wantOK)
		}
	}
}
