// Package web is Teamfund's HTTP layer: the HTMX pages, their JSON twins under /api/tf/,
// the session cookie, CSRF protection and the render/redirect/error helpers.
package web

import (
	"net/http"
	"strings"

	"github.com/pocketbase/pocketbase/apis"
	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tools/router"

	"teamfund/ui"
)

// Register binds every Teamfund route and middleware on app's router.
func Register(app core.App) {
	app.OnServe().BindFunc(func(se *core.ServeEvent) error {
		se.Router.Bind(loadSessionCookie())
		se.Router.BindFunc(securityHeaders)
		se.Router.BindFunc(csrfProtect)

		se.Router.GET("/ui/{path...}", serveAssets)

		pages := se.Router.Group("")
		api := se.Router.Group("/api/tf")
		api.BindFunc(requireAPIUser)

		bindAuthRoutes(pages)
		bindSetupRoutes(pages)
		bindDashboardRoutes(pages, api)
		return se.Next()
	})
}

// securityHeaders hardens every HTML page; htmx runs under this CSP because it needs
// neither eval (allowEval off) nor inline scripts.
func securityHeaders(e *core.RequestEvent) error {
	if !strings.HasPrefix(e.Request.URL.Path, "/_/") && !strings.HasPrefix(e.Request.URL.Path, "/api/") {
		h := e.Response.Header()
		h.Set("Content-Security-Policy", "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data: blob:; connect-src 'self'; frame-ancestors 'none'; form-action 'self'; base-uri 'self'; object-src 'none'")
		h.Set("X-Content-Type-Options", "nosniff")
		h.Set("Referrer-Policy", "same-origin")
		h.Set("X-Frame-Options", "DENY")
	}
	return e.Next()
}

var assetServer = http.StripPrefix("/ui/", http.FileServerFS(ui.FS))

// serveAssets serves the embedded static files; URLs carry a content hash (see asset), so they cache for a year.
func serveAssets(e *core.RequestEvent) error {
	if e.Request.URL.Query().Get("v") != "" {
		e.Response.Header().Set("Cache-Control", "public, max-age=31536000, immutable")
	}
	assetServer.ServeHTTP(e.Response, e.Request)
	return nil
}

// routeGroup is the router group type the bind functions take.
type routeGroup = *router.RouterGroup[*core.RequestEvent]

var _ = apis.DefaultLoadAuthTokenMiddlewarePriority
