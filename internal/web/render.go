package web

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"html/template"
	"io/fs"
	"log/slog"
	"net/http"
	"path"
	"strings"
	"time"

	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tools/types"

	"teamfund/internal/company"
	"teamfund/internal/member"
	"teamfund/internal/money"
	"teamfund/internal/rules"
	"teamfund/ui"
	"teamfund/views"
)

// Page is what every page template gets: the signed-in user, the CSRF token, the flash
// message and the navigation. Page structs embed it.
type Page struct {
	Title       string
	User        *member.Member
	CompanyName string
	Currency    string
	Loc         *time.Location
	CSRF        string
	Flash       *Flash
	Nav         []NavGroup
	// RuleDrift lists, for owners and admins, the shipped API rules that were changed in
	// the dashboard (rules.Check).
	RuleDrift []rules.Drift
}

func (p *Page) page() *Page { return p }

type pageData interface{ page() *Page }

// Flash is a one-time message shown on the next rendered page.
type Flash struct {
	Kind    string // "ok" or "error"
	Message string
}

// FormErrors maps a form field name to its message.
type FormErrors map[string]string

// errorPage is the data of views/error.html.
type errorPage struct {
	Page
	Heading string
	Message string
}

// templates holds one parsed set per view: the layout, partials and the view file.
var templates = mustParseTemplates()

// assetVersions fingerprints static files so they can be cached for a year.
var assetVersions = hashAssets()

func hashAssets() map[string]string {
	out := map[string]string{}
	_ = fs.WalkDir(ui.FS, ".", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, err := fs.ReadFile(ui.FS, p)
		if err != nil {
			return err
		}
		sum := sha256.Sum256(b)
		out[p] = hex.EncodeToString(sum[:6])
		return nil
	})
	return out
}

var funcs = template.FuncMap{
	"asset": func(name string) string { return "/ui/" + name + "?v=" + assetVersions[name] },
	"money": func(currency string, c any) string { return money.Format(toCents(c), currency) },
	"decimal": func(c any) string {
		if toCents(c) == 0 {
			return ""
		}
		return toCents(c).Decimal()
	},
	"datetime":   func(loc *time.Location, t any) string { return formatTime(loc, t, "2006-01-02 15:04 MST") },
	"date":       func(loc *time.Location, t any) string { return formatTime(loc, t, "2006-01-02") },
	"eq_str":     func(a, b any) bool { return fmt.Sprint(a) == fmt.Sprint(b) },
	"icon":       icon,
	"plural":     plural,
	"label":      func(code any) string { return label(fmt.Sprint(code)) },
	"badgeClass": func(code any) string { return badgeClass(fmt.Sprint(code)) },
	"initials":   initials,
	"photo":      photoURL,
	"dict":       dict,
	// percent is part of whole in whole percent, for progress bars (0 when whole is 0).
	"percent": func(part, whole int) int {
		if whole <= 0 {
			return 0
		}
		return part * 100 / whole
	},
	// min100 caps a percentage for the width of a progress bar (a team may use more than its budget).
	"min100": func(n int) int { return max(0, min(n, 100)) },
	// currencies and timeZones are the choices of the company's currency and time zone.
	"currencies": company.Currencies,
	// tourSteps is the guided tour of a user's role, for the layout (ui/tour.js).
	"tourSteps": func(u *member.Member) tour { return tourFor(u, false) },
	"timeZones": company.TimeZones,
	// chartHeight is the height in px of a horizontal bar chart of n rows.
	"chartHeight": func(n int) int { return max(180, 44*n+80) },
}

// icons holds the vendored Tabler icons by name ("users"), ready to inline: inline SVG
// takes the text colour and needs no request.
var icons = loadIcons()

const iconDir = "vendor/tabler-icons-3.52.0"

func loadIcons() map[string]template.HTML {
	out := map[string]template.HTML{}
	entries, err := fs.ReadDir(ui.FS, iconDir)
	if err != nil {
		panic(err)
	}
	for _, entry := range entries {
		b, err := fs.ReadFile(ui.FS, iconDir+"/"+entry.Name())
		if err != nil {
			panic(err)
		}
		svg := strings.Join(strings.Fields(string(b)), " ")
		svg = strings.Replace(svg, "<svg ", `<svg aria-hidden="true" focusable="false" `, 1)
		out[strings.TrimSuffix(entry.Name(), ".svg")] = template.HTML(svg)
	}
	return out
}

// icon inlines a vendored icon; an unknown name draws nothing (TestTemplatesUseVendoredIcons
// catches the typo).
func icon(name string) template.HTML { return icons[name] }

// dict builds the parameters of a partial template: (dict "Title" "Teams" "Context" "…").
func dict(pairs ...any) (map[string]any, error) {
	if len(pairs)%2 != 0 {
		return nil, fmt.Errorf("dict: odd number of arguments")
	}
	out := make(map[string]any, len(pairs)/2)
	for i := 0; i < len(pairs); i += 2 {
		key, ok := pairs[i].(string)
		if !ok {
			return nil, fmt.Errorf("dict: key %v is not a string", pairs[i])
		}
		out[key] = pairs[i+1]
	}
	return out, nil
}

