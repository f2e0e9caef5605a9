package web_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tests"

	"teamfund/internal/telemetry"
	"teamfund/internal/testutil"
)

func TestMetricsCountWhatOperatorsWatch(t *testing.T) {
	f := testutil.Fixtures(t)
	app := testutil.NewApp(t)
	defer app.Cleanup()
	srv := testutil.Serve(t, app).URL
	form := testutil.Fixtures(t).FormHeaders("")
	exchange(t, "POST", srv+"/login", url.Values{"email": {"owner@acme.com"}, "password": {"wrong-password"}}.Encode(), form)
	exchange(t, "POST", srv+"/api/collections/users/auth-with-password", `{"identity":"owner@acme.com","password":"wrong-password"}`,
		map[string]string{"Content-Type": "application/json"})
	if code, out := apiJSON(t, srv, "POST", "/api/tf/invites", `{"email":"q@acme.com","name":"Q","role":"member","team":"`+f.ID("alpha")+`"}`, "owner"); code != http.StatusCreated {
		t.Fatalf("invite: got %d %v", code, out)
	}
	apiJSON(t, srv, "GET", "/api/tf/teams", "", "memberA")
	res, body := exchange(t, "GET", srv+"/metrics", "", nil)
	if res.StatusCode != http.StatusOK {
		t.Fatalf("metrics from loopback: got %d", res.StatusCode)
	}
	for _, want := range []string{
		`teamfund_http_request_duration_seconds_count{method="GET",route="GET /api/tf/teams",status="2xx"} 1`,
		`teamfund_login_failures_total{way="page"} 1`,
		`teamfund_login_failures_total{way="api"} 1`,
		`teamfund_queue_length{queue="outbox"}`,
		`teamfund_queue_length{queue="webhooks"} 0`,
		`teamfund_queue_oldest_age_seconds{queue="outbox"}`,
		`teamfund_allocation_runs_total`,
	} {
		if !strings.Contains(string(body), want) {
			t.Errorf("metrics lack %q", want)
		}
	}
	if strings.Contains(string(body), "teamfund_scrape_error") {
		t.Errorf("a database figure failed:\n%s", body)
	}
}

func TestMetricsAndHealthAccess(t *testing.T) {
	scenarios := []tests.ApiScenario{
		{Name: "metrics are hidden from a remote caller when no token is configured", Method: "GET", URL: "/metrics",
			ExpectedStatus: 404, ExpectedContent: []string{`"status":404`}},
		{Name: "metrics refuse a remote caller with a wrong token", Method: "GET", URL: "/metrics",
			Headers: map[string]string{"Authorization": "Bearer wrong"}, ExpectedStatus: 403, ExpectedContent: []string{`"status":403`},
			BeforeTestFunc: func(t testing.TB, _ *tests.TestApp, _ *core.ServeEvent) {
				t.Setenv("TEAMFUND_METRICS_TOKEN", "s3cret-token")
			}},
		{Name: "metrics answer a remote caller with the token", Method: "GET", URL: "/metrics",
			Headers: map[string]string{"Authorization": "Bearer s3cret-token"}, ExpectedStatus: 200,
			ExpectedContent: []string{"teamfund_sends_total", "go_goroutines"},
			BeforeTestFunc: func(t testing.TB, _ *tests.TestApp, _ *core.ServeEvent) {
				t.Setenv("TEAMFUND_METRICS_TOKEN", "s3cret-token")
			}},
		{Name: "liveness answers a guest", Method: "GET", URL: "/api/tf/health/live", ExpectedStatus: 200, ExpectedContent: []string{`"status":"alive"`}},
		{Name: "readiness answers when migrations ran and the database answers", Method: "GET", URL: "/api/tf/health/ready",
			ExpectedStatus: 200, ExpectedContent: []string{`"status":"ready"`}},
		{Name: "readiness is 503 while a migration is not applied", Method: "GET", URL: "/api/tf/health/ready",
			BeforeTestFunc: func(t testing.TB, app *tests.TestApp, _ *core.ServeEvent) {
				if _, err := app.DB().NewQuery("DELETE FROM _migrations WHERE file = (SELECT MAX(file) FROM _migrations)").Execute(); err != nil {
					t.Fatal(err)
				}
			},
			ExpectedStatus: 503, ExpectedContent: []string{`"message":"1 migrations are not applied yet."`}},
	}
	for _, s := range scenarios {
		s.TestAppFactory = testutil.NewApp
		s.Test(t)
	}
}

// TestAFailedRequestsLogLineNamesItsCause: a handler that panics answers PocketBase's
// "Something went wrong" and nothing more; the operator's JSON log line of that request
// carries the panic as its cause.
func TestAFailedRequestsLogLineNamesItsCause(t *testing.T) {
	var out bytes.Buffer
	saved := telemetry.Log
	telemetry.Log = telemetry.NewLogger(&out, true)
	defer func() { telemetry.Log = saved }()
	(&tests.ApiScenario{
		Name: "a panicking handler", Method: http.MethodGet, URL: "/api/tf/test-panic",
		TestAppFactory: testutil.NewApp,
		BeforeTestFunc: func(t testing.TB, app *tests.TestApp, e *core.ServeEvent) {
			e.Router.GET("/api/tf/test-panic", func(*core.RequestEvent) error { panic("the ledger caught fire") })
		},
		ExpectedStatus: http.StatusInternalServerError, ExpectedContent: []string{"Something went wrong"},
		NotExpectedContent: []string{"caught fire"},
	}).Test(t)
	var line map[string]any
	for _, l := range strings.Split(strings.TrimSpace(out.String()), "\n") {
		if strings.Contains(l, "test-panic") {
			if err := json.Unmarshal([]byte(l), &line); err != nil {
				t.Fatalf("not a JSON line: %q", l)
			}
		}
	}
	if line["msg"] != "request failed" || line["status"] != float64(500) || !strings.Contains(fmt.Sprint(line["cause"]), "the ledger caught fire") {
		t.Errorf("log line of the failed request = %v, want msg 'request failed', status 500 and the panic as its cause\n%s", line, out.String())
	}
}
