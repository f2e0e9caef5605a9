package web_test

import (
	"net/http"
	"testing"

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
