package web_test

import (
	"encoding/json"
	"io"
	"net/http"
	"strings"
	"testing"

	"github.com/pocketbase/dbx"

	"teamfund/internal/testutil"
	"teamfund/internal/web"
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
	teamStatus := exists("idx_users_team_status")
	if teamStatus == "" {
		t.Fatal("the fixture lacks idx_users_team_status")
	}
	for name, payload := range map[string]string{
		"drop idx_users_team_status":     without("idx_users_team_status", ""),
		"redefine idx_users_team_status": without("idx_users_team_status", "CREATE INDEX `idx_users_team_status` ON `users` (`created`)"),
	} {
		status, text := body(t, "PATCH", srv.URL+"/api/collections/users", payload, su)
		if status != http.StatusBadRequest || !strings.Contains(text, "cannot be removed or changed") {
			t.Errorf("%s: %d %.200s; want 400 naming the index", name, status, text)
		}
	}
	if exists("idx_users_team_status") != teamStatus {
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
		if !strings.Contains(idx, "idx_users_team_status") && strings.HasPrefix(idx, "CREATE INDEX") {
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

// TestOnlyTheRequiredIndexesAreRequired drops each index of every collection in turn and
// asks for every menu page, its JSON twin and the exports, as the owner and a manager: only
// the indexes the dashboard may not drop (requiredIndexes) turn a page into a 500, each of
// them some page. So the list is complete — a new INDEXED BY on an index not in it fails
// here — and holds nothing that could be dropped safely.
func TestOnlyTheRequiredIndexesAreRequired(t *testing.T) {
	if testing.Short() {
		t.Skip("drops every index in turn")
	}
	f := testutil.Fixtures(t)
	app := testutil.NewApp(t)
	defer app.Cleanup()
	srv := testutil.Serve(t, app)
	alpha := f.ID("alpha")
	pages := []string{"/", "/?month=2026-11", "/teams", "/teams/" + alpha, "/users", "/users?q=mem", "/users?team=" + alpha,
		"/users?role=member", "/invites", "/touches", "/touches/assignments", "/sends", "/money", "/money/team?team=" + alpha,
		"/money/admin", "/approvals/sends", "/approvals/money", "/approvals/leave", "/usage", "/usage?team=" + alpha,
		"/ledger", "/ledger?member=" + f.ID("memberA"), "/audit", "/audit?actor=" + f.ID("admin"), "/outbox", "/webhooks",
		"/settings", "/settings/api-keys", "/profile", "/export/users.csv", "/export/ledger.csv", "/export/sends.csv",
		"/export/usage.csv", "/api/tf/overview", "/api/tf/teams", "/api/tf/users?q=mem", "/api/tf/sends", "/api/tf/ledger",
		"/api/tf/usage", "/api/tf/audit", "/api/tf/money/me"}
	failing := func() []string {
		var out []string
		for _, who := range []string{"owner", "managerA"} {
			for _, p := range pages {
				headers := f.CookieHeaders(who)
				if strings.HasPrefix(p, "/api/") {
					headers = f.AuthHeaders(who)
				}
				req, _ := http.NewRequest(http.MethodGet, srv.URL+p, nil)
				for k, v := range headers {
					req.Header.Set(k, v)
				}
				res, err := http.DefaultClient.Do(req)
				if err == nil {
					_, err = io.Copy(io.Discard, res.Body) // a stream that fails midway ends early
					res.Body.Close()
				}
				if err != nil || res.StatusCode >= 500 {
					out = append(out, who+" "+p)
				}
			}
		}
		return out
	}
	if broken := failing(); len(broken) > 0 {
		t.Fatalf("with every index: %v", broken)
	}
	var indexes []struct {
		Name string `db:"name"`
		SQL  string `db:"sql"`
	}
	collections, err := app.FindAllCollections()
	if err != nil {
		t.Fatal(err)
	}
	var names []any
	for _, c := range collections {
		names = append(names, c.Name)
	}
	if err := app.DB().Select("name", "sql").From("sqlite_master").
		Where(dbx.And(dbx.HashExp{"type": "index"}, dbx.NewExp("sql IS NOT NULL"), dbx.In("tbl_name", names...))).
		OrderBy("name").All(&indexes); err != nil {
		t.Fatal(err)
	}
	required := map[string]bool{}
	for _, name := range web.RequiredIndexes() {
		required[name] = true
	}
	for _, idx := range indexes {
		if _, err := app.DB().NewQuery("DROP INDEX `" + idx.Name + "`").Execute(); err != nil {
			t.Fatal(err)
		}
		broken := failing()
		if _, err := app.DB().NewQuery(idx.SQL).Execute(); err != nil {
			t.Fatal(err)
		}
		switch {
		case required[idx.Name] && len(broken) == 0:
			t.Errorf("%s is in requiredIndexes, but no page fails without it", idx.Name)
		case !required[idx.Name] && len(broken) > 0:
			t.Errorf("without %s these fail: %v; add it to requiredIndexes", idx.Name, broken)
		}
		delete(required, idx.Name)
	}
	for name := range required {
		t.Errorf("%s is in requiredIndexes but not an index of a collection", name)
	}
}
