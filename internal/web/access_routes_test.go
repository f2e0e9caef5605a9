package web_test

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/pocketbase/pocketbase/apis"
	"github.com/pocketbase/pocketbase/core"

	"teamfund/internal/testutil"
)

// level is the least privilege a route needs.
type level int

const (
	public   level = iota // anyone, signed in or not
	user                  // any active signed-in user
	exporter              // a user with the export permission (managers and admins always have it)
	manager
	admin
	owner
	closed // refused to everyone: the first-run form once the company exists
)

// routeAccess is the access matrix of every route Teamfund registers, by "METHOD path".
// A route missing here fails TestEveryRouteHasAnAccessRow: add its row when you add a route.
// Finer rules (own vs other team, the actor's own records) are tested per domain; here
// team-scoped team and user routes are also tried on another team's team/user.
var routeAccess = map[string]level{
	"GET /{$}": user, "GET /login": public, "POST /login": public, "POST /logout": public,
	"GET /setup": public, "POST /setup": closed, "GET /ui/{path...}": public, "GET /{path...}": public,
	"GET /invite/{token}": public, "POST /invite/{token}": public, "GET /join/{token}": public, "POST /join/{token}": public,
	"GET /password-reset": public, "POST /password-reset": public, "GET /password-reset/{token}": public, "POST /password-reset/{token}": public,
	"GET /auth/oauth2/{provider}": public, "GET /auth/oauth2/callback": public,
	"GET /api/tf/me": user, "GET /events": user,
	"GET /api/tf/overview": manager, "POST /overview/checklist/dismiss": admin, "GET /people/search": manager, /* purpose=move, the default; each purpose × role: TestEachPickerOffersOnlyThePeopleTheViewerMayChoose */
	"GET /metrics": public /* loopback here; remote callers need a token */, "GET /api/tf/health/live": public, "GET /api/tf/health/ready": public,
	"GET /api/tf/openapi.json": public, "GET /api-docs": public,
	"GET /profile": user, "POST /profile": user, "POST /profile/password": user, "GET /users/{id}/photo": user,
	"POST /tour/seen": user,

	"GET /teams": user, "POST /teams": admin, "GET /teams/{id}": user, "POST /teams/{id}": manager,
	"POST /teams/{id}/delete": owner, "POST /teams/{id}/members": manager, "POST /teams/{id}/members/{user}/remove": manager,
	"GET /api/tf/teams": user, "POST /api/tf/teams": admin, "GET /api/tf/teams/{id}": user, "PATCH /api/tf/teams/{id}": manager,
	"DELETE /api/tf/teams/{id}": owner, "POST /api/tf/teams/{id}/members": manager, "DELETE /api/tf/teams/{id}/members/{user}": manager,

	"GET /users": manager, "POST /users/bulk": manager, "GET /users/{id}": manager,
	"POST /users/{id}/deactivate": admin, "POST /users/{id}/reactivate": admin, "POST /users/{id}/delete": admin,
	"POST /users/{id}/email": admin, "POST /users/{id}/password-reset": admin, "POST /users/{id}/permissions": manager,
	"POST /users/{id}/role": manager, "POST /users/{id}/team": admin, "POST /users/{id}/transfer-ownership": owner,
	"GET /api/tf/users": manager, "POST /api/tf/users/bulk": manager, "GET /api/tf/users/{id}": manager,
	"POST /api/tf/users/{id}/deactivate": admin, "POST /api/tf/users/{id}/reactivate": admin, "POST /api/tf/users/{id}/delete": admin,
	"POST /api/tf/users/{id}/email": admin, "POST /api/tf/users/{id}/password-reset": admin, "POST /api/tf/users/{id}/permissions": manager,
	"POST /api/tf/users/{id}/role": manager, "POST /api/tf/users/{id}/team": admin, "POST /api/tf/users/{id}/transfer-ownership": owner,

	"POST /leave": user, "POST /api/tf/leave": user, "POST /leave/withdraw": user, "POST /api/tf/leave/withdraw": user,
	"GET /approvals/leave": manager, "POST /approvals/leave/{id}/approve": manager, "POST /approvals/leave/{id}/decline": manager,
	"GET /api/tf/leave-requests": user /* members see their own */, "POST /api/tf/leave-requests/{id}/approve": manager, "POST /api/tf/leave-requests/{id}/decline": manager,
	"GET /audit": admin, "GET /api/tf/audit": admin,
	"GET /settings/api-keys": admin, "POST /settings/api-keys": admin, "POST /settings/api-keys/{id}/revoke": admin,
	"GET /api/tf/api-keys": admin, "POST /api/tf/api-keys": admin, "POST /api/tf/api-keys/{id}/revoke": admin,

	"GET /invites": manager, "POST /invites": manager, "POST /invites/bulk": manager, "POST /invites/{id}/{action}": manager,
	"GET /invites/template.csv": manager, "POST /invites/preview": manager, "POST /invites/import": manager,
	"POST /invites/keys": manager, "POST /invites/keys/{id}/revoke": manager,
	"GET /api/tf/invites": manager, "POST /api/tf/invites": manager, "POST /api/tf/invites/bulk": manager,
	"POST /api/tf/invites/preview": manager, "POST /api/tf/invites/import": manager,
	"POST /api/tf/invites/{id}/resend": manager, "POST /api/tf/invites/{id}/revoke": manager,
	"PATCH /api/tf/invites/{id}": manager, "DELETE /api/tf/invites/{id}": manager,
	"GET /api/tf/invite-keys": manager, "POST /api/tf/invite-keys": manager, "POST /api/tf/invite-keys/{id}/revoke": manager,
	"GET /outbox": admin, "GET /outbox/{id}": admin, "GET /api/tf/outbox": admin,
	"POST /outbox/{id}/resend": admin, "POST /api/tf/outbox/{id}/resend": admin,
	"POST /profile/approval-mail": user, "POST /api/tf/me/approval-mail": user,
	"GET /webhooks": admin, "POST /webhooks": admin, "POST /webhooks/{id}/toggle": admin,
	"POST /webhooks/{id}/delete": admin, "POST /webhooks/deliveries/{id}/redeliver": admin,
	"POST /webhooks/{id}/test": admin, "GET /webhooks/{id}/edit": admin, "POST /webhooks/{id}": admin,
	"GET /api/tf/webhooks": admin, "POST /api/tf/webhooks": admin, "DELETE /api/tf/webhooks/{id}": admin,
	"POST /api/tf/webhooks/{id}/test": admin, "PATCH /api/tf/webhooks/{id}": admin,
	"GET /api/tf/webhooks/deliveries": admin, "GET /api/tf/webhooks/{id}": admin, "POST /api/tf/webhooks/{id}/pause": admin,
	"POST /api/tf/webhooks/{id}/resume": admin, "POST /api/tf/webhooks/deliveries/{id}/redeliver": admin, "GET /settings": owner, "POST /settings": owner, "GET /api/tf/settings": owner, "PUT /api/tf/settings": owner,
	"GET /company/export": owner, "GET /api/tf/company/export": owner, "GET /company/close": owner, "POST /company/close": owner,

	"GET /money": user, "GET /money/summary": user, "GET /money/requests": user, "POST /money/transfer": user,
	"POST /money/requests": user, "POST /money/requests/{id}/{decision}": user,
	"GET /money/team": manager, "POST /money/team/group": manager, "POST /money/team/balances": manager,
	"GET /money/admin": admin, "POST /money/admin/move": admin, "POST /money/admin/allocate": admin,
	"GET /approvals/money": user, "GET /ledger": user, "GET /api/tf/ledger": user, "GET /usage": manager, "GET /api/tf/usage": manager,
	"GET /api/tf/money/me": user, "POST /api/tf/money/transfer": user, "POST /api/tf/money/requests": user,
	"POST /api/tf/money/requests/{id}/{decision}": user, "POST /api/tf/money/group": manager, "POST /api/tf/money/balances": manager,
	"POST /api/tf/money/move": admin, "POST /api/tf/budgets/run": admin,

	"GET /touches": user, "GET /touches/new": admin, "POST /touches": admin, "GET /touches/assignments": manager,
	"GET /touches/{id}/edit": admin, "POST /touches/{id}": admin,
	"POST /touches/{id}/teams/{team}": manager, "POST /touches/{id}/teams/{team}/remove": manager,
	"GET /api/tf/touches": user, "POST /api/tf/touches": admin, "GET /api/tf/touches/{id}": user, "PUT /api/tf/touches/{id}": admin,
	"PUT /api/tf/touches/{id}/teams/{team}": manager, "DELETE /api/tf/touches/{id}/teams/{team}": manager,
	"GET /sends": user, "GET /sends/new": user, "POST /sends": user, "POST /sends/{id}/cancel": user,
	"GET /approvals/sends": manager, "POST /approvals/sends/{id}/approve": manager, "POST /approvals/sends/{id}/reject": manager,
	"GET /api/tf/sends": user, "POST /api/tf/sends": user, "GET /api/tf/sends/{id}": user,
	"POST /api/tf/sends/{id}/approve": manager, "POST /api/tf/sends/{id}/reject": manager, "POST /api/tf/sends/{id}/cancel": user,
	"GET /api/tf/approvals/sends": manager,

	"GET /export/{file}": exporter, "GET /api/tf/export/{file}": exporter, // tried with ledger.csv
}

