package e2e_test

import (
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/pocketbase/pocketbase/core"

	"teamfund/internal/e2e"
	"teamfund/internal/testutil"
)

func TestTheBinaryLogsEachRequestAsAJSONLineWithItsRequestID(t *testing.T) {
	s := e2e.Start(t)
	req, _ := http.NewRequest(http.MethodGet, s.URL+"/api/tf/health/ready", nil)
	req.Header.Set("X-Request-Id", "probe-4711")
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	if res.StatusCode != http.StatusOK || res.Header.Get("X-Request-Id") != "probe-4711" {
		t.Fatalf("ready: got %d with X-Request-Id %q, want 200 echoing probe-4711", res.StatusCode, res.Header.Get("X-Request-Id"))
	}
	res, err = http.Get(s.URL + "/metrics")
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(res.Body)
	res.Body.Close()
	if res.StatusCode != http.StatusOK || !strings.Contains(string(body), `teamfund_http_request_duration_seconds_count{method="GET",route="GET /api/tf/health/ready",status="2xx"} 1`) {
		t.Fatalf("metrics from loopback: got %d\n%s", res.StatusCode, body)
	}
	deadline := time.Now().Add(5 * time.Second)
	for {
		var probe map[string]any
		requests := 0
		for _, line := range strings.Split(s.ConsoleOutput(t), "\n") {
			var rec map[string]any
			if json.Unmarshal([]byte(line), &rec) != nil || rec["msg"] != "request" {
				continue
			}
			requests++
			if id, _ := rec["request_id"].(string); id == "" {
				t.Errorf("request line without request_id: %s", line)
			}
			if rec["request_id"] == "probe-4711" {
				probe = rec
			}
		}
		if probe != nil {
			if probe["route"] != "GET /api/tf/health/ready" || probe["status"] != float64(200) || probe["duration_ms"] == nil {
				t.Errorf("log line %v, want route, status 200 and duration_ms", probe)
			}
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("no JSON request line with request_id probe-4711 among %d request lines:\n%s", requests, s.ConsoleOutput(t))
		}
		time.Sleep(50 * time.Millisecond)
	}
}

func TestTheAPIReferenceRendersUnderTheCSP(t *testing.T) {
	s := e2e.Start(t)
	ctx := s.NewBrowser(t)
	e2e.Do(t, ctx, chromedp.Navigate(s.URL+"/api-docs"), chromedp.WaitVisible(chromedp.CSS(`#redoc h1`)))
	if got := e2e.Text(t, ctx, "#redoc"); !strings.Contains(got, "List teams") || !strings.Contains(got, "/api/tf/sends") {
		t.Errorf("reference lacks the routes:\n%.500s", got)
	}
	e2e.Screenshot(t, ctx, "api-docs")
}

func TestAnAdminCreatesAnAPIKeyOnItsPage(t *testing.T) {
	s := e2e.Start(t)
	ctx := s.NewBrowser(t)
	e2e.Login(t, ctx, s, "admin")
	e2e.Do(t, ctx, chromedp.Navigate(s.URL+"/settings/api-keys"), chromedp.WaitVisible(chromedp.CSS(`#api-key-form`)),
		chromedp.SendKeys(chromedp.CSS(`#api-key-name`), "A forty character name for the CRM sync!"),
		chromedp.Click(chromedp.CSS(`#api-key-form button[type=submit]`)),
		chromedp.WaitVisible(chromedp.CSS(`#api-key-value`)))
	secret := e2e.Text(t, ctx, "#api-key-value")
	if !strings.HasPrefix(secret, "tfk_") {
		t.Fatalf("shown key %q", secret)
	}
	req, _ := http.NewRequest(http.MethodGet, s.URL+"/api/tf/me", nil)
	req.Header.Set("Authorization", "Bearer "+secret)
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	if res.StatusCode != http.StatusOK {
		t.Errorf("the new key: got %d on /api/tf/me", res.StatusCode)
	}
	e2e.Screenshot(t, ctx, "api-keys-1280")
	e2e.Do(t, ctx, chromedp.EmulateViewport(390, 844), chromedp.Navigate(s.URL+"/settings/api-keys"), chromedp.WaitVisible(chromedp.CSS(`#api-keys`)))
	e2e.Screenshot(t, ctx, "api-keys-390")
}

// A webhook delivery is a JSON line on standard output, named by the id of the request
// whose work queued it (an owner's grant here), so an operator finds the delivery from the
// request and back.
func TestTheBinaryLogsAWebhookDeliveryWithTheRequestThatQueuedIt(t *testing.T) {
	f := testutil.Fixtures(t)
	s := e2e.Start(t)
	s.Seed(t, func(app core.App) error {
		_, err := app.DB().NewQuery("UPDATE company SET allow_internal_webhooks = 1").Execute()
		return err
	})
	received := make(chan string, 4)
	receiver := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		received <- string(b)
	}))
	defer receiver.Close()

	call := func(method, path, body, token, requestID string) map[string]any {
		t.Helper()
		req, _ := http.NewRequest(method, s.URL+path, strings.NewReader(body))
		req.Header.Set("Content-Type", "application/json")
		if token != "" {
			req.Header.Set("Authorization", token)
		}
		if requestID != "" {
			req.Header.Set("X-Request-Id", requestID)
		}
		res, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer res.Body.Close()
		var out map[string]any
		_ = json.NewDecoder(res.Body).Decode(&out)
		if res.StatusCode >= 300 {
			t.Fatalf("%s %s: got %d %v", method, path, res.StatusCode, out)
		}
		return out
	}
	auth := call("POST", "/api/collections/users/auth-with-password",
		`{"identity":"owner@acme.com","password":"`+testutil.Password+`"}`, "", "")
	token, _ := auth["token"].(string)
	call("POST", "/api/tf/webhooks", `{"url":"`+receiver.URL+`/hook","events":["money.moved"]}`, token, "")
	call("POST", "/api/tf/money/group", `{"team":"`+f.ID("alpha")+`","amount":100}`, token, "grant-4242")
	select {
	case body := <-received:
		if !strings.Contains(body, "money.moved") {
			t.Errorf("the endpoint got %.200s, want a money.moved event", body)
		}
	case <-time.After(30 * time.Second):
		t.Fatal("the endpoint got no delivery")
	}
	deadline := time.Now().Add(10 * time.Second)
	for {
		for _, line := range strings.Split(s.ConsoleOutput(t), "\n") {
			var rec map[string]any
			if json.Unmarshal([]byte(line), &rec) != nil || rec["msg"] != "webhook delivery" {
				continue
			}
			if rec["request_id"] != "grant-4242" || rec["event"] != "money.moved" || rec["status"] != "sent" ||
				rec["response_code"] != float64(200) || rec["delivery_id"] == "" || rec["duration_ms"] == nil {
				t.Errorf("webhook delivery line %v, want request_id grant-4242, event money.moved, status sent, response_code 200", rec)
			}
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("no JSON line for the webhook delivery:\n%s", tail(s.ConsoleOutput(t), 3000))
		}
		time.Sleep(100 * time.Millisecond)
	}
}

func tail(s string, n int) string {
	if len(s) > n {
		return s[len(s)-n:]
	}
	return s
}
