package e2e_test

import (
	"context"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"teamfund/internal/e2e"
	"teamfund/internal/testutil"
)

// TestInviteIsAcceptedFromTheOutboxLink: an admin invites someone into Alpha, copies the
// link from the outbox (no SMTP here), and the invitee opens it, sets a password and
// lands on the dashboard as a member of Alpha.
func TestInviteIsAcceptedFromTheOutboxLink(t *testing.T) {
	s := e2e.Start(t)
	f := testutil.Fixtures(t)

	admin := s.NewBrowser(t)
	e2e.Login(t, admin, s, "admin")
	e2e.Do(t, admin,
		chromedp.Navigate(s.URL+"/invites"),
		chromedp.WaitVisible(css(`#invite-button`)),
		chromedp.Click(css(`#invite-button`)),
	)
	// The dialog fades in and then puts the cursor in its first field: type after that.
	waitUntil(t, admin, `document.activeElement && document.activeElement.name === "email"`)
	e2e.Do(t, admin,
		chromedp.SendKeys(css(`#invite-form input[name=email]`), "Nora.Newbie@ACME.com"),
		chromedp.SendKeys(css(`#invite-form input[name=name]`), "Nora Newbie"),
		chromedp.SetValue(css(`#invite-form select[name=team]`), f.ID("alpha")),
	)
	e2e.Screenshot(t, admin, "invites-1-admin-invite-dialog")
	e2e.Do(t, admin, chromedp.Click(css(`#invite-form button[type=submit]`)))
	waitUntil(t, admin, `!!document.querySelector(".flash.ok")`)
	e2e.Do(t, admin, chromedp.WaitVisible(css(`.flash.ok`)))
	if got := e2e.Text(t, admin, `#invite-list tbody`); !strings.Contains(got, "nora.newbie@acme.com") || !strings.Contains(got, "Pending") {
		t.Fatalf("invite list lacks the pending invite: %q", got)
	}
	e2e.Screenshot(t, admin, "invites-2-admin-list")

	e2e.Do(t, admin,
		chromedp.Navigate(s.URL+"/outbox"),
		chromedp.WaitVisible(css(`#outbox tbody a`)),
		chromedp.Click(css(`#outbox tbody a`)),
		chromedp.WaitVisible(css(`input.mail-link`)),
	)
	e2e.Screenshot(t, admin, "invites-3-admin-outbox-message")
	link := e2e.Get(t, admin, chromedp.Value(css(`input.mail-link`)))
	u, err := url.Parse(link)
	if err != nil || !strings.HasPrefix(u.Path, "/invite/") {
		t.Fatalf("no invite link in the outbox: %q (%v)", link, err)
	}
	// The server speaks plain HTTP and no app URL is set: the mailed link must point at
	// the address it listens on, scheme included, or the invitee's browser finds nothing.
	if !strings.HasPrefix(link, s.URL+"/invite/") {
		t.Errorf("mailed link %q does not start with the server's address %s", link, s.URL)
	}

	invitee := s.NewBrowser(t)
	e2e.Do(t, invitee,
		chromedp.Navigate(s.URL+u.Path),
		chromedp.WaitVisible(css(`#accept-form`)),
		chromedp.SendKeys(css(`#accept-form input[name=password]`), "a-new-password"),
		chromedp.SendKeys(css(`#accept-form input[name=password_confirm]`), "a-new-password"),
		chromedp.SendKeys(css(`#accept-form input[name=phone]`), "+1 555 0199"),
	)
	e2e.Screenshot(t, invitee, "invites-4-invitee-accept-form")
	e2e.Do(t, invitee, chromedp.Click(css(`#accept-form button[type=submit]`)))
	waitUntil(t, invitee, onPage("/"))
	e2e.Do(t, invitee, chromedp.WaitVisible(css(`#dashboard`)))
	e2e.Screenshot(t, invitee, "invites-5-invitee-dashboard")
	if got := e2e.Text(t, invitee, `main`); !strings.Contains(got, "Nora Newbie") || !strings.Contains(got, "Alpha") {
		t.Errorf("dashboard does not show the new member in Alpha: %q", got)
	}

	// The link is single use: opening it again shows the invalid-or-expired page.
	again := s.NewBrowser(t)
	e2e.Do(t, again,
		chromedp.Navigate(s.URL+u.Path),
		chromedp.WaitVisible(css(`#invalid-link`)),
	)
}

// TestCSVImportPreviewThenSendAllValid: a manager uploads a CSV, sees the refused rows with
// their line numbers and reasons, and sends the valid ones.
func TestCSVImportPreviewThenSendAllValid(t *testing.T) {
	s := e2e.Start(t)
	csvPath := filepath.Join(t.TempDir(), "people.csv")
	csv := "email,name,role,team\r\n" +
		"ann@acme.com,Ann,member,Alpha\r\n" +
		"member.a@acme.com,Max,member,Alpha\r\n" +
		"not-an-email,Bad,member,Alpha\r\n" +
		"ben@acme.com,Ben,member,Beta\r\n" +
		"ann+x@acme.com,Ann again,,\r\n"
	if err := os.WriteFile(csvPath, []byte(csv), 0o600); err != nil {
		t.Fatal(err)
	}
	manager := s.NewBrowser(t)
	e2e.Login(t, manager, s, "managerA")
	e2e.Do(t, manager,
		chromedp.Navigate(s.URL+"/invites"),
		chromedp.WaitVisible(css(`#csv-upload input[type=file]`)),
		chromedp.SetUploadFiles(css(`#csv-upload input[type=file]`), []string{csvPath}),
		chromedp.Click(css(`#csv-upload button[type=submit]`)),
	)
	waitUntil(t, manager, onPage("/invites/preview"))
	e2e.Do(t, manager, chromedp.WaitVisible(css(`#preview-rows`)))
	e2e.Screenshot(t, manager, "invites-csv-1-preview")
	checkFitsInPlace(t, manager, "invites-csv-preview")
	preview := e2e.Text(t, manager, `#preview-rows`)
	for _, want := range []string{"already a user", "malformed email", "not allowed", "+tag"} {
		if !strings.Contains(preview, want) {
			t.Errorf("preview lacks %q:\n%s", want, preview)
		}
	}
	// The import posts with htmx and replaces the page's content in place.
	e2e.Do(t, manager, chromedp.Click(css(`#csv-import button[type=submit]`)))
	waitUntil(t, manager, `document.querySelector("main h2").textContent === "Invites imported"`)
	e2e.Screenshot(t, manager, "invites-csv-2-imported")
	if got := e2e.Text(t, manager, `#valid-count`); got != "2" {
		t.Errorf("invited %q, want 2", got)
	}
}

