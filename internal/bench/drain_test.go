package bench

import (
	"bufio"
	"net/http"
	"syscall"
	"testing"
	"time"

	"teamfund/internal/e2e"
	"teamfund/internal/member"
)

// TestShutdownFinishesInFlightRequests starts a large CSV export read by a slow client,
// sends SIGTERM while it streams, and expects the whole file, then refusal of new requests until the process exits.
func TestShutdownFinishesInFlightRequests(t *testing.T) {
	bin := e2e.Binary(t)
	dir := t.TempDir() + "/pb_data"
	d, err := openDataset(dir)
	if err != nil {
		t.Fatal(err)
	}
	if err := d.addUsers(1, member.RoleMember); err != nil {
		t.Fatal(err)
	}
	const rows = 60000
	if _, err := d.app.DB().NewQuery(`WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < {:rows})
		INSERT INTO ledger_entries (id, account, user_email, team, amount, kind, reason, actor, actor_email, period, balance_after, ref, created)
		SELECT printf('l%014d', i), {:acct}, 'user000000@bench.test', '', 100, 'grant', 'row ' || i, '', '', '', 100 * i, '', strftime('%Y-%m-%d %H:%M:%fZ')
		FROM n`).Bind(map[string]any{"rows": rows, "acct": d.users[0]}).Execute(); err != nil {
		t.Fatal(err)
	}
	token, err := d.token(d.owner)
	if err != nil {
		t.Fatal(err)
	}
	d.close()

	s, err := startServer(bin, dir)
	if err != nil {
		t.Fatal(err)
	}
	defer s.stop()
	req, _ := http.NewRequest(http.MethodGet, s.url+"/api/tf/export/ledger.csv", nil)
	req.Header.Set("Authorization", token)
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	if res.StatusCode != http.StatusOK {
		t.Fatalf("export status %d", res.StatusCode)
	}
	sc := bufio.NewScanner(res.Body)
	lines := 0
	for sc.Scan() {
		lines++
		if lines > 10 && lines%300 == 0 {
			time.Sleep(15 * time.Millisecond) // a slow client keeps the request running ~3 s past SIGTERM
		}
		if lines == 10 {
			if err := s.cmd.Process.Signal(syscall.SIGTERM); err != nil {
				t.Fatal(err)
			}
			time.Sleep(50 * time.Millisecond)
			if r2, err := http.Get(s.url + "/login"); err == nil {
				r2.Body.Close()
				if r2.StatusCode != http.StatusServiceUnavailable {
					t.Errorf("a new request while draining got %d, want 503", r2.StatusCode)
				}
			}
		}
	}
	if err := sc.Err(); err != nil {
		t.Fatalf("export cut short after %d lines: %v", lines, err)
	}
	if lines != rows+1 {
		t.Fatalf("export has %d lines after SIGTERM, want %d (header + every row)", lines, rows+1)
	}
	done := make(chan error, 1)
	go func() { done <- s.cmd.Wait() }()
	select {
	case <-done:
	case <-time.After(15 * time.Second):
		t.Fatal("server did not exit after finishing the request")
	}
}
