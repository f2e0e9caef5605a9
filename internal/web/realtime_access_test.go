package web_test

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/core"

	"teamfund/internal/ledger"
	"teamfund/internal/money"
	"teamfund/internal/testutil"
)

// sseEvent is one Server-Sent Event.
type sseEvent struct{ name, data string }

// sseStream reads a text/event-stream response; events is closed when the server ends it.
type sseStream struct {
	events chan sseEvent
}

func readSSE(t *testing.T, base, path string, headers map[string]string) *sseStream {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	t.Cleanup(cancel)
	req, _ := http.NewRequestWithContext(ctx, http.MethodGet, base+path, nil)
	req.Header.Set("Accept", "text/event-stream")
	for k, v := range headers {
		req.Header.Set(k, v)
	}
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	if res.StatusCode != http.StatusOK {
		res.Body.Close()
		t.Fatalf("GET %s: %d", path, res.StatusCode)
	}
	s := &sseStream{events: make(chan sseEvent, 64)}
	go func() {
		defer res.Body.Close()
		defer close(s.events)
		sc := bufio.NewScanner(res.Body)
		sc.Buffer(make([]byte, 64<<10), 1<<20)
		var ev sseEvent
		for sc.Scan() {
			line := sc.Text()
			switch {
			case line == "":
				if ev.name != "" || ev.data != "" {
					s.events <- ev
				}
				ev = sseEvent{}
			case strings.HasPrefix(line, "event:"):
				ev.name = strings.TrimSpace(strings.TrimPrefix(line, "event:"))
			case strings.HasPrefix(line, "data:"):
				ev.data += strings.TrimSpace(strings.TrimPrefix(line, "data:"))
			case strings.HasPrefix(line, ": connected"):
				s.events <- sseEvent{name: "connected"}
			}
		}
	}()
	return s
}

// next waits for the next event matching ok; false when the stream ended or nothing came.
func (s *sseStream) next(within time.Duration, ok func(sseEvent) bool) (sseEvent, bool) {
	deadline := time.After(within)
	for {
		select {
		case ev, open := <-s.events:
			if !open {
				return sseEvent{}, false
			}
			if ok(ev) {
				return ev, true
			}
		case <-deadline:
			return sseEvent{}, false
		}
	}
}

// all waits until an event matching each of want has come, in any order, and says which did.
func (s *sseStream) all(within time.Duration, want ...func(sseEvent) bool) []bool {
	seen := make([]bool, len(want))
	deadline := time.After(within)
	for left := len(want); left > 0; {
		select {
		case ev, open := <-s.events:
			if !open {
				return seen
			}
			for i, ok := range want {
				if !seen[i] && ok(ev) {
					seen[i] = true
					left--
				}
			}
		case <-deadline:
			return seen
		}
	}
	return seen
}

// closed reports whether the server ended the stream within the time given.
func (s *sseStream) closed(within time.Duration) bool {
	deadline := time.After(within)
	for {
		select {
		case _, open := <-s.events:
			if !open {
				return true
			}
		case <-deadline:
			return false
		}
	}
}

// realtimeClient opens PocketBase's /api/realtime as the JS SDK does: connect, read the
// client id from PB_CONNECT, then POST the subscriptions with the given token ("" = guest).
// It returns the stream and the status of the subscription request.
func realtimeClient(t *testing.T, base, token string, subs ...string) (*sseStream, int) {
	t.Helper()
	s := readSSE(t, base, "/api/realtime", nil)
	ev, ok := s.next(10*time.Second, func(e sseEvent) bool { return e.name == "PB_CONNECT" })
	if !ok {
		t.Fatal("no PB_CONNECT")
	}
	var connect struct{ ClientID string }
	if err := json.Unmarshal([]byte(ev.data), &connect); err != nil || connect.ClientID == "" {
		t.Fatalf("PB_CONNECT %q: %v", ev.data, err)
	}
	payload, _ := json.Marshal(map[string]any{"clientId": connect.ClientID, "subscriptions": subs})
	h := map[string]string{"Content-Type": "application/json"}
	if token != "" {
		h["Authorization"] = token
	}
	code, _ := body(t, "POST", base+"/api/realtime", string(payload), h)
	return s, code
}

// recordEvent is the data of a records-API realtime event.
type recordEvent struct {
	Action string         `json:"action"`
	Record map[string]any `json:"record"`
}

func decodeRecordEvent(e sseEvent) recordEvent {
	var r recordEvent
	_ = json.Unmarshal([]byte(e.data), &r)
	return r
}

// userUpdate matches a "users" update event of user id.
func userUpdate(id string) func(sseEvent) bool {
	return func(e sseEvent) bool {
		r := decodeRecordEvent(e)
		return strings.HasPrefix(e.name, "users/") && r.Action == "update" && r.Record["id"] == id
	}
}

