package stats

import (
	"time"

	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/core"

	"teamfund/internal/budget"
)

// SendsPerTouchQuery is the query SendsPerTouch reads.
func SendsPerTouchQuery(app core.App, teamID string, month budget.Month) (string, dbx.Params) {
	q := sendsPerTouch(app, teamID, month, time.UTC)
	return q.SQL(), q.Params()
}
