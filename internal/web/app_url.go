package web

import (
	"net"

	"github.com/pocketbase/pocketbase/core"
)

// pocketBaseDefaultAppURL is what Settings.Meta.AppURL holds until someone sets it: the
// setup form does (from the address it was opened at), `teamfund demo` and the CLI do not.
const pocketBaseDefaultAppURL = "http://localhost:8090"

// followListenAddress points mailed links (invites, password resets) at the address this
// server listens on while the app URL is still PocketBase's default — a demo folder served
// with --http 127.0.0.1:9000 would otherwise mail links to localhost:8090. It changes the
// settings in memory only: an operator's own app URL always wins and nothing is saved.
func followListenAddress(se *core.ServeEvent) {
	settings := se.App.Settings()
	if settings.Meta.AppURL != pocketBaseDefaultAppURL || se.Server == nil {
		return
	}
	// note: se.CertManager and se.Server.TLSConfig are set on every serve, TLS or not;
	// only the serve command's --https flag or domain arguments turn TLS on.
	if u := listenURL(se.Server.Addr, ServesTLS(se.App)); u != "" {
		settings.Meta.AppURL = u
	}
}

// servesTLSKey is the app store entry in which NoteServeTLS records whether serve speaks HTTPS.
const servesTLSKey = "teamfund.servesTLS"

// NoteServeTLS records, before the serve command starts, whether it will serve HTTPS:
// PocketBase does when --https is given or domains are named (`serve example.com`), and
// the ServeEvent does not say so. Mailed links follow it while no app URL is set.
func NoteServeTLS(app core.App, httpsAddr string, domains []string) {
	app.Store().Set(servesTLSKey, httpsAddr != "" || len(domains) > 0)
}

// ServesTLS reports what NoteServeTLS recorded (false when serve was not started by it).
func ServesTLS(app core.App) bool {
	servesTLS, _ := app.Store().Get(servesTLSKey).(bool)
	return servesTLS
}

// listenURL is the base URL a browser on this machine reaches addr at ("" if unreadable).
func listenURL(addr string, https bool) string {
	host, port, err := net.SplitHostPort(addr)
	if err != nil {
		return ""
	}
	if ip := net.ParseIP(host); host == "" || (ip != nil && ip.IsUnspecified()) {
		host = "localhost"
	}
	scheme, defaultPort := "http", "80"
	if https {
		scheme, defaultPort = "https", "443"
	}
	if port == defaultPort {
		return scheme + "://" + host
	}
	return scheme + "://" + net.JoinHostPort(host, port)
}
