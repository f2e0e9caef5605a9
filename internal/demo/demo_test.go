package demo_test

import (
	"github.com/pocketbase/dbx"
	"math/rand/v2"
	"testing"
	"time"

	"teamfund/internal/demo"
	"teamfund/internal/ledger"
	"teamfund/internal/testutil"
)

func TestMain(m *testing.M) { testutil.Main(m) }

func TestDemoLoadsConsistentDataOnce(t *testing.T) {
	app := testutil.NewEmptyApp(t)
	defer app.Cleanup()
	opt := demo.Options{Password: "demo-password", Now: time.Date(2026, 11, 25, 12, 0, 0, 0, time.UTC), Rand: rand.New(rand.NewPCG(1, 2))}
	res, err := demo.Load(app, opt)
	if err != nil {
		t.Fatal(err)
	}
	if res.Teams != 4 || res.Users < 25 || res.Sends == 0 || res.Touches == 0 {
		t.Errorf("got %+v, want 4 teams, ~30 users, some touches and sends", res)
	}
	for _, role := range []string{"owner", "admin", "manager", "member"} {
		if n, _ := app.CountRecords("users", dbx.HashExp{"role": role}); n == 0 {
			t.Errorf("no %s", role)
		}
	}
	if bad, err := ledger.Reconcile(app); err != nil || len(bad) > 0 {
		t.Errorf("ledger does not reconcile: %v %+v", err, bad)
	}
	if _, err := demo.Load(app, opt); err != demo.ErrHasData {
		t.Errorf("second load: got %v, want ErrHasData", err)
	}
}
