package web

import (
	"encoding/base64"
	"net/http"
	"strings"

	"github.com/pocketbase/pocketbase/core"
)

const flashCookie = "tf_flash"

// setFlash keeps a message for the next page the browser renders (after a redirect).
func setFlash(e *core.RequestEvent, kind, message string) {
	e.SetCookie(&http.Cookie{Name: flashCookie, Value: kind + ":" + base64.RawURLEncoding.EncodeToString([]byte(message)),
		Path: "/", HttpOnly: true, Secure: isHTTPS(e), SameSite: http.SameSiteLaxMode, MaxAge: 60})
}

func takeFlash(e *core.RequestEvent) *Flash {
	value := takeCookie(e, flashCookie, "/", http.SameSiteLaxMode)
	if value == "" {
		return nil
	}
	kind, enc, ok := strings.Cut(value, ":")
	if !ok || (kind != "ok" && kind != "error") {
		return nil
	}
	msg, err := base64.RawURLEncoding.DecodeString(enc)
	if err != nil {
		return nil
	}
	return &Flash{Kind: kind, Message: string(msg)}
}

// takeCookie returns the value of a one-time cookie (name, path) and clears it ("" when absent).
func takeCookie(e *core.RequestEvent, name, path string, sameSite http.SameSite) string {
	c, err := e.Request.Cookie(name)
	if err != nil || c.Value == "" {
		return ""
	}
	e.SetCookie(&http.Cookie{Name: name, Value: "", Path: path, MaxAge: -1, HttpOnly: true, Secure: isHTTPS(e), SameSite: sameSite})
	return c.Value
}
