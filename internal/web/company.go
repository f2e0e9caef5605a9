package web

import (
	"log/slog"
	"net/http"
	"time"

	"github.com/pocketbase/pocketbase/core"

	"teamfund/internal/access"
	"teamfund/internal/company"
	"teamfund/internal/export"
)

// Company lifecycle routes (owner):
//
//	GET  /company/export           downloadEverything (the ZIP of every kind of record)
//	GET  /api/tf/company/export    downloadEverythingAPI
//	GET  /company/close            showCloseCompanyPage
//	POST /company/close            closeCompany
func bindCompanyRoutes(pages, api routeGroup) {
	pages.GET("/company/export", downloadEverything).BindFunc(requireUser)
	api.GET("/company/export", downloadEverythingAPI)
	pages.GET("/company/close", showCloseCompanyPage).BindFunc(requireUser)
	pages.POST("/company/close", closeCompany).BindFunc(requireUser)
}

type closeCompanyPage struct {
	Page
	Company     string
	KeepBackups bool
	Typed       string // the company name as typed, kept on an error
	Errors      FormErrors
}

func showCloseCompanyPage(e *core.RequestEvent) error {
	if err := access.Check(currentUser(e), access.CloseCompany, ""); err != nil {
		return pageError(e, err)
	}
	c, err := company.Load(e.App)
	if err != nil {
		return pageError(e, err)
	}
	return render(e, http.StatusOK, "company/close", &closeCompanyPage{Page: Page{Title: "Close the company"}, Company: c.Name()})
}

// closeCompany deletes the company (company.Close) and sends the browser, signed out, to
// the first-run setup.
func closeCompany(e *core.RequestEvent) error {
	f := e.Request.PostFormValue
	in := company.CloseInput{CompanyName: f("company_name"), Password: f("password"), KeepBackups: f("keep_backups") == "on"}
	err := company.Close(e.App, currentUser(e), in)
	if errs, ok := formErrors(err); ok {
		c, lerr := company.Load(e.App)
		if lerr != nil {
			return pageError(e, lerr)
		}
		return render(e, http.StatusUnprocessableEntity, "company/close", &closeCompanyPage{Page: Page{Title: "Close the company"},
			Company: c.Name(), KeepBackups: in.KeepBackups, Typed: in.CompanyName, Errors: errs})
	}
	if err != nil {
		return pageError(e, err)
	}
	clearSession(e)
	printNewSetupLink(e.App, "The company was closed.")
	return redirect(e, "/setup")
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
