package e2e_test

import (
	"context"
	"io"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/chromedp"
	"github.com/pocketbase/pocketbase/core"

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
	// The browser is in Berlin: the time zone starts there and says so; the currency starts empty.
	if _, err := chromedp.Call(ctx, emulation.SetTimezoneOverride, emulation.SetTimezoneOverrideParams{TimezoneID: "Europe/Berlin"}); err != nil {
		t.Fatal(err)
	}
	e2e.Do(t, ctx,
		chromedp.Navigate(link),
		chromedp.WaitVisible(css(`input[name=company_name]`)),
	)
	waitUntil(t, ctx, `document.querySelector("input[name=timezone]").value === "Europe/Berlin"`)
	if hint := e2e.Text(t, ctx, `#f-timezone-hint`); !strings.Contains(hint, "from this browser's time zone") {
		t.Errorf("the time zone hint = %q, want it to say the zone came from the browser", hint)
	}
	if currency := e2e.Get(t, ctx, chromedp.Evaluate[string](`document.querySelector("input[name=currency]").value`)); currency != "" {
		t.Errorf("the currency starts as %q, want empty: the owner chooses it", currency)
	}
	e2e.Screenshot(t, ctx, "firstrun-1-setup-form")
	// A short password and no currency: the page says so under both fields before anything
	// is sent (the marker would not survive a round trip to the server).
	e2e.Do(t, ctx,
		chromedp.SendKeys(css(`input[name=company_name]`), "Acme Outreach"),
		chromedp.SendKeys(css(`input[name=owner_name]`), "Olivia Owner"),
		chromedp.SendKeys(css(`input[name=email]`), "Olivia@Acme.com"),
		chromedp.SendKeys(css(`input[name=password]`), "short"),
		chromedp.SendKeys(css(`input[name=password_confirm]`), "short"),
		chromedp.Evaluate[chromedp.Void](`window.notSent = true`),
		chromedp.Click(css(`form[action="/setup"] button[type=submit]`)),
	)
	waitUntil(t, ctx, `!!document.querySelector(".field-error")`)
	e2e.Screenshot(t, ctx, "firstrun-2-validation")
	checkFitsInPlace(t, ctx, "setup-with-errors")
	checkInlineErrors(t, ctx, `form[action="/setup"]`, map[string]string{
		"currency": "Currency: choose one.",
		"password": "Password must be at least 8 characters (now 5).",
	}, "f-currency")
	// A currency that is not in the list is named too; "eur" is written the list's way.
	e2e.Do(t, ctx, chromedp.SendKeys(css(`input[name=currency]`), "XYZ"), chromedp.Click(css(`form[action="/setup"] button[type=submit]`)))
	waitUntil(t, ctx, `document.getElementById("f-currency-error").textContent.includes("not in the list")`)
	// (chromedp.Clear empties the value attribute only, not what was typed.)
	e2e.Do(t, ctx,
		chromedp.Evaluate[chromedp.Void](`["currency", "password", "password_confirm"].forEach(n => document.querySelector("input[name=" + n + "]").value = "")`),
		chromedp.SendKeys(css(`input[name=currency]`), "eur"),
		chromedp.SendKeys(css(`input[name=password]`), "password123"),
		chromedp.SendKeys(css(`input[name=password_confirm]`), "password123"),
	)
	if n := e2e.Get(t, ctx, chromedp.Evaluate[int](`window.notSent ? document.querySelectorAll("form[action='/setup'] .is-invalid").length : -1`)); n != 0 {
		t.Errorf("after the fixes %d fields are still marked (-1: the form was sent)", n)
	}
	e2e.Do(t, ctx, chromedp.Click(css(`form[action="/setup"] button[type=submit]`)))
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
	s.Seed(t, func(app core.App) error {
		c, err := app.FindFirstRecordByFilter("company", "id != ''")
		if err != nil {
			return err
		}
		if c.GetString("currency") != "EUR" || c.GetString("timezone") != "Europe/Berlin" {
			t.Errorf("the company counts in %s at %s, want EUR at Europe/Berlin", c.GetString("currency"), c.GetString("timezone"))
		}
		return nil
	})

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
	form := url.Values{"company_name": {"Acme"}, "currency": {"EUR"}, "timezone": {"Europe/Berlin"}, "owner_name": {"Olivia"}, "email": {"olivia@acme.com"},
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

// checkInlineErrors: the form marks exactly the named fields (Tabler's is-invalid) with
// the given message under each, the first of them (id focus) has the focus, no
// confirmation dialog is open, and the browser's own bubbles are off (novalidate).
func checkInlineErrors(t *testing.T, ctx context.Context, form string, want map[string]string, focus string) {
	t.Helper()
	got := e2e.Get(t, ctx, chromedp.Evaluate[map[string]string](`(() => {
		const out = {};
		document.querySelectorAll(`+"`"+form+` .is-invalid`+"`"+`).forEach(f => {
			const msg = document.getElementById(f.id + "-error") || f.closest(".mb-3, div").querySelector(".field-error");
			out[f.name] = msg ? msg.textContent.trim() : "(no message)";
		});
		const el = document.querySelector(`+"`"+form+"`"+`);
		out["(novalidate)"] = String(el.noValidate);
		out["(focus)"] = document.activeElement ? document.activeElement.id : "";
		out["(dialog)"] = String(!!document.querySelector("#confirm-modal.show"));
		return out;
	})()`))
	for name, msg := range want {
		if got[name] != msg {
			t.Errorf("field %s says %q, want %q", name, got[name], msg)
		}
	}
	for name := range got {
		if _, ok := want[name]; !ok && !strings.HasPrefix(name, "(") {
			t.Errorf("field %s is marked too (%q)", name, got[name])
		}
	}
	if got["(novalidate)"] != "true" {
		t.Error("the browser's own validation bubbles are still on")
	}
	if got["(focus)"] != focus {
		t.Errorf("the focus is on #%s, want the first bad field #%s", got["(focus)"], focus)
	}
	if got["(dialog)"] != "false" {
		t.Error("a confirmation dialog opened for a form with errors")
	}
}
