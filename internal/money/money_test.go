package money

import (
	"errors"
	"strings"
	"testing"
)

func TestParse(t *testing.T) {
	tests := []struct {
		in   string
		want Cents
		err  error
	}{
		{"12", 1200, nil},
		{"12.5", 1250, nil},
		{"12.50", 1250, nil},
		{"12,34", 1234, nil},
		{"1,5", 150, nil},
		{" 1,234.05 ", 123405, nil},
		{"1.234,05", 123405, nil},
		{"1,234,567", 123456700, nil},
		{"1.234.567", 123456700, nil},
		{"1.234.567,89", 123456789, nil},
		{"1,234,567.8", 123456780, nil},
		{".75", 75, nil},
		{",75", 75, nil},
		{"0", 0, nil},
		{"1000000000", MaxAmount, nil},
		{"1,000,000,000.00", MaxAmount, nil},
		{"1,234", 0, ErrAmbiguousAmount},
		{"1.234", 0, ErrAmbiguousAmount},
		{"12.345", 0, ErrAmbiguousAmount},
		{"1000000000.01", 0, ErrTooLarge},
		{"99999999999999", 0, ErrTooLarge},
		{"50000000000000000.00", 0, ErrTooLarge},
		{"", 0, ErrInvalidAmount},
		{"-5", 0, ErrInvalidAmount},
		{"+5", 0, ErrInvalidAmount},
		{"1.2345", 0, ErrInvalidAmount},
		{"1e3", 0, ErrInvalidAmount},
		{"12.", 0, ErrInvalidAmount},
		{"12,", 0, ErrInvalidAmount},
		{"abc", 0, ErrInvalidAmount},
		{"1.5.5", 0, ErrInvalidAmount},
		{"1,5,5", 0, ErrInvalidAmount},
		{"1,23.45", 0, ErrInvalidAmount},
		{"1.234,5.6", 0, ErrInvalidAmount},
		{"1,234.567", 0, ErrInvalidAmount},
		{"1234,567.00", 0, ErrInvalidAmount},
		{",234.50", 0, ErrInvalidAmount},
		{"1 234", 0, ErrInvalidAmount},
		{"€12", 0, ErrInvalidAmount},
		{"١٢", 0, ErrInvalidAmount},
	}
	for _, tt := range tests {
		got, err := Parse(tt.in)
		if got != tt.want || !errors.Is(err, tt.err) {
			t.Errorf("Parse(%q) = %v, %v; want %v, %v", tt.in, got, err, tt.want, tt.err)
		}
	}
}

func TestRefusalsShowHowToWrite(t *testing.T) {
	for _, err := range []error{ErrInvalidAmount, ErrAmbiguousAmount} {
		if !strings.Contains(err.Error(), "1,23") && !strings.Contains(err.Error(), "12,50") {
			t.Errorf("%q shows no example", err)
		}
	}
	if !strings.Contains(ErrTooLarge.Error(), Format(MaxAmount, "USD")[1:]) {
		t.Errorf("%q does not name the bound %s", ErrTooLarge, MaxAmount.Decimal())
	}
}

func TestCheck(t *testing.T) {
	for _, c := range []Cents{0, 1, -1, MaxAmount, -MaxAmount} {
		if err := Check(c); err != nil {
			t.Errorf("Check(%d) = %v, want nil", c, err)
		}
	}
	for _, c := range []Cents{MaxAmount + 1, -MaxAmount - 1, 5_000_000_000_000_000_000} {
		if err := Check(c); !errors.Is(err, ErrTooLarge) {
			t.Errorf("Check(%d) = %v, want %v", c, err, ErrTooLarge)
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

// european writes c as "1.234,56" (dots group thousands, comma before the cents).
func european(c Cents) string {
	s := Format(c, "USD")[1:]
	return strings.NewReplacer(",", ".", ".", ",").Replace(s)
}

func FuzzParse(f *testing.F) {
	for _, s := range []string{"12", "1,234.50", "1.234,50", "12,34", ".5", "-1", "1e9", "1,234", "1.234.567"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		c, err := Parse(s)
		if err != nil {
			if c != 0 {
				t.Fatalf("Parse(%q) = %d with error %v", s, c, err)
			}
			return
		}
		if c < 0 || c > MaxAmount {
			t.Fatalf("Parse(%q) = %d out of range", s, c)
		}
		if strings.Trim(s, " \t\n\r\v\f0123456789.,") != "" && strings.TrimSpace(s) == s {
			t.Fatalf("Parse(%q) accepted a character that is not a digit or separator", s)
		}
		// Every way the app or a person writes the same amount reads back as it.
		for _, w := range []string{c.Decimal(), Format(c, "USD")[1:], european(c), strings.Replace(c.Decimal(), ".", ",", 1)} {
			back, err := Parse(w)
			if err != nil || back != c {
				t.Fatalf("%q -> %d written as %q -> %d, %v", s, c, w, back, err)
			}
		}
	})
}
