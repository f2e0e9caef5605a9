package server

import (
	"os"
	"slices"

	"github.com/pocketbase/pocketbase/core"
)

// proxyHeaderEnv names the header that carries the real client IP behind a proxy
// (fly.toml sets Fly-Client-IP). Without it every client behind the proxy shares one IP,
// and the per-IP rate limits would throttle the whole company at once.
const proxyHeaderEnv = "TEAMFUND_TRUSTED_PROXY_HEADER"

// bindTrustedProxy applies $TEAMFUND_TRUSTED_PROXY_HEADER to PocketBase's trusted proxy
// settings when the server starts (in memory; the dashboard setting works when it is unset).
func bindTrustedProxy(app core.App) {
	app.OnServe().BindFunc(func(e *core.ServeEvent) error {
		if h := os.Getenv(proxyHeaderEnv); h != "" {
			s := e.App.Settings()
			if !slices.Contains(s.TrustedProxy.Headers, h) {
				s.TrustedProxy.Headers = append(s.TrustedProxy.Headers, h)
			}
		}
		return e.Next()
	})
}
