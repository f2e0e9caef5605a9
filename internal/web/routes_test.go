package web_test

import (
	"net/http"
	"net/http/httptest"
	"reflect"
	"regexp"
	"sort"
	"strings"
	"testing"

	"github.com/pocketbase/pocketbase/apis"
	"github.com/pocketbase/pocketbase/core"

	"teamfund/internal/testutil"
)

// route is one registered METHOD + path.
type route struct{ method, path string }

// teamfundRoutes lists every route Teamfund registers (PocketBase's own /api/ and /_/ left out),
// read from the real router of a fresh app of its own.
//
// note: apis.NewRouter binds PocketBase's UI-extension routes as an OnServe hook each time it
// is called (v0.39), so listing routes on the app a test then serves would register them twice.
//
// note: PocketBase's router does not export its route list, so this walks the unexported
// children slice with reflect (read-only); the Route fields themselves are exported.
func teamfundRoutes(t testing.TB) []route {
	t.Helper()
	app := testutil.NewApp(t)
	defer app.Cleanup()
	r, err := apis.NewRouter(app)
	if err != nil {
		t.Fatal(err)
	}
	se := &core.ServeEvent{App: app, Router: r}
	if err := app.OnServe().Trigger(se, func(e *core.ServeEvent) error { return nil }); err != nil {
		t.Fatal(err)
	}
	var out []route
	var walk func(v reflect.Value, prefix string)
	walk = func(v reflect.Value, prefix string) {
		for v.Kind() == reflect.Pointer || v.Kind() == reflect.Interface {
			v = v.Elem()
		}
		if f := v.FieldByName("Prefix"); f.IsValid() {
			prefix += f.String()
		}
		if children := v.FieldByName("children"); children.IsValid() {
			for i := range children.Len() {
				walk(children.Index(i), prefix)
			}
			return
		}
		if m := v.FieldByName("Method"); m.IsValid() {
			out = append(out, route{m.String(), prefix + v.FieldByName("Path").String()})
		}
	}
	walk(reflect.ValueOf(r.RouterGroup), "")
	var mine []route
	for _, rt := range out {
		if strings.HasPrefix(rt.path, "/_/") || (strings.HasPrefix(rt.path, "/api/") && !strings.HasPrefix(rt.path, "/api/tf/")) {
			continue
		}
		mine = append(mine, rt)
	}
	sort.Slice(mine, func(i, j int) bool { return mine[i].path+mine[i].method < mine[j].path+mine[j].method })
	return mine
}

var pathParam = regexp.MustCompile(`\{[^}]+\}`)

// concrete fills path parameters with a placeholder id.
func concrete(path string) string {
	return pathParam.ReplaceAllString(strings.TrimSuffix(path, "{$}"), "x0000000000000")
}

func TestEveryStateChangingRouteRefusesRequestsWithoutCSRFToken(t *testing.T) {
	f := testutil.Fixtures(t)
	app := testutil.NewApp(t)
	defer app.Cleanup()
	routes := teamfundRoutes(t)
	srv := testutil.Serve(t, app)
	checked := 0
	for _, rt := range routes {
		switch rt.method {
		case http.MethodGet, http.MethodHead, "":
			continue
		}
		checked++
		for _, tc := range []struct {
			name   string
			cookie string
			header string
		}{
			{"no token", "tf_csrf=" + testutil.CSRF + "; tf_session=" + f.Token("owner"), ""},
			{"forged token", "tf_csrf=" + testutil.CSRF + "; tf_session=" + f.Token("owner"), "forged-forged-forged-forged-forged-00"},
		} {
			req := httptest.NewRequest(rt.method, srv.URL+concrete(rt.path), strings.NewReader("a=b"))
			req.RequestURI = ""
			req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
			req.Header.Set("Cookie", tc.cookie)
			if tc.header != "" {
				req.Header.Set("X-CSRF-Token", tc.header)
			}
			res, err := http.DefaultClient.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			res.Body.Close()
			if res.StatusCode != http.StatusForbidden {
				t.Errorf("%s %s with %s: got %d, want 403", rt.method, rt.path, tc.name, res.StatusCode)
			}
		}
	}
	if checked == 0 {
		t.Fatal("no state-changing routes found; the route walker is broken")
	}
	t.Logf("checked %d state-changing routes of %d", checked, len(routes))
}
