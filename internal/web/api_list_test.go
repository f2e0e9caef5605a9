package web_test

import (
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"testing"

	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/core"

	"teamfund/internal/ledger"
	"teamfund/internal/money"
	"teamfund/internal/testutil"
)

// listRoutes are the /api/tf lists that must page PocketBase's way; a GET route without
// path parameters that answers a JSON object with "items" and is missing here fails
// TestEveryListPagesThePocketBaseWay.
var listRoutes = map[string]bool{
	"/api/tf/audit": true, "/api/tf/invites": true, "/api/tf/invite-keys": true, "/api/tf/leave-requests": true,
	"/api/tf/ledger": true, "/api/tf/outbox": true, "/api/tf/sends": true, "/api/tf/approvals/sends": true,
	"/api/tf/teams": true, "/api/tf/touches": true, "/api/tf/users": true, "/api/tf/api-keys": true,
	"/api/tf/webhooks": true, "/api/tf/webhooks/deliveries": true,
}

// apiJSON sends a JSON request as fixture user key and decodes the answer into a map.
func apiJSON(t *testing.T, srv, method, path, payload, key string) (int, map[string]any) {
	t.Helper()
	h := map[string]string{"Content-Type": "application/json"}
	if key != "" {
		h = testutil.Fixtures(t).AuthHeaders(key)
		h["Content-Type"] = "application/json"
	}
	res, body := exchange(t, method, srv+path, payload, h)
	var out map[string]any
	_ = json.Unmarshal(body, &out)
	return res.StatusCode, out
}

func TestEveryListPagesThePocketBaseWay(t *testing.T) {
	f := testutil.Fixtures(t)
	app := testutil.NewApp(t)
	defer app.Cleanup()
	srv := testutil.Serve(t, app).URL
	// at least two of most kinds, so that perPage=1 really splits them into pages
	for i := range 2 {
		body := fmt.Sprintf(`{"email":"new%d@acme.com","name":"New %d","role":"member","team":%q}`, i, i, f.ID("alpha"))
		if code, out := apiJSON(t, srv, "POST", "/api/tf/invites", body, "owner"); code != http.StatusCreated {
			t.Fatalf("invite %d: got %d %v", i, code, out)
		}
		if code, out := apiJSON(t, srv, "POST", "/api/tf/invite-keys", fmt.Sprintf(`{"team":%q}`, f.ID("alpha")), "owner"); code != http.StatusCreated {
			t.Fatalf("invite key %d: got %d %v", i, code, out)
		}
	}
	atLeastTwo := map[string]bool{"/api/tf/audit": true, "/api/tf/invites": true, "/api/tf/invite-keys": true,
		"/api/tf/teams": true, "/api/tf/users": true}
	found := map[string]bool{}
	for _, rt := range teamfundRoutes(t) {
		if rt.method != "GET" || !strings.HasPrefix(rt.path, "/api/tf/") || strings.Contains(rt.path, "{") {
			continue
		}
		code, whole := apiJSON(t, srv, "GET", rt.path, "", "owner")
		if _, isList := whole["items"]; code != http.StatusOK || !isList {
			continue
		}
		found[rt.path] = true
		t.Run(rt.path, func(t *testing.T) {
			if !listRoutes[rt.path] {
				t.Errorf("%s answers a list but is not in listRoutes", rt.path)
			}
			for _, path := range []string{rt.path + "?perPage=1", rt.path + "?per_page=1"} {
				code, page := apiJSON(t, srv, "GET", path, "", "owner")
				if code != http.StatusOK {
					t.Fatalf("%s: got %d", path, code)
				}
				for _, k := range []string{"page", "perPage", "totalItems", "totalPages", "items"} {
					if _, ok := page[k]; !ok {
						t.Fatalf("%s: no %q in %v", path, k, page)
					}
				}
				items, _ := page["items"].([]any)
				total, pages := page["totalItems"].(float64), page["totalPages"].(float64)
				if page["perPage"].(float64) != 1 || pages != total || len(items) != min(1, int(total)) {
					t.Errorf("%s: perPage %v, totalItems %v, totalPages %v, %d items; want perPage 1, totalPages = totalItems, 1 item",
						path, page["perPage"], total, pages, len(items))
				}
				if atLeastTwo[rt.path] && total < 2 {
					t.Errorf("%s: totalItems %v, want at least 2", path, total)
				}
			}
			if total := whole["totalItems"].(float64); total >= 2 {
				_, first := apiJSON(t, srv, "GET", rt.path+"?perPage=1&page=1", "", "owner")
				_, second := apiJSON(t, srv, "GET", rt.path+"?perPage=1&page=2", "", "owner")
				if fmt.Sprint(second["items"]) == fmt.Sprint(first["items"]) {
					t.Errorf("page 2 repeats page 1: %v", second["items"])
				}
			}
		})
	}
	for path := range listRoutes {
		if !found[path] {
			t.Errorf("%s is in listRoutes but did not answer a list to the owner", path)
		}
	}
}

