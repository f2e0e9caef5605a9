package bench

import (
	"crypto/ed25519"
	"crypto/rand"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/johannesboyne/gofakes3"
	"github.com/johannesboyne/gofakes3/backend/s3mem"
	"github.com/pkg/sftp"
	"github.com/pocketbase/pocketbase/core"
	"golang.org/x/crypto/ssh"

	"teamfund/internal/e2e"
	"teamfund/internal/ledger"
	"teamfund/internal/member"
)

// s3Env are the credentials of the in-process S3 and no custom CA bundle (Litestream's S3
// client refuses AWS_CA_BUNDLE, which some machines set).
var s3Env = []string{"AWS_ACCESS_KEY_ID=teamfund", "AWS_SECRET_ACCESS_KEY=teamfund-secret", "AWS_CA_BUNDLE="}

// fakeS3 serves an in-memory S3 API on loopback with one bucket and returns its address.
func fakeS3(t *testing.T) string {
	t.Helper()
	backend := s3mem.New()
	if err := backend.CreateBucket("teamfund"); err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(gofakes3.New(backend).Server())
	t.Cleanup(srv.Close)
	return strings.TrimPrefix(srv.URL, "http://")
}

// TestFolderReplicaSurvivesALostDisk: sends and transfers, kill -9, restore from the
// folder replica with the binary, serve the restored folder.
func TestFolderReplicaSurvivesALostDisk(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "replica")
	if err := os.Mkdir(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	lostDisk(t, dir, nil)
}

// TestS3ReplicaSurvivesALostDisk is the same with a real S3 API served in-process.
func TestS3ReplicaSurvivesALostDisk(t *testing.T) {
	lostDisk(t, "s3://teamfund/acme?endpoint=http://"+fakeS3(t)+"&region=us-east-1", s3Env)
}

// replicaRun is a seeded server replicating to url, and the requests it acknowledged.
type replicaRun struct {
	bin, url string
	env      []string
	d        *dataset
	touch    string
	tokens   []string // of d.users
	ownerTok string
	rootTok  string
	s        *server
}

// ack is one acknowledged request: a send (key = recipient email) or a transfer (key =
// reason), and when the answer came.
type ack struct {
	transfer bool
	key      string
	at       time.Time
}

func startReplicated(t *testing.T, url string, env []string) *replicaRun {
	t.Helper()
	r := &replicaRun{bin: e2e.Binary(t), url: url, env: env}
	d, err := openDataset(filepath.Join(t.TempDir(), "pb_data"))
	if err != nil {
		t.Fatal(err)
	}
	r.d = d
	if err := d.addTeams(2, nil); err != nil {
		t.Fatal(err)
	}
	if err := d.addUsers(16, member.RoleMember); err != nil {
		t.Fatal(err)
	}
	for _, id := range d.users {
		if _, err := ledger.Post(d.app, ledger.Entry{Account: id, Amount: 1000000, Kind: ledger.KindGrant}); err != nil {
			t.Fatal(err)
		}
		tok, err := d.token(id)
		if err != nil {
			t.Fatal(err)
		}
		r.tokens = append(r.tokens, tok)
	}
	col, err := d.app.FindCollectionByNameOrId("touches")
	if err != nil {
		t.Fatal(err)
	}
	tr := core.NewRecord(col)
	tr.Load(map[string]any{"name": "Coffee card", "cost": 100, "status": "active", "teams": d.teams})
	if err := d.app.Save(tr); err != nil {
		t.Fatal(err)
	}
	r.touch = tr.Id
	if r.ownerTok, err = d.token(d.owner); err != nil {
		t.Fatal(err)
	}
	su, err := d.app.FindCollectionByNameOrId(core.CollectionNameSuperusers)
	if err != nil {
		t.Fatal(err)
	}
	root := core.NewRecord(su)
	root.SetEmail("root@bench.test")
	root.SetPassword(Password)
	if err := d.app.Save(root); err != nil {
		t.Fatal(err)
	}
	if r.rootTok, err = root.NewAuthToken(); err != nil {
		t.Fatal(err)
	}
	d.close()
	if r.s, err = startServerWith(r.bin, d.dir, env, "--replica", url); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = r.s.cmd.Process.Kill(); _ = r.s.cmd.Wait() })
	return r
}

