package web

import (
	"log/slog"
	"mime"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/pocketbase/pocketbase/core"

	"teamfund/internal/export"
	"teamfund/internal/member"
)

// Export routes (file = <dataset>.<format>, e.g. users.csv, ledger.xlsx, sends.csv; the
// query string is the list page's filter):
//
//	GET /export/{file}          downloadExport (session cookie)
//	GET /api/tf/export/{file}   downloadExportAPI (bearer token; errors as JSON)
func bindExportRoutes(pages, api routeGroup) {
	pages.GET("/export/{file}", downloadExport).BindFunc(requireUser)
	api.GET("/export/{file}", downloadExportAPI)
}

func downloadExport(e *core.RequestEvent) error    { return serveExport(e, pageError) }
func downloadExportAPI(e *core.RequestEvent) error { return serveExport(e, apiError) }

// serveExport checks the permission, waits for a free export slot (export.Shared), then
// streams the file. Errors found before the first byte (permission, bad filter) get a normal
// error response; a failure in the middle of the stream is logged and the connection is
// aborted, so the client sees a failed download rather than a short file.
func serveExport(e *core.RequestEvent, fail func(*core.RequestEvent, error) error) error {
	ds, format, err := parseExportFile(e.Request.PathValue("file"))
	if err != nil {
		return fail(e, err)
	}
	actor := currentUser(e)
	q := e.Request.URL.Query()
	if err := export.Authorize(actor, ds, q.Get("team")); err != nil {
		return fail(e, err)
	}
	release, err := export.Shared.Acquire(e.Request.Context())
	if err != nil {
		return fail(e, export.ErrBusy) // the client gave up, or the server is stopping
	}
	defer release()
	// note: the cursor does not take the request's context: PocketBase cancels every request
	// context on SIGTERM, and the server drains in-flight downloads before it stops
	// (internal/server/drain.go). A client that goes away makes the next write fail instead.
	req := export.Request{Dataset: ds, Format: format, Query: q, Viewer: actor}
	out := &download{e: e, filename: req.Filename(time.Now(), export.Settings(e.App).Location), contentType: format.ContentType()}
	n, err := export.Write(e.App, out, req)
	if err != nil && !out.started {
		return fail(e, err)
	}
	if err != nil {
		e.App.Logger().Warn("export failed mid-stream", slog.String("file", out.filename), slog.Int("rows", n), slog.Any("error", err))
		// The status line is gone already: abort the connection (net/http's documented way,
		// which PocketBase's recover middleware lets through) so the browser reports a failed
		// download instead of saving a file that merely looks complete.
		panic(http.ErrAbortHandler)
	}
	return nil
}

// parseExportFile splits "ledger.xlsx" into its dataset and format.
func parseExportFile(file string) (export.Dataset, export.Format, error) {
	name, ext, ok := strings.Cut(file, ".")
	if !ok {
		return "", "", export.ErrUnknownFormat
	}
	ds, err := export.ParseDataset(name)
	if err != nil {
		return "", "", err
	}
	format, err := export.ParseFormat(ext)
	return ds, format, err
}

// download sets the attachment headers on the first write, so that an error found before
// any row can still be answered with a normal error page.
type download struct {
	e           *core.RequestEvent
	filename    string
	contentType string
	started     bool
}

func (d *download) Write(p []byte) (int, error) {
	if !d.started {
		d.started = true
		h := d.e.Response.Header()
		h.Set("Content-Type", d.contentType)
		h.Set("Content-Disposition", mime.FormatMediaType("attachment", map[string]string{"filename": d.filename}))
		h.Set("Cache-Control", "no-store")
		h.Set("X-Content-Type-Options", "nosniff")
		d.e.Response.WriteHeader(http.StatusOK)
	}
	return d.e.Response.Write(p)
}

// ExportLinks is the data of the "export_buttons" partial: download links for the list a
// page shows, carrying the page's current filter.
type ExportLinks struct {
	CSV  string
	XLSX string
}

// exportLinksFor returns the download links of dataset ds with the page's filter, or nil
// when u may not export it (the partial then shows nothing).
func exportLinksFor(u *member.Member, ds export.Dataset, filter url.Values) *ExportLinks {
	if export.Authorize(u, ds, filter.Get("team")) != nil {
		return nil
	}
	q := ""
	if enc := filter.Encode(); enc != "" {
		q = "?" + enc
	}
	base := "/export/" + string(ds)
	return &ExportLinks{CSV: base + ".csv" + q, XLSX: base + ".xlsx" + q}
}
