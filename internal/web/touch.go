package web

import (
	"database/sql"
	"encoding/json"
	"net/http"
	"strconv"
	"strings"
	"time"

	validation "github.com/pocketbase/ozzo-validation/v4"
	"github.com/pocketbase/pocketbase/core"

	"teamfund/internal/access"
	"teamfund/internal/company"
	"teamfund/internal/member"
	"teamfund/internal/team"
	"teamfund/internal/touch"
)

// Touch routes:
//
//	GET    /touches                              showTouchesPage
//	GET    /touches/new                          showNewTouchForm
//	POST   /touches                              createTouch
//	GET    /touches/assignments                  showAssignmentsPage
//	GET    /touches/{id}/edit                    showEditTouchForm
//	POST   /touches/{id}                         updateTouch
//	POST   /touches/{id}/teams/{team}            assignTouch
//	POST   /touches/{id}/teams/{team}/remove     unassignTouch
//	GET    /api/tf/touches                       listTouchesJSON
//	POST   /api/tf/touches                       createTouchJSON
//	GET    /api/tf/touches/{id}                  getTouchJSON
//	PUT    /api/tf/touches/{id}                  updateTouchJSON
//	PUT    /api/tf/touches/{id}/teams/{team}     assignTouchJSON
//	DELETE /api/tf/touches/{id}/teams/{team}     unassignTouchJSON
func bindTouchRoutes(pages, api routeGroup) {
	addNav(40, "Touches", "/touches", everyone)
	pages.GET("/touches", showTouchesPage).BindFunc(requireUser)
	pages.GET("/touches/new", showNewTouchForm).BindFunc(requireUser)
	pages.POST("/touches", createTouch).BindFunc(requireUser)
	pages.GET("/touches/assignments", showAssignmentsPage).BindFunc(requireUser)
	pages.GET("/touches/{id}/edit", showEditTouchForm).BindFunc(requireUser)
	pages.POST("/touches/{id}", updateTouch).BindFunc(requireUser)
	pages.POST("/touches/{id}/teams/{team}", assignTouch).BindFunc(requireUser)
	pages.POST("/touches/{id}/teams/{team}/remove", unassignTouch).BindFunc(requireUser)
	api.GET("/touches", listTouchesJSON)
	api.POST("/touches", createTouchJSON)
	api.GET("/touches/{id}", getTouchJSON)
	api.PUT("/touches/{id}", updateTouchJSON)
	api.PUT("/touches/{id}/teams/{team}", assignTouchJSON)
	api.DELETE("/touches/{id}/teams/{team}", unassignTouchJSON)
}

// companyLocation is the company time zone (UTC before setup).
func companyLocation(app core.App) *time.Location {
	if c, err := company.Load(app); err == nil {
		return c.Location()
	}
	return time.UTC
}

// touchRow is a touch as listed, with what the viewer may do with it.
type touchRow struct {
	*touch.Touch
	TeamNames []string
	CanSend   bool
}

type touchesPage struct {
	Page
	Status    string
	Statuses  []touch.Status
	Rows      []touchRow
	CanManage bool
}

// statusFilter reads ?status=; an unknown value is a 400 naming the parameter.
func touchStatusFilter(e *core.RequestEvent) (touch.Status, error) {
	s := touch.Status(strings.TrimSpace(e.Request.URL.Query().Get("status")))
	if s != "" && !s.Valid() {
		return "", invalidField("status", "must be active, scheduled, completed or paused_no_inventory")
	}
	return s, nil
}

func touchRows(app core.App, viewer *member.Member, status touch.Status) ([]touchRow, error) {
	list, err := touch.List(app, viewer, status)
	if err != nil {
		return nil, err
	}
	names := teamNames(app)
	now := time.Now()
	rows := make([]touchRow, len(list))
	for i, t := range list {
		row := touchRow{Touch: t, CanSend: viewer.TeamID() != "" && t.AssignedTo(viewer.TeamID()) &&
			t.Status() == touch.StatusActive && !t.NotStartedAt(now) && !t.EndedAt(now)}
		for _, id := range t.TeamIDs() {
			row.TeamNames = append(row.TeamNames, names[id])
		}
		rows[i] = row
	}
	return rows, nil
}

// teamNames maps every team id to its name.
func teamNames(app core.App) map[string]string {
	out := map[string]string{}
	recs, err := app.FindAllRecords(team.Collection)
	if err != nil {
		return out
	}
	for _, r := range recs {
		out[r.Id] = r.GetString("name")
	}
	return out
}

func showTouchesPage(e *core.RequestEvent) error {
	u := currentUser(e)
	status, err := touchStatusFilter(e)
	if err != nil {
		return pageError(e, err)
	}
	rows, err := touchRows(e.App, u, status)
	if err != nil {
		return pageError(e, err)
	}
	data := &touchesPage{Page: Page{Title: "Touches"}, Status: string(status), Statuses: touch.Statuses, Rows: rows,
		CanManage: access.Can(u, access.ManageTouches, "")}
	if isFragmentRequest(e) && e.Request.Header.Get("HX-Target") == "touch-rows" {
		return renderFragment(e, http.StatusOK, "touch/list", "touch_rows", data)
	}
	return render(e, http.StatusOK, "touch/list", data)
}

// touchJSON is a touch in the JSON API; cost in cents, dates in UTC (RFC 3339) or "".
type touchJSON struct {
	ID             string   `json:"id"`
	Name           string   `json:"name"`
	Description    string   `json:"description"`
	Cost           int64    `json:"cost"`
	Status         string   `json:"status"`
	TrackInventory bool     `json:"track_inventory"`
	Inventory      int      `json:"inventory"`
	StartsAt       string   `json:"starts_at"`
	EndsAt         string   `json:"ends_at"`
	Teams          []string `json:"teams"`
}

