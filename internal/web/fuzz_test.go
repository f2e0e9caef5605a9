package web_test

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"teamfund/internal/testutil"
)

// FuzzPageQueries sends arbitrary query strings (filters, search, pagination, dates) to
// every GET page and JSON endpoint without path parameters, as the owner and as a member:
// nothing may answer 500 or panic.
func FuzzPageQueries(f *testing.F) {
	for _, seed := range []string{
		"team=x&role=admin&status=active&q=%25",
		"page=-1&perPage=0",
		"page=99999999999999999999999",
		"from=2026-13-45&to=yesterday",
		"q=%27%3B+DROP+TABLE+users%3B--",
		"month=2026-02&kind=spend",
		"q=%00%ff%fe",
		"sort=-balance,@rowid",
		"status=pending&status=sent&team[]=1",
	} {
		f.Add(seed)
	}
	fx := testutil.Fixtures(f)
	app := testutil.NewApp(f)
	defer app.Cleanup()
	mux := newMux(f, app)
	var paths []string
	for _, rt := range teamfundRoutes(f) {
		if (rt.method == http.MethodGet || rt.method == "") && !strings.Contains(strings.TrimSuffix(rt.path, "{$}"), "{") &&
			!strings.HasPrefix(rt.path, "/ui/") && !strings.Contains(rt.path, "events") {
			paths = append(paths, strings.TrimSuffix(rt.path, "{$}"))
		}
	}
	f.Fuzz(func(t *testing.T, query string) {
		for _, who := range []string{"owner", "memberA2"} {
			for _, p := range paths {
				req := httptest.NewRequest(http.MethodGet, "/", nil)
				req.URL.Path = p
				req.URL.RawQuery = query
				for k, v := range fx.CookieHeaders(who) {
					req.Header.Set(k, v)
				}
				rec := httptest.NewRecorder()
				mux.ServeHTTP(rec, req)
				if rec.Code >= 500 {
					t.Fatalf("GET %s?%s as %s: %d\n%s", p, query, who, rec.Code, rec.Body.String())
				}
			}
		}
	})
}
