// Package web is Teamfund's HTTP layer: the HTMX pages, their JSON twins under /api/tf/,
// the session cookie, CSRF protection and the render/redirect/error helpers.
package web

import (
	"encoding/json"
	"errors"
	"net/http"
	"strconv"
	"strings"

	"github.com/pocketbase/pocketbase/apis"
	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tools/hook"
	"github.com/pocketbase/pocketbase/tools/router"

	"teamfund/ui"
)

// Register binds every Teamfund route and middleware on app's router.
func Register(app core.App) {
	bindRecordsAPIRules(app)
	bindDashboardAudit(app)
	bindCollectionAudit(app)
	bindAuthGuards(app)
	keepProtectedFilesPrivate(app)
	bindMailEndpoints(app)
	countAPILoginFailures(app)
	guardKeyUsers(app)
	bindKeyRealtime(app)
	app.OnServe().BindFunc(func(se *core.ServeEvent) error {
		followListenAddress(se)
		announceSetupLink(se)
		bindObserveRoutes(se)
		se.Router.Bind(htmlLimitErrors())
		se.Router.Bind(loadAPIKey(), refuseBadKey())
		keysSkipAddressLimit(se)
		se.Router.Bind(loadSessionCookie())
		se.Router.Bind(dropInactiveAuth())
		se.Router.BindFunc(securityHeaders)
		se.Router.BindFunc(refuseBadInput)
		se.Router.BindFunc(csrfProtect)
		se.Router.BindFunc(refuseMailEndpoints)
		se.Router.BindFunc(pocketBaseHealth)

		se.Router.GET("/ui/{path...}", serveAssets)
		// note: the least specific pattern, so PocketBase's /api/ and /_/ routes still win.
		se.Router.GET("/{path...}", showNotFound)

		pages := se.Router.Group("")
		api := se.Router.Group("/api/tf")
		api.BindFunc(requireAPIUser)

		bindAuthRoutes(pages)
		bindOAuth2Routes(pages)
		bindPasswordResetRoutes(pages)
		bindSetupRoutes(pages)
		bindDashboardRoutes(pages, api)
		bindOverviewRoutes(pages, api)
		bindPeopleRoutes(pages)
		bindExportRoutes(pages, api)
		bindTouchRoutes(pages, api)
		bindSendRoutes(pages, api)
		bindInviteRoutes(pages, api)
		bindOutboxRoutes(pages, api)
		bindNotifyRoutes(pages, api)
		bindWebhookRoutes(pages, api)
		bindSettingsRoutes(pages, api)
		bindCompanyRoutes(pages, api)
		bindMoneyRoutes(pages, api)
		bindUsageRoutes(pages, api)
		bindLedgerRoutes(pages, api)
		bindTeamRoutes(pages, api)
		bindUserRoutes(pages, api)
		bindProfileRoutes(pages, api)
		bindTourRoutes(pages)
		bindLeaveRoutes(pages, api)
		bindAuditRoutes(pages, api)
		bindAPIKeyRoutes(api)
		bindAPIKeyPages(pages)
		return se.Next()
	})
}

// htmlLimitErrors wraps PocketBase's rate and body limiters (which answer JSON) so that
// people using the web pages get a readable 429 or 413 page instead, and every 429 (JSON
// or page, from the global limiter or a collection's) says in Retry-After when to try again.
func htmlLimitErrors() *hook.Handler[*core.RequestEvent] {
	return &hook.Handler[*core.RequestEvent]{
		Id:       "teamfundLimitPages",
		Priority: apis.DefaultRateLimitMiddlewarePriority - 5,
		Func: func(e *core.RequestEvent) error {
			err := e.Next()
			var apiErr *router.ApiError
			if err == nil || !errors.As(err, &apiErr) {
				return err
			}
			if apiErr.Status == http.StatusTooManyRequests {
				e.Response.Header().Set("Retry-After", strconv.Itoa(retryAfter(apiErr)))
			}
			if strings.HasPrefix(e.Request.URL.Path, "/api/") {
				return err
			}
			switch apiErr.Status {
			case http.StatusTooManyRequests:
				return renderError(e, http.StatusTooManyRequests, "Too many attempts from your address. Wait a minute and try again.")
			case http.StatusRequestEntityTooLarge:
				return renderError(e, http.StatusRequestEntityTooLarge, "That upload is too large.")
			}
			return err
		},
	}
}

// retryAfter is the number of seconds until the limiter's window ends at the latest: the
// duration of the rule PocketBase names in the error's cause (its limiter uses fixed
// windows), or a minute when the cause names none.
func retryAfter(apiErr *router.ApiError) int {
	cause, _ := apiErr.RawData().(error)
	if cause == nil {
		return 60
	}
	_, rule, found := strings.Cut(cause.Error(), "rule: ")
	var r core.RateLimitRule
	if !found || json.Unmarshal([]byte(rule), &r) != nil || r.Duration < 1 {
		return 60
	}
	return int(r.Duration)
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

// showNotFound answers unknown addresses: an HTML page for people, JSON under /api/.
func showNotFound(e *core.RequestEvent) error {
	if strings.HasPrefix(e.Request.URL.Path, "/api/") {
		return e.NotFoundError("", nil)
	}
	return renderError(e, http.StatusNotFound, "There is no page at this address. It may have moved, or the link is mistyped.")
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
