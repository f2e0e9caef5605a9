package touch_test

import (
	"testing"
	"time"

	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tools/types"

	"teamfund/internal/testutil"
	"teamfund/internal/touch"
)

func TestMain(m *testing.M) { testutil.Main(m) }

// TestApplyDatesFollowsStartAndEnd: at its start date a scheduled touch turns active
// (paused when its tracked inventory is empty), after its end date any touch turns
// completed, everything else stays as it is; each change is audited by "system" and a
// second run changes nothing.
func TestApplyDatesFollowsStartAndEnd(t *testing.T) {
	app := testutil.NewApp(t)
	defer app.Cleanup()
	now := time.Date(2026, 11, 25, 12, 0, 0, 0, time.UTC)
	day := func(d int) string { return dt(now.AddDate(0, 0, d)) }
	cases := []struct {
		name         string
		status       string
		starts, ends string
		track        bool
		inventory    int
		want         string
	}{
		{"scheduled, start passed", "scheduled", day(-1), "", false, 0, "active"},
		{"scheduled, start today at midnight", "scheduled", dt(now.Truncate(24 * time.Hour)), day(3), false, 0, "active"},
		{"scheduled, start ahead", "scheduled", day(1), "", false, 0, "scheduled"},
		{"scheduled without dates", "scheduled", "", "", false, 0, "scheduled"},
		{"scheduled, start passed, nothing left", "scheduled", day(-1), "", true, 0, "paused_no_inventory"},
		{"scheduled, start passed, items left", "scheduled", day(-1), "", true, 3, "active"},
		{"scheduled, both dates passed", "scheduled", day(-5), day(-1), false, 0, "completed"},
		{"active, end passed", "active", "", day(-1), false, 0, "completed"},
		{"paused, end passed", "paused_no_inventory", "", day(-1), true, 0, "completed"},
		{"active, end ahead", "active", day(-5), day(1), false, 0, "active"},
		{"completed stays completed", "completed", "", day(-1), false, 0, "completed"},
	}
	col, err := app.FindCollectionByNameOrId(touch.Collection)
	if err != nil {
		t.Fatal(err)
	}
	ids := make([]string, len(cases))
	for i, c := range cases {
		r := core.NewRecord(col)
		r.Load(map[string]any{"name": c.name, "cost": 100, "status": c.status, "starts_at": c.starts, "ends_at": c.ends,
			"track_inventory": c.track, "inventory": c.inventory})
		if err := app.Save(r); err != nil {
			t.Fatal(err)
		}
		ids[i] = r.Id
	}
	n, err := touch.ApplyDates(app, now)
	if err != nil {
		t.Fatal(err)
	}
	changed := 0
	for i, c := range cases {
		got, err := touch.Find(app, ids[i])
		if err != nil {
			t.Fatal(err)
		}
		if string(got.Status()) != c.want {
			t.Errorf("%s: status %s, want %s", c.name, got.Status(), c.want)
		}
		if got.Status() != touch.Status(c.status) {
			changed++
			var audited int
			err := app.DB().NewQuery(`SELECT COUNT(*) FROM audit_log WHERE target_id = {:id} AND actor_email = 'system'
				AND action IN ('touch.activate', 'touch.complete') AND json_extract(before, '$.status') = {:from}
				AND json_extract(after, '$.status') = {:to}`).
				Bind(dbx.Params{"id": ids[i], "from": c.status, "to": c.want}).Row(&audited)
			if err != nil || audited != 1 {
				t.Errorf("%s: %d audit entries (%v), want 1", c.name, audited, err)
			}
		}
	}
	if n != changed {
		t.Errorf("ApplyDates reported %d changes, %d touches changed", n, changed)
	}
	if n, err := touch.ApplyDates(app, now); err != nil || n != 0 {
		t.Errorf("second run: %d changes (%v), want 0", n, err)
	}
}

// dt is t as PocketBase stores a datetime.
func dt(t time.Time) string {
	d, _ := types.ParseDateTime(t)
	return d.String()
}
