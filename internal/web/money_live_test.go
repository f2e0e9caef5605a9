package web_test

import (
	"bufio"
	"context"
	"fmt"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"teamfund/internal/ledger"
	"teamfund/internal/member"
	"teamfund/internal/money"
	"teamfund/internal/testutil"
)

// TestConcurrentTransfersKeepTheLedgerInvariant fires 80 transfers and requests at once
// through the real HTTP server (router, middlewares, handlers), both ways between two
// teammates and from a third, then checks: balance = Σ ledger for everyone, nothing
// negative, no money created or lost, and every refusal a clean 409.
func TestConcurrentTransfersKeepTheLedgerInvariant(t *testing.T) {
	f := testutil.Fixtures(t)
	app := moneyApp(map[string]money.Cents{"memberA": 1000, "memberA2": 1000, "managerA": 500})(t)
	defer app.Cleanup()
	srv := testutil.Serve(t, app)

	type job struct {
		from, to string
		amount   int
	}
	var jobs []job
	for i := range 80 {
		switch i % 3 {
		case 0:
			jobs = append(jobs, job{"memberA", "memberA2", 70})
		case 1:
			jobs = append(jobs, job{"memberA2", "memberA", 90})
		default:
			jobs = append(jobs, job{"managerA", "memberA", 45})
		}
	}
	var wg sync.WaitGroup
	var mu sync.Mutex
	codes := map[int]int{}
	start := make(chan struct{})
	for _, j := range jobs {
		wg.Add(1)
		go func() {
			defer wg.Done()
			<-start
			body := fmt.Sprintf(`{"to":%q,"amount":%d}`, f.ID(j.to), j.amount)
			req, _ := http.NewRequest(http.MethodPost, srv.URL+"/api/tf/money/transfer", strings.NewReader(body))
			req.Header.Set("Content-Type", "application/json")
			req.Header.Set("Authorization", f.Token(j.from))
			res, err := http.DefaultClient.Do(req)
			if err != nil {
				t.Error(err)
				return
			}
			res.Body.Close()
			mu.Lock()
			codes[res.StatusCode]++
			mu.Unlock()
		}()
	}
	close(start)
	wg.Wait()

	if codes[http.StatusOK]+codes[http.StatusConflict] != len(jobs) || codes[http.StatusOK] == 0 {
		t.Errorf("status codes %v: want only 200 and 409, some 200", codes)
	}
	if bad, err := ledger.Reconcile(app); err != nil || len(bad) > 0 {
		t.Fatalf("reconcile: %v %+v", err, bad)
	}
	var total money.Cents
	for _, key := range []string{"memberA", "memberA2", "managerA"} {
		m, err := member.Find(app, f.ID(key))
		if err != nil {
			t.Fatal(err)
		}
		if m.Balance() < 0 {
			t.Errorf("%s balance %d < 0", key, m.Balance())
		}
		total += m.Balance()
	}
	if total != 2500 {
		t.Errorf("sum of balances %d, want 2500 (transfers create no money)", total)
	}
	var entries int
	_ = app.DB().NewQuery("SELECT COUNT(*) FROM ledger_entries WHERE kind IN ('transfer_in', 'transfer_out')").Row(&entries)
	if entries != 2*codes[http.StatusOK] {
		t.Errorf("%d transfer entries for %d transfers, want two each", entries, codes[http.StatusOK])
	}
}

