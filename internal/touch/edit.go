package touch

import (
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/pocketbase/dbx"
	validation "github.com/pocketbase/ozzo-validation/v4"
	"github.com/pocketbase/pocketbase/core"

	"teamfund/internal/access"
	"teamfund/internal/audit"
	"teamfund/internal/member"
	"teamfund/internal/money"
	"teamfund/internal/team"
)

// DateLayout is how start and end dates are typed: a day in the company time zone.
const DateLayout = "2006-01-02"

// MaxInventory bounds the inventory count a person can type.
const MaxInventory = 1_000_000_000

// Input is the touch form as typed: every field a string, parsed and validated by Create and Update.
type Input struct {
	Name           string
	Description    string
	Cost           string // decimal amount, e.g. "12.50"
	Status         string
	TrackInventory bool
	Inventory      string // whole number; required when TrackInventory
	StartsOn       string // YYYY-MM-DD or ""
	EndsOn         string // YYYY-MM-DD or ""
}

// parsed is Input after validation.
type parsed struct {
	name, description string
	cost              money.Cents
	status            Status
	trackInventory    bool
	inventory         int
	startsAt, endsAt  time.Time // zero = none
}

// parse validates in; errors name the form fields (name, description, cost, status,
// inventory, starts_on, ends_on). Dates are whole days in loc: the touch starts at the
// first instant of StartsOn and ends after the last instant of EndsOn.
func (in Input) parse(loc *time.Location) (parsed, error) {
	p := parsed{name: strings.TrimSpace(in.Name), description: strings.TrimSpace(in.Description),
		status: Status(strings.TrimSpace(in.Status)), trackInventory: in.TrackInventory}
	errs := validation.Errors{
		"name":        validation.Validate(p.name, validation.Required.Error("enter a name"), validation.RuneLength(0, 200)),
		"description": validation.Validate(p.description, validation.RuneLength(0, 2000)),
	}
	cost, err := money.Parse(in.Cost)
	if err != nil {
		errs["cost"] = validation.NewError("cost", "the cost "+err.Error())
	}
	p.cost = cost
	if !p.status.Valid() {
		errs["status"] = validation.NewError("status", "choose active, scheduled, completed or paused (no inventory)")
	}
	if p.trackInventory {
		n, err := strconv.Atoi(strings.TrimSpace(in.Inventory))
		if err != nil || n < 0 || n > MaxInventory {
			errs["inventory"] = validation.NewError("inventory", "enter the number of items left (0 or more)")
		}
		p.inventory = n
	}
	day := func(field, s string) time.Time {
		s = strings.TrimSpace(s)
		if s == "" {
			return time.Time{}
		}
		t, err := time.ParseInLocation(DateLayout, s, loc)
		if err != nil {
			errs[field] = validation.NewError(field, "must be a date like 2026-01-31")
		}
		return t
	}
	p.startsAt = day("starts_on", in.StartsOn)
	if end := day("ends_on", in.EndsOn); !end.IsZero() {
		p.endsAt = end.AddDate(0, 0, 1).Add(-time.Millisecond)
	}
	if !p.startsAt.IsZero() && !p.endsAt.IsZero() && p.endsAt.Before(p.startsAt) {
		errs["ends_on"] = validation.NewError("ends_on", "the end date must not be before the start date")
	}
	// An active touch with nothing left cannot be sent; say so in its status.
	if p.trackInventory && p.inventory == 0 && p.status == StatusActive {
		p.status = StatusPausedNoInventory
	}
	return p, errs.Filter()
}

// InputOf is the form for editing t, dates shown in loc.
func InputOf(t *Touch, loc *time.Location) Input {
	in := Input{Name: t.Name(), Description: t.Description(), Cost: t.Cost().Decimal(), Status: string(t.Status()),
		TrackInventory: t.TracksInventory()}
	if t.TracksInventory() {
		in.Inventory = strconv.Itoa(t.Inventory())
	}
	if !t.StartsAt().IsZero() {
		in.StartsOn = t.StartsAt().Time().In(loc).Format(DateLayout)
	}
	if !t.EndsAt().IsZero() {
		in.EndsOn = t.EndsAt().Time().In(loc).Format(DateLayout)
	}
	return in
}

func (p parsed) apply(r *core.Record) {
	r.Set("name", p.name)
	r.Set("description", p.description)
	r.Set("cost", int64(p.cost))
	r.Set("status", string(p.status))
	r.Set("track_inventory", p.trackInventory)
	r.Set("inventory", p.inventory)
	r.Set("starts_at", dateOrEmpty(p.startsAt))
	r.Set("ends_at", dateOrEmpty(p.endsAt))
}

func dateOrEmpty(t time.Time) any {
	if t.IsZero() {
		return ""
	}
	return t.UTC()
}

