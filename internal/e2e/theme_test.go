package e2e_test

import (
	"context"
	"testing"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/chromedp"

	"teamfund/internal/e2e"
)

// prefersDark emulates the system's colour scheme setting.
func prefersDark(dark bool) chromedp.Action[chromedp.Void] {
	value := "light"
	if dark {
		value = "dark"
	}
	return chromedp.Func(func(ctx context.Context, t *chromedp.Target) error {
		_, err := cdp.Call(ctx, t, emulation.SetEmulatedMedia, emulation.SetEmulatedMediaParams{
			Features: []*emulation.MediaFeature{{Name: "prefers-color-scheme", Value: value}}})
		return err
	})
}

// TestThemeFollowsTheSystemUntilChosenInTheUserMenu: a dark system setting gives the dark
// theme; "Light" in the user menu wins over it and is kept across pages; "System" follows
// the setting again.
func TestThemeFollowsTheSystemUntilChosenInTheUserMenu(t *testing.T) {
	s := e2e.Start(t)
	ctx := s.NewBrowser(t)
	theme := func() string {
		return e2e.Get(t, ctx, chromedp.Evaluate[string](`document.documentElement.getAttribute("data-bs-theme")`))
	}
	e2e.Do(t, ctx, prefersDark(true))
	e2e.Login(t, ctx, s, "memberA")
	if got := theme(); got != "dark" {
		t.Fatalf("with a dark system setting the theme is %q, want dark", got)
	}
	e2e.Screenshot(t, ctx, "theme-1-dark-from-the-system")
	pick := func(choice string) {
		e2e.Do(t, ctx,
			chromedp.Click(css(`#user-menu-button`)),
			chromedp.WaitVisible(css(`[data-theme-set=`+choice+`]`)),
			chromedp.Click(css(`[data-theme-set=`+choice+`]`)),
		)
	}
	pick("light")
	if got := theme(); got != "light" {
		t.Errorf("after choosing Light the theme is %q", got)
	}
	if pressed := e2e.Get(t, ctx, chromedp.Evaluate[string](`document.querySelector("[data-theme-set=light]").getAttribute("aria-pressed")`)); pressed != "true" {
		t.Errorf("the Light button is not shown as chosen (aria-pressed=%q)", pressed)
	}
	e2e.Do(t, ctx, chromedp.Navigate(s.URL+"/sends"), chromedp.WaitVisible(css("main")))
	if got := theme(); got != "light" {
		t.Errorf("on the next page the chosen Light theme became %q", got)
	}
	pick("system")
	if got := theme(); got != "dark" {
		t.Errorf("after choosing System (dark) the theme is %q", got)
	}
	e2e.Screenshot(t, ctx, "theme-2-back-to-the-system")
}
