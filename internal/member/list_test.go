package member_test

import (
	"net/url"
	"slices"
	"testing"

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
