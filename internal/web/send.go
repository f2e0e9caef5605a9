package web

import (
	"database/sql"
	"net/http"
	"strconv"
	"time"

	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/core"

	"teamfund/internal/export"
	"teamfund/internal/member"
	"teamfund/internal/send"
	"teamfund/internal/team"
)

// Send routes:
//
//	GET  /sends                              showSendsPage
//	GET  /sends/new?touch=ID                 showSendForm
//	POST /sends                              createSend
//	POST /sends/{id}/cancel                  cancelSend
//	GET  /approvals/sends                    showSendApprovals
//	POST /approvals/sends/{id}/approve       approveSend
//	POST /approvals/sends/{id}/reject        rejectSend
//	GET  /api/tf/sends                       listSendsJSON
//	POST /api/tf/sends                       createSendJSON
//	GET  /api/tf/sends/{id}                  getSendJSON
//	POST /api/tf/sends/{id}/approve          approveSendJSON
//	POST /api/tf/sends/{id}/reject           rejectSendJSON
//	POST /api/tf/sends/{id}/cancel           cancelSendJSON
//	GET  /api/tf/approvals/sends             listSendApprovalsJSON
func bindSendRoutes(pages, api routeGroup) {
	addNav(50, "Sends", "/sends", everyone)
	addNav(70, "Approvals", "/approvals/sends", managersUp)
	pages.GET("/sends", showSendsPage).BindFunc(requireUser)
	pages.GET("/sends/new", showSendForm).BindFunc(requireUser)
	pages.POST("/sends", createSend).BindFunc(requireUser)
	pages.POST("/sends/{id}/cancel", cancelSend).BindFunc(requireUser)
	pages.GET("/approvals/sends", showSendApprovals).BindFunc(requireUser)
	pages.POST("/approvals/sends/{id}/approve", approveSend).BindFunc(requireUser)
	pages.POST("/approvals/sends/{id}/reject", rejectSend).BindFunc(requireUser)
	api.GET("/sends", listSendsJSON)
	api.POST("/sends", createSendJSON)
	api.GET("/sends/{id}", getSendJSON)
	api.POST("/sends/{id}/approve", approveSendJSON)
	api.POST("/sends/{id}/reject", rejectSendJSON)
	api.POST("/sends/{id}/cancel", cancelSendJSON)
	api.GET("/approvals/sends", listSendApprovalsJSON)
}

// sendsPageSize is how many sends one page of the list shows.
const sendsPageSize = 50

// option is one choice of a filter select.
type option struct{ Value, Label string }

type sendsPage struct {
	Page
	Filter   send.Filter
	Errors   FormErrors
	Statuses []send.Status
	Teams    []option // empty: the viewer sees one team at most, no team filter shown
	// MemberPicker offers the people whose sends the viewer sees (pickSee; false: the
	// viewer sees only their own sends): the first of them, and MemberText, what the
	// picker shows for the member filter (an email where the filter is a user id).
	MemberPicker bool
	MemberPeople []pickable
	MemberText   string
	Rows         []*send.Send
	People       peopleIndex // the senders
	TeamNames    map[string]string
	PageNo       int
	PrevURL      string
	NextURL      string
	Export       *ExportLinks // download links with the current filter (nil: no export permission)
}

// pageNumber reads ?page= (1-based; anything odd is page 1).
func pageNumber(e *core.RequestEvent) int {
	n, err := strconv.Atoi(e.Request.URL.Query().Get("page"))
	if err != nil || n < 1 {
		return 1
	}
	return n
}

func showSendsPage(e *core.RequestEvent) error {
	u := currentUser(e)
	data := &sendsPage{Page: Page{Title: "Sends"}, Statuses: send.Statuses, TeamNames: teamNames(e.App)}
	flt, err := send.ParseFilter(e.Request.URL.Query())
	data.MemberText = flt.Sender
	if err == nil {
		flt.Sender, data.MemberText, err = resolveFilterPerson(e.App, u, "member", flt.Sender)
	}
	if errs, ok := formErrors(err); ok {
		data.Errors = errs
		data.Filter = flt
		if err := fillSendFilterOptions(e.App, u, data); err != nil {
			return pageError(e, err)
		}
		return render(e, http.StatusBadRequest, "send/list", data)
	}
	if err != nil {
		return pageError(e, err)
	}
	data.Filter = flt
	data.PageNo = pageNumber(e)
	rows, err := send.List(e.App, u, flt, companyLocation(e.App), sendsPageSize+1, (data.PageNo-1)*sendsPageSize)
	if err != nil {
		return pageError(e, err)
	}
	q := flt.Values()
	data.Export = exportLinksFor(u, export.Sends, q)
	if len(rows) > sendsPageSize {
		rows = rows[:sendsPageSize]
		q.Set("page", strconv.Itoa(data.PageNo+1))
		data.NextURL = "/sends?" + q.Encode()
	}
	if data.PageNo > 1 {
		q.Set("page", strconv.Itoa(data.PageNo-1))
		data.PrevURL = "/sends?" + q.Encode()
	}
	data.Rows, data.People = rows, loadPeople(e.App, u, sendersOf(rows))
	if err := fillSendFilterOptions(e.App, u, data); err != nil {
		return pageError(e, err)
	}
	return render(e, http.StatusOK, "send/list", data)
}

