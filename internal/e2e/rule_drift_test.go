package e2e_test

import (
	"fmt"
	"net/http"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"teamfund/internal/e2e"
	"teamfund/internal/testutil"
)

// TestChangedRuleWarning: a superuser empties the ledger's list rule in the dashboard
// (through the collections API it uses); the owner's pages then carry a warning naming the
// rule with the shipped one, which fits at 1280 and 390 px, and members see none.
// Screenshots: artifacts/screenshots/rule-drift-*.png.
func TestChangedRuleWarning(t *testing.T) {
	s := e2e.Start(t)
	f := testutil.Fixtures(t)
	req, err := http.NewRequest(http.MethodPatch, s.URL+"/api/collections/ledger_entries", strings.NewReader(`{"listRule":""}`))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Authorization", f.Token("superuser"))
	req.Header.Set("Content-Type", "application/json")
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	if res.StatusCode != http.StatusOK {
		t.Fatalf("emptying the rule as a superuser: %d", res.StatusCode)
	}
	for _, width := range []int64{1280, 390} {
		ctx := s.NewBrowser(t)
		e2e.Do(t, ctx, chromedp.EmulateViewport(width, 844))
		e2e.Login(t, ctx, s, "owner")
		e2e.Do(t, ctx, chromedp.Navigate(s.URL+"/users"), chromedp.WaitVisible(css(`#rule-drift`)))
		text := e2e.Text(t, ctx, "#rule-drift")
		if !strings.Contains(text, "ledger_entries · listRule") || !strings.Contains(text, "anyone, even signed out") ||
			!strings.Contains(text, "account = @request.auth.id") {
			t.Errorf("the warning does not name the rule and the shipped one: %q", text)
		}
		e2e.Screenshot(t, ctx, fmt.Sprintf("rule-drift-owner-%d", width))
		if wide := e2e.Get(t, ctx, chromedp.Evaluate[int](`document.documentElement.scrollWidth - window.innerWidth`)); wide > 1 {
			t.Errorf("the page with the warning is %d px wider than the %d px window", wide, width)
		}
	}
	ctx := s.NewBrowser(t)
	e2e.Login(t, ctx, s, "memberA")
	e2e.Do(t, ctx, chromedp.Navigate(s.URL+"/"), chromedp.WaitVisible(css(`main`)))
	if n := e2e.Get(t, ctx, chromedp.Evaluate[int](`document.querySelectorAll('#rule-drift').length`)); n != 0 {
		t.Error("a member sees the rule warning")
	}
}