func TestEveryRouteHasAnAccessRow(t *testing.T) {
	seen := map[string]bool{}
	for _, rt := range teamfundRoutes(t) {
		key := rt.method + " " + rt.path
		seen[key] = true
		if _, ok := routeAccess[key]; !ok {
			t.Errorf("route %q has no row in routeAccess (internal/web/access_routes_test.go)", key)
		}
	}
	for key := range routeAccess {
		if !seen[key] {
			t.Errorf("routeAccess row %q matches no registered route; remove it", key)
		}
	}
}

// actor is who sends a request in the access walk.
type actor struct {
	name  string
	key   string // fixture user ("" = guest)
	level level  // what this actor may do (-1 = nothing but public routes)
}

var actors = []actor{
	{"signed-out guest", "", -1},
	{"deactivated member", "locked", -1},
	{"member", "memberA", user},
	{"member with export permission", "memberA2", exporter},
	{"manager", "managerA", manager},
	{"admin", "admin", admin},
	{"owner", "owner", owner},
}

// concreteFor fills path parameters: team and user routes get a real id of the actor's
// own team (Alpha) or of the other team (Beta); other parameters get a placeholder.
func concreteFor(f *testutil.Fixture, path string, otherTeam bool) string {
	team, person := f.ID("alpha"), f.ID("memberA2")
	if otherTeam {
		team, person = f.ID("beta"), f.ID("memberB")
	}
	switch {
	case strings.Contains(path, "/teams/{id}"):
		path = strings.Replace(path, "{id}", team, 1)
	case strings.Contains(path, "/users/{id}"):
		path = strings.Replace(path, "{id}", person, 1)
	}
	path = strings.ReplaceAll(path, "{user}", person)
	path = strings.ReplaceAll(path, "{team}", team)
	path = strings.ReplaceAll(path, "{file}", "ledger.csv")
	path = strings.ReplaceAll(path, "{path...}", "app.css")
	return concrete(path)
}

