package bench

import (
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/pocketbase/pocketbase/core"

	"teamfund/internal/ledger"
	"teamfund/internal/member"
	"teamfund/internal/money"
)

// replication measures what `serve --replica` costs and how far behind the replica is:
// the same burst of sends from 32 clients on two copies of one seeded folder, once without
// a replica and once replicating to a folder, in the same run. The lag of a send is the
// time from its answer until the replica holds a Litestream file stamped at or after it
// (a file holds every commit made before its stamp), watched every 20 ms.
func replication(e *env) ([]Result, error) {
	const clients, members = 32, 16
	total := e.size(1500, 6000)
	var out []Result
	var base float64
	for _, replicated := range []bool{false, true} {
		dir := e.dir + "-plain"
		if replicated {
			dir = e.dir + "-replicated"
		}
		d, err := openDataset(dir)
		if err != nil {
			return nil, err
		}
		touch, tokens, err := seedSenders(d, members, total)
		if err != nil {
			return nil, err
		}
		d.close()
		var args []string
		replicaDir := dir + "-replica"
		if replicated {
			if err := os.MkdirAll(replicaDir, 0o755); err != nil {
				return nil, err
			}
			args = []string{"--replica", replicaDir}
		}
		s, err := startServerWith(e.Binary, dir, nil, args...)
		if err != nil {
			return nil, err
		}
		var w *replicaWatch
		if replicated {
			w = watchReplica(filepath.Join(replicaDir, "data.db", "ltx", "0"))
			// the first snapshot ships before the burst, so the lag is the burst's own
			time.Sleep(3 * time.Second)
		}
		var mu sync.Mutex
		var acked []time.Time
		cpu0 := s.cpuTime()
		rate, lat, statuses, err := load(clients, total, func(i int) (int, error) {
			body := fmt.Sprintf(`{"touch":%q,"recipient_name":"R","recipient_email":"r%d@example.com"}`, touch, i)
			req, _ := http.NewRequest(http.MethodPost, s.url+"/api/tf/sends", strings.NewReader(body))
			req.Header.Set("Content-Type", "application/json")
			req.Header.Set("Authorization", tokens[i%members])
			res, err := httpClient.Do(req)
			if err != nil {
				return 0, err
			}
			drain(res)
			if res.StatusCode == http.StatusCreated {
				mu.Lock()
				acked = append(acked, time.Now())
				mu.Unlock()
			}
			return res.StatusCode, nil
		})
		cpu := s.cpuTime() - cpu0
		var lagNote string
		if w != nil {
			time.Sleep(5 * time.Second) // let the last sends reach the replica
			w.stop()
			lagNote = w.lags(acked)
		}
		s.stop()
		if err != nil {
			return nil, err
		}
		check, failed, err := checkSends(dir, touch, total)
		if err != nil {
			return nil, err
		}
		if n := statuses[http.StatusCreated]; n != total {
			failed = true
			check += fmt.Sprintf(", %d of %d sends created", n, total)
		}
		r := Result{Workload: "sends, no replica", Size: fmt.Sprintf("%d sends, %d clients", total, clients),
			Rate: fmt.Sprintf("%.0f sends/s, %s CPU/send", rate, cpuPer(cpu, total)), P50: lat.percentile(.5), P95: lat.percentile(.95), Check: check, Failed: failed}
		if replicated {
			r.Workload = "sends, replicating to a folder"
			// note: the CPU of the replicated run includes Litestream's work during the burst;
			// what it ships after the last answer is not counted.
			r.Rate = fmt.Sprintf("%.0f sends/s (%.0f%% of no replica), %s CPU/send", rate, 100*rate/base, cpuPer(cpu, total))
			r.Check = lagNote + ", " + check
		} else {
			base = rate
		}
		out = append(out, r)
	}
	return out, nil
}

// seedSenders adds members with money for total sends of 100 and one touch for them.
func seedSenders(d *dataset, members, total int) (string, []string, error) {
	if err := d.addTeams(2, nil); err != nil {
		return "", nil, err
	}
	if err := d.addUsers(members, member.RoleMember); err != nil {
		return "", nil, err
	}
	var tokens []string
	for _, id := range d.users {
		if _, err := ledger.Post(d.app, ledger.Entry{Account: id, Amount: money.Cents(100 * 2 * (total/members + 1)), Kind: ledger.KindGrant}); err != nil {
			return "", nil, err
		}
		tok, err := d.token(id)
		if err != nil {
			return "", nil, err
		}
		tokens = append(tokens, tok)
	}
	col, err := d.app.FindCollectionByNameOrId("touches")
	if err != nil {
		return "", nil, err
	}
	r := core.NewRecord(col)
	r.Load(map[string]any{"name": "Coffee card", "cost": 100, "status": "active", "teams": d.teams})
	return r.Id, tokens, d.app.Save(r)
}

// replicaWatch records, every 20 ms, the newest Litestream file stamp in a folder replica.
type replicaWatch struct {
	dir  string
	quit chan struct{}
	done chan struct{}
	seen []stampSeen // in time order, stamps increasing
}

type stampSeen struct{ stamp, at time.Time }

func watchReplica(dir string) *replicaWatch {
	w := &replicaWatch{dir: dir, quit: make(chan struct{}), done: make(chan struct{})}
	go func() {
		defer close(w.done)
		t := time.NewTicker(20 * time.Millisecond)
		defer t.Stop()
		var newest time.Time
		for {
			select {
			case <-w.quit:
				return
			case <-t.C:
			}
			entries, _ := os.ReadDir(w.dir)
			for _, e := range entries {
				if info, err := e.Info(); err == nil && strings.HasSuffix(e.Name(), ".ltx") && info.ModTime().After(newest) {
					newest = info.ModTime()
					w.seen = append(w.seen, stampSeen{stamp: newest, at: time.Now()})
				}
			}
		}
	}()
	return w
}

func (w *replicaWatch) stop() { close(w.quit); <-w.done }

// lags is the replication lag of the acknowledged sends, as p50/p95 and how many arrived.
func (w *replicaWatch) lags(acked []time.Time) string {
	var lags []time.Duration
	for _, t := range acked {
		i := sort.Search(len(w.seen), func(i int) bool { return !w.seen[i].stamp.Before(t) })
		if i < len(w.seen) {
			lags = append(lags, w.seen[i].at.Sub(t))
		}
	}
	if len(lags) == 0 {
		return "nothing reached the replica"
	}
	sort.Slice(lags, func(i, j int) bool { return lags[i] < lags[j] })
	p := func(q float64) string {
		return fmt.Sprintf("%.2f s", lags[min(len(lags)-1, int(float64(len(lags))*q))].Seconds())
	}
	return fmt.Sprintf("replication lag p50 %s, p95 %s (%d of %d sends seen in the replica)", p(.5), p(.95), len(lags), len(acked))
}