// replicaStatus is data.replica of /api/health as a superuser sees it.
func (r *replicaRun) replicaStatus(t *testing.T) map[string]any {
	t.Helper()
	req, _ := http.NewRequest(http.MethodGet, r.s.url+"/api/health", nil)
	req.Header.Set("Authorization", r.rootTok)
	res, err := httpClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	var body struct {
		Data struct {
			Replica map[string]any `json:"replica"`
		} `json:"data"`
	}
	if err := json.NewDecoder(res.Body).Decode(&body); err != nil {
		t.Fatal(err)
	}
	return body.Data.Replica
}

// waitShipped waits until the replica holds everything written so far.
//
// note: the status knows only what Litestream has turned into LTX files, which it does
// once a second; so it first waits for that to have happened to every write made so far.
func (r *replicaRun) waitShipped(t *testing.T) {
	t.Helper()
	time.Sleep(2500 * time.Millisecond)
	deadline := time.Now().Add(60 * time.Second)
	for {
		st := r.replicaStatus(t)
		if st["state"] == "ok" && st["shippedTxid"].(float64) > 0 && st["shippedTxid"] == st["localTxid"] {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("the replica did not catch up in 60 s: %v", st)
		}
		time.Sleep(200 * time.Millisecond)
	}
}

// burst sends touches and transfers from 8 clients until stop closes; every answer with
// 201/200 is an acknowledged request.
func (r *replicaRun) burst(prefix string, stop <-chan struct{}) []ack {
	var mu sync.Mutex
	var acks []ack
	var wg sync.WaitGroup
	for c := range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := 0; ; i++ {
				select {
				case <-stop:
					return
				default:
				}
				u := (c + 8*(i%2)) % 16
				var req *http.Request
				a := ack{transfer: i%3 == 2}
				if a.transfer {
					a.key = fmt.Sprintf("%s-c%d-%d", prefix, c, i)
					body := fmt.Sprintf(`{"to":%q,"amount":7,"reason":%q}`, r.d.users[(u+2)%16], a.key)
					req, _ = http.NewRequest(http.MethodPost, r.s.url+"/api/tf/money/transfer", strings.NewReader(body))
				} else {
					a.key = fmt.Sprintf("%s-c%d-%d@example.com", prefix, c, i)
					body := fmt.Sprintf(`{"touch":%q,"recipient_name":"R","recipient_email":%q}`, r.touch, a.key)
					req, _ = http.NewRequest(http.MethodPost, r.s.url+"/api/tf/sends", strings.NewReader(body))
				}
				req.Header.Set("Content-Type", "application/json")
				req.Header.Set("Authorization", r.tokens[u])
				res, err := httpClient.Do(req)
				if err != nil {
					return // the server is gone
				}
				drain(res)
				if res.StatusCode == http.StatusCreated || res.StatusCode == http.StatusOK {
					a.at = time.Now()
					mu.Lock()
					acks = append(acks, a)
					mu.Unlock()
				}
			}
		}()
	}
	wg.Wait()
	return acks
}

// burstFor runs burst for d.
func (r *replicaRun) burstFor(prefix string, d time.Duration) []ack {
	stop := make(chan struct{})
	time.AfterFunc(d, func() { close(stop) })
	return r.burst(prefix, stop)
}

// restore runs `teamfund restore --from url [--at] --dir NEWDIR` and returns NEWDIR.
func (r *replicaRun) restore(t *testing.T, extra ...string) (string, string, error) {
	t.Helper()
	dir := filepath.Join(t.TempDir(), "restored")
	cmd := exec.Command(r.bin, append([]string{"restore", "--from", r.url, "--dir", dir}, extra...)...)
	cmd.Env = append(os.Environ(), r.env...)
	out, err := cmd.CombinedOutput()
	return dir, string(out), err
}

// restoredState is what a restored folder holds of the burst.
type restoredState struct {
	sends     map[string]int // recipient email → rows
	transfers map[string]int // reason → ledger entries
	bad       int            // balances that differ from their ledger, or are negative
}

