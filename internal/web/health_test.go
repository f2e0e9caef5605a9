package web_test

import (
	"net/http"
	"testing"

	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tests"

	"teamfund/internal/testutil"
)

// The replication state rides on PocketBase's /api/health for superusers only; without a
// replica it is null. (With one: internal/bench/replica_test.go, through the binary.)
func TestHealthShowsTheReplicaToSuperusers(t *testing.T) {
	f := testutil.Fixtures(t)
	scenarios := []tests.ApiScenario{
		{
			Name:   "a superuser sees data.replica (null: no replica) beside PocketBase's own fields",
			Method: http.MethodGet, URL: "/api/health", Headers: map[string]string{"Authorization": f.Token("superuser")},
			TestAppFactory: testutil.NewApp,
			ExpectedStatus: 200, ExpectedContent: []string{`"replica":null`, `"canBackup":true`, `"message":"API is healthy."`},
		},
		{
			Name:   "an owner does not see the replica field",
			Method: http.MethodGet, URL: "/api/health", Headers: map[string]string{"Authorization": f.Token("owner")},
			TestAppFactory: testutil.NewApp,
			ExpectedStatus: 200, ExpectedContent: []string{`"data":{}`}, NotExpectedContent: []string{"replica"},
		},
		{
			Name:   "a guest does not see the replica field",
			Method: http.MethodGet, URL: "/api/health", TestAppFactory: testutil.NewApp,
			ExpectedStatus: 200, ExpectedContent: []string{`"data":{}`}, NotExpectedContent: []string{"replica"},
		},
	}
	for _, s := range scenarios {
		s.Test(t)
	}
}

// PocketBase's /api/health follows readiness: a monitor polling the well-known address gets
// 503 (in PocketBase's health shape) while a migration is missing or the database does not
// answer, and PocketBase's own answer when ready.
func TestPocketBaseHealthFollowsReadiness(t *testing.T) {
	f := testutil.Fixtures(t)
	dropLastMigration := func(t testing.TB, app *tests.TestApp, _ *core.ServeEvent) {
		if _, err := app.DB().NewQuery("DELETE FROM _migrations WHERE file = (SELECT MAX(file) FROM _migrations)").Execute(); err != nil {
			t.Fatal(err)
		}
	}
	closeDatabase := func(t testing.TB, app *tests.TestApp, _ *core.ServeEvent) {
		if err := app.ConcurrentDB().(interface{ Close() error }).Close(); err != nil {
			t.Fatal(err)
		}
	}
	scenarios := []tests.ApiScenario{
		{Name: "a guest gets 503 while a migration is not applied", Method: http.MethodGet, URL: "/api/health",
			BeforeTestFunc: dropLastMigration, ExpectedStatus: 503,
			ExpectedContent: []string{`"code":503`, `"message":"1 migrations are not applied yet."`, `"data":{}`}},
		{Name: "a superuser gets 503 too, without PocketBase's healthy answer", Method: http.MethodGet, URL: "/api/health",
			Headers: map[string]string{"Authorization": f.Token("superuser")}, BeforeTestFunc: dropLastMigration, ExpectedStatus: 503,
			ExpectedContent: []string{`"code":503`}, NotExpectedContent: []string{"API is healthy", "canBackup"}},
		{Name: "a guest gets 503 when the database does not answer", Method: http.MethodGet, URL: "/api/health",
			BeforeTestFunc: closeDatabase, ExpectedStatus: 503,
			ExpectedContent: []string{`"code":503`, `"message":"The database does not answer."`}},
		{Name: "liveness still answers when the database does not", Method: http.MethodGet, URL: "/api/tf/health/live",
			BeforeTestFunc: closeDatabase, ExpectedStatus: 200, ExpectedContent: []string{`"status":"alive"`}},
		{Name: "a guest gets PocketBase's healthy answer when ready", Method: http.MethodGet, URL: "/api/health",
			ExpectedStatus: 200, ExpectedContent: []string{`"code":200`, `"message":"API is healthy."`}},
	}
	for _, s := range scenarios {
		s.TestAppFactory = testutil.NewApp
		s.Test(t)
	}
}
