package web

import (
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/pocketbase/pocketbase/apis"
	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tools/hook"

	"teamfund/internal/company"
	"teamfund/internal/member"
)

// sessionCookie holds a PocketBase auth token for the HTMX UI.
const sessionCookie = "tf_session"

// loadSessionCookie runs just before PocketBase's own Authorization-header loader and
// turns a valid session cookie of an active user into the request's auth. A stale or
// revoked cookie (deactivation rotates the token key) is cleared.
func loadSessionCookie() *hook.Handler[*core.RequestEvent] {
	return &hook.Handler[*core.RequestEvent]{
		Id:       "teamfundSessionCookie",
		Priority: apis.DefaultLoadAuthTokenMiddlewarePriority - 1,
		Func: func(e *core.RequestEvent) error {
			if e.Auth != nil || e.Request.Header.Get("Authorization") != "" {
				return e.Next()
			}
			c, err := e.Request.Cookie(sessionCookie)
			if err != nil || c.Value == "" {
				return e.Next()
			}
			rec, err := e.App.FindAuthRecordByToken(c.Value, core.TokenTypeAuth)
			if err != nil || rec.Collection().Name != member.Collection || !member.Wrap(rec).Active() {
				clearSession(e)
				return e.Next()
			}
			e.Auth = rec
			return e.Next()
		},
	}
}

// dropInactiveAuth runs just after PocketBase's Authorization-header loader and treats a
// token of a user who is not active as no token, on every route (records API, realtime,
// /api/tf/, pages). Deactivation already rotates the token key; this also covers a status
// written without it (SQL, a restored backup) and costs nothing (the record is loaded).
func dropInactiveAuth() *hook.Handler[*core.RequestEvent] {
	return &hook.Handler[*core.RequestEvent]{
		Id:       "teamfundActiveUsersOnly",
		Priority: apis.DefaultLoadAuthTokenMiddlewarePriority + 1,
		Func: func(e *core.RequestEvent) error {
			if e.Auth != nil && e.Auth.Collection().Name == member.Collection && !member.Wrap(e.Auth).Active() {
				e.Auth = nil
			}
			return e.Next()
		},
	}
}

// currentUser is the signed-in Teamfund user, or nil (guests and superusers).
func currentUser(e *core.RequestEvent) *member.Member {
	if e.Auth == nil || e.Auth.Collection().Name != member.Collection {
		return nil
	}
	return member.Wrap(e.Auth)
}

// isHTTPS reports whether the browser reached us over TLS (directly or through a proxy such as Fly's).
func isHTTPS(e *core.RequestEvent) bool {
	return e.Request.TLS != nil || strings.EqualFold(e.Request.Header.Get("X-Forwarded-Proto"), "https")
}

func startSession(e *core.RequestEvent, u *member.Member) error {
	token, err := u.NewAuthToken()
	if err != nil {
		return err
	}
	maxAge := int(u.Collection().AuthToken.DurationTime() / time.Second)
	e.SetCookie(&http.Cookie{Name: sessionCookie, Value: token, Path: "/", MaxAge: maxAge,
		HttpOnly: true, Secure: isHTTPS(e), SameSite: http.SameSiteLaxMode})
	return nil
}

func clearSession(e *core.RequestEvent) {
	e.SetCookie(&http.Cookie{Name: sessionCookie, Value: "", Path: "/", MaxAge: -1,
		HttpOnly: true, Secure: isHTTPS(e), SameSite: http.SameSiteLaxMode})
}

// requireUser guards pages: guests go to the sign-in page (or the first-run form on an empty install).
func requireUser(e *core.RequestEvent) error {
	if currentUser(e) != nil {
		return e.Next()
	}
	if !company.IsSetUp(e.App) {
		return redirect(e, "/setup")
	}
	if e.Request.Method == http.MethodGet {
		return redirect(e, "/login?next="+url.QueryEscape(e.Request.URL.RequestURI()))
	}
	return redirect(e, "/login")
}

// requireAPIUser guards JSON endpoints: 401 JSON for guests.
func requireAPIUser(e *core.RequestEvent) error {
	if currentUser(e) == nil {
		return e.UnauthorizedError("Sign in first.", nil)
	}
	return e.Next()
}
