package company

import (
	"slices"
	"sync"
	"time"

	"golang.org/x/text/currency"
)

// Currencies lists, sorted, the ISO 4217 codes Teamfund can count in — today's legal
// tender with two decimals — for the currency field of the setup and settings pages.
var Currencies = sync.OnceValue(func() []string {
	var out []string
	for it := currency.Query(currency.Date(time.Now())); it.Next(); {
		code := it.Unit().String()
		if validCurrency(code) == nil && !slices.Contains(out, code) {
			out = append(out, code)
		}
	}
	slices.Sort(out)
	return out
})

// TimeZones lists the IANA time zones offered for the company (the canonical zones of
// the tz database, which time/tzdata embeds, and UTC).
func TimeZones() []string { return timeZoneNames }
