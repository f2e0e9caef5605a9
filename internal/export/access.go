package export

import (
	"github.com/pocketbase/pocketbase/core"

	"teamfund/internal/access"
	"teamfund/internal/member"
)

// Authorize says whether actor may export dataset ds narrowed to team (the page's team
// filter, "" for none). The rows themselves are then limited by the same visibility rules
// as the page (each dataset's query takes the viewer):
//   - an account without the export permission (a member without may_export) → ErrNoExport;
//   - users and usage: managers (their team) and admins, like the Users and Usage pages →
//     else access.ErrForbidden;
//   - a team filter naming another team, for anyone but admins → access.ErrForbidden;
//   - ledger and sends: everyone else may export what they see on the page (own rows, or
//     their team's with the team-records permission; managers their team).
func Authorize(actor *member.Member, ds Dataset, team string) error {
	if actor == nil || !actor.Active() {
		return access.ErrForbidden
	}
	if !actor.MayExport() {
		return ErrNoExport
	}
	if actor.Role().IsAdmin() {
		return access.Check(actor, access.Export, team)
	}
	if team != "" && !actor.InTeam(team) {
		return access.ErrForbidden
	}
	if ds == Users {
		if err := access.Check(actor, access.ViewUsers, actor.TeamID()); err != nil {
			return err
		}
	}
	if ds == Usage {
		// members have no Usage page; managers their team's, like the page
		if err := access.Check(actor, access.ViewUsage, actor.TeamID()); err != nil {
			return err
		}
	}
	if actor.TeamID() == "" {
		// note: access.Can grants no team-scoped action on "no team"; a teamless member
		// with the export permission still exports their own rows (all the page shows them).
		return nil
	}
	return access.Check(actor, access.Export, actor.TeamID())
}

// System is the viewer of the command line, which runs as the operator of the server: an
// in-memory active admin (never saved), so every row is visible.
func System(app core.App) (*member.Member, error) {
	col, err := app.FindCachedCollectionByNameOrId(member.Collection)
	if err != nil {
		return nil, err
	}
	r := core.NewRecord(col)
	r.Id = "system"
	r.Set("role", string(member.RoleAdmin))
	r.Set("status", member.StatusActive)
	r.Set("name", "system")
	return member.Wrap(r), nil
}
