package e2e_test

import (
	"strconv"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"

	"teamfund/internal/e2e"
)

// TestKeyboardMenusDialogsAndBulkSelection drives the user menu, the confirmation dialog
// and bulk selection with keys only.
func TestKeyboardMenusDialogsAndBulkSelection(t *testing.T) {
	s := e2e.Start(t)
	seedActivity(t, s)

	t.Run("the user menu opens with Enter and its items take the focus with the arrow keys", func(t *testing.T) {
		ctx := s.NewBrowser(t)
		e2e.Login(t, ctx, s, "memberA")
		e2e.Do(t, ctx, chromedp.Focus(css(`#user-menu-button`)), chromedp.KeyEvent(kb.Enter),
			chromedp.WaitVisible(css(`.user-menu .dropdown-menu a[href="/profile"]`)), chromedp.KeyEvent(kb.ArrowDown))
		focused := e2e.Get(t, ctx, chromedp.Evaluate[string](`document.activeElement.textContent.trim()`))
		if !strings.Contains(focused, "My profile") {
			t.Fatalf("focus after ArrowDown is on %q, want My profile", focused)
		}
		e2e.Do(t, ctx, chromedp.KeyEvent(kb.Enter), chromedp.WaitVisible(css(`#profile-form`)))
	})

	t.Run("a destructive button asks in a dialog: Escape keeps the send, Enter on Confirm cancels it", func(t *testing.T) {
		ctx := s.NewBrowser(t)
		e2e.Login(t, ctx, s, "memberA")
		cancel := `#send-rows button[data-confirm]`
		e2e.Do(t, ctx, chromedp.Navigate(s.URL+"/sends?status=pending"), chromedp.WaitVisible(css(cancel)),
			chromedp.Focus(css(cancel)), chromedp.KeyEvent(kb.Enter), chromedp.WaitVisible(css(`#confirm-modal [data-confirm-accept]`)))
		// Once faded in, the dialog puts the focus on its safe answer, Cancel.
		onCancel := `document.activeElement.matches("#confirm-modal.show [data-bs-dismiss=modal]")`
		waitUntil(t, ctx, onCancel)
		e2e.Screenshot(t, ctx, "keyboard-confirm-dialog")
		e2e.Do(t, ctx, chromedp.KeyEvent(kb.Escape))
		// Once closed, the focus is back on the button that opened the dialog.
		waitUntil(t, ctx, `!document.querySelector(".modal-backdrop") && document.activeElement.matches("`+cancel+`")`)
		if n := e2e.Get(t, ctx, chromedp.Evaluate[int](`document.querySelectorAll("#send-rows tbody tr").length`)); n != 1 {
			t.Fatalf("after Escape %d pending sends, want 1", n)
		}
		// Asked again while the dialog still fades out: it opens again once closed.
		e2e.Do(t, ctx, chromedp.Focus(css(cancel)), chromedp.KeyEvent(kb.Enter))
		waitUntil(t, ctx, onCancel)
		e2e.Do(t, ctx, chromedp.KeyEvent(kb.Escape))
		// Click the moment the dialog starts to fade out (it is still on screen then).
		closing := e2e.Get(t, ctx, chromedp.Evaluate[bool](`new Promise(done => {
			const m = document.getElementById("confirm-modal");
			const tick = () => {
				if (m.classList.contains("show")) return requestAnimationFrame(tick);
				document.querySelector("`+cancel+`").click();
				done(m.style.display === "block");
			};
			tick();
		})`, chromedp.EvalAwaitPromise))
		if !closing {
			t.Fatal("the dialog was already gone: the click did not race its closing")
		}
		waitUntil(t, ctx, onCancel)
		e2e.Do(t, ctx, chromedp.KeyEvent(kb.Escape))
		waitUntil(t, ctx, `!document.querySelector(".modal-backdrop") && document.activeElement.matches("`+cancel+`")`)
		e2e.Do(t, ctx, chromedp.Focus(css(cancel)), chromedp.KeyEvent(kb.Enter))
		waitUntil(t, ctx, onCancel)
		e2e.Do(t, ctx, chromedp.KeyEvent(kb.Tab))
		if label := e2e.Get(t, ctx, chromedp.Evaluate[string](`document.activeElement.textContent.trim()`)); label != "Cancel send" {
			t.Fatalf("Tab from Cancel reached %q, want the Cancel send button", label)
		}
		e2e.Do(t, ctx, chromedp.KeyEvent(kb.Enter))
		waitUntil(t, ctx, `location.pathname === "/sends" && !document.querySelector("#send-rows button[data-confirm]")`)
	})

	t.Run("Space selects rows and the bulk bar counts them", func(t *testing.T) {
		ctx := s.NewBrowser(t)
		e2e.Login(t, ctx, s, "managerA")
		e2e.Do(t, ctx, chromedp.Navigate(s.URL+"/users"), chromedp.WaitVisible(css(`tbody input[type=checkbox][name=ids]`)))
		if !e2e.Get(t, ctx, chromedp.Evaluate[bool](`!!document.querySelector("[data-bulk-bar]")`)) {
			t.Fatal("the users page has no bulk bar")
		}
		if visible := e2e.Get(t, ctx, chromedp.Evaluate[bool](`!document.querySelector("[data-bulk-bar]").hidden`)); visible {
			t.Error("the bulk bar shows before anything is selected")
		}
		e2e.Do(t, ctx, chromedp.Focus(css(`tbody input[type=checkbox][name=ids]`)), chromedp.KeyEvent(" "),
			chromedp.WaitVisible(css(`[data-bulk-bar]`)))
		if count := e2e.Text(t, ctx, `[data-bulk-count]`); !strings.Contains(count, "1") {
			t.Errorf("bulk count = %q, want 1 selected", count)
		}
		e2e.Do(t, ctx, chromedp.Focus(css(`input[data-select-all]`)), chromedp.KeyEvent(" "))
		n := e2e.Get(t, ctx, chromedp.Evaluate[int](`document.querySelectorAll("tbody input[type=checkbox][name=ids]").length`))
		if count := e2e.Text(t, ctx, `[data-bulk-count]`); !strings.Contains(count, strconv.Itoa(n)) {
			t.Errorf("after select all: count = %q, want %d", count, n)
		}
	})
}
