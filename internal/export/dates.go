package export

import (
	"time"

	validation "github.com/go-ozzo/ozzo-validation/v4"
	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/tools/types"
)

const dateLayout = "2006-01-02"

var isDate = validation.Date(dateLayout).Error("must be a date like 2026-01-31")

// dayRange limits column col to the days from..to (YYYY-MM-DD, both included, in loc);
// either may be "" for an open end.
func dayRange(col, from, to string, loc *time.Location) dbx.Expression {
	var conds []dbx.Expression
	if t, err := time.ParseInLocation(dateLayout, from, loc); err == nil {
		conds = append(conds, dbx.NewExp("[["+col+"]] >= {:from}", dbx.Params{"from": dbTime(t)}))
	}
	if t, err := time.ParseInLocation(dateLayout, to, loc); err == nil {
		conds = append(conds, dbx.NewExp("[["+col+"]] < {:until}", dbx.Params{"until": dbTime(t.AddDate(0, 0, 1))}))
	}
	return allOf(conds...)
}

// dbTime formats t the way PocketBase stores datetimes, so text comparison orders them.
func dbTime(t time.Time) string { return t.UTC().Format(types.DefaultDateLayout) }

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

// allOf joins the non-nil conditions with AND; nil when there are none.
// note: dbx.And over only empty expressions builds "()", which is invalid SQL.
func allOf(conds ...dbx.Expression) dbx.Expression {
	var out []dbx.Expression
	for _, c := range conds {
		if c != nil {
			out = append(out, c)
		}
	}
	if len(out) == 0 {
		return nil
	}
	return dbx.And(out...)
}

// orAll turns "no condition" into an explicit true, for Where (dbx renders a nil condition
// joined with others as "()").
func orAll(cond dbx.Expression) dbx.Expression {
	if cond == nil {
		return dbx.NewExp("1 = 1")
	}
	return cond
}

// walkNewestFirst is the FROM clause of an export of a list ordered by (created, id) DESC:
// it makes SQLite walk that index instead of picking a filter's index and then sorting every
// matching row in memory (temp_store=MEMORY) before returning the first — with a filter like
// "my rows or my team's", or status=sent, that sort grows with the rows. Walking the index
// streams in constant memory; the cost is time proportional to the table (from/to become a
// range on the index). Measured in docs/EXPORT.md.
func walkNewestFirst(table, alias, index string) string {
	from := "{{" + table + "}}"
	if alias != "" {
		from += " " + alias
	}
	// note: dbx reads the last word as an alias and quotes it; SQLite accepts a quoted index name.
	return from + " INDEXED BY " + index
}
