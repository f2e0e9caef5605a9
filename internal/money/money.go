// Package money holds the one representation of amounts: integer minor units (cents).
package money

import (
	"errors"
	"fmt"
	"strconv"
	"strings"
)

// Cents is an amount in minor units of the company currency. Floats never hold money.
type Cents int64

// MaxAmount bounds any single amount a person can type, so sums never overflow int64.
const MaxAmount Cents = 1_000_000_000_00

// ErrInvalidAmount is returned by Parse for anything that is not a plain decimal amount.
var ErrInvalidAmount = errors.New("must be an amount like 12 or 12.50")

// Parse reads "12", "12.5", "12.50" or "1,234.50" (thousands commas allowed) into cents.
// It refuses negatives, more than two decimals, exponents and anything above MaxAmount.
func Parse(s string) (Cents, error) {
	s = strings.ReplaceAll(strings.TrimSpace(s), ",", "")
	if s == "" {
		return 0, ErrInvalidAmount
	}
	whole, frac, hasDot := strings.Cut(s, ".")
	if whole == "" {
		whole = "0"
	}
	if hasDot && (len(frac) == 0 || len(frac) > 2) {
		return 0, ErrInvalidAmount
	}
	for _, r := range whole + frac {
		if r < '0' || r > '9' {
			return 0, ErrInvalidAmount
		}
	}
	if len(whole) > 12 {
		return 0, ErrInvalidAmount
	}
	w, err := strconv.ParseInt(whole, 10, 64)
	if err != nil {
		return 0, ErrInvalidAmount
	}
	for len(frac) < 2 {
		frac += "0"
	}
	f, err := strconv.ParseInt(frac, 10, 64)
	if err != nil {
		return 0, ErrInvalidAmount
	}
	c := Cents(w*100 + f)
	if c > MaxAmount {
		return 0, ErrInvalidAmount
	}
	return c, nil
}

// Decimal renders c as a plain decimal ("-1234.50") for CSV and form values.
func (c Cents) Decimal() string {
	sign := ""
	v := int64(c)
	if v < 0 {
		sign = "-"
		v = -v
	}
	return fmt.Sprintf("%s%d.%02d", sign, v/100, v%100)
}

// Format renders c for people: "USD 1,234.50" (or "€1,234.50" for a known symbol).
func Format(c Cents, currency string) string {
	sign := ""
	v := int64(c)
	if v < 0 {
		sign = "-"
		v = -v
	}
	whole := strconv.FormatInt(v/100, 10)
	var b strings.Builder
	for i, r := range whole {
		if i > 0 && (len(whole)-i)%3 == 0 {
			b.WriteByte(',')
		}
		b.WriteRune(r)
	}
	amount := fmt.Sprintf("%s.%02d", b.String(), v%100)
	if sym, ok := symbols[currency]; ok {
		return sign + sym + amount
	}
	return sign + currency + " " + amount
}

var symbols = map[string]string{"USD": "$", "EUR": "€", "GBP": "£", "JPY": "¥", "CHF": "CHF ", "CAD": "CA$", "AUD": "A$"}
