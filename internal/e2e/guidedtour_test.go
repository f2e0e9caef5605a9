package e2e_test

import (
	"context"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
	"github.com/pocketbase/pocketbase/core"

	"teamfund/internal/e2e"
	"teamfund/internal/testutil"
)

// TestGuidedTourOnFirstSignIn: a member's first sign-in starts the tour on the dashboard;
// skipping it is remembered (the next visit shows none); the user menu's "Take the tour"
// starts it again, also from another page.
func TestGuidedTourOnFirstSignIn(t *testing.T) {
	s := e2e.Start(t)
	f := testutil.Fixtures(t)
	s.Seed(t, func(app core.App) error {
		_, err := app.DB().NewQuery("UPDATE users SET tour_seen = '' WHERE id = {:id}").Bind(map[string]any{"id": f.ID("memberA")}).Execute()
		return err
	})
	ctx := s.NewBrowser(t)
	e2e.Login(t, ctx, s, "memberA")

	e2e.Do(t, ctx, chromedp.WaitVisible(css(`.driver-popover`)))
	if title := e2e.Text(t, ctx, `.driver-popover-title`); title != "Your balance" {
		t.Errorf("first step = %q, want Your balance", title)
	}
	e2e.Screenshot(t, ctx, "guided-tour-1-balance")
	e2e.Do(t, ctx, chromedp.Click(css(`.driver-popover-next-btn`)))
	waitUntil(t, ctx, `document.querySelector(".driver-popover-title")?.textContent === "Send a touch"`)
	e2e.Screenshot(t, ctx, "guided-tour-2-send")
	e2e.Do(t, ctx, chromedp.Click(css(`.tf-tour-skip`)))
	waitUntil(t, ctx, `!document.querySelector(".driver-popover")`)

	// Skipping is stored on the server: wait for it, then a new visit shows no tour.
	for i := 0; ; i++ {
		e2e.Do(t, ctx, chromedp.Navigate(s.URL+"/"), chromedp.WaitVisible(css(`#dashboard`)))
		auto := e2e.Get(t, ctx, chromedp.Evaluate[bool](`JSON.parse(document.getElementById("tour-data").textContent).autostart`))
		if !auto {
			break
		}
		if i == 20 {
			t.Fatal("the skipped tour still starts by itself")
		}
	}
	if open := e2e.Get(t, ctx, chromedp.Evaluate[bool](`!!document.querySelector(".driver-popover")`)); open {
		t.Error("the tour opened again after it was skipped")
	}

	// "Take the tour" in the user menu, from another page, starts it again on the dashboard.
	e2e.Do(t, ctx, chromedp.Navigate(s.URL+"/sends"), chromedp.WaitVisible(css(`main`)))
	openUserMenu(t, ctx)
	e2e.Do(t, ctx, chromedp.Click(css(`[data-tour-start]`)), chromedp.WaitVisible(css(`.driver-popover`)))
	if loc := e2e.Get(t, ctx, chromedp.Location()); !strings.Contains(loc, "tour=start") {
		t.Errorf("restarting from /sends went to %s, want the dashboard with tour=start", loc)
	}
	e2e.Screenshot(t, ctx, "guided-tour-3-restarted")
	// Escape closes it, like the skip button.
	e2e.Do(t, ctx, chromedp.KeyEvent("\u001b"))
	waitUntil(t, ctx, `!document.querySelector(".driver-popover")`)
}

// openUserMenu opens the user menu in the header (a Bootstrap dropdown around [data-tour-start]).
func openUserMenu(t *testing.T, ctx context.Context) {
	t.Helper()
	e2e.Do(t, ctx, chromedp.Evaluate[chromedp.Void](`(function () {
		var item = document.querySelector("[data-tour-start]");
		var toggle = item && item.closest(".dropdown, .nav-item").querySelector("[data-bs-toggle=dropdown]");
		if (toggle) toggle.click();
	})()`), chromedp.WaitVisible(css(`[data-tour-start]`)))
}

// TestTourGoesToEachPageAndResumes: a manager's tour opens the page each step talks about
// (Approvals after the dashboard's steps); closed there with ×, it keeps its place, and
// the user menu's "Resume the tour" on another page goes back to that step. A member's
// tour takes other steps.
func TestTourGoesToEachPageAndResumes(t *testing.T) {
	s := e2e.Start(t)
	f := testutil.Fixtures(t)
	s.Seed(t, func(app core.App) error {
		_, err := app.DB().NewQuery("UPDATE users SET tour_seen = '' WHERE id = {:id}").Bind(map[string]any{"id": f.ID("managerA")}).Execute()
		return err
	})
	ctx := s.NewBrowser(t)
	e2e.Login(t, ctx, s, "managerA")
	title := func(want string) {
		t.Helper()
		waitUntil(t, ctx, `document.querySelector(".driver-popover-title")?.textContent === "`+want+`"`)
	}
	title("The month at a glance") // a manager lands on the team's overview
	e2e.Do(t, ctx, chromedp.Click(css(`.driver-popover-next-btn`)))
	title("Send a touch")
	e2e.Do(t, ctx, chromedp.Click(css(`.driver-popover-next-btn`)))
	waitUntil(t, ctx, onPage("/approvals/sends"))
	title("Approvals")
	e2e.Screenshot(t, ctx, "guided-tour-4-manager-on-approvals")

	e2e.Do(t, ctx, chromedp.Click(css(`.driver-popover-close-btn`)))
	waitUntil(t, ctx, `!document.querySelector(".driver-popover")`)
	e2e.Do(t, ctx, chromedp.Navigate(s.URL+"/sends"), chromedp.WaitVisible(css(`main`)))
	openUserMenu(t, ctx)
	if label := e2e.Text(t, ctx, `[data-tour-start]`); !strings.Contains(label, "Resume the tour") {
		t.Errorf("the user menu offers %q after the tour was closed half-way, want Resume the tour", label)
	}
	e2e.Do(t, ctx, chromedp.Click(css(`[data-tour-start]`)))
	waitUntil(t, ctx, onPage("/approvals/sends"))
	title("Approvals")
	e2e.Do(t, ctx, chromedp.Click(css(`.driver-popover-next-btn`)))
	waitUntil(t, ctx, onPage("/invites"))
	title("Invites")
	e2e.Screenshot(t, ctx, "guided-tour-5-manager-resumed-on-invites")
	e2e.Do(t, ctx, chromedp.Click(css(`.tf-tour-skip`)))
	waitUntil(t, ctx, `!document.querySelector(".driver-popover")`)

	member := s.NewBrowser(t)
	e2e.Login(t, member, s, "memberA")
	pages := e2e.Get(t, member, chromedp.Evaluate[[]string](`JSON.parse(document.getElementById("tour-steps").textContent).steps.map(s => s.page)`))
	if got := strings.Join(pages, " "); got != "/ / /money /sends /ledger " {
		t.Errorf("the member's tour visits %q, want the dashboard, money, sends and ledger, then the menu", got)
	}
}
