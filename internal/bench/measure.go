package bench

import (
	"fmt"
	"io"
	"math"
	"net/http"
	"sort"
	"sync"
	"sync/atomic"
	"time"
)

// Result is one row of the report.
type Result struct {
	Workload string
	Size     string
	Rate     string // req/s or total time
	P50, P95 time.Duration
	PeakRSS  int64
	Check    string // correctness figure (e.g. "overspend 0"), "" when none
	Failed   bool   // a correctness check failed
}

// latencies collects request durations from many goroutines.
type latencies struct {
	mu sync.Mutex
	d  []time.Duration
}

func (l *latencies) add(d time.Duration) {
	l.mu.Lock()
	l.d = append(l.d, d)
	l.mu.Unlock()
}

// percentile is the nearest-rank percentile: the smallest duration that at least p of the
// requests took no longer than (of 20 requests, p95 is the 19th, not the slowest; of 100,
// the 95th).
func (l *latencies) percentile(p float64) time.Duration {
	l.mu.Lock()
	defer l.mu.Unlock()
	if len(l.d) == 0 {
		return 0
	}
	sort.Slice(l.d, func(i, j int) bool { return l.d[i] < l.d[j] })
	rank := int(math.Ceil(p*float64(len(l.d)) - 1e-9))
	return l.d[min(len(l.d), max(rank, 1))-1]
}

// load runs total requests from clients goroutines; do returns the HTTP status.
// It reports req/s over the wall time and the latency distribution.
func load(clients, total int, do func(i int) (int, error)) (rate float64, lat *latencies, statuses map[int]int, err error) {
	lat = &latencies{}
	statuses = map[int]int{}
	var mu sync.Mutex
	var next atomic.Int64
	var firstErr atomic.Value
	var wg sync.WaitGroup
	t0 := time.Now()
	for range clients {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				i := int(next.Add(1)) - 1
				if i >= total {
					return
				}
				s := time.Now()
				code, err := do(i)
				lat.add(time.Since(s))
				if err != nil {
					firstErr.CompareAndSwap(nil, err)
					continue
				}
				mu.Lock()
				statuses[code]++
				mu.Unlock()
			}
		}()
	}
	wg.Wait()
	elapsed := time.Since(t0)
	if e, ok := firstErr.Load().(error); ok {
		err = e
	}
	return float64(total) / elapsed.Seconds(), lat, statuses, err
}

// httpClient keeps enough idle connections for the concurrent clients.
var httpClient = &http.Client{
	Timeout:   60 * time.Second,
	Transport: &http.Transport{MaxIdleConns: 256, MaxIdleConnsPerHost: 256},
}

// drain reads and closes a response body so the connection is reused.
func drain(res *http.Response) {
	_, _ = io.Copy(io.Discard, res.Body)
	res.Body.Close()
}

func mb(b int64) string {
	if b == 0 {
		return "-"
	}
	return fmt.Sprintf("%.0f MB", float64(b)/(1<<20))
}

func ms(d time.Duration) string {
	if d == 0 {
		return "-"
	}
	return fmt.Sprintf("%.1f ms", float64(d.Microseconds())/1000)
}

// cpuPer is the server's CPU time per request, as milliseconds.
func cpuPer(cpu time.Duration, n int) string {
	if cpu == 0 || n == 0 {
		return "-"
	}
	return fmt.Sprintf("%.2f ms", float64(cpu.Microseconds())/1000/float64(n))
}
