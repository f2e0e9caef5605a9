package e2e_test

import (
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"teamfund/internal/e2e"
)

// TestTourEveryMenuPage signs in as each role, opens every page of its menu, and saves a
// screenshot of each (artifacts/screenshots/tour-<role>-<page>.png): no page may fail.
func TestTourEveryMenuPage(t *testing.T) {
	s := e2e.Start(t)
	for _, who := range []string{"owner", "managerA", "memberA"} {
		t.Run(who, func(t *testing.T) {
			ctx := s.NewBrowser(t)
			e2e.Login(t, ctx, s, who)
			links := e2e.Get(t, ctx, chromedp.Evaluate[[]string](
				`Array.from(document.querySelectorAll('#sidebar-menu a.nav-link[href^="/"]')).map(a => a.getAttribute('href'))`))
			if len(links) == 0 {
				t.Fatal("no menu links")
			}
			for _, href := range links {
				e2e.Do(t, ctx, chromedp.Navigate(s.URL+href), chromedp.WaitVisible(chromedp.CSS("main")))
				body := e2e.Text(t, ctx, "main")
				for _, bad := range []string{"Something went wrong", "Internal Server Error", "Forbidden", "Not Found"} {
					if strings.Contains(body, bad) {
						t.Errorf("%s as %s shows %q", href, who, bad)
					}
				}
				name := strings.Trim(strings.ReplaceAll(href, "/", "-"), "-")
				if name == "" {
					name = "dashboard"
				}
				e2e.Screenshot(t, ctx, "tour-"+who+"-"+name)
			}
		})
	}
}
