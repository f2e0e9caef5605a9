package e2e_test

import (
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/pocketbase/pocketbase/core"

	"teamfund/internal/e2e"
	"teamfund/internal/ledger"
	"teamfund/internal/testutil"
)

// TestFormsValidateThenConfirmInWordsThenSendOnce uses the admin's "Move money" form: Move
// with empty fields marks each field inline (ui/forms.js: the message under it names the
// field and the reason, the focus goes to the first), opens no dialog and sends nothing;
// filled in, the dialog names the amount and both people by name; confirmed, the button
// shows a spinner and a second submit of the same form is stopped, so the money moves once.
func TestFormsValidateThenConfirmInWordsThenSendOnce(t *testing.T) {
	s := e2e.Start(t)
	f := testutil.Fixtures(t)
	s.Seed(t, func(app core.App) error {
		_, err := ledger.Post(app, ledger.Entry{Account: f.ID("memberA"), Amount: 10000, Kind: ledger.KindGrant, Reason: "Welcome budget"})
		return err
	})
	ctx := s.NewBrowser(t)
	e2e.Login(t, ctx, s, "admin")
	move := `#move-form button[type=submit]`
	e2e.Do(t, ctx, chromedp.Navigate(s.URL+"/money/admin"), chromedp.WaitVisible(css(move)), chromedp.Click(css(move)))
	time.Sleep(800 * time.Millisecond) // the dialog would be fading in by now
	e2e.Do(t, ctx, chromedp.Evaluate[chromedp.Void](`window.notSent = true`))
	checkInlineErrors(t, ctx, "#move-form", map[string]string{
		"from":   "From: type a few letters and pick one from the list.",
		"to":     "To: type a few letters and pick one from the list.",
		"amount": "Amount cannot be blank.",
		"reason": "Reason cannot be blank.",
	}, "move-from")
	e2e.Screenshot(t, ctx, "forms-1-empty-move-form")

	e2e.Do(t, ctx,
		chromedp.SendKeys(css(`#move-form [name=from]`), f.Emails["memberA"]),
		chromedp.SendKeys(css(`#move-form [name=to]`), f.Emails["memberA2"]),
		chromedp.SendKeys(css(`#move-form [name=amount]`), "25"),
		chromedp.SendKeys(css(`#move-form [name=reason]`), "Moved once"),
	)
	// Each field says it is fixed as soon as it is, and nothing was sent meanwhile.
	if n := e2e.Get(t, ctx, chromedp.Evaluate[int](`window.notSent ? document.querySelectorAll("#move-form .is-invalid, #move-form .field-error").length : -1`)); n != 0 {
		t.Errorf("after filling the form in, %d marks remain (-1: the form was sent)", n)
	}
	// The people pickers' lists know both names (the search answers as one types).
	for id, key := range map[string]string{"move-from-people": "memberA", "move-to-people": "memberA2"} {
		waitUntil(t, ctx, `[...document.querySelectorAll("#`+id+` option")].some(o => o.value === "`+f.Emails[key]+`")`)
	}
	e2e.Do(t, ctx, chromedp.Click(css(move)))
	e2e.WaitDialogShown(t, ctx)
	e2e.Screenshot(t, ctx, "forms-2-confirm-in-words")
	want := "Move $25.00 from Max Member to Mona Member"
	if msg := e2e.Text(t, ctx, `#confirm-message`); !strings.Contains(msg, want) {
		t.Errorf("the dialog asks %q, want it to say %q", msg, want)
	}
	// Confirm, then submit the same form again at once, as a double click would.
	spinner := e2e.Get(t, ctx, chromedp.Evaluate[bool](`document.getElementById("confirm-accept").click();
		document.getElementById("move-form").requestSubmit();
		!!document.querySelector("#move-form .is-submitting [data-submit-spinner]")`))
	if !spinner {
		t.Error("the submitted form's button shows no spinner")
	}
	waitUntil(t, ctx, `!!document.querySelector(".flash.ok")`)
	e2e.Screenshot(t, ctx, "forms-3-moved")
	s.Seed(t, func(app core.App) error {
		var n int
		if err := app.DB().NewQuery("SELECT COUNT(*) FROM ledger_entries WHERE reason = 'Moved once'").Row(&n); err != nil {
			return err
		}
		if n != 2 {
			t.Errorf("the move wrote %d ledger entries, want 2 (one debit, one credit): sent more than once?", n)
		}
		return nil
	})
}
