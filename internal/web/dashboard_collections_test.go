package web_test

import (
	"encoding/json"
	"net/http"
	"strings"
	"testing"

	"github.com/pocketbase/dbx"

	"teamfund/internal/testutil"
)

// TestDashboardCollectionChanges: what a superuser changes in the dashboard's Collections
// screens (through its collections API) is audited with before and after, without secrets,
// and a changed shipped rule shows on the owner's and admins' pages until it is put back.
func TestDashboardCollectionChanges(t *testing.T) {
	f := testutil.Fixtures(t)
	app := testutil.NewApp(t)
	defer app.Cleanup()
	srv := testutil.Serve(t, app)
	su := map[string]string{"Authorization": f.Token("superuser"), "Content-Type": "application/json"}
	patch := func(collection, payload string) {
		t.Helper()
		if status, text := body(t, "PATCH", srv.URL+"/api/collections/"+collection, payload, su); status != http.StatusOK {
			t.Fatalf("PATCH %s: %d %s", collection, status, text)
		}
	}
	entry := func(action, label, mustHave string) (string, string) {
		t.Helper()
		var before, after string
		err := app.DB().NewQuery("SELECT coalesce(before, ''), coalesce(after, '') FROM audit_log WHERE action = {:a} AND target_label = {:l} AND (before LIKE {:m} OR after LIKE {:m}) ORDER BY rowid DESC LIMIT 1").
			Bind(dbx.Params{"a": action, "l": label, "m": "%" + mustHave + "%"}).Row(&before, &after)
		if err != nil {
			t.Errorf("no %s entry for %s mentioning %q: %v", action, label, mustHave, err)
		}
		return before, after
	}

	for _, who := range []string{"owner", "admin", "memberA"} {
		if _, page := body(t, "GET", srv.URL+"/", "", f.CookieHeaders(who)); strings.Contains(page, `id="rule-drift"`) {
			t.Fatalf("%s sees a rule warning on a fresh server", who)
		}
	}

	patch("ledger_entries", `{"listRule":"","viewRule":""}`)
	before, after := entry("collection.update", "ledger_entries", "rule:listRule")
	if !strings.Contains(before, "account = @request.auth.id") || !strings.Contains(after, "anyone, even signed out") {
		t.Errorf("the rule change is not audited with before and after: %s → %s", before, after)
	}
	if r := callAPI(t, &http.Client{}, srv.URL, "GET", "/api/collections/ledger_entries/records", "", nil); r.Status != http.StatusOK {
		t.Fatalf("the opened rule: %d", r.Status)
	}
	for _, who := range []string{"owner", "admin"} {
		_, page := body(t, "GET", srv.URL+"/users", "", f.CookieHeaders(who))
		if !strings.Contains(page, `id="rule-drift"`) || !strings.Contains(page, "<strong>ledger_entries</strong> · listRule") ||
			!strings.Contains(page, "anyone, even signed out") || !strings.Contains(page, "account = @request.auth.id") {
			t.Errorf("%s's page does not name the changed rule with the shipped one", who)
		}
	}
	if _, page := body(t, "GET", srv.URL+"/", "", f.CookieHeaders("memberA")); strings.Contains(page, `id="rule-drift"`) {
		t.Error("a member sees the rule warning")
	}

	patch("ledger_entries", `{"listRule":"@request.auth.id != '' && @request.auth.collectionName = 'users' && ((@request.auth.role = 'owner' || @request.auth.role = 'admin') || account = @request.auth.id || (team != '' && team = @request.auth.team && (@request.auth.role = 'manager' || @request.auth.record_visibility = 'team')))",
		"viewRule":"@request.auth.id != '' && @request.auth.collectionName = 'users' && ((@request.auth.role = 'owner' || @request.auth.role = 'admin') || account = @request.auth.id || (team != '' && team = @request.auth.team && (@request.auth.role = 'manager' || @request.auth.record_visibility = 'team')))"}`)
	if _, page := body(t, "GET", srv.URL+"/", "", f.CookieHeaders("owner")); strings.Contains(page, `id="rule-drift"`) {
		t.Error("the warning stays after the shipped rule is put back")
	}

	users, err := app.FindCollectionByNameOrId("users")
	if err != nil {
		t.Fatal(err)
	}
	raw, err := json.Marshal(users.Fields)
	if err != nil {
		t.Fatal(err)
	}
	fields := strings.TrimSuffix(string(raw), "]") + `,{"name":"nickname","type":"text"}]`
	patch("users", `{"fields":`+fields+`}`)
	if _, after := entry("collection.update", "users", "field:nickname"); !strings.Contains(after, "nickname") {
		t.Errorf("the new field is not audited: %s", after)
	}
	const secret = "oauth-client-secret-do-not-log-me"
	patch("users", `{"oauth2":{"enabled":true,"providers":[{"name":"google","clientId":"client-123.apps","clientSecret":"`+secret+`"}]}}`)
	before, after = entry("collection.update", "users", "oauth2:google")
	if !strings.Contains(after, "client-123.apps") || !strings.Contains(after, "sha256:") {
		t.Errorf("the provider is not audited: %s → %s", before, after)
	}
	patch("users", `{"otp":{"enabled":true}}`)
	entry("collection.update", "users", "otp")
	var leaked int
	if err := app.DB().NewQuery("SELECT count(*) FROM audit_log WHERE before LIKE {:s} OR after LIKE {:s}").Bind(dbx.Params{"s": "%" + secret + "%"}).Row(&leaked); err != nil || leaked != 0 {
		t.Errorf("%d audit entries hold the client secret (%v)", leaked, err)
	}
	if status, _ := body(t, "POST", srv.URL+"/api/collections", `{"name":"notes","type":"base","fields":[{"name":"text","type":"text"}]}`, su); status != http.StatusOK {
		t.Fatalf("create collection: %d", status)
	}
	entry("collection.create", "notes", "field:text")
	if status, _ := body(t, "DELETE", srv.URL+"/api/collections/notes", "", su); status != http.StatusNoContent {
		t.Fatalf("delete collection: %d", status)
	}
	entry("collection.delete", "notes", "field:text")
	updates, _ := app.CountRecords("audit_log", dbx.HashExp{"action": "collection.update"})
	if status, text := body(t, "PUT", srv.URL+"/api/collections/import",
		`{"deleteMissing":false,"collections":[{"name":"imported_notes","type":"base","fields":[{"name":"body","type":"text"}]}]}`, su); status != http.StatusNoContent {
		t.Fatalf("import: %d %s", status, text)
	}
	entry("collection.create", "imported_notes", "field:body")
	if n, _ := app.CountRecords("audit_log", dbx.HashExp{"action": "collection.update"}); n != updates {
		t.Errorf("the import audited %d updates of collections it did not change", n-updates)
	}
}
