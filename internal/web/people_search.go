package web

import (
	"net/http"
	"strings"

	"github.com/pocketbase/dbx"
	validation "github.com/pocketbase/ozzo-validation/v4"
	"github.com/pocketbase/pocketbase/core"

	"teamfund/internal/access"
	"teamfund/internal/member"
)

// People routes (the person pickers):
//
//	GET /people/search?purpose=P&field=NAME&NAME=TEXT[&team=ID]   searchPeople (HTML <option>s for a <datalist>)
//
// A picker is a text input with a <datalist>: the page fills it with the first people, and
// htmx replaces the options with those matching what was typed (name or email, via
// member.SearchSQL). Each option's value is the email, so choosing one — or typing an
// email without JavaScript — submits an address the server resolves (resolvePerson,
// resolveFilterPerson). No page lists every user: a picker holds at most pickerLimit.
//
// The purpose says what the person is chosen for, and so who may be offered (pickScope).
func bindPeopleRoutes(pages routeGroup) {
	pages.GET("/people/search", searchPeople).BindFunc(requireUser)
}

// pickerLimit is how many people one picker offers at a time.
const pickerLimit = 20

// Purposes of a person picker (the purpose query parameter).
const (
	// pickMove: money moved by a manager or admin (access.MoveTeamMoney): admins anyone
	// active, managers their team. The default, for pickers older than the parameter.
	pickMove = "move"
	// pickSee: the member filter of the sends and ledger lists: people whose records the
	// viewer sees — admins everyone, managers and members with the team-records permission
	// their team and themselves. Others see only their own records and get no picker.
	pickSee = "see"
	// pickAdd: the team page's "add a member" (access.ManageTeamMembers): admins anyone
	// active, managers people without a team (moving someone out of another team is an
	// admin's job, see team.AddMember).
	pickAdd = "add"
	// pickTeammate: transfers and money requests: the viewer's active teammates.
	pickTeammate = "teammate"
)

// pickPurposes lists the purposes in the order the error message names them.
var pickPurposes = []any{pickMove, pickSee, pickAdd, pickTeammate}

// pickScope is the condition on users u (alias "u") that limits a picker of purpose to the
// people viewer may choose; access.ErrForbidden when they may choose nobody.
func pickScope(viewer *member.Member, purpose string) (string, dbx.Params, error) {
	if viewer == nil || !viewer.Active() {
		return "", nil, access.ErrForbidden
	}
	team := dbx.Params{"pickTeam": viewer.TeamID(), "pickSelf": viewer.Id}
	admin := viewer.Role().IsAdmin()
	switch purpose {
	case pickMove:
		switch access.ScopeOf(viewer.Role(), access.MoveTeamMoney) {
		case access.AnyTeam:
			return "+u.status = 'active'", nil, nil // walk idx_users_name and stop at the limit
		case access.OwnTeam:
			if viewer.TeamID() != "" {
				return "u.status = 'active' AND u.team = {:pickTeam}", team, nil
			}
		}
	case pickSee:
		// Invited people have no records yet; deactivated ones keep theirs.
		switch {
		case admin:
			return "u.status != 'invited'", nil, nil
		case viewer.SeesTeamRecords() && viewer.TeamID() != "":
			return "u.status != 'invited' AND (u.team = {:pickTeam} OR u.id = {:pickSelf})", team, nil
		}
	case pickAdd:
		switch access.ScopeOf(viewer.Role(), access.ManageTeamMembers) {
		case access.AnyTeam:
			return "+u.status = 'active'", nil, nil // walk idx_users_name and stop at the limit
		case access.OwnTeam:
			if viewer.TeamID() != "" {
				return "u.status = 'active' AND u.team = ''", nil, nil
			}
		}
	case pickTeammate:
		if viewer.TeamID() != "" {
			return "u.status = 'active' AND u.team = {:pickTeam} AND u.id != {:pickSelf}", team, nil
		}
	}
	return "", nil, access.ErrForbidden
}

// pickable is one option of a person picker.
type pickable struct {
	Email string `db:"email"`
	Name  string `db:"name"`
	Team  string `db:"team_name"`
}

// Label is what the option shows beside the email.
func (p pickable) Label() string {
	if p.Team == "" {
		return p.Name
	}
	return p.Name + " · " + p.Team
}

// people lists at most pickerLimit people viewer may choose for purpose whose email or
// name starts with search, by name. For pickAdd, team is the team people are added to:
// its members are not offered ("" for other purposes).
func people(app core.App, viewer *member.Member, purpose, search, team string) ([]pickable, error) {
	scope, params, err := pickScope(viewer, purpose)
	if err != nil {
		return nil, err
	}
	if purpose == pickAdd && team != "" {
		scope += " AND u.team != {:addTeam}"
		params = merge(params, dbx.Params{"addTeam": team})
	}
	where := "1 = 1"
	if strings.TrimSpace(search) != "" {
		var sp dbx.Params
		where, sp = member.SearchSQL("u", search)
		params = merge(params, sp)
	}
	params = merge(params, dbx.Params{"limit": pickerLimit})
	var out []pickable
	err = app.DB().NewQuery(`SELECT u.email AS email, COALESCE(NULLIF(u.name, ''), u.email) AS name, COALESCE(t.name, '') AS team_name
		FROM users u LEFT JOIN teams t ON t.id = u.team
		WHERE ` + scope + ` AND ` + where + ` ORDER BY u.name COLLATE NOCASE LIMIT {:limit}`).Bind(params).All(&out)
	return out, err
}

