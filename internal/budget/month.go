package budget

import (
	"errors"
	"time"
)

// Month is a billing period "YYYY-MM" in the company time zone. Months compare as strings.
type Month string

const monthLayout = "2006-01"

// ErrInvalidMonth is returned for anything that is not YYYY-MM.
var ErrInvalidMonth = errors.New("the month must look like 2026-03")

// MonthOf is the month that t falls in, in loc.
func MonthOf(t time.Time, loc *time.Location) Month {
	return Month(t.In(loc).Format(monthLayout))
}

// ParseMonth checks s is YYYY-MM.
func ParseMonth(s string) (Month, error) {
	t, err := time.Parse(monthLayout, s)
	if err != nil || t.Year() < 2000 {
		return "", ErrInvalidMonth
	}
	return Month(t.Format(monthLayout)), nil
}

func (m Month) time() time.Time {
	t, _ := time.Parse(monthLayout, string(m))
	return t
}

// Next is the month after m.
func (m Month) Next() Month { return Month(m.time().AddDate(0, 1, 0).Format(monthLayout)) }

// Prev is the month before m.
func (m Month) Prev() Month { return Month(m.time().AddDate(0, -1, 0).Format(monthLayout)) }

// Start is the first instant of m in loc.
func (m Month) Start(loc *time.Location) time.Time {
	t := m.time()
	return time.Date(t.Year(), t.Month(), 1, 0, 0, 0, 0, loc)
}

// End is the first instant after m in loc.
func (m Month) End(loc *time.Location) time.Time { return m.Next().Start(loc) }

// Label is m for people: "March 2026".
func (m Month) Label() string { return m.time().Format("January 2006") }

// Short is m for a chart axis: "Mar 2026".
func (m Month) Short() string { return m.time().Format("Jan 2006") }