func inspect(t *testing.T, dir string) restoredState {
	t.Helper()
	d, err := reopen(dir)
	if err != nil {
		t.Fatal(err)
	}
	defer d.close()
	st := restoredState{sends: map[string]int{}, transfers: map[string]int{}}
	var rows []struct {
		Key string `db:"k"`
		N   int    `db:"n"`
	}
	if err := d.app.DB().NewQuery("SELECT recipient_email AS k, COUNT(*) AS n FROM sends GROUP BY recipient_email").All(&rows); err != nil {
		t.Fatal(err)
	}
	for _, row := range rows {
		st.sends[row.Key] = row.N
	}
	rows = nil
	if err := d.app.DB().NewQuery("SELECT reason AS k, COUNT(*) AS n FROM ledger_entries WHERE kind IN ('transfer_in','transfer_out') GROUP BY reason").All(&rows); err != nil {
		t.Fatal(err)
	}
	for _, row := range rows {
		st.transfers[row.Key] = row.N
	}
	bad, err := ledger.Reconcile(d.app)
	if err != nil {
		t.Fatal(err)
	}
	var neg int
	if err := d.app.DB().NewQuery("SELECT COUNT(*) FROM users WHERE balance < 0").Row(&neg); err != nil {
		t.Fatal(err)
	}
	st.bad = len(bad) + neg
	return st
}

// has reports whether the acknowledged request a is in the state exactly once.
func (st restoredState) has(a ack) bool {
	if a.transfer {
		return st.transfers[a.key] == 2
	}
	return st.sends[a.key] == 1
}

// twice counts requests applied more than once.
func (st restoredState) twice() int {
	n := 0
	for _, c := range st.sends {
		if c > 1 {
			n++
		}
	}
	for _, c := range st.transfers {
		if c > 2 {
			n++
		}
	}
	return n
}

// photo writes an uploaded file of user into a data folder, as PocketBase stores a
// profile photo.
func photo(t *testing.T, dataDir, user, name string) string {
	t.Helper()
	rel := filepath.Join("storage", "_pb_users_auth_", user, name)
	path := filepath.Join(dataDir, rel)
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, []byte("photo of "+user+" "+name), 0o644); err != nil {
		t.Fatal(err)
	}
	return rel
}

func lostDisk(t *testing.T, url string, env []string) {
	r := startReplicated(t, url, env)
	r.waitShipped(t)
	photos := []string{photo(t, r.d.dir, r.d.users[0], "avatar_1.png")}

	photos = append(photos, photo(t, r.d.dir, r.d.users[1], "avatar_2.png"))
	early := r.burstFor("a", 3*time.Second)
	r.waitShipped(t)
	time.Sleep(2 * time.Second)
	moment := time.Now()
	time.Sleep(2 * time.Second)

	stop := make(chan struct{})
	var late []ack
	done := make(chan struct{})
	go func() { late = r.burst("b", stop); close(done) }()
	time.Sleep(8 * time.Second)
	_ = r.s.cmd.Process.Signal(os.Kill) // the disk is lost with the server
	killedAt := time.Now()
	_ = r.s.cmd.Wait()
	close(stop)
	<-done
	t.Logf("acknowledged %d requests before the moment, %d after it until the kill", len(early), len(late))
	if len(early) == 0 || len(late) == 0 {
		t.Fatal("the burst acknowledged nothing")
	}

	latest, out, err := r.restore(t)
	if err != nil {
		t.Fatalf("restore --from: %v\n%s", err, out)
	}
	folder := !strings.Contains(url, "://")
	for _, rel := range photos {
		b, err := os.ReadFile(filepath.Join(latest, rel))
		if folder && (err != nil || !strings.HasPrefix(string(b), "photo of ")) {
			t.Errorf("uploaded file %s not restored from the folder replica: %q %v", rel, b, err)
		}
		if !folder && err == nil {
			t.Errorf("uploaded file %s restored from an S3 replica, which does not keep them", rel)
		}
	}
	if want := "not kept in an S3 or SFTP replica"; !folder && !strings.Contains(out, want) {
		t.Errorf("restore from S3 does not say uploaded files are not in the replica:\n%s", out)
	} else if want := fmt.Sprintf("%d uploaded files copied back", len(photos)); folder && !strings.Contains(out, want) {
		t.Errorf("restore from a folder does not say %q:\n%s", want, out)
	}
	st := inspect(t, latest)
	var missing, recentMissing int
	var oldestMissing time.Duration
	for _, a := range append(append([]ack{}, early...), late...) {
		if st.has(a) {
			continue
		}
		age := killedAt.Sub(a.at)
		oldestMissing = max(oldestMissing, age)
		if age > 5*time.Second {
			missing++
		} else {
			recentMissing++
		}
	}
	t.Logf("latest restore: %d sends, %d transfers; %d acknowledged in the last 5 s before the kill not shipped, the oldest of them %s before it",
		len(st.sends), len(st.transfers), recentMissing, oldestMissing.Round(time.Millisecond))
	if missing > 0 || st.bad > 0 || st.twice() > 0 {
		t.Fatalf("latest restore: %d requests acknowledged more than 5 s before the kill are missing, %d balances differ from the ledger or are negative, %d requests applied twice; want 0, 0, 0",
			missing, st.bad, st.twice())
	}

	at, out, err := r.restore(t, "--at", moment.UTC().Format(time.RFC3339Nano))
	if err != nil {
		t.Fatalf("restore --at: %v\n%s", err, out)
	}
	pit := inspect(t, at)
	var lostEarly, leakedLate int
	for _, a := range early {
		if !pit.has(a) {
			lostEarly++
		}
	}
	for _, a := range late {
		if _, ok := pit.sends[a.key]; ok {
			leakedLate++
		} else if _, ok := pit.transfers[a.key]; ok {
			leakedLate++
		}
	}
	if lostEarly > 0 || leakedLate > 0 || pit.bad > 0 || len(pit.sends)+len(pit.transfers) != len(early) {
		t.Fatalf("restore --at the moment: %d requests from before it missing, %d from after it present, %d bad balances, %d sends + %d transfers for %d acknowledged; want exactly the state of that moment",
			lostEarly, leakedLate, pit.bad, len(pit.sends), len(pit.transfers), len(early))
	}

	serveRestored(t, r, latest)
	newServerKeepsItsHandsOff(t, r, len(st.sends))
	continueOnANewReplica(t, r, latest, len(st.sends))
}

