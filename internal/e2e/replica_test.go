package e2e_test

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"teamfund/internal/e2e"
)

// TestSettingsPageShowsTheReplica serves with a folder replica (a long path, as a mounted
// disk's often is): the owner's settings page says the replica is ok, names it and the
// uploaded files row, fits 1280 and 390 px windows and passes axe.
func TestSettingsPageShowsTheReplica(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "mnt", "second-disk-for-teamfund-replication", "acme-production-server")
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	t.Setenv("TEAMFUND_REPLICA", dir)
	s := e2e.Start(t)
	for _, width := range []int{1280, 390} {
		t.Run(fmt.Sprintf("owner at %d px", width), func(t *testing.T) {
			ctx := e2e.NewBrowser(t)
			e2e.Do(t, ctx, chromedp.EmulateViewport(int64(width), 844))
			e2e.Login(t, ctx, s, "owner")
			deadline := time.Now().Add(30 * time.Second)
			var card string
			for {
				e2e.Do(t, ctx, chromedp.Navigate(s.URL+"/settings"), chromedp.WaitVisible("#replica-status"))
				card = e2e.Text(t, ctx, "#replica-status")
				if strings.TrimSpace(e2e.Text(t, ctx, "#replica-state")) == "OK" || time.Now().After(deadline) {
					break
				}
				time.Sleep(500 * time.Millisecond)
			}
			for _, want := range []string{"OK", "Every change is copied", "acme-production-server", "Uploaded files", "copied, last at"} {
				if !strings.Contains(card, want) {
					t.Errorf("the replication card lacks %q: %q", want, card)
				}
			}
			e2e.Screenshot(t, ctx, fmt.Sprintf("settings-replica-%d", width))
			if wide := e2e.Get(t, ctx, chromedp.Evaluate[int](`document.documentElement.scrollWidth - window.innerWidth`)); wide > 1 {
				t.Errorf("/settings is %d px wider than the %d px window", wide, width)
			}
			for _, v := range e2e.Axe(t, ctx) {
				t.Errorf("/settings: axe: %s", v)
			}
		})
	}
}
