// Package views embeds the HTML templates: layout.html and partials/ are shared, and each
// folder holds one domain's pages and fragments.
package views

import "embed"

// FS holds every template; they are parsed once at start.
//
//go:embed *.html */*.html
var FS embed.FS
