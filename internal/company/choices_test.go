package company

import (
	"slices"
	"testing"
	"time"
)

func TestEveryOfferedChoiceIsAccepted(t *testing.T) {
	cur := Currencies()
	if len(cur) < 100 || !slices.Contains(cur, "EUR") || !slices.Contains(cur, "USD") || slices.Contains(cur, "XAU") || slices.Contains(cur, "JPY") {
		t.Errorf("currencies: %d codes %v, want the tender ones with cents (EUR, USD; not XAU, not JPY)", len(cur), cur)
	}
	for _, c := range cur {
		if err := validCurrency(c); err != nil {
			t.Errorf("offered currency %s is refused: %v", c, err)
		}
	}
	zones := TimeZones()
	if len(zones) < 300 || !slices.Contains(zones, "Europe/Berlin") || !slices.Contains(zones, "UTC") {
		t.Errorf("time zones: %d, want the IANA list with Europe/Berlin and UTC", len(zones))
	}
	for _, z := range zones {
		if _, err := time.LoadLocation(z); err != nil {
			t.Errorf("offered time zone %s does not load: %v", z, err)
		}
	}
}
