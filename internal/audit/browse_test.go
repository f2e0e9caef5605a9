package audit_test

import (
	"encoding/json"
	"net/url"
	"strings"
	"testing"
	"time"

	"teamfund/internal/audit"
	"teamfund/internal/member"
	"teamfund/internal/testutil"
)

func TestMain(m *testing.M) { testutil.Main(m) }

func TestListFilters(t *testing.T) {
	f := testutil.Fixtures(t)
	app := testutil.NewApp(t)
	defer app.Cleanup()
	admin, _ := member.Find(app, f.ID("admin"))
	owner, _ := member.Find(app, f.ID("owner"))
	for _, e := range []struct {
		actor *member.Member
		entry audit.Entry
	}{
		{admin, audit.Entry{Action: "user.role", TargetType: "user", TargetID: f.ID("memberA"), TargetLabel: "member.a@acme.com"}},
		{admin, audit.Entry{Action: "user.team", TargetType: "user", TargetID: f.ID("memberB"), TargetLabel: "member.b@acme.com"}},
		{owner, audit.Entry{Action: "team.delete", TargetType: "team", TargetID: f.ID("beta"), TargetLabel: "Beta"}},
	} {
		if err := audit.Record(app, e.actor, e.entry); err != nil {
			t.Fatal(err)
		}
	}
	today := time.Now().UTC().Format("2006-01-02")
	tomorrow := time.Now().UTC().AddDate(0, 0, 1).Format("2006-01-02")
	tests := []struct {
		query string
		want  int
	}{
		{"", 3},
		{"actor=ADMIN@acme.com", 2},
		{"actor=" + f.ID("owner"), 1},
		{"action=user.", 2},
		{"action=user.role", 1},
		{"target=member.b", 1},
		{"target=" + f.ID("beta"), 1},
		{"from=" + today + "&to=" + today, 3},
		{"from=" + tomorrow, 0},
		{"to=2000-01-01", 0},
		{"from=garbage", 3},
	}
	for _, tt := range tests {
		q, _ := url.ParseQuery(tt.query)
		page, err := audit.List(app, audit.ParseFilter(q), time.UTC)
		if err != nil {
			t.Fatal(err)
		}
		// the fixture's own entries (setup) are excluded by counting only ours
		n := 0
		for _, r := range page.Rows {
			if r.ActorEmail == "admin@acme.com" || r.ActorEmail == "owner@acme.com" {
				n++
			}
		}
		if n != tt.want {
			t.Errorf("%q: got %d entries, want %d", tt.query, n, tt.want)
		}
	}
}

func TestRowChangesAndJSON(t *testing.T) {
	r := audit.Row{Action: "user.role", Before: `{"role":"member","team":"t1","may_export":false}`, After: `{"role":"manager","team":"t1","may_export":true}`}
	got := r.Changes()
	if len(got) != 2 || got[0] != (audit.Change{Field: "may_export", Before: "false", After: "true"}) ||
		got[1] != (audit.Change{Field: "role", Before: "member", After: "manager"}) {
		t.Errorf("changes %+v", got)
	}
	if created := (audit.Row{After: `{"name":"Gamma"}`}).Changes(); len(created) != 1 || created[0].Before != "" {
		t.Errorf("a creation shows %+v", created)
	}
	b, err := json.Marshal(r)
	if err != nil || !strings.Contains(string(b), `"before":{"role":"member"`) || !strings.Contains(string(b), `"action":"user.role"`) {
		t.Errorf("json %s %v, want before/after as objects", b, err)
	}
}

// TestAnActorsEntriesAreReadFromTheirIndex: a filter by a person's id walks idx_audit_actor
// (actor, created) in the list's order, not the whole log (the OR with the email did).
func TestAnActorsEntriesAreReadFromTheirIndex(t *testing.T) {
	f := testutil.Fixtures(t)
	app := testutil.NewApp(t)
	defer app.Cleanup()
	q := audit.ListQuery(app, audit.Filter{Actor: f.ID("admin")}).Build()
	got := testutil.QueryPlan(t, app, q.SQL(), q.Params())
	if !strings.Contains(got, "idx_audit_actor (actor=?)") || strings.Contains(got, "TEMP B-TREE FOR ORDER BY") {
		t.Errorf("plan: %s; want idx_audit_actor in order", got)
	}
}
