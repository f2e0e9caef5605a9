package web_test

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/core"
	standardwebhooks "github.com/standard-webhooks/standard-webhooks/libraries/go"

	"teamfund/internal/company"
	"teamfund/internal/send"
	"teamfund/internal/server"
	"teamfund/internal/testutil"
	"teamfund/internal/transfer"
	"teamfund/internal/webhook"
)

// hookCall is one request an endpoint received.
type hookCall struct {
	Header http.Header
	Body   []byte
}

// endpoint is a real HTTP server standing in for a CRM; answer decides each response.
type endpoint struct {
	srv    *httptest.Server
	mu     sync.Mutex
	calls  []hookCall
	answer func(n int, w http.ResponseWriter, r *http.Request) // n counts calls from 1
}

func newEndpoint(t *testing.T, answer func(n int, w http.ResponseWriter, r *http.Request)) *endpoint {
	ep := &endpoint{answer: answer}
	ep.srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		ep.mu.Lock()
		ep.calls = append(ep.calls, hookCall{Header: r.Header.Clone(), Body: body})
		n := len(ep.calls)
		ep.mu.Unlock()
		if ep.answer != nil {
			ep.answer(n, w, r)
		}
	}))
	t.Cleanup(ep.srv.Close)
	return ep
}

func (ep *endpoint) received() []hookCall {
	ep.mu.Lock()
	defer ep.mu.Unlock()
	return append([]hookCall(nil), ep.calls...)
}

// waitCalls waits (generously, for a loaded machine) until the endpoint got n requests.
func (ep *endpoint) waitCalls(t *testing.T, n int) []hookCall {
	t.Helper()
	for deadline := time.Now().Add(time.Minute); time.Now().Before(deadline); time.Sleep(20 * time.Millisecond) {
		if got := ep.received(); len(got) >= n {
			return got
		}
	}
	t.Fatalf("endpoint got %d requests, want %d", len(ep.received()), n)
	return nil
}

// allowInternalTargets turns on, as the owner does in Settings, the company's switch that
// lets webhooks call internal addresses: the test endpoints listen on 127.0.0.1.
func allowInternalTargets(t *testing.T, app core.App) {
	t.Helper()
	c, err := company.Load(app)
	if err != nil {
		t.Fatal(err)
	}
	s := c.CurrentSettings()
	s.AllowInternalWebhooks = true
	if err := company.UpdateSettings(app, testutil.Member(t, app, testutil.Fixtures(t).ID("owner")), s); err != nil {
		t.Fatal(err)
	}
}

// register adds an endpoint as the admin (allowing internal targets first) and returns
// its id and secret.
func register(t *testing.T, app core.App, url, team string, events ...string) (string, string) {
	t.Helper()
	f := testutil.Fixtures(t)
	allowInternalTargets(t, app)
	admin := testutil.Member(t, app, f.ID("admin"))
	ep, secret, err := webhook.Create(app, admin, webhook.Input{URL: url, Events: events, TeamID: team})
	if err != nil {
		t.Fatal(err)
	}
	return ep.Id, secret
}

// deliveriesOf lists the delivery rows of endpoint id.
func deliveriesOf(t *testing.T, app core.App, id string) []*core.Record {
	t.Helper()
	recs, err := app.FindRecordsByFilter(webhook.DeliveriesCollection, "webhook = {:id}", "created", 0, 0, dbx.Params{"id": id})
	if err != nil {
		t.Fatal(err)
	}
	return recs
}

// verify checks a delivery as a receiver does, with the Standard Webhooks reference
// library for Go (which also rejects a timestamp more than 5 minutes off).
func verify(t *testing.T, secret string, c hookCall) {
	t.Helper()
	wh, err := standardwebhooks.NewWebhook(secret)
	if err != nil {
		t.Fatalf("secret %q: %v", secret, err)
	}
	if err := wh.Verify(c.Body, c.Header); err != nil {
		t.Errorf("delivery %s does not verify: %v (headers %v)", c.Header.Get("webhook-id"), err, c.Header)
	}
}

