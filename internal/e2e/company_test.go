package e2e_test

import (
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"teamfund/internal/e2e"
	"teamfund/internal/testutil"
)

// TestOwnerClosesTheCompany: from the settings page the owner opens "Close the company",
// sees what goes and the download, is refused with a wrong password (message by the field,
// name kept), then closes it and lands on the first-run setup. Screenshots at 1280 and 390 px.
func TestOwnerClosesTheCompany(t *testing.T) {
	s := e2e.Start(t)
	b := s.NewBrowser(t)
	e2e.Login(t, b, s, "owner")
	e2e.Do(t, b,
		chromedp.Navigate(s.URL+"/settings"),
		chromedp.Click(css(`#close-company-link`)),
		chromedp.WaitVisible(css(`#close-form`)),
	)
	e2e.Screenshot(t, b, "company-close-1280")
	e2e.Do(t, b, chromedp.EmulateViewport(390, 844), chromedp.Reload(), chromedp.WaitVisible(css(`#close-form`)))
	e2e.Screenshot(t, b, "company-close-390")
	if w := e2e.Get(t, b, chromedp.Evaluate[float64](`document.documentElement.scrollWidth`)); w > 390 {
		t.Errorf("the close page scrolls sideways at 390 px (%v px wide)", w)
	}
	e2e.Do(t, b,
		chromedp.EmulateViewport(1280, 900),
		chromedp.SendKeys(css(`#close-name`), "Acme"),
		chromedp.SendKeys(css(`#close-password`), "wrong-password"),
		chromedp.Click(css(`#close-submit`)),
		chromedp.WaitVisible(css(`#close-password[aria-invalid="true"]`)),
	)
	e2e.Screenshot(t, b, "company-close-wrong-password")
	if got := e2e.Text(t, b, `#close-form`); !strings.Contains(got, "That is not your password.") {
		t.Errorf("form after a wrong password: %q", got)
	}
	if v := e2e.Get(t, b, chromedp.Value(css(`#close-name`))); v != "Acme" {
		t.Errorf("company name field = %q, want what was typed", v)
	}
	e2e.Do(t, b,
		chromedp.SendKeys(css(`#close-password`), testutil.Password),
		chromedp.Click(css(`#close-submit`)),
		chromedp.WaitVisible(css(`h1`)),
	)
	if loc := e2e.Get(t, b, chromedp.Location()); !strings.HasSuffix(loc, "/setup") {
		t.Errorf("after closing: %s, want /setup", loc)
	}
	// The closed server opens its setup form only through the new link on its console.
	if text := e2e.Text(t, b, `main`); !strings.Contains(text, "waiting to be set up") {
		t.Errorf("after closing, a visitor without the link sees %q", text)
	}
	e2e.Do(t, b, chromedp.Navigate(s.SetupLink(t, 0)), chromedp.WaitVisible(css(`form[action="/setup"]`)))
	e2e.Screenshot(t, b, "company-closed-setup")
}
