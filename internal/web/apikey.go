package web

import (
	"net/http"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/pocketbase/pocketbase/apis"
	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tools/hook"

	"teamfund/internal/apikey"
	"teamfund/internal/member"
)

// bindAPIKeyRoutes lists the API key routes:
//
//	GET  /api/tf/api-keys              the keys the caller manages
//	POST /api/tf/api-keys              create a key (its secret is in this answer only)
//	POST /api/tf/api-keys/{id}/revoke  revoke a key at once
func bindAPIKeyRoutes(api routeGroup) {
	api.GET("/api-keys", listAPIKeysJSON)
	api.POST("/api-keys", createAPIKeyJSON)
	api.POST("/api-keys/{id}/revoke", revokeAPIKeyJSON)
}

// apiKeyStoreKey holds the key a request authenticated with; apiKeyRefusalKey the answer
// to a request whose key was refused, given once PocketBase's per-address limiter counted it.
const (
	apiKeyStoreKey   = "teamfund.apiKey"
	apiKeyRefusalKey = "teamfund.apiKeyRefusal"
)

// actingKeyField marks, in memory only, the user record a key acts as (see guardKeyUsers).
const actingKeyField = "tfApiKey"

// loadAPIKey authenticates `Authorization: Bearer tfk_…` before PocketBase's token loader
// (which skips once e.Auth is set). The request then acts as an in-memory copy of the
// key's creator with the key's scope, on /api/ routes only, never as a superuser, and never
// on the endpoints that mint sessions or tokens (a key must not turn into a 5-day token).
// A refused key (unknown, revoked, expired, creator gone) is answered 401 by refuseBadKey,
// after PocketBase's per-address limiter, so guessing or replaying keys is limited like
// any other guest request.
func loadAPIKey() *hook.Handler[*core.RequestEvent] {
	return &hook.Handler[*core.RequestEvent]{
		Id:       "teamfundAPIKey",
		Priority: apis.DefaultLoadAuthTokenMiddlewarePriority - 2,
		Func: func(e *core.RequestEvent) error {
			h := e.Request.Header.Get("Authorization")
			if len(h) > 7 && strings.EqualFold(h[:7], "Bearer ") {
				h = h[7:]
			}
			if !strings.HasPrefix(h, apikey.Prefix) {
				return e.Next()
			}
			k, acting, err := apikey.Resolve(e.App, h, time.Now())
			if err != nil {
				e.Set(apiKeyRefusalKey, e.UnauthorizedError(capitalize(err.Error())+".", nil))
				return e.Next()
			}
			if msg := keyRefusal(e, k, acting); msg != "" {
				return e.ForbiddenError(msg, nil)
			}
			if wait := keyLimiter(e.App).take(k.Id, time.Now()); wait > 0 {
				e.Response.Header().Set("Retry-After", strconv.Itoa(wait))
				return e.TooManyRequestsError("This API key sent too many requests; wait and try again.", nil)
			}
			apikey.Touch(e.App, k, e.RealIP(), time.Now())
			e.Auth = markActing(acting, k)
			e.Set(apiKeyStoreKey, k)
			return e.Next()
		},
	}
}

// refuseBadKey answers a request whose key was refused, just after PocketBase's limiter.
func refuseBadKey() *hook.Handler[*core.RequestEvent] {
	return &hook.Handler[*core.RequestEvent]{
		Id:       "teamfundRefuseBadKey",
		Priority: apis.DefaultRateLimitMiddlewarePriority + 1,
		Func: func(e *core.RequestEvent) error {
			if refusal, ok := e.Get(apiKeyRefusalKey).(error); ok {
				return refusal
			}
			return e.Next()
		},
	}
}

// keysSkipAddressLimit makes PocketBase's global per-address limiter pass requests made with
// a valid API key: a key has its own budget (keyLimiter), so an integration behind the
// office's address neither uses up the people's budget nor is cut off by them. Requests
// with a refused key and every other request are counted by address as before.
// note: PocketBase binds its limiter on the router before OnServe; its handler is wrapped
// in place (there is no exported way to ask it to skip a request).
func keysSkipAddressLimit(se *core.ServeEvent) {
	for _, m := range se.Router.Middlewares {
		if m.Id != apis.DefaultRateLimitMiddlewareId {
			continue
		}
		limit := m.Func
		m.Func = func(e *core.RequestEvent) error {
			if e.Get(apiKeyStoreKey) != nil {
				return e.Next()
			}
			return limit(e)
		}
	}
}

// markActing marks the in-memory user a key acts as, so that it is never saved.
func markActing(acting *core.Record, k *apikey.Key) *core.Record {
	acting.WithCustomData(true)
	acting.Set(actingKeyField, k.Id)
	return acting
}

// narrowedKey reports whether a key acts with less than its creator's role or in another
// team (a manager key of an admin). note: PocketBase resolves @request.auth.role and
// @request.auth.team in API rules by joining the users table on the auth id, so the records
// API and realtime would apply the creator's stored role, not the key's scope; such a key
// is refused there and works on /api/tf, which reads the scope from the request.
func narrowedKey(acting *core.Record) bool {
	stored := acting.Original()
	ruleRole := func(r string) string {
		if r == string(member.RoleOwner) {
			return string(member.RoleAdmin) // the shipped rules treat both alike
		}
		return r
	}
	return ruleRole(stored.GetString("role")) != ruleRole(acting.GetString("role")) || stored.GetString("team") != acting.GetString("team")
}

