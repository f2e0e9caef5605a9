package cronjob_test

import (
	"errors"
	"sync"
	"testing"

	"github.com/pocketbase/pocketbase/tests"

	"teamfund/internal/cronjob"
)

func run(t *testing.T, app *tests.TestApp, id string) {
	t.Helper()
	for _, j := range app.Cron().Jobs() {
		if j.Id() == id {
			j.Run()
			return
		}
	}
	t.Fatalf("no cron job %s", id)
}

// TestJobsSurvivePanicsAndDoNotOverlap: a panicking run is recovered (the next run happens),
// and a run that starts while the previous one is still going is skipped.
func TestJobsSurvivePanicsAndDoNotOverlap(t *testing.T) {
	app, err := tests.NewTestApp()
	if err != nil {
		t.Fatal(err)
	}
	defer app.Cleanup()

	calls := 0
	cronjob.Add(app, "panics", "* * * * *", "test job", func() error {
		calls++
		if calls == 1 {
			panic("boom")
		}
		return errors.New("fails")
	})
	run(t, app, "panics")
	run(t, app, "panics")
	if calls != 2 {
		t.Errorf("%d runs after a panic, want 2", calls)
	}

	started, release := make(chan struct{}), make(chan struct{})
	var mu sync.Mutex
	runs := 0
	cronjob.Add(app, "slow", "* * * * *", "slow job", func() error {
		mu.Lock()
		runs++
		mu.Unlock()
		close(started)
		<-release
		return nil
	})
	done := make(chan struct{})
	go func() { run(t, app, "slow"); close(done) }()
	<-started
	run(t, app, "slow") // overlaps the first: skipped
	close(release)
	<-done
	if runs != 1 {
		t.Errorf("%d runs, want 1 (the overlapping one skipped)", runs)
	}
}
