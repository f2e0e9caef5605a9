package web_test

import (
	"io"
	"net/http"
	"testing"

	"teamfund/internal/testutil"
)

// BenchmarkUsersPageAt10k measures the whole users (and teams) page (session, query, template) over
// real HTTP with 10,000 users (figures in docs/TEAMS_USERS.md).
func BenchmarkUsersPageAt10k(b *testing.B) {
	f := testutil.Fixtures(b)
	app := testutil.NewApp(b)
	defer app.Cleanup()
	testutil.InsertUsers(b, app, 10000)
	srv := testutil.Serve(b, app)
	for _, c := range []struct{ name, who, path string }{
		{"admin/first page", "admin", "/users"},
		{"admin/search", "admin", "/users?q=fati&role=member"},
		{"admin/page 150", "admin", "/users?page=150"},
		{"manager/own team", "managerA", "/users"},
		{"json/admin/per_page 500", "admin", "/api/tf/users?per_page=500"},
		{"teams/admin list", "admin", "/teams"},
		{"teams/admin search", "admin", "/teams?q=user0999"},
	} {
		b.Run(c.name, func(b *testing.B) {
			headers := f.CookieHeaders(c.who)
			if c.path[:4] == "/api" {
				headers = f.AuthHeaders(c.who)
			}
			for b.Loop() {
				req, _ := http.NewRequest("GET", srv.URL+c.path, nil)
				for k, v := range headers {
					req.Header.Set(k, v)
				}
				res, err := http.DefaultClient.Do(req)
				if err != nil {
					b.Fatal(err)
				}
				io.Copy(io.Discard, res.Body)
				res.Body.Close()
				if res.StatusCode != 200 {
					b.Fatalf("status %d", res.StatusCode)
				}
			}
		})
	}
}
