package e2e_test

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"teamfund/internal/e2e"
	"teamfund/internal/testutil"
)

// layoutWidths are a laptop and a phone (iPhone 12-15 width).
var layoutWidths = []int64{1280, 390}

// TestShellPagesNeverScrollSideways opens the error page and the signed-out pages at 1280
// and 390 px and fails when a page is wider than the window (every signed-in page is
// walked by TestEveryPageFitsAndPassesAxe). Screenshots: artifacts/screenshots/layout-*.png.
func TestShellPagesNeverScrollSideways(t *testing.T) {
	s := e2e.Start(t)
	pagesOf := map[string][]string{
		"owner":   {"/no-such-page"},
		"memberA": {"/no-such-page"},
		"":        {"/login", "/password-reset", "/invite/not-a-token"},
	}
	for _, who := range []string{"owner", "memberA", ""} {
		name := who
		if name == "" {
			name = "signed-out"
		}
		t.Run(name, func(t *testing.T) {
			ctx := s.NewBrowser(t)
			if who != "" {
				e2e.Login(t, ctx, s, who)
			}
			for _, width := range layoutWidths {
				for _, path := range pagesOf[who] {
					checkNoSidewaysScroll(t, ctx, s.URL, path, width, "layout-"+name)
				}
			}
		})
	}
}

// checkNoSidewaysScroll opens path at width and compares the page's width with the window's.
func checkNoSidewaysScroll(t *testing.T, ctx context.Context, base, path string, width int64, prefix string) {
	t.Helper()
	e2e.Do(t, ctx,
		chromedp.EmulateViewport(width, 850),
		chromedp.Navigate(base+path),
		chromedp.WaitVisible(chromedp.CSS("main")),
	)
	sizes := e2e.Get(t, ctx, chromedp.Evaluate[[]int64](`[document.documentElement.scrollWidth, window.innerWidth]`))
	shot := fmt.Sprintf("%s-%d-%s", prefix, width, strings.Trim(strings.ReplaceAll(path, "/", "-"), "-"))
	e2e.Screenshot(t, ctx, shot)
	if sizes[0] > sizes[1] {
		t.Errorf("%s at %d px is %d px wide: the page scrolls sideways (see %s.png)", path, width, sizes[0], shot)
	}
}

// checkFitsInPlace checks the page the tab shows (a form's answer, which a navigation would
// lose) at every layout width, then restores the laptop width.
func checkFitsInPlace(t *testing.T, ctx context.Context, name string) {
	t.Helper()
	for _, width := range layoutWidths {
		e2e.Do(t, ctx, chromedp.EmulateViewport(width, 850))
		sizes := e2e.Get(t, ctx, chromedp.Evaluate[[]int64](`[document.documentElement.scrollWidth, window.innerWidth]`))
		shot := fmt.Sprintf("layout-%s-%d", name, width)
		e2e.Screenshot(t, ctx, shot)
		if sizes[0] > sizes[1] {
			t.Errorf("%s at %d px is %d px wide: the page scrolls sideways (see %s.png)", name, width, sizes[0], shot)
		}
	}
	e2e.Do(t, ctx, chromedp.EmulateViewport(layoutWidths[0], 850))
}

// TestShellMenusWorkUnderTheCSP: Tabler's script runs under the strict Content-Security-
// Policy — the phone menu opens, the user menu drops down, and a destructive button asks
// in the confirmation dialog, which Escape closes without doing anything.
func TestShellMenusWorkUnderTheCSP(t *testing.T) {
	s := e2e.Start(t)
	f := testutil.Fixtures(t)
	ctx := s.NewBrowser(t)
	e2e.Login(t, ctx, s, "admin")
	e2e.Do(t, ctx,
		chromedp.EmulateViewport(390, 850),
		chromedp.Navigate(s.URL+"/teams"),
		chromedp.WaitVisible(css(`.navbar-toggler`)),
		chromedp.Click(css(`.navbar-toggler`)),
		chromedp.WaitVisible(css(`#sidebar-menu a[href="/users"]`)),
	)
	e2e.Screenshot(t, ctx, "shell-phone-menu-open")
	e2e.Do(t, ctx,
		chromedp.Click(css(`#user-menu-button`)),
		chromedp.WaitVisible(css(`#logout`)),
		chromedp.WaitVisible(css(`a.dropdown-item[href="/profile"]`)),
		chromedp.WaitVisible(css(`[data-tour-start]`)),
	)
	e2e.Screenshot(t, ctx, "shell-phone-user-menu")

	e2e.Do(t, ctx,
		chromedp.EmulateViewport(1280, 850),
		chromedp.Navigate(s.URL+"/users/"+f.ID("memberA")),
		chromedp.WaitVisible(css(`#lock button`)),
		chromedp.Click(css(`#lock button`)),
		chromedp.WaitVisible(css(`#confirm-modal #confirm-accept`)),
	)
	if msg := e2e.Text(t, ctx, `#confirm-message`); !strings.Contains(msg, "Deactivate Max Member?") {
		t.Errorf("confirmation asks %q, want the button's question", msg)
	}
	e2e.WaitDialogShown(t, ctx) // Bootstrap ignores Escape while the dialog still opens
	e2e.Screenshot(t, ctx, "shell-confirm-dialog")
	e2e.Do(t, ctx, chromedp.KeyEvent("\x1b")) // Escape
	waitUntil(t, ctx, `!document.querySelector("#confirm-modal.show") && !document.querySelector(".modal-backdrop")`)
	e2e.Do(t, ctx,
		chromedp.Navigate(s.URL+"/users/"+f.ID("memberA")),
		chromedp.WaitVisible(css(`#lock button`)),
	)
	if label := e2e.Text(t, ctx, `#lock button`); !strings.Contains(label, "Deactivate") {
		t.Errorf("after Escape the user is no longer active: button %q", label)
	}
}
