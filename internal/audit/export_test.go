package audit

import (
	"time"

	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/core"
)

// ListQuery is the query List reads the first page of f with.
func ListQuery(app core.App, f Filter) *dbx.SelectQuery {
	f.Page, f.PerPage = 1, PerPage
	return listQuery(app, f, time.UTC)
}