// snapshot is what the audit log keeps of a touch.
func snapshot(t *Touch) map[string]any {
	return map[string]any{"name": t.Name(), "description": t.Description(), "cost": int64(t.Cost()),
		"status": string(t.Status()), "track_inventory": t.TracksInventory(), "inventory": t.Inventory(),
		"starts_at": t.StartsAt().String(), "ends_at": t.EndsAt().String(), "teams": t.TeamIDs()}
}

// Create adds a touch (admins only) and audits it.
func Create(app core.App, actor *member.Member, in Input, loc *time.Location) (*Touch, error) {
	if err := access.Check(actor, access.ManageTouches, ""); err != nil {
		return nil, err
	}
	p, err := in.parse(loc)
	if err != nil {
		return nil, err
	}
	var out *Touch
	err = app.RunInTransaction(func(tx core.App) error {
		col, err := tx.FindCachedCollectionByNameOrId(Collection)
		if err != nil {
			return err
		}
		r := core.NewRecord(col)
		p.apply(r)
		if err := tx.Save(r); err != nil {
			return err
		}
		out = Wrap(r)
		return audit.Record(tx, actor, audit.Entry{Action: "touch.create", TargetType: "touch", TargetID: r.Id,
			TargetLabel: out.Name(), After: snapshot(out)})
	})
	return out, err
}

// Update replaces a touch's fields (admins only; its team assignment stays) and audits it.
// The typed inventory replaces whatever sends left, so an admin can restock.
func Update(app core.App, actor *member.Member, id string, in Input, loc *time.Location) (*Touch, error) {
	if err := access.Check(actor, access.ManageTouches, ""); err != nil {
		return nil, err
	}
	p, err := in.parse(loc)
	if err != nil {
		return nil, err
	}
	var out *Touch
	err = app.RunInTransaction(func(tx core.App) error {
		t, err := Find(tx, id)
		if err != nil {
			return err
		}
		before := snapshot(t)
		p.apply(t.Record)
		if err := tx.Save(t); err != nil {
			return err
		}
		out = t
		return audit.Record(tx, actor, audit.Entry{Action: "touch.update", TargetType: "touch", TargetID: t.Id,
			TargetLabel: t.Name(), Before: before, After: snapshot(t)})
	})
	return out, err
}

// Assign lets team teamID send the touch. Managers may assign only their own team, admins
// any team. Assigning an already assigned team changes nothing.
func Assign(app core.App, actor *member.Member, touchID, teamID string) (*Touch, error) {
	return setAssigned(app, actor, touchID, teamID, true)
}

// Unassign stops team teamID from sending the touch (pending sends stay pending).
func Unassign(app core.App, actor *member.Member, touchID, teamID string) (*Touch, error) {
	return setAssigned(app, actor, touchID, teamID, false)
}

func setAssigned(app core.App, actor *member.Member, touchID, teamID string, assign bool) (*Touch, error) {
	if err := access.Check(actor, access.AssignTouch, teamID); err != nil {
		return nil, err
	}
	var out *Touch
	err := app.RunInTransaction(func(tx core.App) error {
		t, err := Find(tx, touchID)
		if err != nil {
			return err
		}
		out = t
		tm, err := team.Find(tx, teamID)
		if err != nil {
			return ErrUnknownTeam
		}
		if t.AssignedTo(teamID) == assign {
			return nil
		}
		before := t.TeamIDs()
		ids := slices.Clone(before)
		action := "touch.assign"
		if assign {
			ids = append(ids, teamID)
		} else {
			action = "touch.unassign"
			ids = slices.DeleteFunc(ids, func(id string) bool { return id == teamID })
		}
		t.Set("teams", ids)
		if err := tx.Save(t); err != nil {
			return err
		}
		return audit.Record(tx, actor, audit.Entry{Action: action, TargetType: "touch", TargetID: t.Id,
			TargetLabel: t.Name() + " / " + tm.Name(), Before: map[string]any{"teams": before},
			After: map[string]any{"teams": ids}})
	})
	return out, err
}

// List returns the touches viewer may see, by name, optionally only those with status
// (""= all). Admins and managers see every touch (managers assign their team to any);
// members see the touches assigned to their team. It mirrors the records API rule.
func List(app core.App, viewer *member.Member, status Status) ([]*Touch, error) {
	q := app.RecordQuery(Collection).OrderBy("LOWER(name) ASC", "id")
	if status != "" {
		q.AndWhere(dbx.HashExp{"status": string(status)})
	}
	switch {
	case viewer == nil || !viewer.Active():
		return nil, nil
	case viewer.Role().IsAdmin() || viewer.Role() == member.RoleManager:
	case viewer.TeamID() == "":
		return nil, nil
	default:
		q.AndWhere(dbx.NewExp("EXISTS (SELECT 1 FROM json_each(touches.teams) WHERE json_each.value = {:team})",
			dbx.Params{"team": viewer.TeamID()}))
	}
	var recs []*core.Record
	if err := q.All(&recs); err != nil {
		return nil, err
	}
	out := make([]*Touch, len(recs))
	for i, r := range recs {
		out[i] = Wrap(r)
	}
	return out, nil
}