func TestEveryAPIErrorHasPocketBasesShape(t *testing.T) {
	f := testutil.Fixtures(t)
	app := testutil.NewApp(t)
	defer app.Cleanup()
	srv := testutil.Serve(t, app).URL
	for _, c := range []struct {
		name, method, path, body, key string
		status                        int
		field                         string
	}{
		{"guest is refused", "GET", "/api/tf/me", "", "", http.StatusUnauthorized, ""},
		{"member may not list users", "GET", "/api/tf/users", "", "memberA", http.StatusForbidden, ""},
		{"unknown send is not found", "GET", "/api/tf/sends/nosuchsend12345", "", "owner", http.StatusNotFound, ""},
		{"invite without an email names the field", "POST", "/api/tf/invites", fmt.Sprintf(`{"name":"X","role":"member","team":%q}`, f.ID("alpha")), "owner", http.StatusBadRequest, "email"},
	} {
		t.Run(c.name, func(t *testing.T) {
			code, out := apiJSON(t, srv, c.method, c.path, c.body, c.key)
			if code != c.status {
				t.Fatalf("got %d %v, want %d", code, out, c.status)
			}
			if out["status"] != float64(c.status) || out["message"] == "" || out["data"] == nil {
				t.Fatalf("body %v, want {status, message, data}", out)
			}
			if c.field == "" {
				return
			}
			fe, _ := out["data"].(map[string]any)[c.field].(map[string]any)
			if fe["code"] == nil || fe["message"] == nil {
				t.Errorf("data %v, want %s: {code, message}", out["data"], c.field)
			}
		})
	}
}

func TestA429SaysWhenToRetry(t *testing.T) {
	app := testutil.NewApp(t)
	defer app.Cleanup()
	app.Settings().RateLimits.Enabled = true
	app.Settings().RateLimits.Rules = []core.RateLimitRule{{Label: "/api/tf/", MaxRequests: 2, Duration: 7}}
	srv := testutil.Serve(t, app).URL
	var last *http.Response
	for range 3 {
		last, _ = exchange(t, "GET", srv+"/api/tf/teams", "", testutil.Fixtures(t).AuthHeaders("memberA"))
	}
	if last.StatusCode != http.StatusTooManyRequests || last.Header.Get("Retry-After") != "7" {
		t.Fatalf("got %d with Retry-After %q, want 429 with 7", last.StatusCode, last.Header.Get("Retry-After"))
	}
}

// listSortFields is one sort field of every list, checked by TestEveryListSortsThePocketBaseWay.
var listSortFields = map[string]string{
	"/api/tf/audit": "created", "/api/tf/invites": "email", "/api/tf/invite-keys": "expires",
	"/api/tf/leave-requests": "created", "/api/tf/ledger": "amount", "/api/tf/outbox": "created",
	"/api/tf/sends": "cost", "/api/tf/approvals/sends": "cost", "/api/tf/teams": "name", "/api/tf/touches": "name",
	"/api/tf/users": "email", "/api/tf/api-keys": "name", "/api/tf/webhooks": "url", "/api/tf/webhooks/deliveries": "created",
}

// Every list takes PocketBase's sort parameter: a field it allows orders the items (with -
// descending), a field it does not allow is a 400 naming sort.
func TestEveryListSortsThePocketBaseWay(t *testing.T) {
	f := testutil.Fixtures(t)
	app := testutil.NewApp(t)
	defer app.Cleanup()
	srv := testutil.Serve(t, app).URL
	for i, name := range []string{"Zed", "Amy", "Max"} {
		body := fmt.Sprintf(`{"email":"%s%d@acme.com","name":%q,"role":"member","team":%q}`, strings.ToLower(name), i, name, f.ID("alpha"))
		if code, out := apiJSON(t, srv, "POST", "/api/tf/invites", body, "owner"); code != http.StatusCreated {
			t.Fatalf("invite: got %d %v", code, out)
		}
		if code, out := apiJSON(t, srv, "POST", "/api/tf/api-keys", fmt.Sprintf(`{"name":%q,"role":"readonly"}`, name), "owner"); code != http.StatusCreated {
			t.Fatalf("api key: got %d %v", code, out)
		}
	}
	for path, field := range listSortFields {
		t.Run(path, func(t *testing.T) {
			code, out := apiJSON(t, srv, "GET", path+"?sort=-nosuchfield", "", "owner")
			data, _ := out["data"].(map[string]any)
			if code != http.StatusBadRequest || data["sort"] == nil {
				t.Errorf("sort by an unknown field: got %d %v, want 400 naming sort", code, out)
			}
			for _, order := range []string{field, "-" + field} {
				if path == "/api/tf/users" && order[0] == '-' {
					continue // the users list sorts by email ascending only
				}
				code, out := apiJSON(t, srv, "GET", path+"?perPage=500&sort="+order, "", "owner")
				if code != http.StatusOK {
					t.Fatalf("sort=%s: got %d %v", order, code, out)
				}
				items, _ := out["items"].([]any)
				for i := 1; i < len(items); i++ {
					a, b := items[i-1].(map[string]any)[field], items[i].(map[string]any)[field]
					c := compareJSON(a, b)
					if (order[0] == '-' && c < 0) || (order[0] != '-' && c > 0) {
						t.Errorf("sort=%s: item %d (%v) before item %d (%v)", order, i-1, a, i, b)
					}
				}
			}
		})
	}
	if code, out := apiJSON(t, srv, "GET", "/api/tf/users?sort=-email", "", "owner"); code != http.StatusBadRequest {
		t.Errorf("users sorted by -email: got %d %v, want 400 (email ascending only)", code, out)
	}
	_, names := apiJSON(t, srv, "GET", "/api/tf/api-keys?sort=-name", "", "owner")
	var got []string
	for _, k := range names["items"].([]any) {
		got = append(got, k.(map[string]any)["name"].(string))
	}
	if strings.Join(got, ",") != "Zed,Max,Amy" {
		t.Errorf("api keys by -name: %v, want Zed, Max, Amy", got)
	}
}

