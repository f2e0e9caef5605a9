package web

import (
	"net/http"

	"github.com/pocketbase/pocketbase/core"

	"teamfund/internal/access"
	"teamfund/internal/member"
	"teamfund/internal/team"
	"teamfund/internal/touch"
)

// assignmentCell is one touch × team cell of the assignment view.
type assignmentCell struct {
	TouchID, TeamID string
	TeamName        string // labels the cell when the table stacks on a phone
	Assigned        bool
	CanChange       bool
}

type assignmentRow struct {
	Touch *touch.Touch
	Cells []assignmentCell
	CSRF  string // for the no-JavaScript forms inside the row
	Query string // "?page=N" of the teams shown (beyond the first), kept by the row's forms
}

type assignmentsPage struct {
	Page
	Teams     []*team.Team // the page of teams shown as columns
	Rows      []assignmentRow
	TeamPages pager
}

// assignmentTeamsPerPage is how many teams the matrix shows as columns at a time: 200
// columns were neither readable nor quick to draw (2,200 cells for 11 touches).
const assignmentTeamsPerPage = 25

// showAssignmentsPage is the touch × team matrix, teams as columns 25 at a time. Managers
// see every team's column but may change only their own, which comes first; admins change
// any. Members do not assign.
func showAssignmentsPage(e *core.RequestEvent) error {
	u := currentUser(e)
	if u.Role() == member.RoleMember {
		return pageError(e, access.ErrForbidden)
	}
	data, err := assignmentsData(e.App, u, csrfToken(e), pageNumber(e))
	if err != nil {
		return pageError(e, err)
	}
	return render(e, http.StatusOK, "touch/assignments", data)
}

func assignmentsData(app core.App, u *member.Member, csrf string, page int) (*assignmentsPage, error) {
	recs, err := app.FindRecordsByFilter(team.Collection, "", "name", 0, 0)
	if err != nil {
		return nil, err
	}
	var teams []*team.Team
	for _, r := range recs {
		if r.Id == u.TeamID() && u.Role() == member.RoleManager {
			teams = append([]*team.Team{team.Wrap(r)}, teams...) // their own column first
			continue
		}
		teams = append(teams, team.Wrap(r))
	}
	data := &assignmentsPage{Page: Page{Title: "Touch assignments"}}
	data.TeamPages = newPager(page, len(teams), assignmentTeamsPerPage, func(n int) string {
		return pageURL("/touches/assignments", nil, n)
	})
	data.Teams = pageRows(data.TeamPages, teams)
	query := pageURL("", nil, data.TeamPages.Page) // "?page=N", none for the first
	list, err := touch.List(app, u, "")
	if err != nil {
		return nil, err
	}
	for _, t := range list {
		data.Rows = append(data.Rows, assignmentRowOf(u, t, data.Teams, csrf, query))
	}
	return data, nil
}

func assignmentRowOf(u *member.Member, t *touch.Touch, teams []*team.Team, csrf, query string) assignmentRow {
	row := assignmentRow{Touch: t, CSRF: csrf, Query: query, Cells: make([]assignmentCell, 0, len(teams))}
	// The touch's teams once, as a set: AssignedTo per cell converted the stored list for each
	// of 200 teams × every touch (most of the page's 30 ms).
	assigned := map[string]bool{}
	for _, id := range t.TeamIDs() {
		assigned[id] = id != ""
	}
	for _, tm := range teams {
		row.Cells = append(row.Cells, assignmentCell{TouchID: t.Id, TeamID: tm.Id, TeamName: tm.Name(), Assigned: assigned[tm.Id],
			CanChange: access.Can(u, access.AssignTouch, tm.Id)})
	}
	return row
}

func assignTouch(e *core.RequestEvent) error { return changeAssignment(e, touch.Assign) }

func unassignTouch(e *core.RequestEvent) error { return changeAssignment(e, touch.Unassign) }

// changeAssignment answers an HTMX click with the touch's updated row, a plain form with a redirect.
func changeAssignment(e *core.RequestEvent, change func(core.App, *member.Member, string, string) (*touch.Touch, error)) error {
	u := currentUser(e)
	t, err := change(e.App, u, e.Request.PathValue("id"), e.Request.PathValue("team"))
	if err != nil {
		return pageError(e, err)
	}
	if !isFragmentRequest(e) {
		setFlash(e, "ok", "Assignment saved.")
		return redirect(e, pageURL("/touches/assignments", nil, pageNumber(e)))
	}
	data, err := assignmentsData(e.App, u, csrfToken(e), pageNumber(e))
	if err != nil {
		return pageError(e, err)
	}
	for _, row := range data.Rows {
		if row.Touch.Id == t.Id {
			return renderFragment(e, http.StatusOK, "touch/assignments", "assignment_row_alone", &assignmentRowPage{Page: data.Page, Row: row})
		}
	}
	return pageError(e, err)
}

// assignmentRowPage is the data of the assignment_row fragment rendered alone.
type assignmentRowPage struct {
	Page
	Row assignmentRow
}
