package web_test

import (
	"fmt"
	"net/http"
	"sync/atomic"
	"testing"

	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/tests"

	"teamfund/internal/ledger"
	"teamfund/internal/member"
	"teamfund/internal/send"
	"teamfund/internal/testutil"
)

// benchSendsApp is newSendsApp with a balance and an inventory large enough for any b.N.
func benchSendsApp(b *testing.B) (*tests.TestApp, *member.Member) {
	app := newSendsApp(b)
	b.Cleanup(app.Cleanup)
	f := testutil.Fixtures(b)
	exec(b, app, "UPDATE touches SET inventory = 100000000 WHERE id = {:id}", dbx.Params{"id": socksID})
	if _, err := ledger.Post(app, ledger.Entry{Account: f.ID("memberA"), Amount: 100_000_000_00, Kind: ledger.KindGrant, Reason: "bench"}); err != nil {
		b.Fatal(err)
	}
	m, err := member.Find(app, f.ID("memberA"))
	if err != nil {
		b.Fatal(err)
	}
	return app, m
}

// BenchmarkSendDomain measures send.Create alone: one transaction with the touch and team
// checks, the guarded inventory decrement, the send row, the ledger debit and the audit entry.
func BenchmarkSendDomain(b *testing.B) {
	app, m := benchSendsApp(b)
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		in := send.Input{TouchID: socksID, RecipientName: "R", RecipientEmail: fmt.Sprintf("r%d@client.example", i)}
		if _, err := send.Create(app, m, in); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkSendHTTP measures POST /api/tf/sends over real HTTP (auth, JSON, the send
// transaction), sequentially and with parallel clients (-cpu sets how many).
func BenchmarkSendHTTP(b *testing.B) {
	f := testutil.Fixtures(b)
	b.Run("sequential", func(b *testing.B) {
		app, _ := benchSendsApp(b)
		srv := testutil.Serve(b, app)
		b.ResetTimer()
		for i := 0; i < b.N; i++ {
			body := map[string]string{"touch": socksID, "recipient_name": "R", "recipient_email": fmt.Sprintf("r%d@client.example", i)}
			if r := callAPI(b, srv.Client(), srv.URL, http.MethodPost, "/api/tf/sends", f.Token("memberA"), body); r.Status != http.StatusCreated {
				b.Fatalf("%d %s", r.Status, r.Text)
			}
		}
	})
	b.Run("parallel", func(b *testing.B) {
		app, _ := benchSendsApp(b)
		srv := testutil.Serve(b, app)
		var n atomic.Int64
		b.SetParallelism(8)
		b.ResetTimer()
		b.RunParallel(func(pb *testing.PB) {
			for pb.Next() {
				i := n.Add(1)
				body := map[string]string{"touch": socksID, "recipient_name": "R", "recipient_email": fmt.Sprintf("r%d@client.example", i)}
				if r := callAPI(b, srv.Client(), srv.URL, http.MethodPost, "/api/tf/sends", f.Token("memberA"), body); r.Status != http.StatusCreated {
					b.Errorf("%d %s", r.Status, r.Text)
					return
				}
			}
		})
	})
}