func compareJSON(a, b any) int {
	switch x := a.(type) {
	case float64:
		y, _ := b.(float64)
		switch {
		case x < y:
			return -1
		case x > y:
			return 1
		}
		return 0
	case string:
		y, _ := b.(string)
		return strings.Compare(x, y)
	}
	return 0
}

// TestSkipTotalLeavesTheCountOut: skipTotal=1 (PocketBase's convention) answers every list
// with totalItems and totalPages -1 and the same items; without it the ledger's and the
// sends' totalItems (counted from ledger_months and per visibility part) equal the items a
// client collects page by page, for the owner, a manager whose own entries are partly on
// another team, and a member.
func TestSkipTotalLeavesTheCountOut(t *testing.T) {
	f := testutil.Fixtures(t)
	app := testutil.NewApp(t)
	defer app.Cleanup()
	for i, key := range []string{"memberA", "memberA2", "managerA", "memberB", "managerA"} {
		if _, err := ledger.Post(app, ledger.Entry{Account: f.ID(key), Amount: money.Cents(100 + i), Kind: ledger.KindGrant, Reason: "list"}); err != nil {
			t.Fatal(err)
		}
	}
	// managerA's first entry was booked on beta, before joining alpha
	if _, err := app.DB().NewQuery(`UPDATE ledger_entries SET team = {:beta} WHERE id =
		(SELECT id FROM ledger_entries WHERE account = {:a} ORDER BY rowid LIMIT 1)`).
		Bind(dbx.Params{"beta": f.ID("beta"), "a": f.ID("managerA")}).Execute(); err != nil {
		t.Fatal(err)
	}
	srv := testutil.Serve(t, app).URL
	for path := range listRoutes {
		code, whole := apiJSON(t, srv, "GET", path, "", "owner")
		code2, skipped := apiJSON(t, srv, "GET", path+"?skipTotal=1", "", "owner")
		if code != http.StatusOK || code2 != http.StatusOK {
			t.Fatalf("%s: got %d and %d with skipTotal=1", path, code, code2)
		}
		if skipped["totalItems"] != float64(-1) || skipped["totalPages"] != float64(-1) {
			t.Errorf("%s?skipTotal=1: totalItems %v, totalPages %v; want -1 and -1", path, skipped["totalItems"], skipped["totalPages"])
		}
		if fmt.Sprint(skipped["items"]) != fmt.Sprint(whole["items"]) {
			t.Errorf("%s?skipTotal=1: items %v, want %v", path, skipped["items"], whole["items"])
		}
	}
	for _, c := range []struct {
		path, key string
		want      int
	}{
		{"/api/tf/ledger", "owner", 5}, {"/api/tf/ledger", "managerA", 4}, {"/api/tf/ledger", "managerB", 2},
		{"/api/tf/ledger", "memberA", 1}, {"/api/tf/ledger?kind=grant&team=" + f.ID("beta"), "managerA", 1},
		{"/api/tf/ledger?from=2020-01-01", "owner", 5}, {"/api/tf/ledger?to=2020-01-01", "owner", 0},
		{"/api/tf/sends", "owner", -1}, {"/api/tf/sends", "managerA", -1},
	} {
		sep := "?"
		if strings.Contains(c.path, "?") {
			sep = "&"
		}
		collected := 0
		var total float64
		for page := 1; ; page++ {
			code, out := apiJSON(t, srv, "GET", fmt.Sprintf("%s%sperPage=2&page=%d", c.path, sep, page), "", c.key)
			if code != http.StatusOK {
				t.Fatalf("%s as %s: got %d %v", c.path, c.key, code, out)
			}
			items, _ := out["items"].([]any)
			collected, total = collected+len(items), out["totalItems"].(float64)
			if len(items) < 2 {
				break
			}
		}
		if int(total) != collected || (c.want >= 0 && collected != c.want) {
			t.Errorf("%s as %s: totalItems %v, %d items collected; want %d of each", c.path, c.key, total, collected, c.want)
		}
	}
}
