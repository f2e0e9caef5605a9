package web_test

import (
	"net/http"
	"strings"
	"sync"
	"testing"

	"teamfund/internal/ledger"
	"teamfund/internal/testutil"
)

// TestConcurrentTeamMovesKeepTheLedgerInvariant moves two members back and forth between
// teams through the real HTTP handler while an admin grants them money, and then checks
// that every balance equals the sum of its entries and none is negative.
func TestConcurrentTeamMovesKeepTheLedgerInvariant(t *testing.T) {
	f := testutil.Fixtures(t)
	app := testutil.NewApp(t)
	defer app.Cleanup()
	srv := testutil.Serve(t, app)
	post := func(path string, body string, headers map[string]string) int {
		req, _ := http.NewRequest("POST", srv.URL+path, strings.NewReader(body))
		for k, v := range headers {
			req.Header.Set(k, v)
		}
		res, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Error(err)
			return 0
		}
		res.Body.Close()
		return res.StatusCode
	}
	var wg sync.WaitGroup
	for i := range 24 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			who := []string{"memberA", "memberB"}[i%2]
			team := []string{"alpha", "beta", ""}[i%3]
			if i%4 == 0 {
				if _, err := ledger.Post(app, ledger.Entry{Account: f.ID(who), Amount: 1000, Kind: ledger.KindGrant}); err != nil {
					t.Error(err)
				}
			}
			teamID := ""
			if team != "" {
				teamID = f.ID(team)
			}
			h := f.AuthHeaders("admin")
			h["Content-Type"] = "application/json"
			if code := post("/api/tf/users/"+f.ID(who)+"/team", `{"team":"`+teamID+`"}`, h); code != http.StatusOK {
				t.Errorf("move %s to %q: %d", who, team, code)
			}
		}()
	}
	wg.Wait()
	if bad, err := ledger.Reconcile(app); err != nil || len(bad) > 0 {
		t.Errorf("reconcile after concurrent moves: %v %v", bad, err)
	}
}