// newServerKeepsItsHandsOff starts a new, empty server on the same replica (a lost disk
// replaced by an empty one): it must not replicate its empty database over the company,
// and say so in its log; a restore still brings the company back.
func newServerKeepsItsHandsOff(t *testing.T, r *replicaRun, sends int) {
	t.Helper()
	dir := filepath.Join(t.TempDir(), "pb_data")
	s, err := startServerWith(r.bin, dir, r.env, "--replica", r.url)
	if err != nil {
		t.Fatal(err)
	}
	waitLog(t, dir, "the replica already holds a database that was not replicated from this data folder")
	s.stop()
	again, out, err := r.restore(t)
	if err != nil {
		t.Fatalf("restore after the new server ran: %v\n%s", err, out)
	}
	if got := inspect(t, again); len(got.sends) != sends {
		t.Fatalf("after a new server ran on the replica, a restore holds %d sends, want %d", len(got.sends), sends)
	}
}

// continueOnANewReplica serves the restored folder as an operator does after replacing the
// lost disk: with the old replica it refuses to replicate (the log says to take a new
// path), with a new replica path it ships new sends and transfers, and a restore from that
// after the next loss holds the old and the new.
func continueOnANewReplica(t *testing.T, r *replicaRun, dir string, sends int) {
	t.Helper()
	s, err := startServerWith(r.bin, dir, r.env, "--replica", r.url)
	if err != nil {
		t.Fatal(err)
	}
	waitLog(t, dir, "give serve a new replica path")
	r.s = s
	if st := r.replicaStatus(t); st["state"] != "refused" {
		t.Errorf("/api/health replica of a restored folder on the old replica: %v, want state refused", st)
	}
	s.stop()

	r.url = newReplicaPath(t, r.url)
	if r.s, err = startServerWith(r.bin, dir, r.env, "--replica", r.url); err != nil {
		t.Fatal(err)
	}
	r.waitShipped(t)
	acks := r.burstFor("c", 2*time.Second)
	r.waitShipped(t)
	_ = r.s.cmd.Process.Signal(os.Kill)
	_ = r.s.cmd.Wait()
	again, out, err := r.restore(t)
	if err != nil {
		t.Fatalf("restore from the new replica: %v\n%s", err, out)
	}
	got := inspect(t, again)
	var missing, newSends int
	for _, a := range acks {
		if !got.has(a) {
			missing++
		}
		if !a.transfer {
			newSends++
		}
	}
	if missing > 0 || got.bad > 0 || got.twice() > 0 || len(got.sends) != sends+newSends {
		t.Fatalf("restored from the new replica: %d of %d new requests missing, %d bad balances, %d applied twice, %d sends (want %d old + %d new)",
			missing, len(acks), got.bad, got.twice(), len(got.sends), sends, newSends)
	}
}

