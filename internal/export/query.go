package export

import (
	"time"

	"github.com/pocketbase/pocketbase/tools/types"
)

// parseTime reads a datetime column as PocketBase stores it ("" → zero time).
func parseTime(s string) time.Time {
	if s == "" {
		return time.Time{}
	}
	dt, err := types.ParseDateTime(s)
	if err != nil {
		return time.Time{}
	}
	return dt.Time()
}

// walkNewestFirst is the FROM clause of an export of a list ordered by (created, id) DESC:
// it makes SQLite walk that index instead of picking a filter's index and then sorting every
// matching row in memory (temp_store=MEMORY) before returning the first — with a filter like
// "my rows or my team's", or status=sent, that sort grows with the rows. Walking the index
// streams in constant memory; the cost is time proportional to the table (from/to become a
// range on the index). Measured in docs/EXPORT.md.
func walkNewestFirst(table, index string) string {
	// note: dbx reads the last word as an alias and quotes it; SQLite accepts a quoted index name.
	return "{{" + table + "}} INDEXED BY " + index
}