// merge adds b's parameters to a (either may be nil).
func merge(a, b dbx.Params) dbx.Params {
	if a == nil {
		a = dbx.Params{}
	}
	for k, v := range b {
		a[k] = v
	}
	return a
}

type peoplePage struct {
	Page
	People []pickable
}

// searchPeople answers a picker's typing with the matching people as <option>s. A purpose
// the viewer may choose nobody for is 403; an unknown one a 400 naming the parameter.
func searchPeople(e *core.RequestEvent) error {
	q := e.Request.URL.Query()
	purpose := strings.TrimSpace(q.Get("purpose"))
	if purpose == "" {
		purpose = pickMove
	}
	field, team := q.Get("field"), strings.TrimSpace(q.Get("team"))
	err := validation.Errors{
		"purpose": validation.Validate(purpose, validation.In(pickPurposes...).Error("must be move, see, add or teammate")),
		"field":   validation.Validate(field, validation.Length(0, 100)),
		"team":    validation.Validate(team, validation.Length(0, 40)),
	}.Filter()
	if err != nil {
		return pageError(e, err)
	}
	found, err := people(e.App, currentUser(e), purpose, q.Get(field), team)
	if err != nil {
		return pageError(e, err)
	}
	return renderFragment(e, http.StatusOK, "money/admin", "people_options", &peoplePage{People: found})
}

// resolvePerson turns what was typed or picked into a user id: an email, or a name that
// exactly one active user has. "" when nobody or several match.
func resolvePerson(app core.App, text string) string {
	text = strings.TrimSpace(text)
	if text == "" {
		return ""
	}
	if strings.Contains(text, "@") {
		return userByEmail(app, text)
	}
	var ids []string
	err := app.DB().NewQuery(`SELECT id FROM users WHERE status = 'active' AND name = {:name} COLLATE NOCASE LIMIT 2`).
		Bind(dbx.Params{"name": text}).Column(&ids)
	if err != nil || len(ids) != 1 {
		return ""
	}
	return ids[0]
}

// picked is a person a picker's text stands for.
type picked struct {
	ID    string `db:"id"`
	Email string `db:"email"`
}

// findPicked lists (at most two) people viewer may choose for purpose whose email, id or
// exact name (any case) is text: one is a choice, two an ambiguous name.
func findPicked(app core.App, viewer *member.Member, purpose, text string) ([]picked, error) {
	scope, params, err := pickScope(viewer, purpose)
	if err != nil {
		return nil, err
	}
	match := "(u.id = {:pick} OR u.name = {:pick} COLLATE NOCASE)"
	if strings.Contains(text, "@") {
		match, text = "u.email = {:pick}", member.NormalizeEmail(text)
	}
	var out []picked
	err = app.DB().NewQuery(`SELECT u.id AS id, u.email AS email FROM users u WHERE ` + scope + ` AND ` + match + ` LIMIT 2`).
		Bind(merge(params, dbx.Params{"pick": strings.TrimSpace(text)})).All(&out)
	return out, err
}

// resolvePicked is findPicked for a form field: the one person text stands for, or a
// validation error on field that says what to do.
func resolvePicked(app core.App, viewer *member.Member, purpose, field, text string) (picked, error) {
	found, err := findPicked(app, viewer, purpose, text)
	if err != nil {
		return picked{}, err
	}
	if len(found) != 1 {
		return picked{}, notOnePerson(field, len(found))
	}
	return found[0], nil
}

// notOnePerson is the error on field when text matched n people (0, or 2 for several).
func notOnePerson(field string, n int) error {
	if n == 0 {
		return validation.Errors{field: validation.NewError("unknown_person", "no one you can choose here has that name or email; pick a person from the list")}
	}
	return validation.Errors{field: validation.NewError("ambiguous_person", "several people have that name; pick one from the list by email")}
}

// resolveFilterPerson reads a list's person filter (field: the sends' and ledger's member,
// the audit log's actor) as the pages take it: a user id (links from other pages), an email
// or a name picked or typed in the picker. It answers the filter value — the user id of someone the viewer sees, or else an
// email or an id as given (a deleted user's records keep their email) — and the text the
// picker shows. A name that nobody or several people have is a validation error on field.
// Viewers without a picker (they see only their own records) keep what they gave.
func resolveFilterPerson(app core.App, viewer *member.Member, field, text string) (value, shown string, err error) {
	text = strings.TrimSpace(text)
	if text == "" || !mayPick(viewer, pickSee) {
		return text, text, nil
	}
	found, err := findPicked(app, viewer, pickSee, text)
	switch {
	case err != nil:
		return "", text, err
	case len(found) == 1:
		return found[0].ID, found[0].Email, nil
	case strings.Contains(text, "@") && len(found) == 0:
		email := member.NormalizeEmail(text)
		return email, email, nil
	case looksLikeID(text) && len(found) == 0:
		// An id from a link (a manager's top spender who has since left the team): the
		// list's own visibility still applies, as it did before the picker.
		return text, text, nil
	}
	return "", text, notOnePerson(field, len(found))
}

// mayPick reports whether viewer may choose anyone for purpose (a page shows the picker).
func mayPick(viewer *member.Member, purpose string) bool {
	_, _, err := pickScope(viewer, purpose)
	return err == nil
}