// newReplicaPath is the replica URL with "-2" after its folder or prefix.
func newReplicaPath(t *testing.T, url string) string {
	t.Helper()
	if !strings.Contains(url, "://") {
		if err := os.Mkdir(url+"-2", 0o755); err != nil {
			t.Fatal(err)
		}
		return url + "-2"
	}
	if i := strings.Index(url, "?"); i >= 0 {
		return url[:i] + "-2" + url[i:]
	}
	return url + "-2"
}

// waitLog waits until the log of the server on dir says want.
func waitLog(t *testing.T, dir, want string) {
	t.Helper()
	deadline := time.Now().Add(30 * time.Second)
	for {
		b, _ := os.ReadFile(dir + ".log")
		if strings.Contains(string(b), want) {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("the server log does not say %q:\n%s", want, b)
		}
		time.Sleep(200 * time.Millisecond)
	}
}

// serveRestored starts the binary on the restored folder: a member signs in with the old
// token and sees the balance the ledger says.
func serveRestored(t *testing.T, r *replicaRun, dir string) {
	t.Helper()
	s, err := startServer(r.bin, dir)
	if err != nil {
		t.Fatal(err)
	}
	defer s.stop()
	d, err := reopen(dir)
	if err != nil {
		t.Fatal(err)
	}
	var want int64
	err = d.app.DB().NewQuery("SELECT COALESCE(SUM(amount), 0) FROM ledger_entries WHERE account = {:id}").
		Bind(map[string]any{"id": r.d.users[3]}).Row(&want)
	d.close()
	if err != nil {
		t.Fatal(err)
	}
	req, _ := http.NewRequest(http.MethodGet, s.url+"/api/tf/money/me", nil)
	req.Header.Set("Authorization", r.tokens[3])
	res, err := httpClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	var body map[string]any
	if err := json.NewDecoder(res.Body).Decode(&body); err != nil || res.StatusCode != http.StatusOK {
		t.Fatalf("/api/tf/money/me on the restored server: %d %v", res.StatusCode, err)
	}
	if got := fmt.Sprint(body["balance"]); got != fmt.Sprint(want) {
		t.Fatalf("balance on the restored server: %s, want Σ ledger %d (%v)", got, want, body)
	}
}

