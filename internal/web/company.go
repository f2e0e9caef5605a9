package web

import (
	"log/slog"
	"net/http"
	"time"

	"github.com/pocketbase/pocketbase/core"

	"teamfund/internal/access"
	"teamfund/internal/export"
)

// Company lifecycle routes (owner):
//
//	GET  /company/export           downloadEverything (the ZIP of every kind of record)
//	GET  /api/tf/company/export    downloadEverythingAPI
func bindCompanyRoutes(pages, api routeGroup) {
	pages.GET("/company/export", downloadEverything).BindFunc(requireUser)
	api.GET("/company/export", downloadEverythingAPI)
}

func downloadEverything(e *core.RequestEvent) error    { return serveEverything(e, pageError) }
func downloadEverythingAPI(e *core.RequestEvent) error { return serveEverything(e, apiError) }

// serveEverything streams the download of everything like serveExport streams a list: one
// export slot, errors before the first byte answered normally, a failure mid-stream aborts
// the connection. Both outcomes are audited with what had been written.
func serveEverything(e *core.RequestEvent, fail func(*core.RequestEvent, error) error) error {
	actor := currentUser(e)
	if err := access.Check(actor, access.ExportEverything, ""); err != nil {
		return fail(e, err)
	}
	release, err := export.Shared.Acquire(e.Request.Context())
	if err != nil {
		return fail(e, export.ErrBusy)
	}
	defer release()
	now := time.Now()
	out := &download{e: e, filename: export.AllFilename(now, export.Settings(e.App).Location), contentType: "application/zip"}
	sum, err := export.WriteAll(e.App, out, now)
	if aerr := export.AuditAll(e.App, actor, sum, err == nil); aerr != nil {
		e.App.Logger().Error("audit of the download of everything", slog.Any("error", aerr))
	}
	if err != nil && !out.started {
		return fail(e, err)
	}
	if err != nil {
		e.App.Logger().Warn("download of everything failed mid-stream", slog.Any("error", err))
		panic(http.ErrAbortHandler)
	}
	return nil
}
