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
}

type assignmentsPage struct {
	Page
	Teams []*team.Team
	Rows  []assignmentRow
}

// showAssignmentsPage is the touch × team matrix. Managers see every team's column but may
// change only their own; admins change any. Members do not assign.
func showAssignmentsPage(e *core.RequestEvent) error {
	u := currentUser(e)
	if u.Role() == member.RoleMember {
		return pageError(e, access.ErrForbidden)
	}
	data, err := assignmentsData(e.App, u, csrfToken(e))
	if err != nil {
		return pageError(e, err)
	}
	return render(e, http.StatusOK, "touch/assignments", data)
}

func assignmentsData(app core.App, u *member.Member, csrf string) (*assignmentsPage, error) {
	recs, err := app.FindRecordsByFilter(team.Collection, "", "name", 0, 0)
	if err != nil {
		return nil, err
	}
	data := &assignmentsPage{Page: Page{Title: "Touch assignments"}}
	for _, r := range recs {
		data.Teams = append(data.Teams, team.Wrap(r))
	}
	list, err := touch.List(app, u, "")
	if err != nil {
		return nil, err
	}
	for _, t := range list {
		data.Rows = append(data.Rows, assignmentRowOf(u, t, data.Teams, csrf))
	}
	return data, nil
}

func assignmentRowOf(u *member.Member, t *touch.Touch, teams []*team.Team, csrf string) assignmentRow {
	row := assignmentRow{Touch: t, CSRF: csrf, Cells: make([]assignmentCell, 0, len(teams))}
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
		return redirect(e, "/touches/assignments")
	}
	data, err := assignmentsData(e.App, u, csrfToken(e))
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
