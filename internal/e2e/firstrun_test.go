package e2e_test

import (
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"teamfund/internal/e2e"
)

type css = chromedp.CSS

func TestFirstRunSetupThenLoginShowsDashboard(t *testing.T) {
	s := e2e.StartEmpty(t)
	ctx := s.NewBrowser(t)
	e2e.Do(t, ctx,
		chromedp.Navigate(s.URL+"/"),
		chromedp.WaitVisible(css(`input[name=company_name]`)),
	)
	e2e.Screenshot(t, ctx, "firstrun-1-setup-form")
	e2e.Do(t, ctx,
		chromedp.SendKeys(css(`input[name=company_name]`), "Acme Outreach"),
		chromedp.SendKeys(css(`input[name=owner_name]`), "Olivia Owner"),
		chromedp.SendKeys(css(`input[name=email]`), "Olivia@Acme.com"),
		chromedp.SendKeys(css(`input[name=password]`), "short"),
		chromedp.SendKeys(css(`input[name=password_confirm]`), "short"),
		chromedp.Click(css(`form[action="/setup"] button[type=submit]`)),
	)
	waitUntil(t, ctx, `!!document.querySelector(".field-error")`)
	e2e.Screenshot(t, ctx, "firstrun-2-validation")
	checkFitsInPlace(t, ctx, "setup-with-errors")
	e2e.Do(t, ctx,
		chromedp.SendKeys(css(`input[name=password]`), "password123"),
		chromedp.SendKeys(css(`input[name=password_confirm]`), "password123"),
		chromedp.Click(css(`form[action="/setup"] button[type=submit]`)),
	)
	waitUntil(t, ctx, `!!document.querySelector("#dashboard")`)
	if heading := e2e.Text(t, ctx, `h1.page-title`); !strings.Contains(heading, "Olivia Owner") {
		t.Fatalf("dashboard heading = %q, want the owner's name", heading)
	}
	// The owner's first sign-in starts the guided tour; skip it.
	e2e.Do(t, ctx, chromedp.WaitVisible(css(`.tf-tour-skip`)), chromedp.Click(css(`.tf-tour-skip`)))
	waitUntil(t, ctx, `!document.querySelector(".driver-popover")`)
	e2e.SignOut(t, ctx)
	waitUntil(t, ctx, `!!document.querySelector("input[name=email]")`)
	e2e.Do(t, ctx,
		chromedp.SendKeys(css(`input[name=email]`), "olivia@acme.com"),
		chromedp.SendKeys(css(`input[name=password]`), "password123"),
		chromedp.Click(css(`form[action="/login"] button[type=submit]`)),
	)
	waitUntil(t, ctx, `!!document.querySelector("#dashboard")`)
	if footer := e2e.Text(t, ctx, `footer.app`); !strings.Contains(footer, "Owner") {
		t.Errorf("footer = %q, want the Owner role", footer)
	}
	e2e.Screenshot(t, ctx, "firstrun-3-dashboard")

	e2e.Do(t, ctx, chromedp.Navigate(s.URL+"/setup"), chromedp.WaitVisible(css(`#dashboard`)))
	if loc := e2e.Get(t, ctx, chromedp.Location()); strings.HasSuffix(loc, "/setup") {
		t.Errorf("the setup form is still reachable after setup: %s", loc)
	}
}

func TestFixtureMemberSeesOwnDashboard(t *testing.T) {
	s := e2e.Start(t)
	ctx := s.NewBrowser(t)
	e2e.Login(t, ctx, s, "memberA")
	if text := e2e.Text(t, ctx, `main`); !strings.Contains(text, "Alpha") || !strings.Contains(text, "$0.00") {
		t.Errorf("dashboard = %q, want team Alpha and balance $0.00", text)
	}
	e2e.Screenshot(t, ctx, "member-dashboard")
}
