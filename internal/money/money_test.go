package money

import "testing"

func TestParse(t *testing.T) {
	tests := []struct {
		in   string
		want Cents
		ok   bool
	}{
		{"12", 1200, true},
		{"12.5", 1250, true},
		{"12.50", 1250, true},
		{" 1,234.05 ", 123405, true},
		{".75", 75, true},
		{"0", 0, true},
		{"", 0, false},
		{"-5", 0, false},
		{"1.234", 0, false},
		{"1e3", 0, false},
		{"12.", 0, false},
		{"abc", 0, false},
		{"99999999999999", 0, false},
		{"1.5.5", 0, false},
	}
	for _, tt := range tests {
		got, err := Parse(tt.in)
		if (err == nil) != tt.ok || got != tt.want {
			t.Errorf("Parse(%q) = %v, %v; want %v, ok=%v", tt.in, got, err, tt.want, tt.ok)
		}
	}
}

func TestFormat(t *testing.T) {
	tests := []struct {
		c        Cents
		currency string
		want     string
	}{
		{123456, "USD", "$1,234.56"},
		{-5, "EUR", "-€0.05"},
		{100000000, "SEK", "SEK 1,000,000.00"},
	}
	for _, tt := range tests {
		if got := Format(tt.c, tt.currency); got != tt.want {
			t.Errorf("Format(%d, %s) = %q, want %q", tt.c, tt.currency, got, tt.want)
		}
	}
	if got := Cents(-1250).Decimal(); got != "-12.50" {
		t.Errorf("Decimal = %q, want -12.50", got)
	}
}

func FuzzParse(f *testing.F) {
	for _, s := range []string{"12", "1,234.50", ".5", "-1", "1e9"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		c, err := Parse(s)
		if err != nil {
			return
		}
		if c < 0 || c > MaxAmount {
			t.Fatalf("Parse(%q) = %d out of range", s, c)
		}
		back, err := Parse(c.Decimal())
		if err != nil || back != c {
			t.Fatalf("round trip of %q: %d -> %q -> %d, %v", s, c, c.Decimal(), back, err)
		}
	})
}
