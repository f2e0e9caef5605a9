package testutil

import (
	"context"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/pocketbase/pocketbase/apis"
	"github.com/pocketbase/pocketbase/core"
)

// Serve starts app's real router (PocketBase's middlewares plus every Teamfund route) on
// a loopback HTTP server, for tests that need many concurrent real HTTP requests.
func Serve(tb testing.TB, app core.App) *httptest.Server {
	tb.Helper()
	r, err := apis.NewRouter(app)
	if err != nil {
		tb.Fatal(err)
	}
	se := &core.ServeEvent{App: app, Router: r}
	var srv *httptest.Server
	err = app.OnServe().Trigger(se, func(e *core.ServeEvent) error {
		mux, err := e.Router.BuildMux()
		if err != nil {
			return err
		}
		srv = httptest.NewServer(mux)
		return nil
	})
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(srv.Close)
	return srv
}

// NewHTTPServer starts a loopback HTTP server that runs handle for every request (with
// the request's context, done when the client gives up) and answers 200; it returns the
// server's URL.
func NewHTTPServer(tb testing.TB, handle func(ctx context.Context)) string {
	tb.Helper()
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		handle(r.Context())
	}))
	tb.Cleanup(srv.Close)
	return srv.URL
}