// entryFor matches a "ledger_entries" create event on account id.
func entryFor(id string) func(sseEvent) bool {
	return func(e sseEvent) bool {
		r := decodeRecordEvent(e)
		return strings.HasPrefix(e.name, "ledger_entries/") && r.Action == "create" && r.Record["account"] == id
	}
}

// TestRealtimeTopicsOfAUserAreTheirsAlone: a client may subscribe to teamfund/user/<id>
// only as that user (guests and other users are refused), whatever the spelling.
func TestRealtimeTopicsOfAUserAreTheirsAlone(t *testing.T) {
	f := testutil.Fixtures(t)
	app := testutil.NewApp(t)
	defer app.Cleanup()
	srv := testutil.Serve(t, app)
	topic := "teamfund/user/" + f.ID("memberA")
	cases := []struct {
		name, token string
		subs        []string
		want        int
	}{
		{"guest on member A's topic", "", []string{topic}, http.StatusForbidden},
		{"teammate on member A's topic", f.Token("memberA2"), []string{topic}, http.StatusForbidden},
		{"other team's member on member A's topic", f.Token("memberB"), []string{topic}, http.StatusForbidden},
		{"admin on member A's topic", f.Token("admin"), []string{topic}, http.StatusForbidden},
		{"guest on a topic with options", "", []string{topic + `?options={"query":{}}`}, http.StatusForbidden},
		{"guest on the bare prefix", "", []string{"teamfund/user/"}, http.StatusForbidden},
		{"guest with other capitals", "", []string{"Teamfund/User/" + f.ID("memberA")}, http.StatusForbidden},
		{"member A hiding it among collection topics", f.Token("memberB"), []string{"users/*", topic}, http.StatusForbidden},
		{"member A on their own topic", f.Token("memberA"), []string{topic, "users/*"}, http.StatusNoContent},
		{"guest on a collection topic (rules apply at broadcast)", "", []string{"users/*"}, http.StatusNoContent},
	}
	for _, c := range cases {
		if _, code := realtimeClient(t, srv.URL, c.token, c.subs...); code != c.want {
			t.Errorf("%s: subscribe got %d, want %d", c.name, code, c.want)
		}
	}

	// And the refused topic really is not delivered: a guest who tried gets no balanceChanged.
	guest, _ := realtimeClient(t, srv.URL, "", topic)
	own, _ := realtimeClient(t, srv.URL, f.Token("memberA"), topic)
	if _, err := ledger.Post(app, ledger.Entry{Account: f.ID("memberA"), Amount: 100, Kind: ledger.KindGrant}); err != nil {
		t.Fatal(err)
	}
	balanceChanged := func(e sseEvent) bool { return e.name == topic && e.data == `{"event":"balanceChanged"}` }
	if _, ok := own.next(10*time.Second, balanceChanged); !ok {
		t.Error("member A's own subscription did not get balanceChanged (named after the topic, as the SDK routes it)")
	}
	if e, ok := guest.next(300*time.Millisecond, func(sseEvent) bool { return true }); ok {
		t.Errorf("a guest who asked for member A's topic got %s %s", e.name, e.data)
	}
}

