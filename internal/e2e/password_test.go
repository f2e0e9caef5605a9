package e2e_test

import (
	"net/url"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"teamfund/internal/e2e"
	"teamfund/internal/testutil"
)

// TestForgotPassword: a member who forgot their password asks for a link on the sign-in
// page, the admin copies it from the outbox (no SMTP here), the member chooses a new
// password on Teamfund's own page and signs in with it.
func TestForgotPassword(t *testing.T) {
	s := e2e.Start(t)
	f := testutil.Fixtures(t)
	member := s.NewBrowser(t)
	e2e.Do(t, member,
		chromedp.Navigate(s.URL+"/login"),
		chromedp.WaitVisible(css(`#forgot-password`)),
		chromedp.Click(css(`#forgot-password`)),
		chromedp.WaitVisible(css(`#reset-request-form input[name=email]`)),
		chromedp.SendKeys(css(`#reset-request-form input[name=email]`), f.Emails["memberA"]),
		chromedp.Click(css(`#reset-request-form button[type=submit]`)),
	)
	waitUntil(t, member, `!!document.querySelector("#reset-sent")`)
	e2e.Screenshot(t, member, "password-1-link-requested")

	admin := s.NewBrowser(t)
	e2e.Login(t, admin, s, "admin")
	e2e.Do(t, admin,
		chromedp.Navigate(s.URL+"/outbox"),
		chromedp.WaitVisible(css(`#outbox tbody a`)),
		chromedp.Click(css(`#outbox tbody a`)),
		chromedp.WaitVisible(css(`input.mail-link`)),
	)
	link := e2e.Get(t, admin, chromedp.Value(css(`input.mail-link`)))
	u, err := url.Parse(link)
	if err != nil || !strings.HasPrefix(u.Path, "/password-reset/") {
		t.Fatalf("no password link in the outbox: %q (%v)", link, err)
	}

	e2e.Do(t, member,
		chromedp.Navigate(s.URL+u.Path),
		chromedp.WaitVisible(css(`#reset-form`)),
		chromedp.SendKeys(css(`#reset-form input[name=password]`), "my new password"),
		chromedp.SendKeys(css(`#reset-form input[name=password_confirm]`), "my new password"),
	)
	e2e.Screenshot(t, member, "password-2-choose-new")
	e2e.Do(t, member, chromedp.Click(css(`#reset-form button[type=submit]`)))
	waitUntil(t, member, onPage("/login"))
	e2e.Screenshot(t, member, "password-3-changed")
	e2e.Do(t, member,
		chromedp.SendKeys(css(`input[name=email]`), f.Emails["memberA"]),
		chromedp.SendKeys(css(`input[name=password]`), "my new password"),
		chromedp.Submit(css(`input[name=password]`)),
	)
	waitUntil(t, member, onPage("/"))
	e2e.Do(t, member, chromedp.WaitVisible(css(`#dashboard`)))
}
