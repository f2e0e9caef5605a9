package web_test

import (
	"encoding/json"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/core"

	"teamfund/internal/testutil"
	"teamfund/internal/webhook"
)

// standardWebhooksNPM is the npm release of the Standard Webhooks reference library for
// Node that the test verifies deliveries with.
const standardWebhooksNPM = "standardwebhooks@1.1.1"

func TestStandardWebhooks(t *testing.T) {
	f := testutil.Fixtures(t)

	t.Run("real deliveries verify with the reference libraries in Go and Node, with the same id on a retry", func(t *testing.T) {
		app := newSendsApp(t)
		defer app.Cleanup()
		srv := testutil.Serve(t, app)
		ep := newEndpoint(t, func(n int, w http.ResponseWriter, _ *http.Request) {
			if n == 2 {
				w.WriteHeader(http.StatusServiceUnavailable) // the test event's first try
			}
		})
		allowInternalTargets(t, app)
		r := callAPI(t, &http.Client{}, srv.URL, "POST", "/api/tf/webhooks", f.Token("admin"),
			map[string]any{"url": ep.srv.URL + "/hook", "events": []string{"send.created"}})
		if r.Status != http.StatusCreated {
			t.Fatalf("create: %d %s", r.Status, r.Text)
		}
		id, secret := r.Body["id"].(string), r.Body["secret"].(string)
		if !webhook.IsStandardSecret(secret) || r.Body["format"] != "standard" {
			t.Fatalf("a new endpoint's secret %q (format %v) is not a whsec_ base64 one", secret, r.Body["format"])
		}
		mustSend(t, app, "memberA", mugID, "Sam Standard")
		ep.waitCalls(t, 1)
		if r := callAPI(t, &http.Client{}, srv.URL, "POST", "/api/tf/webhooks/"+id+"/test", f.Token("admin"), nil); r.Status != http.StatusAccepted {
			t.Fatalf("test event: %d", r.Status)
		}
		ep.waitCalls(t, 2)
		waitDelivery(t, app, id, func(d *core.Record) bool { return d.GetString("event") == webhook.Test && d.GetInt("attempts") == 1 })
		if _, err := webhook.DeliverDue(app, time.Now().Add(time.Hour)); err != nil { // the retry, without waiting 30 s
			t.Fatal(err)
		}
		calls := ep.waitCalls(t, 3)
		if calls[1].Header.Get("webhook-id") != calls[2].Header.Get("webhook-id") || calls[0].Header.Get("webhook-id") == calls[1].Header.Get("webhook-id") {
			t.Errorf("ids %q %q %q: a retry must keep its delivery's id, another delivery has its own",
				calls[0].Header.Get("webhook-id"), calls[1].Header.Get("webhook-id"), calls[2].Header.Get("webhook-id"))
		}
		for _, c := range calls {
			verify(t, secret, c)
			b := decodeHook(t, c)
			if b.Version != 2 || b.Timestamp == "" || b.ID != "" || b.Created != "" {
				t.Errorf("body %s is not the version 2 {type, timestamp, data} shape", c.Body)
			}
		}
		if b := decodeHook(t, calls[0]); b.Type != "send.created" || b.Data["recipient_name"] != "Sam Standard" {
			t.Errorf("first delivery %s", calls[0].Body)
		}

		type nodeCall struct {
			Headers http.Header `json:"headers"`
			Body    string      `json:"body"`
		}
		in := struct {
			Secret string     `json:"secret"`
			Calls  []nodeCall `json:"calls"`
		}{Secret: secret}
		for _, c := range calls {
			in.Calls = append(in.Calls, nodeCall{c.Header, string(c.Body)})
		}
		file := filepath.Join(t.TempDir(), "deliveries.json")
		raw, _ := json.Marshal(in)
		if err := os.WriteFile(file, raw, 0o600); err != nil {
			t.Fatal(err)
		}
		out := testutil.RunNode(t, testutil.NodeModules(t, standardWebhooksNPM), "testdata/webhook_verify.cjs", "DELIVERIES="+file)
		if strings.Count(out, "ok ") != 3 || !strings.Contains(out, "ok send.created") || !strings.Contains(out, "ok webhook.test") {
			t.Errorf("node's standardwebhooks did not verify every delivery:\n%s", out)
		}
	})

	t.Run("an endpoint from before the standard format keeps its secret, body and old headers, with the standard headers beside, until it is moved", func(t *testing.T) {
		app := newSendsApp(t)
		defer app.Cleanup()
		srv := testutil.Serve(t, app)
		generated, typed := newEndpoint(t, nil), newEndpoint(t, nil)
		genID, _ := register(t, app, generated.srv.URL, "", webhook.SendCreated)
		typedID, _ := register(t, app, typed.srv.URL, "", webhook.SendCreated)
		// What the migration leaves: the endpoints' old secrets (a generated whsec_ + hex
		// one and a typed one) on the legacy format.
		oldGenerated, oldTyped := "whsec_"+strings.Repeat("0a1b2c3d", 6), "our-crm-shared-secret-2025"
		for id, secret := range map[string]string{genID: oldGenerated, typedID: oldTyped} {
			if _, err := app.DB().Update(webhook.Collection, dbx.Params{"secret": secret, "format": webhook.FormatLegacy}, dbx.HashExp{"id": id}).Execute(); err != nil {
				t.Fatal(err)
			}
		}
		mustSend(t, app, "memberA", mugID, "Lee Legacy")
		for _, tc := range []struct {
			ep     *endpoint
			secret string
		}{{generated, oldGenerated}, {typed, oldTyped}} {
			c := tc.ep.waitCalls(t, 1)[0]
			verifyLegacy(t, tc.secret, c)
			b := decodeHook(t, c)
			if b.ID == "" || b.Created == "" || b.Version != 0 || b.Type != "send.created" || c.Header.Get("X-Teamfund-Event") != "send.created" ||
				c.Header.Get("X-Teamfund-Delivery") != c.Header.Get("webhook-id") {
				t.Errorf("legacy delivery: body %s, headers %v", c.Body, c.Header)
			}
		}
		// The generated legacy secret is valid base64: the reference library reads it as is.
		verify(t, oldGenerated, generated.received()[0])

		r := callAPI(t, &http.Client{}, srv.URL, "PATCH", "/api/tf/webhooks/"+genID, f.Token("admin"), map[string]any{"format": "standard"})
		if r.Status != http.StatusOK || r.Body["format"] != "standard" || r.Body["secret"] != nil {
			t.Errorf("moving the generated-secret endpoint: %d %s (its secret is kept)", r.Status, r.Text)
		}
		r = callAPI(t, &http.Client{}, srv.URL, "PATCH", "/api/tf/webhooks/"+typedID, f.Token("admin"), map[string]any{"format": "standard"})
		newSecret, _ := r.Body["secret"].(string)
		if r.Status != http.StatusOK || !webhook.IsStandardSecret(newSecret) {
			t.Fatalf("moving the typed-secret endpoint: %d %s (it needs a new whsec_ secret)", r.Status, r.Text)
		}
		r = callAPI(t, &http.Client{}, srv.URL, "PATCH", "/api/tf/webhooks/"+typedID, f.Token("admin"), map[string]any{"format": "legacy"})
		if data, _ := r.Body["data"].(map[string]any); r.Status != http.StatusBadRequest || data["format"] == nil {
			t.Errorf("moving back to legacy: %d %s", r.Status, r.Text)
		}
		mustSend(t, app, "memberA", mugID, "Sue Standard")
		c := typed.waitCalls(t, 2)[1]
		verify(t, newSecret, c)
		if b := decodeHook(t, c); b.Version != 2 || c.Header.Get("X-Teamfund-Signature") != "" {
			t.Errorf("after the move: body %s, legacy header %q", c.Body, c.Header.Get("X-Teamfund-Signature"))
		}
		verify(t, oldGenerated, generated.waitCalls(t, 2)[1])
	})

	t.Run("a typed secret must be a Standard Webhooks one", func(t *testing.T) {
		app := testutil.NewApp(t)
		defer app.Cleanup()
		srv := testutil.Serve(t, app)
		for _, secret := range []string{"a-long-enough-but-plain-secret", "whsec_c2hvcnQ=", "whsec_not base64 at all!!!!!!!!!!!!"} {
			r := callAPI(t, &http.Client{}, srv.URL, "POST", "/api/tf/webhooks", f.Token("admin"),
				map[string]any{"url": "https://crm.example.com/hook", "events": []string{"send.created"}, "secret": secret})
			if data, _ := r.Body["data"].(map[string]any); r.Status != http.StatusBadRequest || data["secret"] == nil {
				t.Errorf("secret %q: %d %s", secret, r.Status, r.Text)
			}
		}
		good := webhook.NewSecret()
		r := callAPI(t, &http.Client{}, srv.URL, "POST", "/api/tf/webhooks", f.Token("admin"),
			map[string]any{"url": "https://crm.example.com/hook", "events": []string{"send.created"}, "secret": good})
		if r.Status != http.StatusCreated || r.Body["secret"] != good {
			t.Errorf("a whsec_ secret: %d %s", r.Status, r.Text)
		}
	})
}

// waitDelivery waits (generously, for a loaded machine) until a delivery of endpoint id
// satisfies ok, and returns it.
func waitDelivery(t *testing.T, app core.App, id string, ok func(d *core.Record) bool) *core.Record {
	t.Helper()
	for deadline := time.Now().Add(time.Minute); time.Now().Before(deadline); time.Sleep(20 * time.Millisecond) {
		for _, d := range deliveriesOf(t, app, id) {
			if ok(d) {
				return d
			}
		}
	}
	t.Fatalf("no delivery of %s reached the expected state", id)
	return nil
}