// TestSQLBalanceChangesReachRecordsAPISubscribersByTheirRules: balances and ledger entries
// written with guarded SQL (a transfer through /api/tf/, a set-based batch such as the
// monthly allocation) reach /api/realtime subscribers of "users" and "ledger_entries" as
// record events, filtered by the collections' API rules: the user sees their own record and
// entries, a teammate with team visibility sees them too, another team's member and a guest
// see nothing.
func TestSQLBalanceChangesReachRecordsAPISubscribersByTheirRules(t *testing.T) {
	f := testutil.Fixtures(t)
	app := moneyApp(map[string]money.Cents{"memberA2": 1000})(t)
	defer app.Cleanup()
	srv := testutil.Serve(t, app)
	subs := []string{"users/*", "ledger_entries/*"}
	self, _ := realtimeClient(t, srv.URL, f.Token("memberA"), subs...)
	mate, _ := realtimeClient(t, srv.URL, f.Token("memberA2"), subs...) // record visibility: team
	other, _ := realtimeClient(t, srv.URL, f.Token("memberB"), subs...)
	guest, _ := realtimeClient(t, srv.URL, "", subs...)
	single, _ := realtimeClient(t, srv.URL, f.Token("memberA"), "users/"+f.ID("memberA"))

	memberA := f.ID("memberA")
	res := do(t, srv.URL, http.MethodPost, "/api/tf/money/transfer", fmt.Sprintf(`{"to":%q,"amount":250}`, memberA),
		jsonHeaders(f.Token("memberA2")))
	if res.StatusCode != http.StatusOK {
		t.Fatalf("transfer: %d", res.StatusCode)
	}
	balanceIs := func(want float64) func(sseEvent) bool {
		return func(e sseEvent) bool {
			return userUpdate(memberA)(e) && decodeRecordEvent(e).Record["balance"] == want
		}
	}
	for i, ok := range self.all(10*time.Second, balanceIs(250), entryFor(memberA)) {
		if !ok {
			t.Errorf("transfer: member A did not get %s", []string{"their new balance", "their ledger entry"}[i])
		}
	}
	if _, ok := single.next(10*time.Second, balanceIs(250)); !ok {
		t.Error("transfer: member A's users/<id> subscription did not get their new balance")
	}
	if _, ok := mate.next(10*time.Second, balanceIs(250)); !ok {
		t.Error("transfer: a teammate with team visibility did not get member A's new balance")
	}

	// A set-based batch (one INSERT … SELECT and one UPDATE … FROM, no record saves).
	_, err := ledger.PostBatch(app, ledger.Batch{Rows: "SELECT id AS account, 700 AS amount FROM users WHERE team = {:team}",
		Params: dbx.Params{"team": f.ID("alpha")}, Kind: ledger.KindGrant, Reason: "test batch"})
	if err != nil {
		t.Fatal(err)
	}
	for i, ok := range self.all(10*time.Second, balanceIs(950), entryFor(memberA)) {
		if !ok {
			t.Errorf("batch: member A did not get %s", []string{"their new balance", "their ledger entry"}[i])
		}
	}
	if _, ok := mate.next(10*time.Second, entryFor(memberA)); !ok {
		t.Error("batch: a teammate with team visibility did not get member A's entry")
	}
	if _, ok := self.next(2*time.Second, entryFor(f.ID("memberA2"))); ok {
		t.Error("member A (own-records visibility) got a teammate's ledger entry")
	}
	touched := func(e sseEvent) bool {
		return strings.Contains(e.data, memberA) || strings.Contains(e.data, f.ID("memberA2"))
	}
	if e, ok := other.next(500*time.Millisecond, touched); ok {
		t.Errorf("a member of another team got %s %.200s", e.name, e.data)
	}
	if e, ok := guest.next(500*time.Millisecond, func(sseEvent) bool { return true }); ok {
		t.Errorf("a guest got %s %.200s", e.name, e.data)
	}
}

// TestDashboardDeactivationEndsEverySession: a superuser setting a user's status in the
// dashboard (a records-API PATCH) ends that user's bearer tokens at once, on the records
// API and on /api/tf/, and closes their open realtime connections and event streams.
func TestDashboardDeactivationEndsEverySession(t *testing.T) {
	f := testutil.Fixtures(t)
	app := testutil.NewApp(t)
	defer app.Cleanup()
	srv := testutil.Serve(t, app)
	memberA := f.ID("memberA")
	token := f.Token("memberA")
	for _, path := range []string{"/api/collections/users/records/" + memberA, "/api/tf/money/me"} {
		if code, _ := body(t, "GET", srv.URL+path, "", map[string]string{"Authorization": token}); code != http.StatusOK {
			t.Fatalf("before: GET %s got %d, want 200", path, code)
		}
	}
	rt, code := realtimeClient(t, srv.URL, token, "users/*", "ledger_entries/*", "teamfund/user/"+memberA)
	if code != http.StatusNoContent {
		t.Fatalf("subscribe: %d", code)
	}
	events := readSSE(t, srv.URL, "/events", map[string]string{"Cookie": f.CookieHeaders("memberA")["Cookie"]})
	if _, ok := events.next(10*time.Second, func(e sseEvent) bool { return e.name == "connected" }); !ok {
		t.Fatal("/events did not open")
	}

	code, got := body(t, "PATCH", srv.URL+"/api/collections/users/records/"+memberA, `{"status":"deactivated"}`, jsonHeaders(f.Token("superuser")))
	if code != http.StatusOK {
		t.Fatalf("dashboard deactivation: %d %s", code, got)
	}
	if _, err := app.FindAuthRecordByToken(token, core.TokenTypeAuth); err == nil {
		t.Error("after: the old token still verifies (the token key did not change)")
	}
	if code, _ := body(t, "GET", srv.URL+"/api/collections/users/records/"+memberA, "", map[string]string{"Authorization": token}); code == http.StatusOK {
		t.Error("after: the old bearer token still reads the user's record")
	}
	if code, _ := body(t, "GET", srv.URL+"/api/tf/money/me", "", map[string]string{"Authorization": token}); code != http.StatusUnauthorized {
		t.Errorf("after: /api/tf/money/me got %d, want 401", code)
	}
	if code, _ := body(t, "GET", srv.URL+"/", "", f.CookieHeaders("memberA")); code != http.StatusSeeOther {
		t.Errorf("after: the session cookie's page got %d, want 303 to sign in", code)
	}
	if !rt.closed(10 * time.Second) {
		t.Error("the user's /api/realtime connection stayed open")
	}
	if !events.closed(10 * time.Second) {
		t.Error("the user's /events stream stayed open")
	}
}

