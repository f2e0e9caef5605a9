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

// MaxAmount bounds every single amount (a grant, an adjustment, a transfer, a request, a
// team's monthly limit, rollover cap, max per send and approval threshold, a touch's cost):
// 1,000,000,000.00 in major units. With balances bounded by MaxBalance, the sum of every
// balance of 100,000 members stays below 1e18, far inside int64 (9.2e18), so totals on the
// teams, usage and admin pages cannot overflow.
const MaxAmount Cents = 100_000_000_000

// MaxBalance bounds a single balance (100 × MaxAmount): a grant that would take a balance
// above it is refused, and the monthly allocation stops adding there.
const MaxBalance Cents = 100 * MaxAmount

// Errors of Parse and Check; each shows how to write the amount instead.
var (
	ErrInvalidAmount   = errors.New("must be an amount like 12, 12.50 or 12,50 (thousands as 1,234.50 or 1.234,50)")
	ErrAmbiguousAmount = errors.New("is ambiguous: write 1234 or 1,234.00 for one thousand two hundred thirty-four, 1.23 or 1,23 for one and 23 cents")
	ErrTooLarge        = errors.New("must be at most 1,000,000,000.00")
	ErrNegative        = errors.New("must not be negative")
)

// Check refuses an amount whose size is above MaxAmount (in either direction). Domain code
// calls it for every amount that did not come through Parse (JSON cents, records API).
func Check(c Cents) error {
	if c > MaxAmount || c < -MaxAmount {
		return ErrTooLarge
	}
	return nil
}

// Parse reads a non-negative amount typed by a person into cents. It accepts a decimal point
// or a decimal comma ("12.50", "12,50", "1,5"), and thousands separators when the other
// character is the decimal separator or when they repeat ("1,234.56", "1.234,56",
// "1,234,567", "1.234.567"). A single separator followed by exactly three digits ("1,234",
// "1.234") could be either, so it is refused as ambiguous; so is anything else that is not
// plainly an amount (signs, exponents, spaces inside, more than two decimals, above MaxAmount).
func Parse(s string) (Cents, error) {
	s = strings.TrimSpace(s)
	whole, frac, err := split(s)
	if err != nil {
		return 0, err
	}
	if whole == "" {
		whole = "0"
	}
	if len(whole) > 12 {
		return 0, ErrTooLarge
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
		return 0, ErrTooLarge
	}
	return c, nil
}

// split cuts s into its whole digits (thousands separators removed) and its decimals.
func split(s string) (whole, frac string, err error) {
	if s == "" {
		return "", "", ErrInvalidAmount
	}
	for _, r := range s {
		if (r < '0' || r > '9') && r != '.' && r != ',' {
			return "", "", ErrInvalidAmount
		}
	}
	dots, commas := strings.Count(s, "."), strings.Count(s, ",")
	var decimal, group byte
	switch {
	case dots == 0 && commas == 0:
		return s, "", nil
	case dots > 0 && commas > 0:
		// Both appear: the last one is the decimal separator and must appear once.
		last := s[strings.LastIndexAny(s, ".,")]
		decimal, group = last, other(last)
		if strings.Count(s, string(decimal)) != 1 {
			return "", "", ErrInvalidAmount
		}
	case dots > 1 || commas > 1:
		// One character repeated can only be a thousands separator.
		group = '.'
		if commas > 0 {
			group = ','
		}
	default:
		// One separator once: decimals when one or two digits follow it.
		sep := s[strings.IndexAny(s, ".,")]
		after := len(s) - strings.IndexByte(s, sep) - 1
		switch {
		case after == 3 && strings.IndexByte(s, sep) > 0:
			return "", "", ErrAmbiguousAmount
		case after == 1 || after == 2:
			decimal = sep
		default:
			return "", "", ErrInvalidAmount
		}
	}
	intPart := s
	if decimal != 0 {
		i := strings.IndexByte(s, decimal)
		intPart, frac = s[:i], s[i+1:]
		if len(frac) == 0 || len(frac) > 2 {
			return "", "", ErrInvalidAmount
		}
	}
	if group == 0 {
		return intPart, frac, nil
	}
	groups := strings.Split(intPart, string(group))
	if len(groups[0]) < 1 || len(groups[0]) > 3 {
		return "", "", ErrInvalidAmount
	}
	for _, g := range groups[1:] {
		if len(g) != 3 {
			return "", "", ErrInvalidAmount
		}
	}
	return strings.Join(groups, ""), frac, nil
}

func other(sep byte) byte {
	if sep == '.' {
		return ','
	}
	return '.'
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
