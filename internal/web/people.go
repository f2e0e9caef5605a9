package web

import (
	"net/url"

	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/core"

	"teamfund/internal/access"
	"teamfund/internal/member"
)

// personRef is someone as a table shows them: their name with their photo (initials when
// there is none), the email second. A deleted user is known by the email a record kept.
type personRef struct {
	ID     string `db:"id"`
	Name   string `db:"name"`
	Email  string `db:"email"`
	Team   string `db:"team"`
	Avatar string `db:"avatar"` // the photo's file name; "" when the viewer may not see it
	Sub    string `db:"-"`      // a line shown instead of the email (which stays on hover)
}

// With returns p with sub as its second line (e.g. the team), the email then on hover.
func (p personRef) With(sub string) personRef {
	p.Sub = sub
	return p
}

// Hover is the whole of what the person's cell shortens.
func (p personRef) Hover() string {
	if p.Name != "" && p.Email != "" {
		return p.Name + " · " + p.Email
	}
	return p.Label()
}

// Label is what names the person: the name, or the email when there is no name.
func (p personRef) Label() string {
	if p.Name != "" {
		return p.Name
	}
	return p.Email
}

// PhotoURL is the person's photo, "" when there is none to show.
func (p personRef) PhotoURL() string {
	if p.ID == "" || p.Avatar == "" {
		return ""
	}
	return "/users/" + p.ID + "/photo?v=" + url.QueryEscape(p.Avatar)
}

// Initials stand in for the photo.
func (p personRef) Initials() string { return initials(p.Label()) }

// peopleIndex holds the people a page mentions, by user id.
type peopleIndex map[string]personRef

// Of is the person with id; one known only by email (deleted, or the system) when the id
// is not among the users.
func (ix peopleIndex) Of(id, email string) personRef {
	if p, ok := ix[id]; ok && id != "" {
		return p
	}
	return personRef{Email: email}
}

// loadPeople reads the users with ids in one query, photos only where viewer may see them
// (the same rule as GET /users/{id}/photo, so no image on the page answers 404).
func loadPeople(app core.App, viewer *member.Member, ids []string) peopleIndex {
	ix := peopleIndex{}
	want := make([]any, 0, len(ids))
	for _, id := range ids {
		if id != "" {
			want = append(want, id)
		}
	}
	if len(want) == 0 {
		return ix
	}
	var rows []personRef
	_ = app.DB().Select("id", "name", "email", "team", "avatar").From(member.Collection).
		Where(dbx.In("id", want...)).All(&rows)
	for _, p := range rows {
		if !mayViewPhoto(viewer, p.ID, p.Team) {
			p.Avatar = ""
		}
		ix[p.ID] = p
	}
	return ix
}

// mayViewPhoto reports whether viewer may see the photo of user id in team.
func mayViewPhoto(viewer *member.Member, id, team string) bool {
	return viewer != nil && (id == viewer.Id || viewer.InTeam(team) || access.Can(viewer, access.ViewUsers, team))
}
