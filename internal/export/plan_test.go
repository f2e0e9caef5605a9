package export_test

import (
	"net/url"
	"strings"
	"testing"

	"teamfund/internal/export"
	"teamfund/internal/member"
	"teamfund/internal/testutil"
)

// TestLedgerAndSendsExportsStreamWithoutSorting checks the query plans: whatever the viewer
// and filter, SQLite must walk the (created, id) index rather than sort the matching rows
// in a temp B-tree (which would hold them all in memory before the first row is written).
func TestLedgerAndSendsExportsStreamWithoutSorting(t *testing.T) {
	f := testutil.Fixtures(t)
	app := testutil.NewApp(t)
	system, err := export.System(app)
	if err != nil {
		t.Fatal(err)
	}
	viewers := map[string]*member.Member{"system": system}
	for _, key := range []string{"managerA", "memberA2", "memberB", "loner"} {
		if viewers[key], err = member.Find(app, f.ID(key)); err != nil {
			t.Fatal(err)
		}
	}
	filters := []url.Values{
		{},
		{"team": {f.ID("alpha")}},
		{"member": {f.ID("memberA")}},
		{"status": {"sent"}},
		{"kind": {"grant"}},
		{"from": {"2026-01-01"}, "to": {"2026-01-31"}},
	}
	for _, ds := range []export.Dataset{export.Ledger, export.Sends} {
		for name, viewer := range viewers {
			for _, q := range filters {
				q = onlyParams(ds, q)
				plan, err := export.QueryPlan(app, ds, viewer, q)
				if err != nil {
					t.Fatalf("%s %s %v: %v", ds, name, q, err)
				}
				for _, d := range plan {
					if strings.Contains(d, "TEMP B-TREE") {
						t.Errorf("%s export as %s with %v sorts in memory: %s", ds, name, q.Encode(), d)
					}
				}
			}
		}
	}
}

// onlyParams keeps the query parameters that dataset ds has.
func onlyParams(ds export.Dataset, q url.Values) url.Values {
	out := url.Values{}
	for _, p := range export.Params(ds) {
		if v, ok := q[p]; ok {
			out[p] = v
		}
	}
	return out
}