// TestWebDeactivationStopsTheSDKRealtimeConnection: after an admin deactivates a member on
// the web page, that member's open /api/realtime connection no longer receives teammates'
// transfers (it is closed), while before it did. Member A2 sees the team's records.
func TestWebDeactivationStopsTheSDKRealtimeConnection(t *testing.T) {
	f := testutil.Fixtures(t)
	app := moneyApp(map[string]money.Cents{"managerA": 1000})(t)
	defer app.Cleanup()
	srv := testutil.Serve(t, app)
	watcher, memberA := f.ID("memberA2"), f.ID("memberA")
	rt, code := realtimeClient(t, srv.URL, f.Token("memberA2"), "users/*", "ledger_entries/*")
	if code != http.StatusNoContent {
		t.Fatalf("subscribe: %d", code)
	}
	transfer := func() {
		t.Helper()
		res := do(t, srv.URL, http.MethodPost, "/api/tf/money/transfer", fmt.Sprintf(`{"to":%q,"amount":100}`, memberA), jsonHeaders(f.Token("managerA")))
		if res.StatusCode != http.StatusOK {
			t.Fatalf("transfer: %d", res.StatusCode)
		}
	}
	transfer()
	if _, ok := rt.next(10*time.Second, entryFor(memberA)); !ok {
		t.Fatal("before: the member's connection did not get a teammate's transfer")
	}
	if res := do(t, srv.URL, "POST", "/users/"+watcher+"/deactivate", "", f.FormHeaders("admin")); res.StatusCode != http.StatusSeeOther {
		t.Fatalf("deactivate: %d", res.StatusCode)
	}
	transfer()
	if _, ok := rt.next(3*time.Second, entryFor(memberA)); ok {
		t.Error("after deactivation the member's connection still received a teammate's transfer")
	}
	if !rt.closed(5 * time.Second) {
		t.Error("the member's /api/realtime connection stayed open")
	}
}

// TestDeletionClosesRealtimeConnections: deleting a user by any path (here a plain record
// delete, as Go code or a hook would) closes their realtime connection.
func TestDeletionClosesRealtimeConnections(t *testing.T) {
	f := testutil.Fixtures(t)
	app := testutil.NewApp(t)
	defer app.Cleanup()
	srv := testutil.Serve(t, app)
	rt, code := realtimeClient(t, srv.URL, f.Token("loner"), "users/*")
	if code != http.StatusNoContent {
		t.Fatalf("subscribe: %d", code)
	}
	if err := app.Delete(testutil.Member(t, app, f.ID("loner"))); err != nil {
		t.Fatal(err)
	}
	if !rt.closed(10 * time.Second) {
		t.Error("the deleted user's /api/realtime connection stayed open")
	}
}

// TestAnInactiveUsersTokenIsNoAuth: a status written without the hooks (SQL, a restored
// backup) still makes the user's valid token count as no auth on every route.
func TestAnInactiveUsersTokenIsNoAuth(t *testing.T) {
	f := testutil.Fixtures(t)
	app := testutil.NewApp(t)
	defer app.Cleanup()
	srv := testutil.Serve(t, app)
	memberA, token := f.ID("memberA"), f.Token("memberA")
	if _, err := app.DB().NewQuery("UPDATE users SET status = 'deactivated' WHERE id = {:id}").Bind(dbx.Params{"id": memberA}).Execute(); err != nil {
		t.Fatal(err)
	}
	if _, err := app.FindAuthRecordByToken(token, core.TokenTypeAuth); err != nil {
		t.Fatal("the token should still verify here (no hook ran):", err)
	}
	if code, _ := body(t, "GET", srv.URL+"/api/tf/money/me", "", map[string]string{"Authorization": token}); code != http.StatusUnauthorized {
		t.Errorf("/api/tf/money/me got %d, want 401", code)
	}
	if code, _ := body(t, "GET", srv.URL+"/api/collections/users/records/"+memberA, "", map[string]string{"Authorization": token}); code == http.StatusOK {
		t.Error("the records API served an inactive user's token")
	}
	if _, code := realtimeClient(t, srv.URL, token, "teamfund/user/"+memberA); code != http.StatusForbidden {
		t.Errorf("realtime subscription with an inactive user's token: %d, want 403", code)
	}
}
