package e2e_test

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/chromedp/cdproto/browser"
	"github.com/chromedp/chromedp"
	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/core"

	"teamfund/internal/e2e"
	"teamfund/internal/testutil"
)

// TestManagerDownloadsTheFilteredUsersList: a manager filters the Users page by role, the
// Download CSV link follows the filter (HTMX swap), and the file the browser saves holds
// exactly the filtered rows of their team, with the BOM and the non-ASCII name intact.
func TestManagerDownloadsTheFilteredUsersList(t *testing.T) {
	s := e2e.Start(t)
	f := testutil.Fixtures(t)
	s.Seed(t, func(app core.App) error {
		_, err := app.DB().NewQuery("UPDATE users SET name = {:name} WHERE id = {:id}").
			Bind(dbx.Params{"name": "Zoë Ørsted 山田", "id": f.ID("memberA")}).Execute()
		return err
	})

	ctx := s.NewBrowser(t)
	e2e.Login(t, ctx, s, "managerA")
	dir := t.TempDir()
	progress := chromedp.BrowserEvents(ctx, browser.DownloadProgress)
	e2e.Do(t, ctx,
		chromedp.Navigate(s.URL+"/users"),
		chromedp.WaitVisible(css(`#user-table .export-links`)),
		chromedp.SetValue(css(`#user-filters select[name=role]`), "member"),
		chromedp.Func(func(ctx context.Context, _ *chromedp.Target) error {
			// The select's change event is what makes htmx re-fetch the table.
			_, err := chromedp.Run(ctx, chromedp.Evaluate[bool](
				`document.querySelector('#user-filters select[name=role]').dispatchEvent(new Event('change', {bubbles: true}))`))
			return err
		}),
		chromedp.WaitVisible(css(`#user-table a[href="/export/users.csv?role=member"]`)),
	)
	e2e.Screenshot(t, ctx, "export-1-users-filtered-with-download-links")

	events := true
	e2e.Do(t, ctx,
		chromedp.Func(func(ctx context.Context, _ *chromedp.Target) error {
			_, err := chromedp.CallBrowser(ctx, browser.SetDownloadBehavior, browser.SetDownloadBehaviorParams{
				Behavior:         browser.SetDownloadBehaviorBehaviorAllowAndName,
				BrowserContextID: chromedp.FromContext(ctx).BrowserContextID,
				DownloadPath:     dir,
				EventsEnabled:    &events,
			})
			return err
		}),
		chromedp.Click(css(`#user-table a[href="/export/users.csv?role=member"]`)),
	)
	var file string
	for ev, err := range progress {
		if err != nil {
			t.Fatal(err)
		}
		if ev.State == browser.DownloadProgressStateCanceled {
			t.Fatal("the browser cancelled the download")
		}
		if ev.State == browser.DownloadProgressStateCompleted {
			file = filepath.Join(dir, ev.GUID)
			break
		}
	}
	body, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.HasPrefix(body, []byte("\xEF\xBB\xBFEmail,Name,Role")) {
		t.Errorf("download does not start with the BOM and the header: %q", body[:min(40, len(body))])
	}
	text := string(body)
	for _, want := range []string{"member.a@acme.com,Zoë Ørsted 山田,Member", "member.a2@acme.com"} {
		if !strings.Contains(text, want) {
			t.Errorf("download lacks %q:\n%s", want, text)
		}
	}
	for _, notWant := range []string{"manager.a@acme.com", "member.b@acme.com", "owner@acme.com"} {
		if strings.Contains(text, notWant) {
			t.Errorf("download has %q (other role or team):\n%s", notWant, text)
		}
	}
}
