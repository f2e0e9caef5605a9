package web

import (
	"net/http"
	"strings"

	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/core"

	"teamfund/internal/access"
	"teamfund/internal/member"
)

// People routes (the person picker of money forms):
//
//	GET /people/search?field=NAME&NAME=TEXT   searchPeople (HTML <option>s for a <datalist>)
//
// A picker is a text input with a <datalist>: the page fills it with the first people, and
// htmx replaces the options with those matching what was typed (name or email, via
// member.SearchSQL). Each option's value is the email, so choosing one — or typing an
// email without JavaScript — submits an address the form resolves (resolvePerson).
func bindPeopleRoutes(pages routeGroup) {
	pages.GET("/people/search", searchPeople).BindFunc(requireUser)
}

// pickerLimit is how many people one picker offers at a time.
const pickerLimit = 20

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

// people lists the active users u may move money for (admins everyone, managers their
// team) whose email or name starts with search, by name.
func people(app core.App, u *member.Member, search string) ([]pickable, error) {
	where, params := "1 = 1", dbx.Params{}
	if strings.TrimSpace(search) != "" {
		where, params = member.SearchSQL("u", search)
	}
	if !u.Role().IsAdmin() {
		where += " AND u.team = {:team}"
		params["team"] = u.TeamID()
	}
	params["limit"] = pickerLimit
	var out []pickable
	err := app.DB().NewQuery(`SELECT u.email AS email, COALESCE(NULLIF(u.name, ''), u.email) AS name, COALESCE(t.name, '') AS team_name
		FROM users u LEFT JOIN teams t ON t.id = u.team
		WHERE u.status = 'active' AND ` + where + ` ORDER BY u.name COLLATE NOCASE LIMIT {:limit}`).Bind(params).All(&out)
	return out, err
}

type peoplePage struct {
	Page
	People []pickable
}

func searchPeople(e *core.RequestEvent) error {
	u := currentUser(e)
	if access.ScopeOf(u.Role(), access.MoveTeamMoney) == access.Nowhere {
		return pageError(e, access.ErrForbidden)
	}
	q := e.Request.URL.Query()
	found, err := people(e.App, u, q.Get(q.Get("field")))
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
