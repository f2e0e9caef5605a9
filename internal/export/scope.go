package export

import (
	"github.com/pocketbase/dbx"

	"teamfund/internal/access"
	"teamfund/internal/member"
)

// Scope is the set of rows an export may contain: the same rows the actor sees on the
// page. A row is visible when All is set, or it belongs to user Self, or to team Team.
type Scope struct {
	All  bool
	Self string
	Team string
}

// System is the scope of the command line (it runs as the operator): every row.
var System = Scope{All: true}

// ScopeFor checks that actor may export dataset ds filtered on team (the page's team filter,
// "" for none) and returns the rows they may see:
//   - no export permission (a member without may_export) → ErrNoExport;
//   - a team filter on another team (non-admins) → access.ErrForbidden;
//   - users: only managers (their team) and admins (all), like the Users page;
//   - ledger and sends: admins all; others their own rows, plus their team's rows when they
//     see team records (managers, members with record visibility "team").
func ScopeFor(actor *member.Member, ds Dataset, team string) (Scope, error) {
	if actor == nil || !actor.Active() {
		return Scope{}, access.ErrForbidden
	}
	if !actor.MayExport() {
		return Scope{}, ErrNoExport
	}
	if actor.Role().IsAdmin() {
		return System, access.Check(actor, access.Export, team)
	}
	if team == NoTeam || (team != "" && !actor.InTeam(team)) {
		return Scope{}, access.ErrForbidden
	}
	if ds == Users {
		if err := access.Check(actor, access.ViewUsers, actor.TeamID()); err != nil {
			return Scope{}, err
		}
		return Scope{Team: actor.TeamID()}, access.Check(actor, access.Export, actor.TeamID())
	}
	if actor.TeamID() == "" {
		// note: access.Can never grants a team-scoped action on "no team"; a teamless
		// member with the export permission still exports their own rows.
		return Scope{Self: actor.Id}, nil
	}
	if err := access.Check(actor, access.Export, actor.TeamID()); err != nil {
		return Scope{}, err
	}
	s := Scope{Self: actor.Id}
	if actor.SeesTeamRecords() {
		s.Team = actor.TeamID()
	}
	return s, nil
}

// where is the scope as a condition on a table's owner and team columns.
func (s Scope) where(selfCol, teamCol string) dbx.Expression {
	if s.All {
		return nil
	}
	var anyOf []dbx.Expression
	if s.Self != "" {
		anyOf = append(anyOf, dbx.HashExp{selfCol: s.Self})
	}
	if s.Team != "" {
		anyOf = append(anyOf, dbx.HashExp{teamCol: s.Team})
	}
	if len(anyOf) == 0 {
		return dbx.NewExp("1 = 0")
	}
	return dbx.Or(anyOf...)
}
