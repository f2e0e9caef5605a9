package web

import (
	"bytes"
	"io"
	"net/http"
	"strings"

	"github.com/pocketbase/pocketbase/core"

	"teamfund/internal/access"
	"teamfund/internal/invite"
	"teamfund/internal/outbox"
)

// previewRowsShown caps the valid rows drawn in the preview table; refused rows are always all shown.
const previewRowsShown = 500

// importPage shows a CSV preview (nothing written yet) or the report of an import.
type importPage struct {
	Page
	CSV      string
	Rows     []invite.Row // refused rows and the first valid ones
	Valid    int
	Refused  int
	Warnings int
	Hidden   int // valid rows not drawn
	Imported bool
}

func downloadInviteTemplate(e *core.RequestEvent) error {
	if !mayManageInvites(currentUser(e)) {
		return pageError(e, access.ErrForbidden)
	}
	e.Response.Header().Set("Content-Disposition", `attachment; filename="invites-template.csv"`)
	return e.Blob(http.StatusOK, "text/csv; charset=utf-8", []byte(invite.Template()))
}

// uploadedCSV reads the "file" upload, or else the "csv" text field; neither is
// invite.ErrNoFile (a form sent without choosing a file).
func uploadedCSV(e *core.RequestEvent) (string, error) {
	if f, _, err := e.Request.FormFile("file"); err == nil {
		defer f.Close()
		b, err := io.ReadAll(io.LimitReader(f, invite.MaxCSVBytes+1))
		return string(b), err
	}
	if _, sent := e.Request.Form["csv"]; !sent {
		return "", invite.ErrNoFile
	}
	return e.Request.FormValue("csv"), nil
}

// uploadedCandidates checks that the user may import, then reads and parses the CSV.
func uploadedCandidates(e *core.RequestEvent) (string, []invite.Candidate, error) {
	if !mayManageInvites(currentUser(e)) {
		return "", nil, access.ErrForbidden
	}
	text, err := uploadedCSV(e)
	if err != nil {
		return "", nil, err
	}
	cands, err := invite.ParseCSV(strings.NewReader(text))
	return text, cands, err
}

func previewInviteCSV(e *core.RequestEvent) error {
	text, cands, err := uploadedCandidates(e)
	if err != nil {
		return invitesPageRefusal(e, err, func(p *invitesPage, msg string) { p.CSVError = msg })
	}
	rows, err := invite.Preview(e.App, currentUser(e), cands)
	if err != nil {
		return invitePageError(e, err)
	}
	return render(e, http.StatusOK, "invite/preview", summarize(&importPage{Page: Page{Title: "Preview invites"}, CSV: text}, rows))
}

func importInviteCSV(e *core.RequestEvent) error {
	_, cands, err := uploadedCandidates(e)
	if err != nil {
		return invitePageError(e, err)
	}
	rep, err := invite.Import(e.App, currentUser(e), cands)
	if err != nil {
		return invitePageError(e, err)
	}
	deliverInBackground(e.App, rep.MailIDs)
	return render(e, http.StatusOK, "invite/preview", summarize(&importPage{Page: Page{Title: "Invites imported"}, Imported: true}, rep.Rows))
}

// deliverInBackground sends an import's mails after the response: thousands of SMTP
// round trips do not fit in one request. Without SMTP there is nothing to do.
func deliverInBackground(app core.App, ids []string) {
	if len(ids) == 0 || !outbox.SMTPEnabled(app) {
		return
	}
	go func() {
		defer func() {
			if r := recover(); r != nil {
				app.Logger().Error("outbox: delivery panicked", "panic", r)
			}
		}()
		outbox.Deliver(app, ids...)
	}()
}

// summarize counts rows and keeps every refused row plus the first valid ones for display.
func summarize(p *importPage, rows []invite.Row) *importPage {
	for _, r := range rows {
		if r.Warning != "" {
			p.Warnings++
		}
		if !r.Valid() {
			p.Refused++
			p.Rows = append(p.Rows, r)
			continue
		}
		p.Valid++
		if p.Valid <= previewRowsShown || r.Warning != "" {
			p.Rows = append(p.Rows, r)
		} else {
			p.Hidden++
		}
	}
	return p
}

// rowJSON is one checked CSV row.
type rowJSON struct {
	Line    int    `json:"line"`
	Email   string `json:"email"`
	Name    string `json:"name"`
	Role    string `json:"role"`
	Team    string `json:"team"`
	Valid   bool   `json:"valid"`
	Reason  string `json:"reason,omitempty"`
	Warning string `json:"warning,omitempty"`
}

// csvBody checks that the user may import, then reads the CSV of a JSON-API request:
// a multipart "file" or the raw body (text/csv).
func csvBody(e *core.RequestEvent) ([]invite.Candidate, error) {
	if strings.HasPrefix(e.Request.Header.Get("Content-Type"), "multipart/") {
		_, cands, err := uploadedCandidates(e)
		return cands, err
	}
	if !mayManageInvites(currentUser(e)) {
		return nil, access.ErrForbidden
	}
	b, err := io.ReadAll(io.LimitReader(e.Request.Body, invite.MaxCSVBytes+1))
	if err != nil {
		return nil, err
	}
	return invite.ParseCSV(bytes.NewReader(b))
}

func rowsJSON(rows []invite.Row) ([]rowJSON, int, int) {
	out := make([]rowJSON, len(rows))
	valid := 0
	for i, r := range rows {
		out[i] = rowJSON{Line: r.Line, Email: r.Email, Name: r.Name, Role: string(r.Role), Team: r.TeamName,
			Valid: r.Valid(), Reason: r.Reason(), Warning: r.Warning}
		if r.Valid() {
			valid++
		}
	}
	return out, valid, len(rows) - valid
}

func previewInviteCSVJSON(e *core.RequestEvent) error {
	cands, err := csvBody(e)
	if err != nil {
		return inviteAPIError(e, err)
	}
	rows, err := invite.Preview(e.App, currentUser(e), cands)
	if err != nil {
		return inviteAPIError(e, err)
	}
	out, valid, refused := rowsJSON(rows)
	return e.JSON(http.StatusOK, map[string]any{"valid": valid, "refused": refused, "rows": out})
}

func importInviteCSVJSON(e *core.RequestEvent) error {
	cands, err := csvBody(e)
	if err != nil {
		return inviteAPIError(e, err)
	}
	rep, err := invite.Import(e.App, currentUser(e), cands)
	if err != nil {
		return inviteAPIError(e, err)
	}
	deliverInBackground(e.App, rep.MailIDs)
	out, _, _ := rowsJSON(rep.Rows)
	return e.JSON(http.StatusOK, map[string]any{"invited": rep.Invited, "refused": rep.Refused, "rows": out})
}
