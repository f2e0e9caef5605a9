package web_test

import (
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tests"

	"teamfund/internal/testutil"
)

// newKey creates an API key as fixture user creator through the API and returns its secret.
func newKey(t *testing.T, srv, creator, body string) (string, string) {
	t.Helper()
	code, out := apiJSON(t, srv, "POST", "/api/tf/api-keys", body, creator)
	if code != http.StatusCreated {
		t.Fatalf("create key %s: got %d %v", body, code, out)
	}
	secret, _ := out["key"].(string)
	if !strings.HasPrefix(secret, "tfk_") || len(secret) < 40 {
		t.Fatalf("key %q, want tfk_ and a long random part", secret)
	}
	return secret, out["id"].(string)
}

// withKey sends a request authenticated by an API key.
func withKey(t *testing.T, srv, method, path, body, secret string) (int, string) {
	t.Helper()
	res, b := exchange(t, method, srv+path, body, map[string]string{"Authorization": "Bearer " + secret, "Content-Type": "application/json"})
	return res.StatusCode, string(b)
}

func TestAPIKeysActWithTheirScopeOnEveryAPI(t *testing.T) {
	f := testutil.Fixtures(t)
	app := testutil.NewApp(t)
	defer app.Cleanup()
	srv := testutil.Serve(t, app).URL
	readOnly, _ := newKey(t, srv, "owner", `{"name":"Finance export","role":"readonly"}`)
	manager, _ := newKey(t, srv, "owner", fmt.Sprintf(`{"name":"Alpha CRM","role":"manager","team":%q}`, f.ID("alpha")))
	admin, _ := newKey(t, srv, "owner", `{"name":"HR sync","role":"admin"}`)
	alpha, beta := f.ID("alpha"), f.ID("beta")
	for _, c := range []struct {
		name, key, method, path, body string
		want                          int
	}{
		{"a read-only key reads users", readOnly, "GET", "/api/tf/users", "", 200},
		{"a read-only key reads records", readOnly, "GET", "/api/collections/teams/records", "", 200},
		{"a read-only key cannot create a team", readOnly, "POST", "/api/tf/teams", `{"name":"Gamma","budget_mode":"one_time","month_rule":"rollover"}`, 403},
		{"a read-only key cannot write through the records API", readOnly, "PATCH", "/api/collections/teams/records/" + alpha, `{"name":"X"}`, 403},
		{"a manager key edits its team", manager, "PATCH", "/api/tf/teams/" + alpha, `{"name":"Alpha Prime"}`, 200},
		{"a manager key cannot edit another team (hidden, as for a manager)", manager, "PATCH", "/api/tf/teams/" + beta, `{"name":"Beta Prime"}`, 404},
		{"a manager key cannot create a team", manager, "POST", "/api/tf/teams", `{"name":"Gamma","budget_mode":"one_time","month_rule":"rollover"}`, 403},
		{"an admin key creates a team", admin, "POST", "/api/tf/teams", `{"name":"Gamma","budget_mode":"one_time","month_rule":"rollover"}`, 201},
		{"an owner's admin key is not the owner (settings)", admin, "GET", "/api/tf/settings", "", 403},
		{"a key never opens PocketBase's settings", admin, "GET", "/api/settings", "", 403},
		{"a key never opens the superusers collection", admin, "GET", "/api/collections/_superusers/records", "", 403},
		{"a key never opens backups", admin, "GET", "/api/backups", "", 403},
		{"a key cannot mint a session token", admin, "POST", "/api/collections/users/auth-refresh", "", 403},
		{"a key cannot create keys", admin, "POST", "/api/tf/api-keys", `{"name":"More","role":"admin"}`, 403},
		{"a read-only key cannot change its creator's preferences", readOnly, "POST", "/api/tf/me/approval-mail", `{"on":false}`, 403},
		{"a key does not open pages", admin, "GET", "/users", "", 403},
		{"an unknown key is refused", "tfk_nosuchkey0123456789012345678901234567", "GET", "/api/tf/me", "", 401},
	} {
		t.Run(c.name, func(t *testing.T) {
			if code, body := withKey(t, srv, c.method, c.path, c.body, c.key); code != c.want {
				t.Errorf("got %d %s, want %d", code, body, c.want)
			}
		})
	}
	var secretStored int
	if err := app.DB().NewQuery("SELECT COUNT(*) FROM api_keys WHERE key_hash = {:k} OR hint = {:k}").
		Bind(map[string]any{"k": admin}).Row(&secretStored); err != nil || secretStored != 0 {
		t.Errorf("the secret itself is stored (%d rows, %v)", secretStored, err)
	}
	_, list := apiJSON(t, srv, "GET", "/api/tf/api-keys", "", "owner")
	if strings.Contains(fmt.Sprint(list), admin) || list["totalItems"] != float64(3) {
		t.Errorf("list shows a secret or misses keys: %v", list)
	}
	for _, item := range list["items"].([]any) {
		k := item.(map[string]any)
		if k["name"] == "HR sync" && (k["lastUsedAt"] == "" || k["lastUsedIp"] != "127.0.0.1") {
			t.Errorf("last use not shown: %v", k)
		}
	}
}

