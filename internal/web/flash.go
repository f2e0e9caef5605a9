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
	c, err := e.Request.Cookie(flashCookie)
	if err != nil || c.Value == "" {
		return nil
	}
	e.SetCookie(&http.Cookie{Name: flashCookie, Value: "", Path: "/", MaxAge: -1, HttpOnly: true, Secure: isHTTPS(e), SameSite: http.SameSiteLaxMode})
	kind, enc, ok := strings.Cut(c.Value, ":")
	if !ok || (kind != "ok" && kind != "error") {
		return nil
	}
	msg, err := base64.RawURLEncoding.DecodeString(enc)
	if err != nil {
		return nil
	}
	return &Flash{Kind: kind, Message: string(msg)}
}