// TestInviteKeySignup: a manager creates a join link for their team, and a newcomer signs
// up through it and lands on the dashboard in that team; the key shows one use.
func TestInviteKeySignup(t *testing.T) {
	s := e2e.Start(t)
	manager := s.NewBrowser(t)
	e2e.Login(t, manager, s, "managerA")
	e2e.Do(t, manager,
		chromedp.Navigate(s.URL+"/invites"),
		chromedp.WaitVisible(css(`#key-create button[type=submit]`)),
		chromedp.Click(css(`#key-create button[type=submit]`)),
	)
	waitUntil(t, manager, `!!document.querySelector("#new-key-link")`)
	e2e.Screenshot(t, manager, "invites-key-1-created")
	link := e2e.Get(t, manager, chromedp.Value(css(`#new-key-link`)))
	u, err := url.Parse(link)
	if err != nil || !strings.HasPrefix(u.Path, "/join/") {
		t.Fatalf("no join link: %q (%v)", link, err)
	}

	newcomer := s.NewBrowser(t)
	e2e.Do(t, newcomer,
		chromedp.Navigate(s.URL+u.Path),
		chromedp.WaitVisible(css(`#accept-form input[name=email]`)),
		chromedp.SendKeys(css(`#accept-form input[name=email]`), "Kim@Acme.com"),
		chromedp.SendKeys(css(`#accept-form input[name=name]`), "Kim Keyholder"),
		chromedp.SendKeys(css(`#accept-form input[name=password]`), "a-new-password"),
		chromedp.SendKeys(css(`#accept-form input[name=password_confirm]`), "a-new-password"),
		chromedp.Click(css(`#accept-form button[type=submit]`)),
	)
	waitUntil(t, newcomer, onPage("/"))
	e2e.Do(t, newcomer, chromedp.WaitVisible(css(`#dashboard`)))
	e2e.Screenshot(t, newcomer, "invites-key-2-newcomer-dashboard")
	if got := e2e.Text(t, newcomer, `main`); !strings.Contains(got, "Kim Keyholder") || !strings.Contains(got, "Alpha") {
		t.Errorf("dashboard does not show the newcomer in Alpha: %q", got)
	}
	e2e.Do(t, manager, chromedp.Navigate(s.URL+"/invites"), chromedp.WaitVisible(css(`#keys`)))
	if status, uses := e2e.Text(t, manager, `#keys tbody tr .badge`), e2e.Text(t, manager, `#keys tbody tr td.num`); status != "Active" || uses != "1" {
		t.Errorf("key %s with %s uses, want active with 1", status, uses)
	}
}

// waitUntil asks the tab, in short rounds, until the JavaScript condition is true. Call it
// after a click that submits a form, before querying the new page.
//
// note: a WaitVisible issued while the old document is still current can attach to it and
// then hang once the navigation replaces it (seen with POST responses rendered in place);
// asking in short rounds from Go never holds on to a document.
func waitUntil(t *testing.T, ctx context.Context, condition string) {
	t.Helper()
	deadline := time.Now().Add(30 * time.Second)
	for time.Now().Before(deadline) {
		round, cancel := context.WithTimeout(ctx, 2*time.Second)
		ok, err := chromedp.Run(round, chromedp.Evaluate[bool](`document.readyState === "complete" && (`+condition+`)`))
		cancel()
		if err == nil && ok {
			return
		}
		time.Sleep(100 * time.Millisecond)
	}
	e2e.Screenshot(t, ctx, "failure-"+strings.ReplaceAll(t.Name(), "/", "-"))
	t.Fatalf("timed out waiting for %s; the tab shows %s", condition, tabState(ctx))
}

// tabState says where a tab is and what it shows that could explain a wait that failed:
// its address, title, and any error, alert or toast text.
func tabState(ctx context.Context) string {
	round, cancel := context.WithTimeout(ctx, 5*time.Second)
	defer cancel()
	state, err := chromedp.Run(round, chromedp.Evaluate[string](`location.href + " (" + document.readyState + ", " + document.title + "): " +
		Array.from(document.querySelectorAll(".invalid-feedback, .alert, .toast, .modal.show"))
			.map(e => e.textContent.replace(/\s+/g, " ").trim()).filter(Boolean).join(" | ")`))
	if err != nil {
		return "(unreadable: " + err.Error() + ")"
	}
	return state
}

// onPage is a waitUntil condition: the tab shows path.
func onPage(path string) string { return `location.pathname === "` + path + `"` }
