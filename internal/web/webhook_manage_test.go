package web_test

import (
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/core"

	"teamfund/internal/testutil"
	"teamfund/internal/webhook"
)

func TestWebhookManagement(t *testing.T) {
	f := testutil.Fixtures(t)
	client := &http.Client{}

	t.Run("PATCH active:false pauses an endpoint: queued deliveries wait, new events skip it, and resume sends what waited", func(t *testing.T) {
		app := newSendsApp(t)
		defer app.Cleanup()
		srv := testutil.Serve(t, app)
		ep := newEndpoint(t, nil)
		id, _ := register(t, app, ep.srv.URL, "", webhook.SendCreated)
		// Pause while a delivery is queued but not yet sent: queue it in a transaction
		// whose commit the worker sees only after the pause.
		if r := callAPI(t, client, srv.URL, "PATCH", "/api/tf/webhooks/"+id, f.Token("admin"), map[string]any{"active": false}); r.Status != http.StatusOK || r.Body["active"] != false {
			t.Fatalf("PATCH active:false: %d %s", r.Status, r.Text)
		}
		if ep, _ := app.FindRecordById(webhook.Collection, id); ep.GetBool("active") {
			t.Fatal("the endpoint is still active after PATCH active:false")
		}
		// An event queued before the pause (written as the queue would have) waits.
		if _, err := app.DB().NewQuery(`INSERT INTO webhook_deliveries (id, webhook, event, event_id, payload, status, attempts, next_attempt_at, response_code, error, delivered_at, created)
			VALUES ('queuedbefore001', {:hook}, 'send.created', 'ev1', '{"type":"send.created","timestamp":"2026-12-01T10:00:00Z","version":2,"data":{"n":1}}', 'pending', 0, {:now}, 0, '', '', {:now})`).
			Bind(dbx.Params{"hook": id, "now": time.Now().UTC().Add(-time.Minute).Format("2006-01-02 15:04:05.000Z")}).Execute(); err != nil {
			t.Fatal(err)
		}
		mustSend(t, app, "memberA", mugID, "Paula Paused")
		if _, err := webhook.DeliverDue(app, time.Now().Add(time.Hour)); err != nil {
			t.Fatal(err)
		}
		if n := len(ep.received()); n != 0 {
			t.Fatalf("a paused endpoint got %d requests", n)
		}
		if ds := deliveriesOf(t, app, id); len(ds) != 1 || ds[0].GetString("status") != webhook.Pending {
			t.Fatalf("while paused: %d deliveries (want the one queued before, still pending)", len(ds))
		}
		r := callAPI(t, client, srv.URL, "POST", "/api/tf/webhooks/"+id+"/resume", f.Token("admin"), nil)
		if r.Status != http.StatusOK || r.Body["active"] != true {
			t.Fatalf("resume: %d %s", r.Status, r.Text)
		}
		if c := ep.waitCalls(t, 1)[0]; decodeHook(t, c).Data["n"] != float64(1) {
			t.Errorf("after resuming: %s", c.Body)
		}
		if r := callAPI(t, client, srv.URL, "POST", "/api/tf/webhooks/"+id+"/pause", f.Token("admin"), nil); r.Status != http.StatusOK || r.Body["active"] != false {
			t.Errorf("pause: %d %s", r.Status, r.Text)
		}
		if r := callAPI(t, client, srv.URL, "POST", "/api/tf/webhooks/"+id+"/pause", f.Token("managerA"), nil); r.Status != http.StatusForbidden {
			t.Errorf("a manager pausing: %d", r.Status)
		}
		for action, want := range map[string]int64{"webhook.pause": 1, "webhook.resume": 1, "webhook.update": 1} {
			if n, _ := app.CountRecords("audit_log", dbx.HashExp{"action": action, "target_id": id}); n != want {
				t.Errorf("%d %s audited, want %d", n, action, want)
			}
		}
		status, page := body(t, "GET", srv.URL+"/webhooks", "", f.CookieHeaders("admin"))
		if status != http.StatusOK || !strings.Contains(page, ">paused<") || !strings.Contains(page, ">Resume</button>") {
			t.Errorf("the page does not show the endpoint as paused (%d)", status)
		}
	})

	t.Run("an endpoint on all events gets every type, including ones it could not have named", func(t *testing.T) {
		app := newSendsApp(t)
		defer app.Cleanup()
		srv := testutil.Serve(t, app)
		ep := newEndpoint(t, nil)
		allowInternalTargets(t, app)
		status, _ := body(t, "POST", srv.URL+"/webhooks", "url="+ep.srv.URL+"&events=*&csrf_token="+testutil.CSRF, f.FormHeaders("admin"))
		if status != http.StatusSeeOther {
			t.Fatalf("adding an all-events endpoint on the page: %d", status)
		}
		mustSend(t, app, "memberA", mugID, "Alle Events")
		if r := callAPI(t, client, srv.URL, "POST", "/api/tf/money/move", f.Token("admin"), map[string]any{"from": f.ID("memberA"), "to": f.ID("memberB"), "amount": 100, "reason": "all"}); r.Status != http.StatusOK && r.Status != http.StatusCreated {
			t.Fatalf("move: %d %s", r.Status, r.Text)
		}
		if err := app.RunInTransaction(func(tx core.App) error {
			return webhook.Emit(tx, webhook.Event{Type: "some.future_event", Data: map[string]any{}})
		}); err != nil {
			t.Fatal(err)
		}
		got := map[string]bool{}
		for _, c := range ep.waitCalls(t, 3) {
			got[decodeHook(t, c).Type] = true
		}
		if !got["send.created"] || !got["money.moved"] || !got["some.future_event"] {
			t.Errorf("an all-events endpoint got %v", got)
		}
		if r := callAPI(t, client, srv.URL, "GET", "/api/tf/webhooks", f.Token("admin"), nil); !strings.Contains(r.Text, `"events":["*"]`) {
			t.Errorf("the list does not show the all-events subscription: %s", r.Text)
		}
	})

	t.Run("deliveries page the PocketBase way through the API and the page, and redeliver through the API keeps the id", func(t *testing.T) {
		app := testutil.NewApp(t)
		defer app.Cleanup()
		srv := testutil.Serve(t, app)
		ep := newEndpoint(t, nil)
		id, secret := register(t, app, ep.srv.URL, "", webhook.MoneyMoved)
		other, _ := register(t, app, ep.srv.URL+"/other", "", webhook.MoneyMoved)
		for _, hook := range []string{id, other} { // held: nothing goes out while we count
			if err := webhook.SetActive(app, testutil.Member(t, app, f.ID("admin")), hook, false); err != nil {
				t.Fatal(err)
			}
		}
		if err := app.RunInTransaction(func(tx core.App) error {
			for i := range 7 {
				if err := webhook.Emit(tx, webhook.Event{Type: webhook.MoneyMoved, Data: map[string]any{"n": i}}); err != nil {
					return err
				}
			}
			return nil
		}); err != nil {
			t.Fatal(err)
		}
		// Paused endpoints get no new events; queue through a test event instead.
		admin := testutil.Member(t, app, f.ID("admin"))
		for range 7 {
			if err := webhook.SendTest(app, admin, id); err != nil {
				t.Fatal(err)
			}
		}
		if err := webhook.SendTest(app, admin, other); err != nil {
			t.Fatal(err)
		}
		r := callAPI(t, client, srv.URL, "GET", "/api/tf/webhooks/deliveries?webhook="+id+"&page=3&perPage=3", f.Token("admin"), nil)
		items, _ := r.Body["items"].([]any)
		if r.Status != http.StatusOK || r.Body["page"] != float64(3) || r.Body["perPage"] != float64(3) || r.Body["totalItems"] != float64(7) ||
			r.Body["totalPages"] != float64(3) || len(items) != 1 {
			t.Fatalf("page 3 of 3: %d %s", r.Status, r.Text)
		}
		r = callAPI(t, client, srv.URL, "GET", "/api/tf/webhooks/deliveries?perPage=100000", f.Token("admin"), nil)
		if r.Body["perPage"] != float64(webhook.MaxPerPage) || r.Body["totalItems"] != float64(8) {
			t.Errorf("all deliveries with a huge perPage: %s", r.Text)
		}
		if r := callAPI(t, client, srv.URL, "GET", "/api/tf/webhooks/deliveries", f.Token("managerA"), nil); r.Status != http.StatusForbidden {
			t.Errorf("a manager listing deliveries: %d", r.Status)
		}
		for range 60 { // a second page on the page (50 a page)
			if err := webhook.SendTest(app, admin, other); err != nil {
				t.Fatal(err)
			}
		}
		status, page := body(t, "GET", srv.URL+"/webhooks?page=2", "", f.CookieHeaders("admin"))
		if status != http.StatusOK || !strings.Contains(page, "Page 2 of 2 (68 deliveries)") || !strings.Contains(page, `href="/webhooks?page=1#webhook-deliveries"`) {
			t.Errorf("page 2 of the deliveries on the page (%d)", status)
		}

		if err := webhook.SetActive(app, admin, id, true); err != nil {
			t.Fatal(err)
		}
		first := ep.waitCalls(t, 7)[0]
		verify(t, secret, first)
		delivery := first.Header.Get("webhook-id")
		waitDelivery(t, app, id, func(d *core.Record) bool { return d.Id == delivery && d.GetString("status") == webhook.Sent })
		r = callAPI(t, client, srv.URL, "POST", "/api/tf/webhooks/deliveries/"+delivery+"/redeliver", f.Token("admin"), nil)
		if r.Status != http.StatusAccepted {
			t.Fatalf("redeliver: %d %s", r.Status, r.Text)
		}
		again := ep.waitCalls(t, 8)[7]
		if again.Header.Get("webhook-id") != delivery || string(again.Body) != string(first.Body) {
			t.Errorf("the redelivery is not the same message: id %q body %s", again.Header.Get("webhook-id"), again.Body)
		}
		verify(t, secret, again)
		if n, _ := app.CountRecords("audit_log", dbx.HashExp{"action": "webhook.redeliver", "target_id": id}); n != 1 {
			t.Errorf("%d redeliveries audited", n)
		}
		if r := callAPI(t, client, srv.URL, "POST", "/api/tf/webhooks/deliveries/nosuchdelivery/redeliver", f.Token("admin"), nil); r.Status != http.StatusNotFound {
			t.Errorf("redelivering an unknown delivery: %d", r.Status)
		}
	})

	t.Run("the page pauses, resumes and redelivers with its buttons", func(t *testing.T) {
		app := testutil.NewApp(t)
		defer app.Cleanup()
		srv := testutil.Serve(t, app)
		ep := newEndpoint(t, nil)
		id, secret := register(t, app, ep.srv.URL, "", webhook.MoneyMoved)
		if status, _ := body(t, "POST", srv.URL+"/webhooks/"+id+"/toggle", "csrf_token="+testutil.CSRF, f.FormHeaders("admin")); status != http.StatusSeeOther {
			t.Fatalf("Pause: %d", status)
		}
		if rec, _ := app.FindRecordById(webhook.Collection, id); rec.GetBool("active") {
			t.Fatal("Pause on the page left the endpoint active")
		}
		admin := testutil.Member(t, app, f.ID("admin"))
		if err := webhook.SendTest(app, admin, id); err != nil {
			t.Fatal(err)
		}
		if _, err := webhook.DeliverDue(app, time.Now()); err != nil {
			t.Fatal(err)
		}
		if n := len(ep.received()); n != 0 {
			t.Fatalf("a paused endpoint got %d requests", n)
		}
		if status, _ := body(t, "POST", srv.URL+"/webhooks/"+id+"/toggle", "active=on&csrf_token="+testutil.CSRF, f.FormHeaders("admin")); status != http.StatusSeeOther {
			t.Fatalf("Resume: %d", status)
		}
		first := ep.waitCalls(t, 1)[0]
		delivery := first.Header.Get("webhook-id")
		waitDelivery(t, app, id, func(d *core.Record) bool { return d.Id == delivery && d.GetString("status") == webhook.Sent })
		if status, _ := body(t, "POST", srv.URL+"/webhooks/deliveries/"+delivery+"/redeliver", "csrf_token="+testutil.CSRF, f.FormHeaders("admin")); status != http.StatusSeeOther {
			t.Fatalf("Redeliver: %d", status)
		}
		again := ep.waitCalls(t, 2)[1]
		verify(t, secret, again)
		if again.Header.Get("webhook-id") != delivery {
			t.Errorf("the page's redelivery has id %q, want %q", again.Header.Get("webhook-id"), delivery)
		}
		if status, _ := body(t, "POST", srv.URL+"/webhooks/"+id+"/toggle", "csrf_token="+testutil.CSRF, f.FormHeaders("managerA")); status == http.StatusSeeOther {
			t.Error("a manager paused an endpoint")
		}
	})

	t.Run("budget.run goes out for a run that handed out money, not for one that wrote nothing", func(t *testing.T) {
		app := testutil.NewApp(t)
		defer app.Cleanup()
		srv := testutil.Serve(t, app)
		ep := newEndpoint(t, nil)
		id, _ := register(t, app, ep.srv.URL, "", webhook.BudgetRun)
		for i, want := range []float64{3, 0} {
			r := callAPI(t, client, srv.URL, "POST", "/api/tf/budgets/run", f.Token("admin"), map[string]any{})
			if r.Status != http.StatusOK || r.Body["entries"] != want {
				t.Fatalf("run %d: %d %s", i, r.Status, r.Text)
			}
		}
		if _, err := webhook.DeliverDue(app, time.Now()); err != nil {
			t.Fatal(err)
		}
		if ds := deliveriesOf(t, app, id); len(ds) != 1 {
			t.Fatalf("%d budget.run deliveries for a run of 3 entries and one of none, want 1", len(ds))
		}
		if b := decodeHook(t, ep.waitCalls(t, 1)[0]); b.Data["entries"] != float64(3) || b.Data["month"] == nil {
			t.Errorf("budget.run %+v", b)
		}
		if n, _ := app.CountRecords("audit_log", dbx.HashExp{"action": "money.allocate"}); n != 2 {
			t.Errorf("%d runs audited, want both", n)
		}
	})
}