func toCents(v any) money.Cents {
	switch x := v.(type) {
	case money.Cents:
		return x
	case int:
		return money.Cents(x)
	case int64:
		return money.Cents(x)
	case float64:
		return money.Cents(x)
	}
	return 0
}

func formatTime(loc *time.Location, v any, layout string) string {
	var t time.Time
	switch x := v.(type) {
	case time.Time:
		t = x
	case types.DateTime:
		t = x.Time()
	case string:
		dt, err := types.ParseDateTime(x)
		if err != nil {
			return ""
		}
		t = dt.Time()
	}
	if t.IsZero() {
		return ""
	}
	if loc == nil {
		loc = time.UTC
	}
	return t.In(loc).Format(layout)
}

func mustParseTemplates() map[string]*template.Template {
	base := template.Must(template.New("").Funcs(funcs).ParseFS(views.FS, "layout.html", "partials/*.html"))
	out := map[string]*template.Template{}
	err := fs.WalkDir(views.FS, ".", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || !strings.HasSuffix(p, ".html") || p == "layout.html" || strings.HasPrefix(p, "partials/") {
			return err
		}
		t := template.Must(base.Clone())
		if _, err := t.ParseFS(views.FS, p); err != nil {
			return err
		}
		out[strings.TrimSuffix(p, path.Ext(p))] = t
		return nil
	})
	if err != nil {
		panic(err)
	}
	return out
}

// fillPage completes the common page data from the request. The one-time flash message is
// taken only for a whole page (full), the only place it shows: a live fragment fetched
// while the browser follows a form's redirect must not swallow it.
func fillPage(e *core.RequestEvent, p *Page, full bool) {
	p.User = currentUser(e)
	p.CSRF = csrfToken(e)
	p.Loc = time.UTC
	p.Currency = company.DefaultCurrency
	if c, err := company.Load(e.App); err == nil {
		p.CompanyName = c.Name()
		p.Currency = c.Currency()
		p.Loc = c.Location()
	}
	if p.Flash == nil && full {
		p.Flash = takeFlash(e)
	}
	p.Nav = navFor(p.User, e.Request.URL.Path)
	if full && p.User != nil && (p.User.Role() == member.RoleOwner || p.User.Role() == member.RoleAdmin) {
		p.RuleDrift = rules.Check(e.App)
	}
}

// isFragmentRequest reports whether an HTMX request wants only a fragment (not a boosted page load).
func isFragmentRequest(e *core.RequestEvent) bool {
	return e.Request.Header.Get("HX-Request") == "true" && e.Request.Header.Get("HX-Boosted") != "true"
}

// render writes view (e.g. "team/list") as a full page, or only its "content" block for
// a non-boosted HTMX request. It renders into a buffer first so a half page is never sent.
func render(e *core.RequestEvent, status int, view string, data pageData) error {
	name := "layout"
	if isFragmentRequest(e) {
		name = "content"
	}
	return renderTemplate(e, status, view, name, data)
}

// renderFragment writes one named fragment of view, e.g. ("invite/list", "invite_rows").
func renderFragment(e *core.RequestEvent, status int, view, fragment string, data pageData) error {
	return renderTemplate(e, status, view, fragment, data)
}

func renderTemplate(e *core.RequestEvent, status int, view, name string, data pageData) error {
	t, ok := templates[view]
	if !ok {
		return fmt.Errorf("unknown view %q", view)
	}
	fillPage(e, data.page(), name == "layout")
	if name == "layout" && data.page().User != nil {
		addNavBadges(e.App, data.page().User, data.page().Nav)
	}
	var buf bytes.Buffer
	if err := t.ExecuteTemplate(&buf, name, data); err != nil {
		e.App.Logger().Error("render failed", slog.String("view", view), slog.String("template", name), slog.Any("error", err))
		return e.HTML(http.StatusInternalServerError, "<p>Something went wrong while drawing this page.</p>")
	}
	e.Response.Header().Add("Vary", "HX-Request")
	return e.HTML(status, buf.String())
}

// renderError shows the error page (or a flash-style fragment for HTMX requests).
func renderError(e *core.RequestEvent, status int, message string) error {
	heading := http.StatusText(status)
	if isFragmentRequest(e) {
		e.Response.Header().Set("HX-Retarget", "#flash")
		e.Response.Header().Set("HX-Reswap", "innerHTML")
		var buf bytes.Buffer
		if err := templates["error"].ExecuteTemplate(&buf, "toast", &Flash{Kind: "error", Message: message}); err != nil {
			return err
		}
		return e.HTML(status, buf.String())
	}
	return render(e, status, "error", &errorPage{Heading: heading, Message: message})
}

// redirect sends the browser to url: HX-Redirect for HTMX, 303 otherwise.
func redirect(e *core.RequestEvent, url string) error {
	if e.Request.Header.Get("HX-Request") == "true" {
		e.Response.Header().Set("HX-Redirect", url)
		return e.NoContent(http.StatusNoContent)
	}
	return e.Redirect(http.StatusSeeOther, url)
}
