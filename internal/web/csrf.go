package web

import (
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base64"
	"net/http"
	"strings"

	"github.com/pocketbase/pocketbase/core"

	"teamfund/internal/member"
)

const (
	csrfCookie = "tf_csrf"
	csrfHeader = "X-CSRF-Token"
	csrfField  = "csrf_token"
	csrfKey    = "teamfundCSRF"
)

// csrfProtect implements a double-submit token: a random cookie whose value every
// state-changing request must echo in the X-CSRF-Token header (HTMX, via hx-headers on
// <body>) or the csrf_token form field (plain forms). Requests that authenticate with an
// Authorization header are not cookie-driven and skip the check, and so does PocketBase's
// own /api/ when no session cookie rides along (SDKs, the dashboard).
//
// For a signed-in user the token is bound to them: "<nonce>.<HMAC(nonce, user id)>" under a
// server key, so a token planted with an attacker's cookie (on a sibling subdomain, say) is
// refused — the attacker can sign only for their own account. A guest's token is any random
// value (there is no session to ride); signing in replaces it on the next page.
func csrfProtect(e *core.RequestEvent) error {
	userID := ""
	if u := currentUser(e); u != nil {
		userID = u.Id
	}
	token, nonce := "", ""
	if c, err := e.Request.Cookie(csrfCookie); err == nil {
		if csrfTokenValid(e.App, c.Value, userID) {
			token = c.Value
		} else if n, _, _ := strings.Cut(c.Value, "."); len(n) >= 32 {
			nonce = n
		}
	}
	if token == "" && !strings.HasPrefix(e.Request.URL.Path, "/api/") {
		token = newCSRFToken(e.App, nonce, userID)
		e.SetCookie(&http.Cookie{Name: csrfCookie, Value: token, Path: "/", HttpOnly: true,
			Secure: isHTTPS(e), SameSite: http.SameSiteLaxMode})
	}
	e.Set(csrfKey, token)

	if !needsCSRFCheck(e) {
		return e.Next()
	}
	sent := e.Request.Header.Get(csrfHeader)
	if sent == "" {
		sent = formCSRFValue(e.Request)
	}
	if token == "" || sent == "" || subtle.ConstantTimeCompare([]byte(sent), []byte(token)) != 1 {
		if strings.HasPrefix(e.Request.URL.Path, "/api/") {
			return e.ForbiddenError("Missing or invalid CSRF token; reload the page and try again.", nil)
		}
		return renderError(e, http.StatusForbidden, "Your session form expired or the request did not come from Teamfund. Reload the page and try again.")
	}
	return e.Next()
}

func needsCSRFCheck(e *core.RequestEvent) bool {
	switch e.Request.Method {
	case http.MethodGet, http.MethodHead, http.MethodOptions:
		return false
	}
	if e.Request.Header.Get("Authorization") != "" {
		return false
	}
	if strings.HasPrefix(e.Request.URL.Path, "/api/") {
		_, err := e.Request.Cookie(sessionCookie)
		return err == nil
	}
	return true
}

// formCSRFValue reads the csrf_token field of a urlencoded or multipart form.
func formCSRFValue(r *http.Request) string {
	ct := r.Header.Get("Content-Type")
	switch {
	case strings.HasPrefix(ct, "application/x-www-form-urlencoded"):
		return r.PostFormValue(csrfField)
	case strings.HasPrefix(ct, "multipart/form-data"):
		if err := r.ParseMultipartForm(32 << 20); err != nil {
			return ""
		}
		return r.PostFormValue(csrfField)
	}
	return ""
}

// newCSRFToken makes a token for userID ("" for a guest: a bare random value).
//
// note: a cookie's nonce is kept when its signature no longer fits (just signed in): requests
// racing from one page (the page and its event stream) then all get the same new token, and
// the page's token still matches the cookie. A planted nonce gains nothing: the token is
// signed with the server's secret.
func newCSRFToken(app core.App, nonce, userID string) string {
	if nonce == "" {
		b := make([]byte, 32)
		_, _ = rand.Read(b)
		nonce = base64.RawURLEncoding.EncodeToString(b)
	}
	if userID == "" {
		return nonce
	}
	return SignCSRF(csrfSecret(app), nonce, userID)
}

// SignCSRF binds nonce to userID under secret; tests use it to act as a signed-in browser.
func SignCSRF(secret, nonce, userID string) string {
	mac := hmac.New(sha256.New, []byte("teamfund csrf|"+secret))
	mac.Write([]byte(nonce + "|" + userID))
	return nonce + "." + base64.RawURLEncoding.EncodeToString(mac.Sum(nil))
}

// csrfTokenValid says whether a cookie's token may be used by userID.
func csrfTokenValid(app core.App, token, userID string) bool {
	if userID == "" {
		return len(token) >= 32
	}
	nonce, _, ok := strings.Cut(token, ".")
	secret := csrfSecret(app)
	if !ok || len(nonce) < 32 || secret == "" {
		return false
	}
	return hmac.Equal([]byte(token), []byte(SignCSRF(secret, nonce, userID)))
}

// csrfSecret is the users' token secret: secret, persistent, and rotating it (which signs
// everyone out) also retires every CSRF token.
func csrfSecret(app core.App) string {
	col, err := app.FindCachedCollectionByNameOrId(member.Collection)
	if err != nil {
		return ""
	}
	return col.AuthToken.Secret
}

// csrfToken returns the token for templates (hx-headers and hidden fields).
func csrfToken(e *core.RequestEvent) string {
	s, _ := e.Get(csrfKey).(string)
	return s
}
