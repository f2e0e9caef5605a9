package e2e_test

import (
	"fmt"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/pocketbase/pocketbase/core"

	"teamfund/internal/company"
	"teamfund/internal/e2e"
	"teamfund/internal/testutil"
)

// TestDemoDataPagesFit loads `teamfund demo` with the built binary, adds the long values
// (40-character names, 60-character touch names, 50-character emails) to its Field Sales
// team, and opens the pages that hold data as the owner, an admin, a manager and a member
// at 1280 and 390 px: no page scrolls sideways and no table scrolls inside its card.
// Screenshots: artifacts/screenshots/demo-*.png; each page's text and button colours
// (for reading the copy): artifacts/text/demo-*.txt.
func TestDemoDataPagesFit(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "pb_data")
	out, err := exec.Command(e2e.Binary(t), "demo", "--dir", dir).CombinedOutput()
	if err != nil {
		t.Fatalf("teamfund demo: %v\n%s", err, out)
	}
	for _, want := range []string{"owner@northwind.example", "admin@northwind.example", `"demo-password"`} {
		if !strings.Contains(string(out), want) {
			t.Errorf("teamfund demo does not print %s:\n%s", want, out)
		}
	}
	s := e2e.StartOn(t, dir)
	s.Seed(t, func(app core.App) error {
		team, err := app.FindFirstRecordByData("teams", "name", "Field Sales")
		if err != nil {
			return err
		}
		sender, err := app.FindAuthRecordByEmail("users", "jonas.becker@northwind.example")
		if err != nil {
			return err
		}
		if err := e2e.SeedLongValues(app, team.Id, sender.Id); err != nil {
			return err
		}
		_, err = app.DB().NewQuery("UPDATE users SET tour_seen = role").Execute()
		return err
	})
	tables := []string{"/", "/sends", "/ledger", "/teams", "/touches", "/money", "/approvals/money"}
	pages := map[string][]string{
		"owner@northwind.example": append([]string{"/users", "/invites", "/audit", "/outbox", "/usage", "/touches/assignments",
			"/settings", "/settings/api-keys", "/webhooks", "/money/admin", "/profile", "/company/close"}, tables...),
		"admin@northwind.example": append([]string{"/users", "/invites", "/approvals/sends", "/approvals/leave", "/audit", "/outbox",
			"/money/team", "/touches/new"}, tables...),
		"maya.fischer@northwind.example": append([]string{"/users", "/invites", "/approvals/sends", "/approvals/leave", "/usage",
			"/touches/assignments", "/money/team", "/sends/new"}, tables...),
		"jonas.becker@northwind.example": append([]string{"/sends/new", "/profile"}, tables...),
	}
	for who, paths := range pages {
		for _, width := range []int{1280, 390} {
			t.Run(fmt.Sprintf("%s at %d px", who, width), func(t *testing.T) {
				ctx := e2e.NewBrowserFor(t, 5*time.Minute)
				e2e.Do(t, ctx, chromedp.EmulateViewport(int64(width), 844))
				e2e.LoginAs(t, ctx, s, who, "demo-password")
				for _, path := range paths {
					e2e.Do(t, ctx, chromedp.Navigate(s.URL+path), chromedp.WaitVisible(css("main")))
					name := fmt.Sprintf("demo-%s-%d-%s", strings.Split(who, "@")[0], width, pageName(path))
					e2e.Screenshot(t, ctx, name)
					if width == 1280 {
						e2e.PageText(t, ctx, name) // the copy, read word by word
					}
					if wide := e2e.Get(t, ctx, chromedp.Evaluate[int](`document.documentElement.scrollWidth - window.innerWidth`)); wide > 1 {
						t.Errorf("%s is %d px wider than the %d px window", path, wide, width)
					}
					checkTablesFit(t, ctx, path, width)
				}
			})
		}
	}
}

// TestDemoAfterSetupPrintsTheOwnerAndAnAdminLogin: on a company set up through the first-run
// form, `teamfund demo` (the built binary) names the owner's login and adds an admin whose
// printed login and password work on the sign-in page.
func TestDemoAfterSetupPrintsTheOwnerAndAnAdminLogin(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "pb_data")
	if out, err := exec.Command(e2e.Binary(t), "migrate", "up", "--dir", dir).CombinedOutput(); err != nil {
		t.Fatalf("migrate up: %v\n%s", err, out)
	}
	(&e2e.Server{DataDir: dir}).Seed(t, func(app core.App) error {
		if err := company.StoreSetupToken(app, testutil.SetupToken); err != nil {
			return err
		}
		_, err := company.Setup(app, company.SetupInput{CompanyName: "Acme GmbH", OwnerName: "Olivia Owner",
			Email: "olivia@acme.example", Password: "owner-password", PasswordConfirm: "owner-password", Token: testutil.SetupToken,
			Currency: "EUR", Timezone: "Europe/Berlin"})
		return err
	})
	out, err := exec.Command(e2e.Binary(t), "demo", "--dir", dir).CombinedOutput()
	if err != nil {
		t.Fatalf("teamfund demo: %v\n%s", err, out)
	}
	for _, want := range []string{`(password "demo-password")`, "olivia@acme.example (owner", "admin@northwind.example (admin)"} {
		if !strings.Contains(string(out), want) {
			t.Errorf("teamfund demo after setup does not print %q:\n%s", want, out)
		}
	}
	s := e2e.StartOn(t, dir)
	ctx := s.NewBrowser(t)
	e2e.LoginAs(t, ctx, s, "admin@northwind.example", "demo-password")
}