// TestUnreachableReplicaNeverBlocksRequests starts the server with an S3 replica nobody
// answers: every request is served, /api/health (superuser) and the owner's settings page
// say the replica is failing and why; once the S3 API comes up the server catches up by
// itself; the S3 API goes away again during a burst and comes back; a restore holds every
// acknowledged request.
func TestUnreachableReplicaNeverBlocksRequests(t *testing.T) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := l.Addr().String()
	l.Close()
	r := startReplicated(t, "s3://teamfund/acme?endpoint=http://"+addr+"&region=us-east-1", s3Env)

	t0 := time.Now()
	acks := r.burstFor("down", 3*time.Second)
	t.Logf("%d requests acknowledged in %s while the replica was unreachable", len(acks), time.Since(t0).Round(time.Millisecond))
	if len(acks) == 0 {
		t.Fatal("no request was acknowledged while the replica was unreachable")
	}
	deadline := time.Now().Add(30 * time.Second)
	st := r.replicaStatus(t)
	for st["state"] != "failing" && time.Now().Before(deadline) {
		time.Sleep(200 * time.Millisecond)
		st = r.replicaStatus(t)
	}
	if st["state"] != "failing" || st["lastError"] == "" || st["lastError"] == nil {
		t.Fatalf("/api/health replica with nobody answering: %v, want state failing and the last error", st)
	}
	ownerTok := r.ownerTok
	page := r.page(t, "/settings", ownerTok)
	for _, want := range []string{`id="replica-status"`, ">Failing<", "cannot be reached", "127.0.0.1"} {
		if !strings.Contains(page, want) {
			t.Errorf("the settings page lacks %q while the replica is unreachable", want)
		}
	}
	if res := r.replicaStatusAs(t, r.tokens[0]); res != nil {
		t.Errorf("/api/health shows the replica to a member: %v", res)
	}

	// The S3 API comes up on that address: replication catches up on its own.
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	backend := s3mem.New()
	if err := backend.CreateBucket("teamfund"); err != nil {
		t.Fatal(err)
	}
	srv := &httptest.Server{Listener: ln, Config: &http.Server{Handler: gofakes3.New(backend).Server()}}
	srv.Start()
	r.waitShipped(t)
	if page := r.page(t, "/settings", ownerTok); !strings.Contains(page, ">OK<") {
		t.Errorf("the settings page does not say ok after the replica came back")
	}

	// It goes away while the server runs, and comes back with what it held.
	srv.Close()
	acks = append(acks, r.burstFor("gone", 3*time.Second)...)
	deadline = time.Now().Add(60 * time.Second)
	for st = r.replicaStatus(t); st["state"] != "failing" && time.Now().Before(deadline); st = r.replicaStatus(t) {
		time.Sleep(200 * time.Millisecond)
	}
	if st["state"] != "failing" {
		t.Fatalf("/api/health replica after the S3 API went away: %v, want failing", st)
	}
	if ln, err = net.Listen("tcp", addr); err != nil {
		t.Fatal(err)
	}
	srv = &httptest.Server{Listener: ln, Config: &http.Server{Handler: gofakes3.New(backend).Server()}}
	srv.Start()
	defer srv.Close()
	r.waitShipped(t)
	_ = r.s.cmd.Process.Signal(os.Kill)
	_ = r.s.cmd.Wait()
	dir, out, err := r.restore(t)
	if err != nil {
		t.Fatalf("restore --from: %v\n%s", err, out)
	}
	got := inspect(t, dir)
	var missing int
	for _, a := range acks {
		if !got.has(a) {
			missing++
		}
	}
	if missing > 0 || got.bad > 0 || got.twice() > 0 {
		t.Fatalf("after catching up: %d of %d acknowledged requests missing, %d bad balances, %d applied twice; want 0", missing, len(acks), got.bad, got.twice())
	}
}

// replicaStatusAs is data.replica of /api/health for the holder of token (nil if absent).
func (r *replicaRun) replicaStatusAs(t *testing.T, token string) any {
	t.Helper()
	req, _ := http.NewRequest(http.MethodGet, r.s.url+"/api/health", nil)
	req.Header.Set("Authorization", token)
	res, err := httpClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	var body struct {
		Data map[string]any `json:"data"`
	}
	if err := json.NewDecoder(res.Body).Decode(&body); err != nil {
		t.Fatal(err)
	}
	return body.Data["replica"]
}

// page GETs a web page with the session cookie of token.
func (r *replicaRun) page(t *testing.T, path, token string) string {
	t.Helper()
	req, _ := http.NewRequest(http.MethodGet, r.s.url+path, nil)
	req.AddCookie(&http.Cookie{Name: "tf_session", Value: token})
	res, err := httpClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	if res.StatusCode != http.StatusOK {
		t.Fatalf("GET %s: %d", path, res.StatusCode)
	}
	return string(b)
}

