package web

import (
	"crypto/rand"
	"crypto/subtle"
	"encoding/hex"
	"errors"
	"log/slog"
	"net/http"
	"net/netip"
	"os"
	"strconv"
	"strings"
	"time"

	"github.com/pocketbase/pocketbase/apis"
	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tools/hook"
	"github.com/pocketbase/pocketbase/tools/router"
	"github.com/prometheus/client_golang/prometheus/promhttp"

	"teamfund/internal/telemetry"
)

// Operators' routes: metrics for Prometheus and the health answers for a load balancer or
// an orchestrator. They sit outside the /api/tf group, whose routes need a signed-in user.
//
//	GET /metrics              Prometheus metrics (loopback, or Bearer TEAMFUND_METRICS_TOKEN)
//	GET /api/tf/health/live   the process answers (liveness)
//	GET /api/tf/health/ready  migrations applied and the database answers (readiness)
//	GET /api/tf/openapi.json  the OpenAPI 3.1 description of /api/tf (see openapi.go)
//	GET /api-docs             its readable reference (Redoc)
func bindObserveRoutes(se *core.ServeEvent) {
	se.Router.Bind(logRequests())
	se.Router.GET("/metrics", serveMetrics)
	se.Router.GET("/api/tf/health/live", healthLive)
	se.Router.GET("/api/tf/health/ready", healthReady)
	se.Router.GET("/api/tf/openapi.json", serveOpenAPI)
	se.Router.GET("/api-docs", showAPIDocs)
}

// requestIDKey is where the request id waits in the request store for other log lines.
const requestIDKey = "teamfund.requestId"

// logRequests gives every request an id (the caller's X-Request-Id when it is a sane
// token, a new one otherwise; echoed in the response), times it by route pattern for the
// metrics and writes one log line when it ends, with the error behind a 5xx.
func logRequests() *hook.Handler[*core.RequestEvent] {
	return &hook.Handler[*core.RequestEvent]{
		Id:       "teamfundRequestLog",
		Priority: apis.DefaultCorsMiddlewarePriority - 10,
		Func: func(e *core.RequestEvent) error {
			start := time.Now()
			id := e.Request.Header.Get("X-Request-Id")
			if !saneRequestID(id) {
				id = newRequestID()
			}
			e.Set(requestIDKey, id)
			e.Response.Header().Set("X-Request-Id", id)
			// domain code sees the id through its app: work it queues (a webhook delivery)
			// or logs (an allocation run) names the request.
			e.App = telemetry.WithRequestID(e.App, id)
			err := e.Next()
			status := e.Status()
			if err != nil {
				status = router.ToApiError(err).Status
			}
			if status == 0 {
				status = http.StatusOK
			}
			route := e.Request.Pattern
			if route == "" {
				route = "unmatched"
			}
			took := time.Since(start)
			telemetry.For(e.App).Requests.WithLabelValues(e.Request.Method, route, strconv.Itoa(status/100)+"xx").Observe(took.Seconds())
			attrs := []any{slog.String("request_id", id), slog.String("method", e.Request.Method), slog.String("route", route),
				slog.Int("status", status), slog.Float64("duration_ms", float64(took.Microseconds())/1000), slog.String("ip", e.RealIP())}
			if status >= 500 {
				attrs = append(attrs, slog.Any("error", err))
				// PocketBase's answer hides the cause (a recovered panic, a failed query)
				// behind "Something went wrong"; the operator's log line names it.
				var answer *router.ApiError
				if errors.As(err, &answer) {
					if cause, ok := answer.RawData().(error); ok {
						attrs = append(attrs, slog.String("cause", cause.Error()))
					}
				}
				telemetry.Log.Error("request failed", attrs...)
			} else {
				telemetry.Log.Info("request", attrs...)
			}
			return err
		},
	}
}

// saneRequestID accepts ids of letters, digits, '-', '_' and '.', up to 128 characters, so a
// caller's id cannot forge log fields or bloat them.
func saneRequestID(id string) bool {
	if id == "" || len(id) > 128 {
		return false
	}
	for _, c := range id {
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '-' || c == '_' || c == '.') {
			return false
		}
	}
	return true
}

func newRequestID() string {
	b := make([]byte, 12)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}

// requestID is the id of e's request, for log lines about it.
func requestID(e *core.RequestEvent) string {
	id, _ := e.Get(requestIDKey).(string)
	return id
}

// serveMetrics answers Prometheus. From loopback (a sidecar, `fly ssh`, a local agent) no
// token is needed; from elsewhere the Bearer token in TEAMFUND_METRICS_TOKEN is. Without
// a token configured the route does not exist for remote callers (404), with a wrong one it
// is forbidden (403). note: RemoteIP, not RealIP: a forwarded header must not make a remote
// caller look local.
func serveMetrics(e *core.RequestEvent) error {
	if !loopback(e.RemoteIP()) {
		want := os.Getenv("TEAMFUND_METRICS_TOKEN")
		if want == "" {
			return e.NotFoundError("", nil)
		}
		got, _ := strings.CutPrefix(e.Request.Header.Get("Authorization"), "Bearer ")
		if subtle.ConstantTimeCompare([]byte(got), []byte(want)) != 1 {
			return e.ForbiddenError("A valid metrics token is required.", nil)
		}
	}
	promhttp.HandlerFor(telemetry.For(e.App).Registry, promhttp.HandlerOpts{}).ServeHTTP(e.Response, e.Request)
	return nil
}

func loopback(ip string) bool {
	addr, err := netip.ParseAddr(ip)
	return err == nil && addr.Unmap().IsLoopback()
}

// countAPILoginFailures counts refused sign-ins through PocketBase's auth-with-password
// endpoint (the SDK's authWithPassword), beside the sign-in form's.
func countAPILoginFailures(app core.App) {
	app.OnRecordAuthWithPasswordRequest().BindFunc(func(e *core.RecordAuthWithPasswordRequestEvent) error {
		err := e.Next()
		if err != nil {
			telemetry.For(e.App).LoginFailures.WithLabelValues("api").Inc()
		}
		return err
	})
}
