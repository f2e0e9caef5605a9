package web

import (
	"crypto/rand"
	"crypto/subtle"
	"encoding/base64"
	"net/http"
	"strings"

	"github.com/pocketbase/pocketbase/core"
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
func csrfProtect(e *core.RequestEvent) error {
	token := ""
	if c, err := e.Request.Cookie(csrfCookie); err == nil && len(c.Value) >= 32 {
		token = c.Value
	}
	if token == "" && !strings.HasPrefix(e.Request.URL.Path, "/api/") {
		token = newCSRFToken()
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

func newCSRFToken() string {
	b := make([]byte, 32)
	_, _ = rand.Read(b)
	return base64.RawURLEncoding.EncodeToString(b)
}

// csrfToken returns the token for templates (hx-headers and hidden fields).
func csrfToken(e *core.RequestEvent) string {
	s, _ := e.Get(csrfKey).(string)
	return s
}
