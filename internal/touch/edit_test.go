package touch

import (
	"strings"
	"testing"
	"time"

	"github.com/pocketbase/pocketbase/core"
)

func TestInputParse(t *testing.T) {
	berlin, _ := time.LoadLocation("Europe/Berlin")
	ok := Input{Name: " Mug ", Cost: "1,234.50", Status: "active"}
	cases := []struct {
		name      string
		in        Input
		badFields []string
		check     func(t *testing.T, p parsed)
	}{
		{"plain touch", ok, nil, func(t *testing.T, p parsed) {
			if p.name != "Mug" || p.cost != 123450 || p.status != StatusActive || p.trackInventory || !p.startsAt.IsZero() {
				t.Errorf("got %+v", p)
			}
		}},
		{"free touch", Input{Name: "Card", Cost: "0", Status: "active"}, nil, nil},
		{"inventory is required when tracked", Input{Name: "x", Cost: "1", Status: "active", TrackInventory: true}, []string{"inventory"}, nil},
		{"active with nothing left is paused", Input{Name: "x", Cost: "1", Status: "active", TrackInventory: true, Inventory: "0"}, nil,
			func(t *testing.T, p parsed) {
				if p.status != StatusPausedNoInventory {
					t.Errorf("status %s, want paused_no_inventory", p.status)
				}
			}},
		{"scheduled with nothing left stays scheduled", Input{Name: "x", Cost: "1", Status: "scheduled", TrackInventory: true, Inventory: "0"}, nil,
			func(t *testing.T, p parsed) {
				if p.status != StatusScheduled {
					t.Errorf("status %s, want scheduled", p.status)
				}
			}},
		{"inventory ignored when not tracked", Input{Name: "x", Cost: "1", Status: "active", Inventory: "abc"}, nil, nil},
		{"days are whole days in the zone", Input{Name: "x", Cost: "1", Status: "active", StartsOn: "2026-01-10", EndsOn: "2026-01-10"}, nil,
			func(t *testing.T, p parsed) {
				if got := p.startsAt.UTC().Format(time.RFC3339); got != "2026-01-09T23:00:00Z" {
					t.Errorf("start %s", got)
				}
				if got := p.endsAt.UTC().Format(time.RFC3339Nano); got != "2026-01-10T22:59:59.999Z" {
					t.Errorf("end %s", got)
				}
			}},
		{"everything wrong", Input{Name: "", Cost: "-1", Status: "open", TrackInventory: true, Inventory: "-3", StartsOn: "2026-02-02", EndsOn: "2026-02-01"},
			[]string{"name", "cost", "status", "inventory", "ends_on"}, nil},
		{"bad dates", Input{Name: "x", Cost: "1", Status: "active", StartsOn: "02/01/2026", EndsOn: "2026-02-30"}, []string{"starts_on", "ends_on"}, nil},
		{"name too long", Input{Name: strings.Repeat("n", 201), Cost: "1", Status: "active"}, []string{"name"}, nil},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			p, err := c.in.parse(berlin)
			if len(c.badFields) == 0 {
				if err != nil {
					t.Fatalf("got %v, want no error", err)
				}
				if c.check != nil {
					c.check(t, p)
				}
				return
			}
			if err == nil {
				t.Fatalf("got no error, want errors on %v", c.badFields)
			}
			for _, f := range c.badFields {
				if !strings.Contains(err.Error(), f+":") {
					t.Errorf("got %v, want an error on %s", err, f)
				}
			}
		})
	}
}

func TestInputOfRoundTrips(t *testing.T) {
	berlin, _ := time.LoadLocation("Europe/Berlin")
	in := Input{Name: "Mug", Description: "d", Cost: "12.50", Status: "scheduled", TrackInventory: true, Inventory: "7", StartsOn: "2026-03-29", EndsOn: "2026-03-29"}
	p, err := in.parse(berlin)
	if err != nil {
		t.Fatal(err)
	}
	tc := &Touch{}
	tc.SetProxyRecord(newTestRecord())
	p.apply(tc.Record)
	if got := InputOf(tc, berlin); got != in {
		t.Errorf("got %+v, want %+v", got, in)
	}
}

// newTestRecord is an unsaved touches record with the schema's fields (no app needed).
func newTestRecord() *core.Record {
	c := core.NewBaseCollection(Collection)
	c.Fields.Add(&core.TextField{Name: "name"}, &core.TextField{Name: "description"}, &core.NumberField{Name: "cost"},
		&core.SelectField{Name: "status", MaxSelect: 1, Values: []string{"active", "scheduled", "completed", "paused_no_inventory"}},
		&core.BoolField{Name: "track_inventory"}, &core.NumberField{Name: "inventory"},
		&core.DateField{Name: "starts_at"}, &core.DateField{Name: "ends_at"}, &core.RelationField{Name: "teams", MaxSelect: 100})
	return core.NewRecord(c)
}
