package web

import (
	"net/http"

	"github.com/pocketbase/pocketbase/core"
)

// showAPIDocs is the readable reference of /api/tf: the vendored Redoc renders the served
// OpenAPI document. A page of its own (not the app layout): Redoc lays out the whole window.
// It runs under the app's CSP: Redoc needs inline styles (allowed) and no eval; its search
// (a blob worker) is off.
func showAPIDocs(e *core.RequestEvent) error {
	asset := func(name string) string { return "/ui/" + name + "?v=" + assetVersions[name] }
	return e.HTML(http.StatusOK, `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>Teamfund API reference</title></head>
<body style="margin:0"><div id="redoc" data-spec="/api/tf/openapi.json"></div>
<script src="`+asset("vendor/redoc-2.5.2.standalone.js")+`"></script>
<script src="`+asset("api-docs.js")+`"></script></body></html>`)
}
