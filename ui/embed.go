// Package ui embeds the static assets: vendored htmx and Pico CSS (from npm, see
// ui/vendor/README.md) and Teamfund's own CSS.
package ui

import "embed"

// FS holds the static files served under /ui/.
//
//go:embed *.css *.js vendor
var FS embed.FS