// verifyLegacy checks a delivery as a receiver written for the legacy format does.
func verifyLegacy(t *testing.T, secret string, c hookCall) {
	t.Helper()
	ts := c.Header.Get("X-Teamfund-Timestamp")
	sec, err := strconv.ParseInt(ts, 10, 64)
	if err != nil || time.Since(time.Unix(sec, 0)).Abs() > 5*time.Minute {
		t.Errorf("timestamp %q is not a current Unix time", ts)
	}
	mac := hmac.New(sha256.New, []byte(secret))
	mac.Write([]byte(ts + "." + string(c.Body)))
	want := "sha256=" + hex.EncodeToString(mac.Sum(nil))
	if !hmac.Equal([]byte(c.Header.Get("X-Teamfund-Signature")), []byte(want)) {
		t.Errorf("legacy signature %q, want %q", c.Header.Get("X-Teamfund-Signature"), want)
	}
}

type hookBody struct {
	ID        string         `json:"id"` // legacy body only
	Type      string         `json:"type"`
	Timestamp string         `json:"timestamp"`
	Created   string         `json:"created"` // legacy body only
	Version   int            `json:"version"`
	Team      string         `json:"team"`
	Data      map[string]any `json:"data"`
}

func decodeHook(t *testing.T, c hookCall) hookBody {
	t.Helper()
	var b hookBody
	if err := json.Unmarshal(c.Body, &b); err != nil {
		t.Fatalf("body %s: %v", c.Body, err)
	}
	return b
}