// sendersOf lists who sent rows, for loadPeople.
func sendersOf(rows []*send.Send) []string {
	ids := make([]string, len(rows))
	for i, s := range rows {
		ids[i] = s.SenderID()
	}
	return ids
}

// fillSendFilterOptions offers the teams and the first people whose sends the viewer may
// see. The member filter is a picker that searches as one types (pickSee), so the page
// never lists every user (10,000 people as a <select> took 100–250 ms to render).
func fillSendFilterOptions(app core.App, u *member.Member, data *sendsPage) error {
	if u.Role().IsAdmin() {
		recs, err := app.FindRecordsByFilter(team.Collection, "", "name", 0, 0)
		if err != nil {
			return err
		}
		for _, r := range recs {
			data.Teams = append(data.Teams, option{r.Id, r.GetString("name")})
		}
	}
	if data.MemberPicker = mayPick(u, pickSee); !data.MemberPicker {
		return nil
	}
	var err error
	data.MemberPeople, err = people(app, u, pickSee, "", "")
	return err
}

// sendJSON is a send in the JSON API; cost in cents, times in UTC (RFC 3339).
type sendJSON struct {
	ID             string `json:"id"`
	Touch          string `json:"touch"`
	TouchName      string `json:"touch_name"`
	Sender         string `json:"sender"`
	SenderEmail    string `json:"sender_email"`
	Team           string `json:"team"`
	RecipientName  string `json:"recipient_name"`
	RecipientEmail string `json:"recipient_email"`
	Cost           int64  `json:"cost"`
	Status         string `json:"status"`
	DecidedBy      string `json:"decided_by"`
	DecidedAt      string `json:"decided_at"`
	Created        string `json:"created"`
}

func toSendJSON(s *send.Send) sendJSON {
	iso := func(t time.Time) string {
		if t.IsZero() {
			return ""
		}
		return t.UTC().Format(time.RFC3339)
	}
	return sendJSON{ID: s.Id, Touch: s.TouchID(), TouchName: s.TouchName(), Sender: s.SenderID(), SenderEmail: s.SenderEmail(),
		Team: s.TeamID(), RecipientName: s.RecipientName(), RecipientEmail: s.RecipientEmail(), Cost: int64(s.Cost()),
		Status: string(s.Status()), DecidedBy: s.DecidedBy(), DecidedAt: iso(s.DecidedAt().Time()), Created: iso(s.Created().Time())}
}

func sendsJSON(list []*send.Send) []sendJSON {
	out := make([]sendJSON, len(list))
	for i, s := range list {
		out[i] = toSendJSON(s)
	}
	return out
}

// listSendsJSON takes the same filters as the page plus page and perPage (max 500).
func listSendsJSON(e *core.RequestEvent) error {
	flt, err := send.ParseFilter(e.Request.URL.Query())
	if err != nil {
		return apiError(e, err)
	}
	keys, err := sortOf(e, listSorts["/api/tf/sends"])
	if err != nil {
		return apiError(e, err)
	}
	flt.Order = orderTerms(keys, "sends.id DESC")
	p := pagingOf(e, sendsPageSize)
	list, err := send.List(e.App, currentUser(e), flt, companyLocation(e.App), p.PerPage, p.offset())
	if err != nil {
		return apiError(e, err)
	}
	total := 0
	if !p.SkipTotal {
		if total, err = send.Count(e.App, currentUser(e), flt, companyLocation(e.App)); err != nil {
			return apiError(e, err)
		}
	}
	return e.JSON(http.StatusOK, newListPage(p, total, sendsJSON(list)))
}

// visibleSend loads a send the viewer may see; others are 404, as in the records API.
func visibleSend(e *core.RequestEvent, id string) (*send.Send, error) {
	var recs []*core.Record
	err := e.App.RecordQuery(send.Collection).AndWhere(dbx.HashExp{"sends.id": id}).
		AndWhere(send.Visible(currentUser(e))).Limit(1).All(&recs)
	if err != nil {
		return nil, err
	}
	if len(recs) == 0 {
		return nil, sql.ErrNoRows
	}
	return send.Wrap(recs[0]), nil
}

func getSendJSON(e *core.RequestEvent) error {
	s, err := visibleSend(e, e.Request.PathValue("id"))
	if err != nil {
		return apiError(e, err)
	}
	return e.JSON(http.StatusOK, toSendJSON(s))
}
