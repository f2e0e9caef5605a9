package web_test

import (
	"context"
	"net/http"
	"net/netip"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/pocketbase/dbx"

	"teamfund/internal/testutil"
	"teamfund/internal/webhook"
)

func TestWebhookTargets(t *testing.T) {
	f := testutil.Fixtures(t)
	client := &http.Client{}

	t.Run("internal targets are refused when saved, through the API, the page and the dashboard, until the owner allows them", func(t *testing.T) {
		app := testutil.NewApp(t)
		defer app.Cleanup()
		srv := testutil.Serve(t, app)
		webhook.SetResolver(app, func(_ context.Context, host string) ([]netip.Addr, error) {
			return map[string][]netip.Addr{
				"crm.corp.test":   {netip.MustParseAddr("10.0.0.1")},
				"split.corp.test": {netip.MustParseAddr("203.0.113.7"), netip.MustParseAddr("192.168.1.20")},
			}[host], nil
		})
		s := app.Settings()
		s.Meta.AppURL = "https://teamfund.acme.test"
		if err := app.Save(s); err != nil {
			t.Fatal(err)
		}
		refused := []string{
			"http://127.0.0.1:8090/api/tf/users", "http://localhost:8090/", "http://[::1]/", "http://0.0.0.0/",
			"http://10.1.2.3/hook", "http://172.16.5.4/", "http://192.168.0.10/", "http://169.254.169.254/latest/meta-data/",
			"http://[fd00::1]/", "http://[fe80::1]/", "http://224.0.0.1/", "http://[::ffff:127.0.0.1]/", "http://100.64.0.1/",
			"https://crm.corp.test/hook", "https://split.corp.test/hook", "https://teamfund.acme.test/api/tf/users",
		}
		for _, url := range refused {
			r := callAPI(t, client, srv.URL, "POST", "/api/tf/webhooks", f.Token("admin"), map[string]any{"url": url, "events": []string{"*"}})
			data, _ := r.Body["data"].(map[string]any)
			if r.Status != http.StatusBadRequest || data["url"] == nil {
				t.Errorf("%s: %d %s, want 400 naming url", url, r.Status, r.Text)
			}
		}
		status, page := body(t, "POST", srv.URL+"/webhooks", "url=http://10.0.0.8/x&events=*&csrf_token="+testutil.CSRF, f.FormHeaders("admin"))
		if status != http.StatusUnprocessableEntity || !strings.Contains(page, "unless the owner allows internal targets") {
			t.Errorf("the page accepted an internal target (%d)", status)
		}
		status, text := body(t, "POST", srv.URL+"/api/collections/webhooks/records",
			`{"url":"http://127.0.0.1:9/","secret":"whsec_MDEyMzQ1Njc4OWFiY2RlZjAxMjM0NTY3","events":["*"],"active":true}`,
			map[string]string{"Authorization": f.Token("superuser"), "Content-Type": "application/json"})
		if status != http.StatusBadRequest || !strings.Contains(text, "internal") {
			t.Errorf("the dashboard saved an internal target: %d %s", status, text)
		}
		if n, _ := app.CountRecords(webhook.Collection); n != 0 {
			t.Fatalf("%d endpoints written by refused requests", n)
		}
		status, page = body(t, "GET", srv.URL+"/webhooks", "", f.CookieHeaders("admin"))
		if status != http.StatusOK || !strings.Contains(page, "Only the owner can allow them") {
			t.Errorf("the page does not say internal targets are refused (%d)", status)
		}

		// The owner allows internal targets on the settings page: audited, shown on the page.
		c := callAPI(t, client, srv.URL, "GET", "/api/tf/settings", f.Token("owner"), nil)
		form := "name=Acme&currency=" + c.Body["currency"].(string) + "&timezone=" + c.Body["timezone"].(string) +
			"&seat_limit=0&invite_ttl_hours=168&allow_internal_webhooks=on&csrf_token=" + testutil.CSRF
		if status, _ := body(t, "POST", srv.URL+"/settings", form, f.FormHeaders("admin")); status == http.StatusSeeOther {
			t.Error("an admin changed the owner's settings")
		}
		if status, page := body(t, "POST", srv.URL+"/settings", form, f.FormHeaders("owner")); status != http.StatusSeeOther {
			t.Fatalf("the owner allowing internal targets: %d %s", status, page)
		}
		var after string
		if err := app.DB().NewQuery("SELECT after FROM audit_log WHERE action = 'company.settings' ORDER BY rowid DESC LIMIT 1").Row(&after); err != nil ||
			!strings.Contains(after, `"allow_internal_webhooks":true`) {
			t.Errorf("the switch is not audited: %q %v", after, err)
		}
		status, page = body(t, "GET", srv.URL+"/webhooks", "", f.CookieHeaders("admin"))
		if status != http.StatusOK || !strings.Contains(page, "Internal targets are <strong>allowed</strong>") {
			t.Errorf("the page does not show that internal targets are allowed (%d)", status)
		}
		for _, url := range []string{"http://127.0.0.1:8090/hook", "https://crm.corp.test/hook"} {
			if r := callAPI(t, client, srv.URL, "POST", "/api/tf/webhooks", f.Token("admin"), map[string]any{"url": url, "events": []string{"*"}}); r.Status != http.StatusCreated {
				t.Errorf("%s with internal targets allowed: %d %s", url, r.Status, r.Text)
			}
		}
		if r := callAPI(t, client, srv.URL, "POST", "/api/tf/webhooks", f.Token("admin"), map[string]any{"url": "http://169.254.169.254/", "events": []string{"*"}}); r.Status != http.StatusBadRequest {
			t.Errorf("a metadata address with internal targets allowed: %d", r.Status)
		}
	})

	t.Run("the delivery list shows the status code and a fixed reason, never the answer, and redirects are not followed", func(t *testing.T) {
		app := testutil.NewApp(t)
		defer app.Cleanup()
		srv := testutil.Serve(t, app)
		followed := newEndpoint(t, nil)
		ep := newEndpoint(t, func(n int, w http.ResponseWriter, _ *http.Request) {
			if n == 1 {
				w.WriteHeader(http.StatusInternalServerError)
				_, _ = w.Write([]byte("db password=hunter2 \x00\xff\xe2\x82 at 10.0.0.7:5432"))
				return
			}
			w.Header().Set("Location", followed.srv.URL+"/stolen")
			w.WriteHeader(http.StatusFound)
		})
		id, _ := register(t, app, ep.srv.URL, "", webhook.MoneyMoved)
		admin := testutil.Member(t, app, f.ID("admin"))
		for range 2 {
			if err := webhook.SendTest(app, admin, id); err != nil {
				t.Fatal(err)
			}
		}
		if _, err := webhook.DeliverDue(app, time.Now()); err != nil {
			t.Fatal(err)
		}
		ep.waitCalls(t, 2)
		reasons := map[int]string{}
		for _, d := range deliveriesOf(t, app, id) {
			reasons[d.GetInt("response_code")] = d.GetString("error")
			if e := d.GetString("error"); !utf8.ValidString(e) || strings.ContainsRune(e, 0) {
				t.Errorf("stored reason %q is not clean text", e)
			}
		}
		if reasons[500] != webhook.ReasonStatus || reasons[302] != webhook.ReasonRedirect {
			t.Errorf("reasons by code: %v", reasons)
		}
		if n := len(followed.received()); n != 0 {
			t.Errorf("the redirect was followed %d times", n)
		}
		r := callAPI(t, client, srv.URL, "GET", "/api/tf/webhooks/deliveries", f.Token("admin"), nil)
		status, page := body(t, "GET", srv.URL+"/webhooks", "", f.CookieHeaders("admin"))
		for where, text := range map[string]string{"API": r.Text, "page": page} {
			if strings.Contains(text, "hunter2") || strings.Contains(text, "10.0.0.7") {
				t.Errorf("the %s shows what the endpoint answered", where)
			}
		}
		if status != http.StatusOK || !strings.Contains(page, webhook.ReasonStatus) || !strings.Contains(page, `<td data-label="Response"><div>500`) {
			t.Errorf("the page does not show the code and reason (%d)", status)
		}
		if n, _ := app.CountRecords(webhook.DeliveriesCollection, dbx.NewExp("error LIKE '%hunter2%'")); n != 0 {
			t.Error("the answer was stored")
		}
	})
}
