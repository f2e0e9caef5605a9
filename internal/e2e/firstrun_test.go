package e2e_test

import (
	"io"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"teamfund/internal/e2e"
	"teamfund/internal/testutil"
)

type css = chromedp.CSS

func TestFirstRunSetupThenLoginShowsDashboard(t *testing.T) {
	s := e2e.StartEmpty(t)
	link := s.SetupLink(t, 0)
	if console := s.ConsoleOutput(t); strings.Contains(console, "pbinstal") || !strings.HasPrefix(console, "Teamfund is not set up yet.") {
		t.Errorf("the console's first message is not the setup link:\n%s", console)
	}
	ctx := s.NewBrowser(t)
	// Whoever reaches a new server without the link finds no form.
	e2e.Do(t, ctx,
		chromedp.Navigate(s.URL+"/"),
		chromedp.WaitVisible(css(`h1`)),
	)
	if text := e2e.Text(t, ctx, `main`); !strings.Contains(text, "waiting to be set up") {
		t.Fatalf("a visitor without the setup link sees %q", text)
	}
	e2e.Screenshot(t, ctx, "firstrun-0-locked")
	e2e.Do(t, ctx,
		chromedp.Navigate(link),
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
	if heading := e2e.Text(t, ctx, `h1.page-title`); !strings.Contains(heading, "Acme Outreach") {
		t.Fatalf("dashboard heading = %q, want the company's overview", heading)
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

// TestSetupLinkCommandReplacesTheLink: `teamfund setup-link` prints a new working link
// while the server runs, the console's earlier link dies, the new one dies once used, and
// once a company exists the command refuses.
func TestSetupLinkCommandReplacesTheLink(t *testing.T) {
	s := e2e.StartEmpty(t)
	first := s.SetupLink(t, 0)
	out, ok := run(t, "setup-link", "--dir", s.DataDir, "--url", s.URL)
	if !ok {
		t.Fatalf("setup-link: %s", out)
	}
	second := strings.TrimSpace(strings.SplitN(out, "\n", 2)[0])
	if !strings.HasPrefix(second, s.URL+"/setup?token=") || second == first {
		t.Fatalf("setup-link printed %q, want a new link on %s", second, s.URL)
	}
	if status, _ := get(t, first); status != http.StatusForbidden {
		t.Errorf("the console's earlier link: %d, want 403 once a new one was made", status)
	}
	status, body := get(t, second)
	if status != http.StatusOK || !strings.Contains(body, `name="company_name"`) {
		t.Fatalf("the new link: %d, want the setup form", status)
	}
	token := strings.TrimPrefix(second, s.URL+"/setup?token=")
	form := url.Values{"company_name": {"Acme"}, "owner_name": {"Olivia"}, "email": {"olivia@acme.com"},
		"password": {"password123"}, "password_confirm": {"password123"}, "token": {token}, "csrf_token": {testutil.CSRF}}
	req, _ := http.NewRequest(http.MethodPost, s.URL+"/setup", strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Cookie", "tf_csrf="+testutil.CSRF)
	res, err := (&http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}).Do(req)
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	if res.StatusCode != http.StatusSeeOther {
		t.Fatalf("setup through the new link: %d, want 303", res.StatusCode)
	}
	if out, ok := run(t, "setup-link", "--dir", s.DataDir); ok || !strings.Contains(out, "already set up") {
		t.Errorf("setup-link on a set-up server: ok=%v %q", ok, out)
	}
}

func get(t *testing.T, u string) (int, string) {
	t.Helper()
	res, err := (&http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}).Get(u)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	return res.StatusCode, string(b)
}
