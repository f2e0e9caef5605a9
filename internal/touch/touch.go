// Package touch holds touches (gift or outreach campaigns): their cost, status, inventory,
// dates and the teams they are assigned to.
package touch

import (
	"slices"
	"time"

	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tools/types"

	"teamfund/internal/money"
)

// Collection holds the touches.
const Collection = "touches"

// Status of a touch. Only active touches can be sent.
type Status string

// Touch statuses. PausedNoInventory is set by a send that takes the last item.
const (
	StatusActive            Status = "active"
	StatusScheduled         Status = "scheduled"
	StatusCompleted         Status = "completed"
	StatusPausedNoInventory Status = "paused_no_inventory"
)

// Statuses lists every status in display order.
var Statuses = []Status{StatusActive, StatusScheduled, StatusCompleted, StatusPausedNoInventory}

// Valid reports whether s is a known status.
func (s Status) Valid() bool { return slices.Contains(Statuses, s) }

// Label is the status as shown to people.
func (s Status) Label() string {
	switch s {
	case StatusActive:
		return "Active"
	case StatusScheduled:
		return "Scheduled"
	case StatusCompleted:
		return "Completed"
	case StatusPausedNoInventory:
		return "Paused (no inventory)"
	}
	return string(s)
}

// Touch wraps a touches record.
type Touch struct {
	core.BaseRecordProxy
}

// Wrap returns the typed view of r (nil for nil).
func Wrap(r *core.Record) *Touch {
	if r == nil {
		return nil
	}
	t := &Touch{}
	t.SetProxyRecord(r)
	return t
}

// Find loads a touch by id.
func Find(app core.App, id string) (*Touch, error) {
	r, err := app.FindRecordById(Collection, id)
	if err != nil {
		return nil, err
	}
	return Wrap(r), nil
}

// Name is the touch's display name.
func (t *Touch) Name() string { return t.GetString("name") }

// Description is free text about the touch.
func (t *Touch) Description() string { return t.GetString("description") }

// Cost is what one send of the touch debits.
func (t *Touch) Cost() money.Cents { return money.Cents(t.GetInt("cost")) }

// Status is the touch's state.
func (t *Touch) Status() Status { return Status(t.GetString("status")) }

// TracksInventory reports whether the touch has a limited number of items.
func (t *Touch) TracksInventory() bool { return t.GetBool("track_inventory") }

// Inventory is the number of items left (meaningful only when TracksInventory).
func (t *Touch) Inventory() int { return t.GetInt("inventory") }

// StartsAt is the first instant the touch can be sent (zero = no start date).
func (t *Touch) StartsAt() types.DateTime { return t.GetDateTime("starts_at") }

// EndsAt is the last instant the touch can be sent (zero = no end date).
func (t *Touch) EndsAt() types.DateTime { return t.GetDateTime("ends_at") }

// TeamIDs are the teams the touch is assigned to.
func (t *Touch) TeamIDs() []string { return t.GetStringSlice("teams") }

// AssignedTo reports whether team teamID may send the touch.
func (t *Touch) AssignedTo(teamID string) bool {
	return teamID != "" && slices.Contains(t.TeamIDs(), teamID)
}

// NotStartedAt reports whether the touch's start date is still ahead at now.
func (t *Touch) NotStartedAt(now time.Time) bool {
	return !t.StartsAt().IsZero() && now.Before(t.StartsAt().Time())
}

// EndedAt reports whether the touch's end date has passed at now.
func (t *Touch) EndedAt(now time.Time) bool {
	return !t.EndsAt().IsZero() && now.After(t.EndsAt().Time())
}
