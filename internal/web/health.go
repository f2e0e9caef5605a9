package web

import (
	"bytes"
	"encoding/json"
	"log/slog"
	"net/http"
	"strconv"

	"github.com/pocketbase/pocketbase/core"

	"teamfund/internal/replica"
	"teamfund/internal/telemetry"
)

// healthLive answers as long as the process serves requests; it asks nothing else, so a
// slow database does not get a healthy process restarted.
func healthLive(e *core.RequestEvent) error {
	return e.JSON(http.StatusOK, map[string]any{"status": "alive"})
}

// healthReady is 200 only when every migration the binary carries has been applied and the
// database answers a query; otherwise 503 with the reason, so a load balancer sends no
// traffic to an instance that cannot serve it.
func healthReady(e *core.RequestEvent) error {
	applied, why := readiness(e.App)
	if why != "" {
		return e.Error(http.StatusServiceUnavailable, why, nil)
	}
	return e.JSON(http.StatusOK, map[string]any{"status": "ready", "migrations": applied})
}

// readiness counts the applied migrations, or says why the app cannot serve yet: the
// database does not answer, or a migration the binary carries is not applied.
func readiness(app core.App) (int, string) {
	var one int
	if err := app.DB().NewQuery("SELECT 1").Row(&one); err != nil {
		telemetry.Log.Error("readiness: database does not answer", slog.Any("error", err))
		return 0, "The database does not answer."
	}
	var applied []string
	if err := app.DB().NewQuery("SELECT file FROM " + core.DefaultMigrationsTable).Column(&applied); err != nil {
		telemetry.Log.Error("readiness: migrations table unreadable", slog.Any("error", err))
		return 0, "The migrations table cannot be read."
	}
	done := make(map[string]bool, len(applied))
	for _, f := range applied {
		done[f] = true
	}
	missing := 0
	for _, list := range []core.MigrationsList{core.SystemMigrations, core.AppMigrations} {
		for _, m := range list.Items() {
			if !done[m.File] {
				missing++
			}
		}
	}
	if missing > 0 {
		return len(applied), strconv.Itoa(missing) + " migrations are not applied yet."
	}
	return len(applied), ""
}

// pocketBaseHealth makes PocketBase's GET /api/health a readiness answer too: 503 in
// PocketBase's health shape ({message, code, data}) while readiness fails, so a monitor or
// Fly's health check that polls the well-known address never sees "healthy" from a server
// whose database does not answer. When ready, PocketBase answers as always, and superusers
// also get the replication status as data.replica (null when the server has no replica), so
// a monitor that already polls it also sees a replica that fails or falls behind.
// /api/tf/health/live stays the liveness answer.
//
// note: PocketBase registers /api/health itself (a second route on the same pattern would
// panic), so this wraps its answer: the response is buffered and its data extended.
func pocketBaseHealth(e *core.RequestEvent) error {
	if (e.Request.Method != http.MethodGet && e.Request.Method != http.MethodHead) || e.Request.URL.Path != "/api/health" {
		return e.Next()
	}
	if _, why := readiness(e.App); why != "" {
		return e.JSON(http.StatusServiceUnavailable, map[string]any{"message": why, "code": http.StatusServiceUnavailable, "data": map[string]any{}})
	}
	if !e.HasSuperuserAuth() {
		return e.Next()
	}
	buf := &bufferedResponse{header: e.Response.Header(), status: http.StatusOK}
	orig := e.Response
	e.Response = buf
	err := e.Next()
	e.Response = orig
	if err != nil {
		return err
	}
	var body map[string]any
	if buf.status == http.StatusOK && json.Unmarshal(buf.body.Bytes(), &body) == nil {
		data, _ := body["data"].(map[string]any)
		if data == nil {
			data = map[string]any{}
		}
		if st, ok := replica.StatusOf(e.App); ok {
			data["replica"] = st
		} else {
			data["replica"] = nil
		}
		body["data"] = data
		return e.JSON(http.StatusOK, body)
	}
	orig.WriteHeader(buf.status)
	_, err = orig.Write(buf.body.Bytes())
	return err
}

// bufferedResponse holds a response until the handler that wraps it decides what to send.
type bufferedResponse struct {
	header http.Header
	status int
	body   bytes.Buffer
}

func (b *bufferedResponse) Header() http.Header         { return b.header }
func (b *bufferedResponse) WriteHeader(status int)      { b.status = status }
func (b *bufferedResponse) Write(p []byte) (int, error) { return b.body.Write(p) }
