package web_test

import (
	"encoding/json"
	"net/http"
	"strings"
	"testing"

	"github.com/pocketbase/dbx"

	"teamfund/internal/testutil"
)

// TestRequiredIndexesStayThroughTheDashboard: the indexes Teamfund's queries name (INDEXED
// BY) cannot be dropped or redefined through the dashboard's collections API — a PATCH of
// the collection or an import is refused with a 400 that names the index, nothing of it is
// kept or audited, and the pages that read the index still answer. Other indexes may change.
func TestRequiredIndexesStayThroughTheDashboard(t *testing.T) {
	f := testutil.Fixtures(t)
	app := testutil.NewApp(t)
	defer app.Cleanup()
	srv := testutil.Serve(t, app)
	su := map[string]string{"Authorization": f.Token("superuser"), "Content-Type": "application/json"}
	indexes := func() []string {
		t.Helper()
		status, text := body(t, "GET", srv.URL+"/api/collections/users", "", su)
		var c struct{ Indexes []string }
		if err := json.Unmarshal([]byte(text), &c); status != http.StatusOK || err != nil {
			t.Fatalf("GET users: %d %s", status, text)
		}
		return c.Indexes
	}
	without := func(name, replacement string) string {
		var out []string
		for _, idx := range indexes() {
			if strings.Contains(idx, "`"+name+"`") {
				if replacement != "" {
					out = append(out, replacement)
				}
				continue
			}
			out = append(out, idx)
		}
		b, _ := json.Marshal(map[string]any{"indexes": out})
		return string(b)
	}
	exists := func(name string) string {
		var def string
		_ = app.DB().NewQuery("SELECT sql FROM sqlite_master WHERE type = 'index' AND name = {:n}").Bind(dbx.Params{"n": name}).Row(&def)
		return def
	}
	audited := func() int {
		var n int
		_ = app.DB().NewQuery("SELECT COUNT(*) FROM audit_log WHERE action = 'collection.update' AND target_label = 'users'").Row(&n)
		return n
	}
	teamStatus, filterTeam := exists("idx_users_team_status"), exists("idx_users_filter_team")
	if teamStatus == "" || filterTeam == "" {
		t.Fatal("the fixture lacks the required indexes")
	}
	for name, payload := range map[string]string{
		"drop idx_users_team_status":     without("idx_users_team_status", ""),
		"redefine idx_users_filter_team": without("idx_users_filter_team", "CREATE INDEX `idx_users_filter_team` ON `users` (`created`)"),
	} {
		status, text := body(t, "PATCH", srv.URL+"/api/collections/users", payload, su)
		if status != http.StatusBadRequest || !strings.Contains(text, "cannot be removed or changed") {
			t.Errorf("%s: %d %.200s; want 400 naming the index", name, status, text)
		}
	}
	if exists("idx_users_team_status") != teamStatus || exists("idx_users_filter_team") != filterTeam {
		t.Error("a refused change still dropped or changed an index")
	}
	if n := audited(); n != 0 {
		t.Errorf("%d audit entries for refused changes", n)
	}
	// An import that leaves the index out is refused the same way.
	status, text := body(t, "GET", srv.URL+"/api/collections?perPage=500", "", su)
	var all struct{ Items []map[string]any }
	if err := json.Unmarshal([]byte(text), &all); status != http.StatusOK || err != nil {
		t.Fatalf("GET collections: %d %s", status, text)
	}
	for _, c := range all.Items {
		if c["name"] == "users" {
			var kept []string
			for _, idx := range c["indexes"].([]any) {
				if !strings.Contains(idx.(string), "`idx_users_team_status`") {
					kept = append(kept, idx.(string))
				}
			}
			c["indexes"] = kept
		}
	}
	payload, _ := json.Marshal(map[string]any{"deleteMissing": false, "collections": all.Items})
	if status, text := body(t, "PUT", srv.URL+"/api/collections/import", string(payload), su); status != http.StatusBadRequest ||
		!strings.Contains(text, "idx_users_team_status") {
		t.Errorf("import without the index: %d %.200s; want 400 naming it", status, text)
	}
	if exists("idx_users_team_status") != teamStatus {
		t.Error("the refused import dropped the index")
	}
	for _, page := range []string{"/", "/teams", "/users", "/usage"} {
		if status, _ := body(t, "GET", srv.URL+page, "", f.CookieHeaders("owner")); status != http.StatusOK {
			t.Errorf("GET %s after the refused changes: %d", page, status)
		}
	}
	// An index no query names may go: the pages only get slower.
	var other string
	for _, idx := range indexes() {
		if !strings.Contains(idx, "idx_users_filter") && !strings.Contains(idx, "idx_users_team_status") && strings.HasPrefix(idx, "CREATE INDEX") {
			other = idx[strings.Index(idx, "`")+1:]
			other = other[:strings.Index(other, "`")]
			break
		}
	}
	if other == "" {
		t.Fatal("users has no index that no query names")
	}
	if status, text := body(t, "PATCH", srv.URL+"/api/collections/users", without(other, ""), su); status != http.StatusOK {
		t.Errorf("dropping %s: %d %.200s; want 200", other, status, text)
	}
	if exists(other) != "" || audited() != 1 {
		t.Errorf("dropping %s: still there, or %d audit entries (want 1)", other, audited())
	}
}
