package web_test

import (
	"encoding/base64"
	"net/http"
	"strings"
	"testing"

	"github.com/pocketbase/pocketbase/tests"

	"teamfund/internal/testutil"
)

// A live fragment (what an open page fetches when an event arrives) must leave the one-time
// flash for the whole page it belongs to: a fragment fetched while the browser follows a
// form's redirect used to swallow "Money requested." before the page could show it.
func TestFragmentsLeaveTheFlashForThePage(t *testing.T) {
	f := testutil.Fixtures(t)
	withFlash := func(extra map[string]string) map[string]string {
		h := f.CookieHeaders("memberA")
		h["Cookie"] += "; tf_flash=ok:" + base64.RawURLEncoding.EncodeToString([]byte("Money requested."))
		for k, v := range extra {
			h[k] = v
		}
		return h
	}
	keepsFlash := func(t testing.TB, _ *tests.TestApp, res *http.Response) {
		for _, c := range res.Cookies() {
			if c.Name == "tf_flash" {
				t.Errorf("the fragment answer sets the flash cookie to %q (max-age %d)", c.Value, c.MaxAge)
			}
		}
	}
	scenarios := []tests.ApiScenario{
		{
			Name: "a live fragment neither shows nor takes the flash", Method: http.MethodGet, URL: "/money/requests",
			Headers: withFlash(map[string]string{"HX-Request": "true"}), TestAppFactory: testutil.NewApp,
			ExpectedStatus: http.StatusOK, NotExpectedContent: []string{"Money requested."}, AfterTestFunc: keepsFlash,
		},
		{
			Name: "the whole page shows the flash once", Method: http.MethodGet, URL: "/money",
			Headers: withFlash(nil), TestAppFactory: testutil.NewApp,
			ExpectedStatus: http.StatusOK, ExpectedContent: []string{"Money requested."},
			AfterTestFunc: func(t testing.TB, _ *tests.TestApp, res *http.Response) {
				for _, c := range res.Cookies() {
					if c.Name == "tf_flash" && c.MaxAge < 0 && strings.TrimSpace(c.Value) == "" {
						return
					}
				}
				t.Error("the page did not clear the flash it showed")
			},
		},
	}
	for _, s := range scenarios {
		s.Test(t)
	}
}
