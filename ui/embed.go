// Package ui embeds the static assets: vendored Tabler, its icons and htmx (from npm, see
// ui/vendor/README.md), and Teamfund's own CSS, script and logo.
package ui

import "embed"

// FS holds the static files served under /ui/.
//
//go:embed *.css *.js *.svg vendor
var FS embed.FS
