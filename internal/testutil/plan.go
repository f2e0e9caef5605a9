package testutil

import (
	"strings"
	"testing"

	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/core"
)

// QueryPlan is SQLite's plan for q with params (EXPLAIN QUERY PLAN), its steps joined by
// "; ", for tests that a query reads the index it was written for.
func QueryPlan(tb testing.TB, app core.App, q string, params dbx.Params) string {
	tb.Helper()
	var plan []struct {
		Detail string `db:"detail"`
	}
	if err := app.DB().NewQuery("EXPLAIN QUERY PLAN " + q).Bind(params).All(&plan); err != nil {
		tb.Fatal(err)
	}
	details := make([]string, len(plan))
	for i, p := range plan {
		details[i] = p.Detail
	}
	return strings.Join(details, "; ")
}