func TestRevokedExpiredAndLimitedKeys(t *testing.T) {
	f := testutil.Fixtures(t)
	app := testutil.NewApp(t)
	defer app.Cleanup()
	srv := testutil.Serve(t, app).URL
	revoked, revokedID := newKey(t, srv, "admin", `{"name":"Old","role":"admin"}`)
	expiring, expiringID := newKey(t, srv, "admin", fmt.Sprintf(`{"name":"Short","role":"admin","expires":%q}`, time.Now().Add(time.Hour).UTC().Format(time.RFC3339)))
	demoted, _ := newKey(t, srv, "admin", `{"name":"Sync","role":"admin"}`)
	if code, _ := withKey(t, srv, "GET", "/api/tf/me", "", revoked); code != 200 {
		t.Fatalf("fresh key: got %d", code)
	}
	if code, out := apiJSON(t, srv, "POST", "/api/tf/api-keys/"+revokedID+"/revoke", "", "admin"); code != http.StatusNoContent {
		t.Fatalf("revoke: got %d %v", code, out)
	}
	if code, body := withKey(t, srv, "GET", "/api/tf/me", "", revoked); code != 401 || !strings.Contains(body, "revoked") {
		t.Errorf("revoked key: got %d %s, want 401 naming the revocation", code, body)
	}
	if _, err := app.DB().NewQuery("UPDATE api_keys SET expires = '2020-01-01 00:00:00.000Z' WHERE id = {:id}").
		Bind(map[string]any{"id": expiringID}).Execute(); err != nil {
		t.Fatal(err)
	}
	if code, body := withKey(t, srv, "GET", "/api/tf/me", "", expiring); code != 401 || !strings.Contains(body, "expired") {
		t.Errorf("expired key: got %d %s, want 401", code, body)
	}
	// the creator is demoted to manager of alpha: the admin key acts as that manager at once
	if code, _ := withKey(t, srv, "GET", "/api/tf/audit", "", demoted); code != 200 {
		t.Fatalf("admin key before demotion: got %d", code)
	}
	creator, err := app.FindRecordById("users", f.ID("admin"))
	if err != nil {
		t.Fatal(err)
	}
	creator.Set("role", "manager")
	creator.Set("team", f.ID("alpha"))
	if err := app.Save(creator); err != nil {
		t.Fatal(err)
	}
	if code, _ := withKey(t, srv, "GET", "/api/tf/audit", "", demoted); code != 403 {
		t.Errorf("admin key after its creator's demotion reads the audit log: got %d, want 403", code)
	}
	if code, _ := withKey(t, srv, "GET", "/api/tf/users", "", demoted); code != 200 {
		t.Errorf("admin key after demotion to manager cannot do a manager's read: got %d", code)
	}
	creator.Set("status", "deactivated")
	if err := app.Save(creator); err != nil {
		t.Fatal(err)
	}
	if code, _ := withKey(t, srv, "GET", "/api/tf/me", "", demoted); code != 401 {
		t.Errorf("key of a deactivated creator: got %d, want 401", code)
	}
	var actions []string
	if err := app.DB().NewQuery("SELECT action FROM audit_log WHERE target_type = 'api_key' ORDER BY action").Column(&actions); err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"apikey.create", "apikey.denied", "apikey.revoke"} {
		if !strings.Contains(strings.Join(actions, " "), want) {
			t.Errorf("audit lacks %s: %v", want, actions)
		}
	}
}

func TestKeyManagementIsForTheOwnerAndAdmins(t *testing.T) {
	f := testutil.Fixtures(t)
	scenarios := []tests.ApiScenario{
		{Name: "a manager cannot create a key", Method: "POST", URL: "/api/tf/api-keys", Body: strings.NewReader(`{"name":"K","role":"readonly"}`),
			Headers: f.AuthHeaders("managerA"), ExpectedStatus: 403, ExpectedContent: []string{`"status":403`}},
		{Name: "a key without a name names the field", Method: "POST", URL: "/api/tf/api-keys", Body: strings.NewReader(`{"role":"readonly"}`),
			Headers: f.AuthHeaders("admin"), ExpectedStatus: 400, ExpectedContent: []string{`"name":{"code":"validation_required"`}},
		{Name: "a manager key needs a team", Method: "POST", URL: "/api/tf/api-keys", Body: strings.NewReader(`{"name":"K","role":"manager"}`),
			Headers: f.AuthHeaders("admin"), ExpectedStatus: 400, ExpectedContent: []string{`"team":{`}},
		{Name: "an owner key does not exist", Method: "POST", URL: "/api/tf/api-keys", Body: strings.NewReader(`{"name":"K","role":"owner"}`),
			Headers: f.AuthHeaders("owner"), ExpectedStatus: 400, ExpectedContent: []string{`"role":{`}},
	}
	for _, s := range scenarios {
		s.TestAppFactory = testutil.NewApp
		s.Test(t)
	}
}

