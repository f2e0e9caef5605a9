package audit

import (
	"time"

	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/core"
)

// ListQuery is the query List reads a page of f with.
func ListQuery(app core.App, f Filter) *dbx.SelectQuery {
	return filtered(app, f, time.UTC).Select("id").OrderBy("created DESC", "id DESC").Limit(PerPage + 1)
}