// keyRefusal says why a key may not make this request ("" when it may).
func keyRefusal(e *core.RequestEvent, k *apikey.Key, acting *core.Record) string {
	p := e.Request.URL.Path
	if !strings.HasPrefix(p, "/api/") {
		return "API keys work on /api/ only."
	}
	for _, closed := range []string{"/api/settings", "/api/backups", "/api/logs", "/api/crons", "/api/batch",
		"/api/collections/_superusers", "/api/tf/api-keys"} {
		if p == closed || strings.HasPrefix(p, closed+"/") {
			return "API keys cannot use this endpoint."
		}
	}
	if strings.HasPrefix(p, "/api/collections/") {
		rest := strings.SplitN(strings.TrimPrefix(p, "/api/collections/"), "/", 3)
		if len(rest) >= 2 && (strings.HasPrefix(rest[1], "auth-") || strings.HasPrefix(rest[1], "request-") ||
			strings.HasPrefix(rest[1], "confirm-") || rest[1] == "impersonate") {
			return "API keys cannot sign in or change accounts."
		}
	}
	if (strings.HasPrefix(p, "/api/collections/") || p == "/api/realtime") && narrowedKey(acting) {
		return "This key's scope is narrower than its creator's role, which the records API and realtime would apply; use it on /api/tf/."
	}
	readOnly := e.Request.Method == http.MethodGet || e.Request.Method == http.MethodHead ||
		(e.Request.Method == http.MethodPost && p == "/api/realtime")
	if k.Role() == apikey.ReadOnly && !readOnly {
		return "This API key is read-only."
	}
	return ""
}

// guardKeyUsers refuses to save the in-memory user a key acts as: its role and team are the
// key's scope, not the person's, and must never reach the database.
func guardKeyUsers(app core.App) {
	app.OnRecordUpdate(member.Collection).BindFunc(func(e *core.RecordEvent) error {
		if e.Record.GetString(actingKeyField) != "" {
			return apis.NewForbiddenError("An API key cannot change its creator's own account.", nil)
		}
		return e.Next()
	})
}

// Each key has its own request budget, apart from PocketBase's per-address limiter, so one
// busy integration neither starves nor is starved by people behind the same address.
const (
	keyWindow      = 10 * time.Second
	keyMaxRequests = 300
)

type fixedWindow struct {
	mu     sync.Mutex
	starts map[string]time.Time
	counts map[string]int
}

func keyLimiter(app core.App) *fixedWindow {
	return app.Store().GetOrSet("teamfund.apiKeyLimiter", func() any {
		return &fixedWindow{starts: map[string]time.Time{}, counts: map[string]int{}}
	}).(*fixedWindow)
}

// take counts one request of id and returns 0, or the seconds to wait when over budget.
func (w *fixedWindow) take(id string, now time.Time) int {
	w.mu.Lock()
	defer w.mu.Unlock()
	if start, ok := w.starts[id]; !ok || now.Sub(start) >= keyWindow {
		w.starts[id], w.counts[id] = now, 0
	}
	w.counts[id]++
	if w.counts[id] > keyMaxRequests {
		return max(1, int((keyWindow-now.Sub(w.starts[id])).Seconds()+0.999))
	}
	return 0
}

type apiKeyJSON struct {
	ID         string `json:"id"`
	Name       string `json:"name"`
	Hint       string `json:"hint"`
	Role       string `json:"role"`
	Team       string `json:"team"`
	CreatedBy  string `json:"createdBy"`
	Created    string `json:"created"`
	Expires    string `json:"expires"`
	Revoked    string `json:"revoked"`
	LastUsedAt string `json:"lastUsedAt"`
	LastUsedIP string `json:"lastUsedIp"`
	Key        string `json:"key,omitempty"`
}

func toAPIKeyJSON(k *apikey.Key) apiKeyJSON {
	return apiKeyJSON{ID: k.Id, Name: k.GetString("name"), Hint: k.GetString("hint"), Role: k.Role(), Team: k.TeamID(),
		CreatedBy: k.CreatorID(), Created: k.GetString("created"), Expires: k.GetString("expires"), Revoked: k.GetString("revoked"),
		LastUsedAt: k.GetString("last_used_at"), LastUsedIP: k.GetString("last_used_ip")}
}

func listAPIKeysJSON(e *core.RequestEvent) error {
	keys, err := apikey.List(e.App, currentUser(e))
	if err != nil {
		return apiError(e, err)
	}
	items := make([]apiKeyJSON, len(keys))
	for i, k := range keys {
		items[i] = toAPIKeyJSON(k)
	}
	return writeSortedList(e, items, listSorts["/api/tf/api-keys"])
}

func createAPIKeyJSON(e *core.RequestEvent) error {
	var in apikey.Input
	if err := e.BindBody(&in); err != nil {
		return e.BadRequestError("Send a JSON object with name, role (readonly, manager or admin), team for a manager key and optionally expires.", nil)
	}
	k, secret, err := apikey.Create(e.App, currentUser(e), in)
	if err != nil {
		return apiError(e, err)
	}
	out := toAPIKeyJSON(k)
	out.Key = secret
	return e.JSON(http.StatusCreated, out)
}

func revokeAPIKeyJSON(e *core.RequestEvent) error {
	if err := apikey.Revoke(e.App, currentUser(e), e.Request.PathValue("id")); err != nil {
		return apiError(e, err)
	}
	return e.NoContent(http.StatusNoContent)
}
