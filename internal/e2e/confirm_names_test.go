package e2e_test

import (
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"teamfund/internal/e2e"
	"teamfund/internal/testutil"
)

// TestConfirmationsNameThePerson: on a user's page the owner's deactivate, ownership
// transfer and delete questions name the person by name, never by email; the delete
// question also names the successor picked in the searchable picker. Escape answers each.
func TestConfirmationsNameThePerson(t *testing.T) {
	s := e2e.Start(t)
	f := testutil.Fixtures(t)
	ctx := s.NewBrowser(t)
	e2e.Login(t, ctx, s, "owner")
	e2e.Do(t, ctx, chromedp.Navigate(s.URL+"/users/"+f.ID("memberA")), chromedp.WaitVisible(css(`#lock button`)))
	ask := func(button, want, shot string) {
		t.Helper()
		e2e.Do(t, ctx, chromedp.Click(css(button)))
		e2e.WaitDialogShown(t, ctx)
		msg := e2e.Text(t, ctx, `#confirm-message`)
		if !strings.Contains(msg, want) || strings.Contains(msg, "@") {
			t.Errorf("%s asks %q, want %q (by name, no email)", button, msg, want)
		}
		e2e.Screenshot(t, ctx, shot)
		e2e.Do(t, ctx, chromedp.KeyEvent("\x1b"))
		waitUntil(t, ctx, `!document.querySelector("#confirm-modal.show") && !document.querySelector(".modal-backdrop")`)
	}
	ask(`#lock button`, "Deactivate Max Member?", "confirm-names-deactivate")
	ask(`#transfer-ownership button`, "Make Max Member the owner?", "confirm-names-transfer")
	e2e.Do(t, ctx, chromedp.SendKeys(css(`#successor`), f.Emails["memberA2"]))
	waitUntil(t, ctx, `[...document.querySelectorAll("#successor-people option")].some(o => o.value === "`+f.Emails["memberA2"]+`")`)
	ask(`#delete-user button[type=submit]`, "Delete Max Member permanently? Their sends pass to Mona Member.", "confirm-names-delete")
}
