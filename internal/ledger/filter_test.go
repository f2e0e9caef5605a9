package ledger_test

import (
	"net/url"
	"testing"
	"time"

	validation "github.com/pocketbase/ozzo-validation/v4"

	"teamfund/internal/ledger"
	"teamfund/internal/member"
	"teamfund/internal/testutil"
)

func TestParseFilterRefusesBadFieldsByName(t *testing.T) {
	tests := []struct {
		name  string
		query string
		field string // "" = valid
	}{
		{"empty filter is valid", "", ""},
		{"all fields valid", "member=a@acme.com&team=abc&kind=monthly&from=2026-01-01&to=2026-01-31", ""},
		{"unknown kind", "kind=bogus", "kind"},
		{"malformed from", "from=01/02/2026", "from"},
		{"malformed to", "to=2026-13-01", "to"},
		{"to before from", "from=2026-02-01&to=2026-01-01", "to"},
	}
	for _, tt := range tests {
		q, _ := url.ParseQuery(tt.query)
		_, err := ledger.ParseFilter(q)
		if tt.field == "" {
			if err != nil {
				t.Errorf("%s: got %v, want no error", tt.name, err)
			}
			continue
		}
		if err == nil || !containsField(err, tt.field) {
			t.Errorf("%s: got %v, want an error on %q", tt.name, err, tt.field)
		}
	}
}

func containsField(err error, field string) bool {
	verrs, ok := err.(validation.Errors)
	return ok && verrs[field] != nil
}

func TestFilterRoundTripsThroughValues(t *testing.T) {
	in := ledger.Filter{Member: "x@acme.com", Kind: ledger.KindSpend, From: "2026-01-01"}
	out, err := ledger.ParseFilter(in.Values())
	if err != nil || out != in {
		t.Errorf("got %+v %v, want %+v", out, err, in)
	}
}

func TestListAppliesFilterAndVisibility(t *testing.T) {
	f := testutil.Fixtures(t)
	app := testutil.NewApp(t)
	defer app.Cleanup()
	for _, key := range []string{"memberA", "memberA2", "memberB"} {
		if _, err := ledger.Post(app, ledger.Entry{Account: f.ID(key), Amount: 700, Kind: ledger.KindGrant}); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := ledger.Post(app, ledger.Entry{Account: f.ID("memberA"), Amount: -200, Kind: ledger.KindSpend}); err != nil {
		t.Fatal(err)
	}
	viewer := func(key string) *member.Member {
		m, err := member.Find(app, f.ID(key))
		if err != nil {
			t.Fatal(err)
		}
		return m
	}
	today := time.Now().UTC().Format("2006-01-02")
	tests := []struct {
		name   string
		viewer string
		filter ledger.Filter
		want   int
	}{
		{"admin sees every entry", "admin", ledger.Filter{}, 4},
		{"admin filters by kind", "admin", ledger.Filter{Kind: ledger.KindSpend}, 1},
		{"admin filters by member email", "admin", ledger.Filter{Member: "member.a@acme.com"}, 2},
		{"admin filters by team", "admin", ledger.Filter{Team: f.ID("beta")}, 1},
		{"admin filters by today's date", "admin", ledger.Filter{From: today, To: today}, 4},
		{"admin filters by a past day", "admin", ledger.Filter{To: "2020-01-01"}, 0},
		{"manager sees only their team", "managerA", ledger.Filter{}, 3},
		{"manager asking for another team gets nothing", "managerA", ledger.Filter{Team: f.ID("beta")}, 0},
		{"member with team visibility sees the team", "memberA2", ledger.Filter{}, 3},
		{"plain member sees only their own entries", "memberB", ledger.Filter{}, 1},
		{"plain member cannot see a teammate by filtering", "memberA", ledger.Filter{Member: f.ID("memberA2")}, 0},
	}
	for _, tt := range tests {
		rows, err := ledger.List(app, viewer(tt.viewer), tt.filter, time.UTC, 100, 0)
		if err != nil {
			t.Fatalf("%s: %v", tt.name, err)
		}
		if len(rows) != tt.want {
			t.Errorf("%s: got %d rows, want %d", tt.name, len(rows), tt.want)
		}
	}
}