func serveOnce(mux http.Handler, f *testutil.Fixture, method, path, who string) *httptest.ResponseRecorder {
	req := httptest.NewRequest(method, path, strings.NewReader(""))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	for k, v := range f.CookieHeaders(who) {
		req.Header.Set(k, v)
	}
	rec := httptest.NewRecorder()
	mux.ServeHTTP(rec, req)
	return rec
}

// refusedWithFlash reports a post-redirect-get refusal: a redirect carrying an error flash.
func refusedWithFlash(rec *httptest.ResponseRecorder) bool {
	if rec.Code != http.StatusSeeOther {
		return false
	}
	for _, c := range rec.Result().Cookies() {
		if c.Name == "tf_flash" && strings.HasPrefix(c.Value, "error:") {
			return true
		}
	}
	return false
}

// newMux builds the real router of app (PocketBase middlewares plus every Teamfund route).
func newMux(t testing.TB, app core.App) http.Handler {
	r, err := apis.NewRouter(app)
	if err != nil {
		t.Fatal(err)
	}
	var mux http.Handler
	se := &core.ServeEvent{App: app, Router: r}
	if err := app.OnServe().Trigger(se, func(e *core.ServeEvent) error {
		m, err := e.Router.BuildMux()
		mux = m
		return err
	}); err != nil {
		t.Fatal(err)
	}
	return mux
}