func TestAPIKeysPage(t *testing.T) {
	f := testutil.Fixtures(t)
	scenarios := []tests.ApiScenario{
		{Name: "an admin sees the key page in the menu", Method: "GET", URL: "/settings/api-keys", Headers: f.CookieHeaders("admin"),
			ExpectedStatus: 200, ExpectedContent: []string{`id="api-key-form"`, `href="/settings/api-keys"`, "No API keys yet"}},
		{Name: "an admin creates a key and sees it once", Method: "POST", URL: "/settings/api-keys", Headers: f.FormHeaders("admin"),
			Body: strings.NewReader("name=CRM+sync&role=readonly&csrf_token=" + f.CSRFToken("admin")), ExpectedStatus: 201,
			ExpectedContent: []string{`id="api-key-value">tfk_`, "CRM sync", "Never"}},
		{Name: "a key without a name stays on the form with the reason", Method: "POST", URL: "/settings/api-keys", Headers: f.FormHeaders("admin"),
			Body: strings.NewReader("name=&role=readonly&csrf_token=" + f.CSRFToken("admin")), ExpectedStatus: 422,
			ExpectedContent: []string{"is-invalid", "invalid-feedback"}, NotExpectedContent: []string{"api-key-value"}},
	}
	for _, s := range scenarios {
		s.TestAppFactory = testutil.NewApp
		s.Test(t)
	}
}

// A script that keeps using a revoked key writes one apikey.denied row per key, reason and
// minute, not one per request; every refusal is counted in the metrics instead.
func TestARevokedKeyUsedOftenDoesNotFloodTheAuditLog(t *testing.T) {
	app := testutil.NewApp(t)
	defer app.Cleanup()
	srv := testutil.Serve(t, app).URL
	secret, id := newKey(t, srv, "admin", `{"name":"Forgotten cron","role":"readonly"}`)
	if code, out := apiJSON(t, srv, "POST", "/api/tf/api-keys/"+id+"/revoke", "", "admin"); code != http.StatusNoContent {
		t.Fatalf("revoke: got %d %v", code, out)
	}
	for i := range 100 {
		if code, body := withKey(t, srv, "GET", "/api/tf/me", "", secret); code != http.StatusUnauthorized {
			t.Fatalf("use %d of a revoked key: got %d %s, want 401", i+1, code, body)
		}
	}
	var rows int
	if err := app.DB().NewQuery("SELECT COUNT(*) FROM audit_log WHERE action = 'apikey.denied' AND target_id = {:id}").
		Bind(map[string]any{"id": id}).Row(&rows); err != nil {
		t.Fatal(err)
	}
	if rows < 1 || rows > 2 {
		t.Errorf("100 uses of a revoked key wrote %d apikey.denied rows, want 1 (at most 2 across a minute's edge)", rows)
	}
	_, metrics := exchange(t, "GET", srv+"/metrics", "", nil)
	if want := `teamfund_apikey_denied_total{reason="revoked"} 100`; !strings.Contains(string(metrics), want) {
		t.Errorf("metrics lack %q", want)
	}
}

// A key has its own request budget: PocketBase's per-address limiter does not count its
// requests (an integration behind the office's address does not use up the people's
// budget), while requests with a refused key are counted by address like a guest's.
func TestKeysHaveTheirOwnBucketBesidePocketBasesPerAddressLimiter(t *testing.T) {
	app := testutil.NewApp(t)
	defer app.Cleanup()
	srv := testutil.Serve(t, app).URL
	secret, _ := newKey(t, srv, "admin", `{"name":"CRM","role":"readonly"}`)
	settings := app.Settings()
	settings.RateLimits.Enabled = true
	settings.RateLimits.Rules = []core.RateLimitRule{{Label: "/api/tf/", MaxRequests: 5, Duration: 60}}
	if err := app.Save(settings); err != nil {
		t.Fatal(err)
	}
	for i := range 20 {
		if code, body := withKey(t, srv, "GET", "/api/tf/me", "", secret); code != http.StatusOK {
			t.Fatalf("key request %d under an address limit of 5: got %d %s", i+1, code, body)
		}
	}
	for i := range 5 {
		if code, out := apiJSON(t, srv, "GET", "/api/tf/me", "", "memberA"); code != http.StatusOK {
			t.Fatalf("a person's request %d after 20 key requests: got %d %v (the key used the address's budget)", i+1, code, out)
		}
	}
	if code, out := apiJSON(t, srv, "GET", "/api/tf/me", "", "memberA"); code != http.StatusTooManyRequests {
		t.Errorf("a person's 6th request: got %d %v, want 429 (the address limit is on)", code, out)
	}
	res, _ := exchange(t, "GET", srv+"/api/tf/me", "", map[string]string{"Authorization": "Bearer tfk_nosuchkey0123456789012345678901234567"})
	if res.StatusCode != http.StatusTooManyRequests || res.Header.Get("Retry-After") == "" {
		t.Errorf("a refused key from a limited address: got %d (Retry-After %q), want 429 with Retry-After",
			res.StatusCode, res.Header.Get("Retry-After"))
	}
	if code, body := withKey(t, srv, "GET", "/api/tf/me", "", secret); code != http.StatusOK {
		t.Errorf("the key once the address is limited: got %d %s, want 200", code, body)
	}
}
