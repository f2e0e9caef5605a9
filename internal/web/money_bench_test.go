package web_test

import (
	"fmt"
	"net/http"
	"strings"
	"sync/atomic"
	"testing"

	"teamfund/internal/ledger"
	"teamfund/internal/money"
	"teamfund/internal/testutil"
)

// BenchmarkTransferHTTP measures transfers through the real HTTP server (router, auth,
// CSRF, access, two guarded ledger posts, audit) between two teammates, one at a time and
// from many goroutines. Figures go to docs/MONEY.md.
func BenchmarkTransferHTTP(b *testing.B) {
	f := testutil.Fixtures(b)
	app := moneyApp(map[string]money.Cents{"memberA": 1_000_000_00, "memberA2": 1_000_000_00})(b)
	defer app.Cleanup()
	srv := testutil.Serve(b, app)
	keys := []string{"memberA", "memberA2"}
	var n atomic.Int64
	transfer := func() {
		i := n.Add(1) % 2
		from, to := keys[i], keys[1-i]
		req, _ := http.NewRequest(http.MethodPost, srv.URL+"/api/tf/money/transfer",
			strings.NewReader(fmt.Sprintf(`{"to":%q,"amount":1}`, f.ID(to))))
		req.Header.Set("Content-Type", "application/json")
		req.Header.Set("Authorization", f.Token(from))
		res, err := http.DefaultClient.Do(req)
		if err != nil {
			b.Error(err)
			return
		}
		res.Body.Close()
		if res.StatusCode != http.StatusOK {
			b.Errorf("status %d", res.StatusCode)
		}
	}
	b.Run("sequential", func(b *testing.B) {
		for range b.N {
			transfer()
		}
	})
	b.Run("parallel", func(b *testing.B) {
		b.SetParallelism(8)
		b.RunParallel(func(pb *testing.PB) {
			for pb.Next() {
				transfer()
			}
		})
	})
	if bad, err := ledger.Reconcile(app); err != nil || len(bad) > 0 {
		b.Fatalf("reconcile: %v %+v", err, bad)
	}
}
