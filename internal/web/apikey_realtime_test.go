package web_test

import (
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"teamfund/internal/testutil"
)

// A /api/realtime connection subscribed with an API key ends when the key is revoked or
// its creator is deactivated, and a manager key's connection stays that team's manager when
// PocketBase refreshes the connection's auth after its creator's record changed.
func TestRealtimeWithAKeyFollowsTheKey(t *testing.T) {
	f := testutil.Fixtures(t)
	app := testutil.NewApp(t)
	defer app.Cleanup()
	srv := testutil.Serve(t, app).URL
	rename := func(who, name string) {
		t.Helper()
		r := testutil.Member(t, app, f.ID(who))
		r.Set("name", name)
		if err := app.Save(r); err != nil {
			t.Fatal(err)
		}
	}

	t.Run("revoking the key ends its stream", func(t *testing.T) {
		secret, id := newKey(t, srv, "owner", `{"name":"Watcher","role":"readonly"}`)
		rt, code := realtimeClient(t, srv, "Bearer "+secret, "users/*")
		if code != http.StatusNoContent {
			t.Fatalf("subscribe with a key: %d", code)
		}
		rename("memberA", "Anna Before")
		if _, ok := rt.next(10*time.Second, userUpdate(f.ID("memberA"))); !ok {
			t.Fatal("before: the key's stream did not get a user's change")
		}
		if code, out := apiJSON(t, srv, "POST", "/api/tf/api-keys/"+id+"/revoke", "", "owner"); code != http.StatusNoContent {
			t.Fatalf("revoke: %d %v", code, out)
		}
		if !rt.closed(5 * time.Second) { // at once, not at the next message
			t.Error("after revoking: the key's stream stayed open")
		}
		rename("memberA", "Anna After")
		if ev, ok := rt.next(time.Second, userUpdate(f.ID("memberA"))); ok {
			t.Errorf("after revoking: the key's stream still got %s", ev.data)
		}
	})

	t.Run("deactivating the creator ends the key's stream", func(t *testing.T) {
		secret, _ := newKey(t, srv, "admin", `{"name":"HR sync","role":"admin"}`)
		rt, code := realtimeClient(t, srv, "Bearer "+secret, "users/*")
		if code != http.StatusNoContent {
			t.Fatalf("subscribe with a key: %d", code)
		}
		if code, out := apiJSON(t, srv, "POST", "/api/tf/users/"+f.ID("admin")+"/deactivate", "", "owner"); code != http.StatusOK && code != http.StatusNoContent {
			t.Fatalf("deactivate: %d %v", code, out)
		}
		rename("memberB", "Bert After")
		if ev, ok := rt.next(2*time.Second, userUpdate(f.ID("memberB"))); ok {
			t.Errorf("after deactivating the creator: the key's stream still got %s", ev.data)
		}
		if !rt.closed(5 * time.Second) {
			t.Error("after deactivating the creator: the key's stream stayed open")
		}
	})

	t.Run("a manager key of an admin is refused on realtime and the records API, which would apply the admin's role", func(t *testing.T) {
		secret, _ := newKey(t, srv, "owner", fmt.Sprintf(`{"name":"Alpha CRM","role":"manager","team":%q}`, f.ID("alpha")))
		if _, code := realtimeClient(t, srv, "Bearer "+secret, "users/*"); code != http.StatusForbidden {
			t.Errorf("subscribe with a manager key of the owner: got %d, want 403", code)
		}
		if code, body := withKey(t, srv, "GET", "/api/collections/users/records", "", secret); code != http.StatusForbidden || !strings.Contains(body, "/api/tf/") {
			t.Errorf("records API with a manager key of the owner: got %d %s, want 403 pointing to /api/tf/", code, body)
		}
		code, body := withKey(t, srv, "GET", "/api/tf/users?perPage=500", "", secret)
		if code != http.StatusOK || strings.Contains(body, f.ID("memberB")) || !strings.Contains(body, f.ID("memberA")) {
			t.Errorf("/api/tf/users with a manager key of alpha: got %d, want alpha's members only:\n%.300s", code, body)
		}
	})
}