// TestEventsStreamTellsTheReceiver opens the receiver's event stream with their session
// cookie, makes a transfer as the sender, and expects balanceChanged on the stream.
func TestEventsStreamTellsTheReceiver(t *testing.T) {
	f := testutil.Fixtures(t)
	app := moneyApp(map[string]money.Cents{"memberA": 1000})(t)
	defer app.Cleanup()
	srv := testutil.Serve(t, app)

	events := func(key string) <-chan string {
		ctx, cancel := context.WithCancel(context.Background())
		t.Cleanup(cancel)
		req, _ := http.NewRequestWithContext(ctx, http.MethodGet, srv.URL+"/events", nil)
		req.Header.Set("Cookie", f.CookieHeaders(key)["Cookie"])
		req.Header.Set("Accept", "text/event-stream") // as EventSource sends it
		res, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		if ct := res.Header.Get("Content-Type"); res.StatusCode != http.StatusOK || ct != "text/event-stream" {
			t.Fatalf("events: %d %q", res.StatusCode, ct)
		}
		lines := make(chan string, 16)
		go func() {
			defer res.Body.Close()
			sc := bufio.NewScanner(res.Body)
			for sc.Scan() {
				lines <- sc.Text()
			}
			close(lines)
		}()
		return lines
	}
	receiver, bystander := events("memberA2"), events("memberB")
	waitFor := func(lines <-chan string, want string, within time.Duration) bool {
		deadline := time.After(within)
		for {
			select {
			case l, ok := <-lines:
				if !ok {
					return false
				}
				if l == want {
					return true
				}
			case <-deadline:
				return false
			}
		}
	}
	if !waitFor(receiver, ": connected", 5*time.Second) || !waitFor(bystander, ": connected", 5*time.Second) {
		t.Fatal("streams did not open")
	}
	req, _ := http.NewRequest(http.MethodPost, srv.URL+"/api/tf/money/transfer",
		strings.NewReader(fmt.Sprintf(`{"to":%q,"amount":250}`, f.ID("memberA2"))))
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Authorization", f.Token("memberA"))
	res, err := http.DefaultClient.Do(req)
	if err != nil || res.StatusCode != http.StatusOK {
		t.Fatalf("transfer: %v %v", err, res.Status)
	}
	res.Body.Close()
	if !waitFor(receiver, "event: balanceChanged", 5*time.Second) {
		t.Error("receiver's stream did not get balanceChanged")
	}
	if waitFor(bystander, "event: balanceChanged", 300*time.Millisecond) {
		t.Error("a user of another team was told about the transfer")
	}
}

func TestEventsNeedASession(t *testing.T) {
	app := testutil.NewApp(t)
	defer app.Cleanup()
	srv := testutil.Serve(t, app)
	client := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	res, err := client.Get(srv.URL + "/events")
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	if res.StatusCode != http.StatusSeeOther {
		t.Errorf("guest: status %d, want 303 to sign in", res.StatusCode)
	}
}

// TestEventsStreamTellsTheGiverAboutARequest: filing a request reaches the giver's open page.
func TestEventsStreamTellsTheGiverAboutARequest(t *testing.T) {
	f := testutil.Fixtures(t)
	app := testutil.NewApp(t)
	defer app.Cleanup()
	srv := testutil.Serve(t, app)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	req, _ := http.NewRequestWithContext(ctx, http.MethodGet, srv.URL+"/events", nil)
	req.Header.Set("Cookie", f.CookieHeaders("managerA")["Cookie"])
	req.Header.Set("Accept", "text/event-stream")
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	lines := make(chan string, 16)
	go func() {
		sc := bufio.NewScanner(res.Body)
		for sc.Scan() {
			lines <- sc.Text()
		}
	}()
	if l := <-lines; l != "retry: 3000" {
		t.Fatalf("first line %q", l)
	}
	ask, _ := http.NewRequest(http.MethodPost, srv.URL+"/api/tf/money/requests",
		strings.NewReader(fmt.Sprintf(`{"from":%q,"amount":900,"reason":"fair"}`, f.ID("managerA"))))
	ask.Header.Set("Content-Type", "application/json")
	ask.Header.Set("Authorization", f.Token("memberA"))
	ares, err := http.DefaultClient.Do(ask)
	if err != nil || ares.StatusCode != http.StatusCreated {
		t.Fatalf("ask: %v %v", err, ares.Status)
	}
	ares.Body.Close()
	deadline := time.After(5 * time.Second)
	for {
		select {
		case l := <-lines:
			if l == "event: requestsChanged" {
				return
			}
		case <-deadline:
			t.Fatal("the giver's stream did not get requestsChanged")
		}
	}
}