func TestWebhooks(t *testing.T) {
	f := testutil.Fixtures(t)

	t.Run("a send and its approval reach the endpoint as signed JSON, listed as sent with the response code", func(t *testing.T) {
		app := newSendsApp(t)
		defer app.Cleanup()
		srv := testutil.Serve(t, app)
		ep := newEndpoint(t, nil)
		id, secret := register(t, app, ep.srv.URL+"/crm", "", webhook.SendCreated, webhook.SendApproved)
		client := &http.Client{}
		r := callAPI(t, client, srv.URL, "POST", "/api/tf/sends", f.Token("memberA"), map[string]any{"touch": hamperID, "recipient_name": "Pat Prospect", "recipient_email": "pat@example.com"})
		if r.Status != http.StatusCreated {
			t.Fatalf("send: %d %s", r.Status, r.Text)
		}
		sendID := r.Body["id"].(string)
		if r := callAPI(t, client, srv.URL, "POST", "/api/tf/sends/"+sendID+"/approve", f.Token("managerA"), nil); r.Status != http.StatusOK {
			t.Fatalf("approve: %d %s", r.Status, r.Text)
		}
		calls := ep.waitCalls(t, 2)
		for i, want := range []string{webhook.SendCreated, webhook.SendApproved} {
			c := calls[i]
			verify(t, secret, c)
			b := decodeHook(t, c)
			if b.Type != want || b.Version != webhook.PayloadVersion || b.Timestamp == "" || c.Header.Get("Content-Type") != "application/json" {
				t.Errorf("call %d: type %q version %d timestamp %q", i, b.Type, b.Version, b.Timestamp)
			}
			if c.Header.Get("X-Teamfund-Signature") != "" {
				t.Errorf("call %d: a new endpoint got the legacy headers", i)
			}
			if b.Data["id"] != sendID || b.Data["recipient_email"] != "pat@example.com" || b.Data["cost"] != float64(3000) || b.Team != f.ID("alpha") {
				t.Errorf("call %d data: %+v", i, b)
			}
		}
		if decodeHook(t, calls[1]).Data["status"] != "sent" || decodeHook(t, calls[1]).Data["decided_by"] != "manager.a@acme.com" {
			t.Errorf("approval data: %s", calls[1].Body)
		}
		for deadline := time.Now().Add(time.Minute); time.Now().Before(deadline); time.Sleep(20 * time.Millisecond) {
			ds := deliveriesOf(t, app, id)
			if len(ds) == 2 && ds[0].GetString("status") == "sent" && ds[1].GetString("status") == "sent" {
				if ds[0].GetInt("response_code") != 200 {
					t.Errorf("response code %d", ds[0].GetInt("response_code"))
				}
				break
			}
		}
		status, page := body(t, "GET", srv.URL+"/webhooks", "", f.CookieHeaders("admin"))
		if status != http.StatusOK || !strings.Contains(page, "Send approved") || !strings.Contains(page, ">sent<") || !strings.Contains(page, `<td data-label="Response"><div>200`) {
			t.Errorf("webhooks page %d does not list the deliveries with status and code", status)
		}
	})

	t.Run("a 500 is retried after a pause with the same delivery id, and the send is not affected", func(t *testing.T) {
		app := newSendsApp(t)
		defer app.Cleanup()
		ep := newEndpoint(t, func(n int, w http.ResponseWriter, _ *http.Request) {
			if n == 1 {
				http.Error(w, "crm is down", http.StatusInternalServerError)
			}
		})
		id, _ := register(t, app, ep.srv.URL, "", webhook.SendCreated)
		s := mustSend(t, app, "memberA", mugID, "Rita Retry")
		ep.waitCalls(t, 1)
		var d *core.Record
		for deadline := time.Now().Add(time.Minute); time.Now().Before(deadline); time.Sleep(20 * time.Millisecond) {
			if d = deliveriesOf(t, app, id)[0]; d.GetInt("attempts") == 1 {
				break
			}
		}
		if d.GetString("status") != "pending" || d.GetInt("response_code") != 500 || d.GetString("error") != webhook.ReasonStatus || d.GetDateTime("next_attempt_at").IsZero() {
			t.Fatalf("after a 500: %s code %d error %q next %v", d.GetString("status"), d.GetInt("response_code"), d.GetString("error"), d.GetString("next_attempt_at"))
		}
		if got, _ := send.Find(app, s.Id); got == nil || got.Status() != send.StatusSent {
			t.Error("the send did not stay sent")
		}
		if _, err := webhook.DeliverDue(app, d.GetDateTime("next_attempt_at").Time().Add(time.Second)); err != nil {
			t.Fatal(err)
		}
		calls := ep.waitCalls(t, 2)
		if calls[0].Header.Get("webhook-id") != calls[1].Header.Get("webhook-id") || decodeHook(t, calls[1]).Data["id"] != s.Id {
			t.Error("the retry is not the same delivery")
		}
		d = deliveriesOf(t, app, id)[0]
		if d.GetString("status") != "sent" || d.GetInt("attempts") != 2 || d.GetInt("response_code") != 200 {
			t.Errorf("after the retry: %s, %d attempts, code %d", d.GetString("status"), d.GetInt("attempts"), d.GetInt("response_code"))
		}
	})

	t.Run("nothing is delivered for a send whose transaction rolls back", func(t *testing.T) {
		app := newSendsApp(t)
		defer app.Cleanup()
		ep := newEndpoint(t, nil)
		id, _ := register(t, app, ep.srv.URL, "", webhook.SendCreated)
		memberA := testutil.Member(t, app, f.ID("memberA"))
		errRollback := errors.New("something after the send failed")
		err := app.RunInTransaction(func(tx core.App) error {
			if _, err := send.Create(tx, memberA, send.Input{TouchID: mugID, RecipientName: "Ghost", RecipientEmail: "ghost@example.com"}); err != nil {
				return err
			}
			return errRollback
		})
		if !errors.Is(err, errRollback) {
			t.Fatalf("transaction: %v", err)
		}
		if ds := deliveriesOf(t, app, id); len(ds) != 0 {
			t.Fatalf("%d deliveries queued by a rolled-back send", len(ds))
		}
		mustSend(t, app, "memberA", mugID, "Real Person")
		calls := ep.waitCalls(t, 1)
		if _, err := webhook.DeliverDue(app, time.Now().Add(24*time.Hour)); err != nil {
			t.Fatal(err)
		}
		if calls = ep.received(); len(calls) != 1 || decodeHook(t, calls[0]).Data["recipient_name"] != "Real Person" {
			t.Errorf("endpoint got %d calls, want only the committed send", len(calls))
		}
	})

	t.Run("a team's endpoint gets only that team's events; the company's gets all", func(t *testing.T) {
		app := newSendsApp(t)
		defer app.Cleanup()
		betaEP, companyEP := newEndpoint(t, nil), newEndpoint(t, nil)
		betaID, _ := register(t, app, betaEP.srv.URL, f.ID("beta"), webhook.SendCreated)
		register(t, app, companyEP.srv.URL, "", webhook.SendCreated)
		mustSend(t, app, "memberA", mugID, "Alpha Recipient")
		mustSend(t, app, "memberB", mugID, "Beta Recipient")
		companyEP.waitCalls(t, 2)
		calls := betaEP.waitCalls(t, 1)
		if ds := deliveriesOf(t, app, betaID); len(ds) != 1 || decodeHook(t, calls[0]).Data["recipient_name"] != "Beta Recipient" {
			t.Errorf("beta's endpoint: %d deliveries, first %s", len(ds), calls[0].Body)
		}
	})

	t.Run("money an admin moves between two teams reaches both teams' endpoints", func(t *testing.T) {
		app := newSendsApp(t) // memberA (alpha) has money
		defer app.Cleanup()
		alphaEP, betaEP := newEndpoint(t, nil), newEndpoint(t, nil)
		register(t, app, alphaEP.srv.URL, f.ID("alpha"), webhook.MoneyMoved)
		betaID, _ := register(t, app, betaEP.srv.URL, f.ID("beta"), webhook.MoneyMoved)
		admin := testutil.Member(t, app, f.ID("admin"))
		if _, err := transfer.AdminMove(app, admin, f.ID("memberA"), f.ID("memberB"), 100, "lent to beta"); err != nil {
			t.Fatal(err)
		}
		for name, ep := range map[string]*endpoint{"alpha (giver)": alphaEP, "beta (receiver)": betaEP} {
			b := decodeHook(t, ep.waitCalls(t, 1)[0])
			if b.Team != f.ID("beta") || b.Data["from_team"] != f.ID("alpha") || b.Data["to"] != f.ID("memberB") {
				t.Errorf("%s got %+v", name, b)
			}
		}
		if _, err := transfer.AdminMove(app, admin, f.ID("memberA"), f.ID("memberA2"), 100, "within alpha"); err != nil {
			t.Fatal(err)
		}
		alphaEP.waitCalls(t, 2)
		if n := len(deliveriesOf(t, app, betaID)); n != 1 {
			t.Errorf("beta's endpoint has %d deliveries, want only the move into beta", n)
		}
	})

	t.Run("two processes on one data folder never deliver the same event twice", func(t *testing.T) {
		app := testutil.NewApp(t)
		defer app.Cleanup()
		ep := newEndpoint(t, func(int, http.ResponseWriter, *http.Request) { time.Sleep(20 * time.Millisecond) })
		id, _ := register(t, app, ep.srv.URL, "", webhook.BudgetRun)
		// A second app on the same folder, as a CLI command beside the server: its own
		// worker sees the same queue.
		cli := core.NewBaseApp(core.BaseAppConfig{DataDir: app.DataDir(), EncryptionEnv: "pb_test_env", DBConnect: server.DBConnect})
		if err := cli.Bootstrap(); err != nil {
			t.Fatal(err)
		}
		server.Bind(cli)
		defer cli.OnTerminate().Trigger(&core.TerminateEvent{App: cli}, func(e *core.TerminateEvent) error { return cli.ResetBootstrapState() })

		const events = 24
		err := app.RunInTransaction(func(tx core.App) error {
			for i := range events {
				if err := webhook.Emit(tx, webhook.Event{Type: webhook.BudgetRun, Data: map[string]any{"n": i}}); err != nil {
					return err
				}
			}
			return nil
		}) // the server's worker starts on the commit; the CLI's races it
		if err != nil {
			t.Fatal(err)
		}
		var wg sync.WaitGroup
		for range 2 {
			wg.Add(1)
			go func() {
				defer wg.Done()
				if _, err := webhook.DeliverDue(cli, time.Now()); err != nil {
					t.Error(err)
				}
			}()
		}
		wg.Wait()
		ep.waitCalls(t, events)
		time.Sleep(300 * time.Millisecond) // a duplicate would arrive with the last ones
		seen := map[string]int{}
		for _, c := range ep.received() {
			seen[c.Header.Get("webhook-id")]++
		}
		if len(ep.received()) != events || len(seen) != events {
			t.Errorf("the endpoint got %d requests for %d deliveries (%d queued): %v", len(ep.received()), len(seen), events, seen)
		}
		if n, _ := app.CountRecords(webhook.DeliveriesCollection, dbx.HashExp{"webhook": id, "status": webhook.Sent}); n != events {
			t.Errorf("%d deliveries recorded as sent, want %d", n, events)
		}
	})

	t.Run("a hanging endpoint does not hold up sends", func(t *testing.T) {
		app := newSendsApp(t)
		defer app.Cleanup()
		srv := testutil.Serve(t, app)
		release := make(chan struct{})
		var finished atomic.Int32
		ep := newEndpoint(t, func(_ int, _ http.ResponseWriter, r *http.Request) {
			select {
			case <-release:
			case <-r.Context().Done():
			}
			finished.Add(1)
		})
		register(t, app, ep.srv.URL, "", webhook.SendCreated)
		client := &http.Client{}
		for i, name := range []string{"First Hang", "Second Hang"} {
			r := callAPI(t, client, srv.URL, "POST", "/api/tf/sends", f.Token("memberA"), map[string]any{"touch": mugID, "recipient_name": name, "recipient_email": "hang" + strconv.Itoa(i) + "@example.com"})
			if r.Status != http.StatusCreated {
				t.Fatalf("send %d while the endpoint hangs: %d %s", i, r.Status, r.Text)
			}
		}
		ep.waitCalls(t, 1) // the delivery started and hangs
		if finished.Load() != 0 {
			t.Error("a send waited for the hanging endpoint")
		}
		close(release)
		ep.waitCalls(t, 2)
	})

	t.Run("a test event reaches only the chosen endpoint, signed, from the page and the API", func(t *testing.T) {
		app := testutil.NewApp(t)
		defer app.Cleanup()
		srv := testutil.Serve(t, app)
		ep, other := newEndpoint(t, nil), newEndpoint(t, nil)
		id, secret := register(t, app, ep.srv.URL+"/crm", "", webhook.MoneyMoved)
		register(t, app, other.srv.URL+"/other", "", webhook.MoneyMoved)
		if r := callAPI(t, &http.Client{}, srv.URL, "POST", "/api/tf/webhooks/"+id+"/test", f.Token("managerA"), nil); r.Status != http.StatusForbidden {
			t.Errorf("a manager sending a test event: %d", r.Status)
		}
		status, _ := body(t, "POST", srv.URL+"/webhooks/"+id+"/test", "csrf_token="+testutil.CSRF, f.FormHeaders("admin"))
		if status != http.StatusSeeOther {
			t.Fatalf("test from the page: %d", status)
		}
		if r := callAPI(t, &http.Client{}, srv.URL, "POST", "/api/tf/webhooks/"+id+"/test", f.Token("admin"), nil); r.Status != http.StatusAccepted {
			t.Fatalf("test from the API: %d %s", r.Status, r.Text)
		}
		calls := ep.waitCalls(t, 2)
		for _, c := range calls {
			verify(t, secret, c)
			if b := decodeHook(t, c); b.Type != webhook.Test || b.Data["by"] != "admin@acme.com" {
				t.Errorf("test delivery %+v", b)
			}
		}
		if n := len(other.received()); n != 0 {
			t.Errorf("the other endpoint got %d test events", n)
		}
		status, page := body(t, "GET", srv.URL+"/webhooks", "", f.FormHeaders("admin"))
		if status != http.StatusOK || !strings.Contains(page, "Test event") || !strings.Contains(page, "Send test event") {
			t.Errorf("webhooks page %d does not list the test delivery", status)
		}
		if n, _ := app.CountRecords("audit_log", dbx.HashExp{"action": "webhook.test", "target_id": id}); n != 2 {
			t.Errorf("%d test events audited, want 2", n)
		}
	})

	t.Run("an endpoint is edited on the page and through the API; later events go to the new URL", func(t *testing.T) {
		app := testutil.NewApp(t)
		defer app.Cleanup()
		srv := testutil.Serve(t, app)
		old, moved := newEndpoint(t, nil), newEndpoint(t, nil)
		id, secret := register(t, app, old.srv.URL+"/old", "", webhook.MoneyMoved)

		status, page := body(t, "GET", srv.URL+"/webhooks/"+id+"/edit", "", f.FormHeaders("admin"))
		if status != http.StatusOK || !strings.Contains(page, "Edit endpoint") || !strings.Contains(page, `value="`+old.srv.URL+`/old"`) {
			t.Fatalf("edit page %d does not show the endpoint's settings", status)
		}
		status, page = body(t, "POST", srv.URL+"/webhooks/"+id, "url=nope&events=money.moved&csrf_token="+testutil.CSRF, f.FormHeaders("admin"))
		if status != http.StatusUnprocessableEntity || !strings.Contains(page, `value="nope"`) || !strings.Contains(page, "Edit endpoint") {
			t.Errorf("a bad URL on the edit form: %d", status)
		}
		form := "url=" + moved.srv.URL + "/new&events=money.moved&events=webhook.test&description=CRM&csrf_token=" + testutil.CSRF
		if status, _ := body(t, "POST", srv.URL+"/webhooks/"+id, form, f.FormHeaders("admin")); status != http.StatusUnprocessableEntity {
			t.Errorf("webhook.test is not an event to subscribe to: %d", status)
		}
		form = "url=" + moved.srv.URL + "/new&events=money.moved&events=send.created&description=CRM&csrf_token=" + testutil.CSRF
		if status, _ := body(t, "POST", srv.URL+"/webhooks/"+id, form, f.FormHeaders("admin")); status != http.StatusSeeOther {
			t.Fatalf("saving the edit: %d", status)
		}
		r := callAPI(t, &http.Client{}, srv.URL, "PATCH", "/api/tf/webhooks/"+id, f.Token("admin"), map[string]any{"description": "CRM (prod)"})
		if r.Status != http.StatusOK || r.Body["url"] != moved.srv.URL+"/new" || r.Body["description"] != "CRM (prod)" || len(r.Body["events"].([]any)) != 2 {
			t.Fatalf("PATCH: %d %s", r.Status, r.Text)
		}
		if r := callAPI(t, &http.Client{}, srv.URL, "PATCH", "/api/tf/webhooks/"+id, f.Token("admin"), map[string]any{"events": []string{}}); r.Status != http.StatusBadRequest {
			t.Errorf("PATCH without events: %d %s", r.Status, r.Text)
		}
		if r := callAPI(t, &http.Client{}, srv.URL, "PATCH", "/api/tf/webhooks/"+id, f.Token("managerA"), map[string]any{"description": "x"}); r.Status != http.StatusForbidden {
			t.Errorf("a manager editing an endpoint: %d", r.Status)
		}
		if err := webhook.SendTest(app, testutil.Member(t, app, f.ID("admin")), id); err != nil {
			t.Fatal(err)
		}
		verify(t, secret, moved.waitCalls(t, 1)[0]) // the secret was kept
		if n := len(old.received()); n != 0 {
			t.Errorf("the old URL got %d deliveries", n)
		}
		if n, _ := app.CountRecords("audit_log", dbx.HashExp{"action": "webhook.update", "target_id": id}); n != 2 {
			t.Errorf("%d edits audited, want 2", n)
		}
	})

	t.Run("bad endpoint settings are refused with the field named", func(t *testing.T) {
		app := testutil.NewApp(t)
		defer app.Cleanup()
		srv := testutil.Serve(t, app)
		client := &http.Client{}
		for _, tc := range []struct {
			body  map[string]any
			field string
		}{
			{map[string]any{"url": "hooks.example.com/x", "events": []string{"send.created"}}, "url"},
			{map[string]any{"url": "ftp://example.com", "events": []string{"send.created"}}, "url"},
			{map[string]any{"url": "https://example.com", "events": []string{}}, "events"},
			{map[string]any{"url": "https://example.com", "events": []string{"send.exploded"}}, "events"},
			{map[string]any{"url": "https://example.com", "events": []string{"send.created"}, "secret": "short"}, "secret"},
			{map[string]any{"url": "https://example.com", "events": []string{"send.created"}, "team": "nosuchteam0000"}, "team"},
		} {
			r := callAPI(t, client, srv.URL, "POST", "/api/tf/webhooks", f.Token("admin"), tc.body)
			data, _ := r.Body["data"].(map[string]any)
			if r.Status != http.StatusBadRequest || data[tc.field] == nil {
				t.Errorf("%v: %d %s, want 400 naming %s", tc.body, r.Status, r.Text, tc.field)
			}
		}
		if r := callAPI(t, client, srv.URL, "POST", "/api/tf/webhooks", f.Token("managerA"), map[string]any{"url": "https://example.com", "events": []string{"send.created"}}); r.Status != http.StatusForbidden {
			t.Errorf("manager registering an endpoint: %d", r.Status)
		}
		if n, _ := app.CountRecords(webhook.Collection); n != 0 {
			t.Errorf("%d endpoints written by refused requests", n)
		}
		status, page := body(t, "POST", srv.URL+"/webhooks", "url=not+a+url&events=send.created&csrf_token="+testutil.CSRF, f.FormHeaders("admin"))
		if status != http.StatusUnprocessableEntity || !strings.Contains(strings.ToLower(page), "enter a full http:// or https:// url") || !strings.Contains(page, `value="not a url"`) {
			t.Errorf("form with a bad URL: %d", status)
		}
	})
}