// TestAccessOfEveryRouteForEveryRole sends each route (empty body, placeholder or real ids)
// as every actor, least privileged first, on a fresh app per route: actors below the
// route's level are refused (guests sent to sign in), actors at or above it are not
// refused, and nobody ever gets a 5xx.
func TestAccessOfEveryRouteForEveryRole(t *testing.T) {
	f := testutil.Fixtures(t)
	routes := teamfundRoutes(t)
	for _, rt := range routes {
		lvl, ok := routeAccess[rt.method+" "+rt.path]
		if !ok || rt.path == "/events" {
			continue // missing rows fail TestEveryRouteHasAnAccessRow; the event stream never ends
		}
		t.Run(rt.method+" "+rt.path, func(t *testing.T) {
			app := testutil.NewApp(t)
			defer app.Cleanup()
			mux := newMux(t, app)
			isAPI := strings.HasPrefix(rt.path, "/api/")
			teamScoped := strings.Contains(rt.path, "/teams/{id}") || strings.Contains(rt.path, "/users/{id}")
			hasID := strings.Contains(rt.path, "{")
			for _, a := range actors {
				path := concreteFor(f, rt.path, false)
				rec := serveOnce(mux, f, rt.method, path, a.key)
				code := rec.Code
				if code >= 500 {
					t.Errorf("%s: %d (server error)\n%s", a.name, code, rec.Body.String())
					continue
				}
				allowed := lvl == public || (a.level >= 0 && a.level >= lvl && lvl != closed)
				switch {
				case lvl == closed:
					if code != 403 {
						t.Errorf("%s: got %d, want 403 for everyone", a.name, code)
					}
				case allowed && (code == 401 || code == 403):
					t.Errorf("%s may %s %s but got %d", a.name, rt.method, path, code)
				case !allowed && a.level < 0:
					if isAPI && code != 401 {
						t.Errorf("%s: got %d, want 401", a.name, code)
					}
					if !isAPI && !(code == 303 && strings.HasPrefix(rec.Header().Get("Location"), "/login")) {
						t.Errorf("%s: got %d (Location %q), want a redirect to /login", a.name, code, rec.Header().Get("Location"))
					}
				case !allowed && code != 403 && !(hasID && code == 404) && !refusedWithFlash(rec):
					t.Errorf("%s must not %s %s: got %d, want 403", a.name, rt.method, path, code)
				}
				// A manager acting on another team's team or user is refused.
				if teamScoped && a.key == "managerA" && lvl == manager {
					other := concreteFor(f, rt.path, true)
					if rec := serveOnce(mux, f, rt.method, other, a.key); rec.Code != 403 && rec.Code != 404 && rt.method != http.MethodGet {
						t.Errorf("manager of Alpha must not %s %s (other team): got %d", rt.method, other, rec.Code)
					}
				}
			}
		})
	}
}
