package member_test

import (
	"fmt"
	"net/url"
	"slices"
	"testing"

	"github.com/pocketbase/dbx"

	"teamfund/internal/member"
	"teamfund/internal/testutil"
)

func TestListFilterAndVisibility(t *testing.T) {
	f := testutil.Fixtures(t)
	app := testutil.NewApp(t)
	defer app.Cleanup()
	tests := []struct {
		name   string
		viewer string
		query  string
		want   []string // fixture keys, in email order
	}{
		{"admin sees everyone", "admin", "", []string{"admin", "locked", "loner", "managerA", "managerB", "memberA2", "memberA", "memberB", "owner"}},
		{"manager sees only their team", "managerA", "", []string{"locked", "managerA", "memberA2", "memberA"}},
		{"manager's team filter cannot widen their view", "managerA", "team=" + f.ID("beta"), nil},
		{"member sees only themselves", "memberA", "", []string{"memberA"}},
		{"member with team visibility sees the team", "memberA2", "role=member", []string{"locked", "memberA2", "memberA"}},
		{"filter by team", "admin", "team=" + f.ID("beta"), []string{"managerB", "memberB"}},
		{"filter teamless", "admin", "team=none", []string{"admin", "loner", "owner"}},
		{"filter by role", "owner", "role=manager", []string{"managerA", "managerB"}},
		{"filter by status", "owner", "status=deactivated", []string{"locked"}},
		{"search by first name, any case", "owner", "q=MONA", []string{"memberA2"}},
		{"search by email prefix", "owner", "q=member.b", []string{"memberB"}},
		{"search wildcard characters are literal", "owner", "q=%25", nil},
		{"unknown role is ignored", "owner", "role=king&status=active&team=none", []string{"admin", "loner", "owner"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			viewer, err := member.Find(app, f.ID(tt.viewer))
			if err != nil {
				t.Fatal(err)
			}
			q, _ := url.ParseQuery(tt.query)
			page, err := member.List(app, viewer, member.ParseListFilter(q))
			if err != nil {
				t.Fatal(err)
			}
			var got, want []string
			for _, r := range page.Rows {
				got = append(got, r.Email)
			}
			for _, k := range tt.want {
				want = append(want, f.Emails[k])
			}
			if !slices.Equal(got, want) || page.Total != len(want) {
				t.Errorf("got %v (total %d), want %v", got, page.Total, want)
			}
			var streamed []string
			if err := member.Each(app, viewer, member.ParseListFilter(q), func(r member.Row) error {
				streamed = append(streamed, r.Email)
				return nil
			}); err != nil {
				t.Fatal(err)
			}
			if !slices.Equal(streamed, want) {
				t.Errorf("Each got %v, want %v", streamed, want)
			}
		})
	}
}

func TestListPaginates(t *testing.T) {
	f := testutil.Fixtures(t)
	app := testutil.NewApp(t)
	defer app.Cleanup()
	owner, _ := member.Find(app, f.ID("owner"))
	page, err := member.List(app, owner, member.ParseListFilter(url.Values{"page": {"3"}, "per_page": {"4"}}))
	if err != nil {
		t.Fatal(err)
	}
	if page.Total != 9 || page.Pages() != 3 || len(page.Rows) != 1 || page.Rows[0].Email != f.Emails["owner"] {
		t.Errorf("got total %d pages %d rows %v, want 9, 3, [owner]", page.Total, page.Pages(), page.Rows)
	}
}