func toTouchJSON(t *touch.Touch) touchJSON {
	iso := func(t time.Time) string {
		if t.IsZero() {
			return ""
		}
		return t.UTC().Format(time.RFC3339)
	}
	teams := t.TeamIDs()
	if teams == nil {
		teams = []string{}
	}
	return touchJSON{ID: t.Id, Name: t.Name(), Description: t.Description(), Cost: int64(t.Cost()),
		Status: string(t.Status()), TrackInventory: t.TracksInventory(), Inventory: t.Inventory(),
		StartsAt: iso(t.StartsAt().Time()), EndsAt: iso(t.EndsAt().Time()), Teams: teams}
}

func listTouchesJSON(e *core.RequestEvent) error {
	status, err := touchStatusFilter(e)
	if err != nil {
		return apiError(e, err)
	}
	list, err := touch.List(e.App, currentUser(e), status)
	if err != nil {
		return apiError(e, err)
	}
	out := make([]touchJSON, len(list))
	for i, t := range list {
		out[i] = toTouchJSON(t)
	}
	return writeSortedList(e, out, listSorts["/api/tf/touches"])
}

// visibleTouch loads a touch the viewer may see (404 otherwise, like the records API).
func visibleTouch(e *core.RequestEvent, id string) (*touch.Touch, error) {
	t, err := touch.Find(e.App, id)
	if err != nil {
		return nil, err
	}
	u := currentUser(e)
	if u.Role().IsAdmin() || u.Role() == member.RoleManager || t.AssignedTo(u.TeamID()) {
		return t, nil
	}
	return nil, sql.ErrNoRows
}

func getTouchJSON(e *core.RequestEvent) error {
	t, err := visibleTouch(e, e.Request.PathValue("id"))
	if err != nil {
		return apiError(e, err)
	}
	return e.JSON(http.StatusOK, toTouchJSON(t))
}

// decimalText accepts an amount as a JSON string ("12.50") or number (12.5) and keeps its text for money.Parse.
type decimalText string

func (d *decimalText) UnmarshalJSON(b []byte) error {
	var s string
	if err := json.Unmarshal(b, &s); err == nil {
		*d = decimalText(s)
		return nil
	}
	*d = decimalText(strings.TrimSpace(string(b)))
	return nil
}

// touchBody is the JSON body of create and update: cost as a decimal amount, dates as
// YYYY-MM-DD days in the company time zone.
type touchBody struct {
	Name           string      `json:"name"`
	Description    string      `json:"description"`
	Cost           decimalText `json:"cost"`
	Status         string      `json:"status"`
	TrackInventory bool        `json:"track_inventory"`
	Inventory      *int        `json:"inventory"`
	StartsOn       string      `json:"starts_on"`
	EndsOn         string      `json:"ends_on"`
}

func (b touchBody) input() touch.Input {
	in := touch.Input{Name: b.Name, Description: b.Description, Cost: string(b.Cost), Status: b.Status,
		TrackInventory: b.TrackInventory, StartsOn: b.StartsOn, EndsOn: b.EndsOn}
	if b.Inventory != nil {
		in.Inventory = strconv.Itoa(*b.Inventory)
	}
	return in
}

func bindTouchBody(e *core.RequestEvent) (touch.Input, error) {
	var b touchBody
	if err := json.NewDecoder(e.Request.Body).Decode(&b); err != nil {
		return touch.Input{}, invalidField("body", "must be a JSON object")
	}
	return b.input(), nil
}

func createTouchJSON(e *core.RequestEvent) error {
	if err := access.Check(currentUser(e), access.ManageTouches, ""); err != nil {
		return apiError(e, err) // refuse before reading the body, so input errors never reach people without the right
	}
	in, err := bindTouchBody(e)
	if err != nil {
		return apiError(e, err)
	}
	t, err := touch.Create(e.App, currentUser(e), in, companyLocation(e.App))
	if err != nil {
		return apiError(e, err)
	}
	return e.JSON(http.StatusCreated, toTouchJSON(t))
}

func updateTouchJSON(e *core.RequestEvent) error {
	if err := access.Check(currentUser(e), access.ManageTouches, ""); err != nil {
		return apiError(e, err) // refuse before reading the body, so input errors never reach people without the right
	}
	in, err := bindTouchBody(e)
	if err != nil {
		return apiError(e, err)
	}
	t, err := touch.Update(e.App, currentUser(e), e.Request.PathValue("id"), in, companyLocation(e.App))
	if err != nil {
		return apiError(e, err)
	}
	return e.JSON(http.StatusOK, toTouchJSON(t))
}

func assignTouchJSON(e *core.RequestEvent) error {
	t, err := touch.Assign(e.App, currentUser(e), e.Request.PathValue("id"), e.Request.PathValue("team"))
	if err != nil {
		return apiError(e, err)
	}
	return e.JSON(http.StatusOK, toTouchJSON(t))
}

func unassignTouchJSON(e *core.RequestEvent) error {
	t, err := touch.Unassign(e.App, currentUser(e), e.Request.PathValue("id"), e.Request.PathValue("team"))
	if err != nil {
		return apiError(e, err)
	}
	return e.JSON(http.StatusOK, toTouchJSON(t))
}

// invalidField is a 400 validation error on one field or query parameter.
func invalidField(field, msg string) error {
	return validation.Errors{field: validation.NewError("invalid_"+field, msg)}
}
