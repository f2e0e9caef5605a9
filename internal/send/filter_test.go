package send_test

import (
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/pocketbase/pocketbase/core"

	"teamfund/internal/member"
	"teamfund/internal/send"
	"teamfund/internal/testutil"
)

func TestMain(m *testing.M) { testutil.Main(m) }

func TestParseFilter(t *testing.T) {
	cases := []struct {
		name    string
		query   string
		want    send.Filter
		wantErr string // field name that must be reported
	}{
		{"empty query filters nothing", "", send.Filter{}, ""},
		{"all fields", "status=pending&team=t1&member=u1&from=2026-01-01&to=2026-01-31",
			send.Filter{Status: send.StatusPending, TeamID: "t1", Sender: "u1", From: "2026-01-01", To: "2026-01-31"}, ""},
		{"unknown status", "status=lost", send.Filter{}, "status"},
		{"bad from date", "from=31.01.2026", send.Filter{}, "from"},
		{"bad to date", "to=2026-02-30", send.Filter{}, "to"},
		{"to before from", "from=2026-02-01&to=2026-01-31", send.Filter{}, "to"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			q, _ := url.ParseQuery(c.query)
			got, err := send.ParseFilter(q)
			if c.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), c.wantErr) {
					t.Fatalf("got error %v, want one on %q", err, c.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatalf("got error %v", err)
			}
			if got != c.want {
				t.Errorf("got %+v, want %+v", got, c.want)
			}
			if back := got.Values().Encode(); back != q.Encode() {
				t.Errorf("Values() = %q, want %q", back, q.Encode())
			}
		})
	}
}

// TestQueryAppliesVisibilityAndFilters checks the one query the page, JSON and export use.
// putSend saves a send of the fixture user sender on team with status, made at created.
func putSend(t testing.TB, app core.App, sender, team, status, created string) string {
	t.Helper()
	f := testutil.Fixtures(t)
	col, err := app.FindCollectionByNameOrId(send.Collection)
	if err != nil {
		t.Fatal(err)
	}
	r := core.NewRecord(col)
	r.Load(map[string]any{"sender": f.ID(sender), "team": f.ID(team), "status": status, "cost": 100,
		"recipient_name": "R", "recipient_email": "r@example.com", "touch_name": "T"})
	if err := app.Save(r); err != nil {
		t.Fatal(err)
	}
	if _, err := app.DB().NewQuery("UPDATE sends SET created = {:c} WHERE id = {:id}").
		Bind(map[string]any{"c": created, "id": r.Id}).Execute(); err != nil {
		t.Fatal(err)
	}
	return r.Id
}

func TestQueryAppliesVisibilityAndFilters(t *testing.T) {
	app := testutil.NewApp(t)
	defer app.Cleanup()
	f := testutil.Fixtures(t)
	put := func(sender, team, status, created string) string {
		return putSend(t, app, sender, team, status, created)
	}
	a1 := put("memberA", "alpha", "sent", "2026-01-10 12:00:00.000Z")
	a2 := put("memberA2", "alpha", "pending", "2026-01-20 23:30:00.000Z")
	b1 := put("memberB", "beta", "sent", "2026-02-01 00:00:00.000Z")
	// managerA's own send from beta, before joining alpha: theirs and beta's
	ma := put("managerA", "beta", "sent", "2025-12-01 09:00:00.000Z")

	ids := func(viewer string, q string, loc *time.Location) []string {
		m, err := member.Find(app, f.ID(viewer))
		if err != nil {
			t.Fatal(err)
		}
		v, _ := url.ParseQuery(q)
		flt, err := send.ParseFilter(v)
		if err != nil {
			t.Fatal(err)
		}
		list, err := send.List(app, m, flt, loc, 100, 0)
		if err != nil {
			t.Fatal(err)
		}
		// the list's totalItems counts the same sends
		if n, err := send.Count(app, m, flt, loc); err != nil || n != len(list) {
			t.Errorf("%s %q: Count = %d, %v; want %d, the sends listed", viewer, q, n, err, len(list))
		}
		var out []string
		for _, s := range list {
			out = append(out, s.Id)
		}
		return out
	}
	berlin, _ := time.LoadLocation("Europe/Berlin")
	cases := []struct {
		name, viewer, query string
		loc                 *time.Location
		want                []string
	}{
		{"admin sees all, newest first", "admin", "", time.UTC, []string{b1, a2, a1, ma}},
		{"member sees only own sends", "memberA", "", time.UTC, []string{a1}},
		{"member with team permission sees the team's", "memberA2", "", time.UTC, []string{a2, a1}},
		{"manager sees own team and own sends from another team", "managerA", "", time.UTC, []string{a2, a1, ma}},
		{"other team's manager sees their team's sends", "managerB", "", time.UTC, []string{b1, ma}},
		{"status filter", "admin", "status=pending", time.UTC, []string{a2}},
		{"team filter", "admin", "team=" + f.ID("beta"), time.UTC, []string{b1, ma}},
		{"team filter on a team viewer's other team", "managerA", "team=" + f.ID("beta"), time.UTC, []string{ma}},
		{"date filter on a team viewer", "managerA", "from=2026-01-01", time.UTC, []string{a2, a1}},
		{"member filter", "admin", "member=" + f.ID("memberA"), time.UTC, []string{a1}},
		{"member filter cannot widen visibility", "memberA", "member=" + f.ID("memberB"), time.UTC, nil},
		{"to date is inclusive in UTC", "admin", "from=2026-01-20&to=2026-01-20", time.UTC, []string{a2}},
		{"dates are days in the company zone", "admin", "from=2026-01-21&to=2026-01-21", berlin, []string{a2}},
		{"deactivated viewer sees nothing", "locked", "", time.UTC, nil},
	}
	for _, c := range cases {
		got := ids(c.viewer, c.query, c.loc)
		if len(got) != len(c.want) {
			t.Errorf("%s: got %v, want %v", c.name, got, c.want)
			continue
		}
		for i := range got {
			if got[i] != c.want[i] {
				t.Errorf("%s: got %v, want %v", c.name, got, c.want)
				break
			}
		}
	}
}