// BenchmarkListAt10kUsers measures one filtered, paginated page of the users list with
// 10,000 users (figures in docs/TEAMS_USERS.md).
func BenchmarkListAt10kUsers(b *testing.B) {
	f := testutil.Fixtures(b)
	app := testutil.NewApp(b)
	defer app.Cleanup()
	testutil.InsertUsers(b, app, 10000)
	owner, _ := member.Find(app, f.ID("owner"))
	manager, _ := member.Find(app, f.ID("managerA"))
	cases := []struct {
		name   string
		viewer *member.Member
		query  url.Values
	}{
		{"admin/first page", owner, url.Values{}},
		{"admin/page 100", owner, url.Values{"page": {"100"}}},
		{"admin/team+role", owner, url.Values{"team": {f.ID("beta")}, "role": {"member"}}},
		{"admin/search name", owner, url.Values{"q": {"fati"}}},
		{"admin/search email", owner, url.Values{"q": {"user0999"}}},
		{"manager/own team", manager, url.Values{}},
	}
	for _, c := range cases {
		b.Run(c.name, func(b *testing.B) {
			flt := member.ParseListFilter(c.query)
			for b.Loop() {
				if _, err := member.List(app, c.viewer, flt); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// TestListMatchesThePlainQuery: List counts and pages from the filter indexes; for every
// filter, viewer and page it must give exactly the rows and total of the plain query
// (member.Each, which the export uses), including users whose email and first name both
// start with the search (counted once), deactivated and teamless users. It also checks
// that the indexes exist, so the comparison is not between the plain query and itself.
func TestListMatchesThePlainQuery(t *testing.T) {
	f := testutil.Fixtures(t)
	app := testutil.NewApp(t)
	defer app.Cleanup()
	names := []string{"Anna", "Annabel", "Bruno", "user", "Zoë", "anne"}
	teams := []string{f.ID("alpha"), f.ID("beta"), ""}
	roles := []string{"member", "manager", "member", "admin"}
	for i := range 300 {
		email := fmt.Sprintf("user%03d@acme.com", i)
		if i%7 == 0 {
			email = fmt.Sprintf("anna.%03d@acme.com", i) // email and first name both "ann…"
		}
		status := "active"
		if i%11 == 0 {
			status = "deactivated"
		}
		_, err := app.DB().Insert("users", dbx.Params{"id": fmt.Sprintf("cmp%012d", i), "email": email,
			"name": fmt.Sprintf("%s %03d", names[i%len(names)], i), "password": "x", "tokenKey": fmt.Sprintf("cmptokenkey%030d", i),
			"role": roles[i%len(roles)], "team": teams[i%len(teams)], "status": status, "record_visibility": "own"}).Execute()
		if err != nil {
			t.Fatal(err)
		}
	}
	var indexes int
	if err := app.DB().NewQuery("SELECT COUNT(*) FROM sqlite_master WHERE type = 'index' AND name LIKE 'idx_users_filter%'").Row(&indexes); err != nil || indexes != 4 {
		t.Fatalf("%d users filter indexes (%v), want 4", indexes, err)
	}
	queries := []string{"", "q=ann", "q=ANNA", "q=user0", "q=zo", "q=anna.0", "q=nobody", "role=member", "status=deactivated",
		"team=none", "team=" + f.ID("alpha"), "team=" + f.ID("beta") + "&q=ann&role=member", "team=none&status=active&q=u",
		"role=admin&status=active", "q=ann&per_page=7", "team=" + f.ID("alpha") + "&per_page=13"}
	for _, viewer := range []string{"owner", "managerA", "memberA2", "memberA"} {
		v := testutil.Member(t, app, f.ID(viewer))
		for _, query := range queries {
			q, _ := url.ParseQuery(query)
			flt := member.ParseListFilter(q)
			var want []string
			if err := member.Each(app, v, flt, func(r member.Row) error {
				want = append(want, r.Email+"|"+r.TeamName)
				return nil
			}); err != nil {
				t.Fatal(err)
			}
			for page := 1; ; page++ {
				flt.Page = page
				got, err := member.List(app, v, flt)
				if err != nil {
					t.Fatalf("%s %q page %d: %v", viewer, query, page, err)
				}
				if got.Total != len(want) {
					t.Fatalf("%s %q: total %d, want %d", viewer, query, got.Total, len(want))
				}
				lo := min((page-1)*flt.PerPage, len(want))
				hi := min(lo+flt.PerPage, len(want))
				var rows []string
				for _, r := range got.Rows {
					rows = append(rows, r.Email+"|"+r.TeamName)
				}
				if !slices.Equal(rows, want[lo:hi]) {
					t.Fatalf("%s %q page %d:\n got %v\nwant %v", viewer, query, page, rows, want[lo:hi])
				}
				if hi == len(want) {
					break
				}
			}
		}
	}
	// Without its indexes (dropped in the dashboard, say) the list is slower, not wrong.
	if _, err := app.DB().NewQuery("DROP INDEX idx_users_filter_name").Execute(); err != nil {
		t.Fatal(err)
	}
	got, err := member.List(app, testutil.Member(t, app, f.ID("owner")), member.ParseListFilter(url.Values{"q": {"ann"}}))
	if err != nil || got.Total == 0 {
		t.Errorf("without an index: total %d, %v", got.Total, err)
	}
}
