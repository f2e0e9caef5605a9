package team_test

import (
	"testing"

	"teamfund/internal/team"
	"teamfund/internal/testutil"
)

// TestNamesAreTheListsTeams: the picker shows exactly the teams (and order) of List, per viewer.
func TestNamesAreTheListsTeams(t *testing.T) {
	f := testutil.Fixtures(t)
	app := testutil.NewApp(t)
	defer app.Cleanup()
	for _, key := range []string{"owner", "admin", "managerA", "memberB", "loner"} {
		viewer := testutil.Member(t, app, f.ID(key))
		list, err := team.List(app, viewer, "")
		if err != nil {
			t.Fatal(err)
		}
		names, err := team.Names(app, viewer)
		if err != nil {
			t.Fatal(err)
		}
		if len(names) != len(list) {
			t.Fatalf("%s: got %d teams, want %d", key, len(names), len(list))
		}
		for i := range list {
			if names[i].ID != list[i].ID || names[i].Name != list[i].Name {
				t.Errorf("%s: team %d = %s %q, want %s %q", key, i, names[i].ID, names[i].Name, list[i].ID, list[i].Name)
			}
		}
	}
}