// TestRestoreFromReplicaRefusals: each refusal of `teamfund restore --from` exits non-zero
// with a message that says what is wrong, and leaves no Teamfund data in the folder.
func TestRestoreFromReplicaRefusals(t *testing.T) {
	replicaDir := filepath.Join(t.TempDir(), "replica")
	if err := os.Mkdir(replicaDir, 0o755); err != nil {
		t.Fatal(err)
	}
	r := startReplicated(t, replicaDir, nil)
	r.waitShipped(t)
	r.s.stop()

	used := filepath.Join(t.TempDir(), "used")
	if err := os.MkdirAll(used, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(used, "notes.txt"), []byte("mine"), 0o644); err != nil {
		t.Fatal(err)
	}
	emptyReplica := t.TempDir()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	closed := l.Addr().String()
	l.Close()
	cases := []struct {
		name string
		dir  string
		env  []string
		args []string
		want string
	}{
		{"a folder that is not empty", used, nil, []string{"--from", replicaDir}, "the data folder is not empty"},
		{"a folder replica that does not exist", "", nil, []string{"--from", replicaDir + "-missing"}, "cannot reach the replica"},
		{"an S3 replica nobody answers", "", s3Env, []string{"--from", "s3://teamfund/acme?endpoint=http://" + closed + "&region=us-east-1"}, "cannot reach the replica"},
		{"a replica that holds nothing", "", nil, []string{"--from", emptyReplica}, "holds no copy of data.db"},
		{"a time before the first snapshot", "", nil, []string{"--from", replicaDir, "--at", "2020-01-01T00:00:00Z"}, "before the replica's first snapshot"},
		{"a time in the future", "", nil, []string{"--from", replicaDir, "--at", time.Now().Add(time.Hour).UTC().Format(time.RFC3339)}, "in the future"},
		{"a time that is not one", "", nil, []string{"--from", replicaDir, "--at", "yesterday"}, "is not a time"},
		{"a ZIP and a replica at once", "", nil, []string{"backup.zip", "--from", replicaDir}, "not both"},
		{"--at without --from", "", nil, []string{"backup.zip", "--at", "2026-01-01T00:00:00Z"}, "--at needs --from"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			dir := c.dir
			if dir == "" {
				dir = filepath.Join(t.TempDir(), "new")
			}
			cmd := exec.Command(r.bin, append([]string{"restore", "--dir", dir}, c.args...)...)
			cmd.Env = append(os.Environ(), c.env...)
			out, err := cmd.CombinedOutput()
			if err == nil || !strings.Contains(string(out), c.want) {
				t.Fatalf("got exit %v and\n%s\nwant a failure saying %q", err, out, c.want)
			}
			d, err := reopen(dir)
			if err != nil {
				t.Fatal(err)
			}
			defer d.close()
			var tables int
			if err := d.app.DB().NewQuery("SELECT COUNT(*) FROM sqlite_master WHERE name = 'ledger_entries'").Row(&tables); err != nil || tables > 0 {
				t.Errorf("the refused restore left Teamfund tables in the folder (%v)", err)
			}
		})
	}
	if b, err := os.ReadFile(filepath.Join(used, "notes.txt")); err != nil || string(b) != "mine" {
		t.Errorf("the refused restore changed a file of the folder: %q %v", b, err)
	}
}

// fakeSFTP serves SFTP on loopback with a password (user teamfund, password secret),
// rooted at root, and returns its address.
func fakeSFTP(t *testing.T, root string) string {
	t.Helper()
	_, key, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	signer, err := ssh.NewSignerFromKey(key)
	if err != nil {
		t.Fatal(err)
	}
	cfg := &ssh.ServerConfig{PasswordCallback: func(c ssh.ConnMetadata, pass []byte) (*ssh.Permissions, error) {
		if c.User() == "teamfund" && string(pass) == "secret" {
			return nil, nil
		}
		return nil, errors.New("wrong password")
	}}
	cfg.AddHostKey(signer)
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { l.Close() })
	go func() {
		for {
			conn, err := l.Accept()
			if err != nil {
				return
			}
			go serveSFTP(conn, cfg, root)
		}
	}()
	return l.Addr().String()
}

func serveSFTP(conn net.Conn, cfg *ssh.ServerConfig, root string) {
	_, chans, reqs, err := ssh.NewServerConn(conn, cfg)
	if err != nil {
		return
	}
	go ssh.DiscardRequests(reqs)
	for nc := range chans {
		if nc.ChannelType() != "session" {
			_ = nc.Reject(ssh.UnknownChannelType, "only sessions")
			continue
		}
		ch, requests, err := nc.Accept()
		if err != nil {
			return
		}
		go func() {
			for req := range requests {
				ok := req.Type == "subsystem" && len(req.Payload) > 4 && string(req.Payload[4:]) == "sftp"
				_ = req.Reply(ok, nil)
				if ok {
					if srv, err := sftp.NewServer(ch, sftp.WithServerWorkingDirectory(root)); err == nil {
						_ = srv.Serve()
						srv.Close()
					}
				}
			}
		}()
	}
}

// TestSFTPReplicaSurvivesALostDisk is the lost-disk test with an SFTP server in-process.
func TestSFTPReplicaSurvivesALostDisk(t *testing.T) {
	root := t.TempDir()
	lostDisk(t, "sftp://teamfund:secret@"+fakeSFTP(t, root)+"/acme", nil)
}
