package export_test

import (
	"cmp"
	"fmt"
	"net/url"
	"os"
	"os/exec"
	"runtime"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/core"

	"teamfund/internal/export"
	"teamfund/internal/member"
	"teamfund/internal/testutil"
)

// seedLedger appends n ledger rows for fixture user key in one raw INSERT (test data only: it
// bypasses ledger.Post, so balances do not reconcile). Texts are long, non-ASCII and
// formula-like, so every cell goes through the escaping path.
func seedLedger(tb testing.TB, app core.App, n int, key string) {
	tb.Helper()
	f := testutil.Fixtures(tb)
	_, err := app.DB().NewQuery(`
		WITH RECURSIVE seq(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM seq WHERE i < {:n})
		INSERT INTO ledger_entries (id, account, user_email, team, amount, kind, reason, actor, actor_email, period, balance_after, ref, created)
		SELECT printf('%s%011d', {:account}, i), {:account}, 'zoe.orsted.' || i || '@acme.com', {:team}, (i % 2001) - 1000, 'adjust',
			'=HYPERLINK("http://x") Zoë Ørsted 山田 budget correction number ' || i, {:actor}, 'admin@acme.com', '2026-11', 50000 + i,
			'ref:' || i, strftime('%Y-%m-%d %H:%M:%fZ', '2026-11-20', '-' || i || ' seconds')
		FROM seq`).Bind(dbx.Params{"n": n, "account": f.ID(key), "team": f.ID("alpha"), "actor": f.ID("admin")}).Execute()
	if err != nil {
		tb.Fatal(err)
	}
}

// heapProbe is an export destination that, every 256 KiB written, collects garbage and
// records the live heap: the peak is what the export holds at once (rows in flight,
// buffers), whatever the GC would otherwise let pile up. It also records the largest single
// write, which shows whether the file arrives in pieces or as one buffered blob.
type heapProbe struct {
	every               int64 // bytes between probes; 0 means 256 KiB
	written, sinceProbe int64
	peakHeap            uint64
	largestWrite        int
}

func (p *heapProbe) Write(b []byte) (int, error) {
	p.written += int64(len(b))
	p.sinceProbe += int64(len(b))
	p.largestWrite = max(p.largestWrite, len(b))
	if every := cmp.Or(p.every, 256<<10); p.sinceProbe >= every {
		p.sinceProbe = 0
		p.probe()
	}
	return len(b), nil
}

func (p *heapProbe) probe() {
	runtime.GC()
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	p.peakHeap = max(p.peakHeap, ms.HeapAlloc)
}

// exportProbed exports the ledger of app (narrowed by query) in format f and returns the
// probe and how much the live heap rose above its level before the export.
func exportProbed(t *testing.T, app core.App, f export.Format, query url.Values, wantRows int) (*heapProbe, uint64) {
	t.Helper()
	viewer, err := export.System(app)
	if err != nil {
		t.Fatal(err)
	}
	p := &heapProbe{}
	p.probe()
	base := p.peakHeap
	n, err := export.Write(app, p, export.Request{Dataset: export.Ledger, Format: f, Query: query, Viewer: viewer})
	if err != nil {
		t.Fatal(err)
	}
	if n != wantRows {
		t.Fatalf("exported %d rows, want %d", n, wantRows)
	}
	p.probe()
	growth := p.peakHeap - min(base, p.peakHeap)
	t.Logf("%s %6d rows: file %5d KiB, live heap +%5d KiB, largest write %d KiB", f, n, p.written>>10, growth>>10, p.largestWrite>>10)
	return p, growth
}

// TestLargeExportMemoryIsBounded exports 2,000 and 20,000 ledger rows as CSV and as XLSX:
// the live heap during the export must not grow with the rows (the cursor streams, the
// writers hold one row), and the file must reach the output in pieces, not as one buffered
// blob. Peak RSS at 10k and 100k rows is measured by BenchmarkExportPeakRSS (docs/EXPORT.md).
func TestLargeExportMemoryIsBounded(t *testing.T) {
	f := testutil.Fixtures(t)
	app := testutil.NewApp(t)
	seedLedger(t, app, 2_000, "memberA")
	seedLedger(t, app, 18_000, "memberA2")
	for _, format := range []export.Format{export.CSV, export.XLSX} {
		_, small := exportProbed(t, app, format, url.Values{"member": {f.ID("memberA")}}, 2_000)
		probe, large := exportProbed(t, app, format, nil, 20_000)
		if large > small+1<<20 {
			t.Errorf("%s: live heap grew with the rows: 2k → +%d KiB, 20k → +%d KiB", format, small>>10, large>>10)
		}
		if probe.largestWrite > 64<<10 {
			t.Errorf("%s: one write of %d KiB: the file was buffered instead of streamed", format, probe.largestWrite>>10)
		}
	}
}

// BenchmarkExportPeakRSS measures the peak resident memory (VmHWM) of exporting 10k and 100k
// ledger rows, each in a fresh child process so the figures do not mix. "system" is the
// command line (every row); "manager" is managerA, whose visibility (own rows or the team's)
// makes SQLite read through two indexes:
//
//	go test ./internal/export -run '^$' -bench ExportPeakRSS -benchtime 1x
func BenchmarkExportPeakRSS(b *testing.B) {
	for _, n := range benchSizes() {
		app := testutil.NewApp(b)
		seedLedger(b, app, n, "memberA")
		for _, c := range []struct {
			format export.Format
			viewer string
		}{{export.CSV, "system"}, {export.XLSX, "system"}, {export.CSV, "managerA"}} {
			b.Run(fmt.Sprintf("%s/%s/%dk", c.format, c.viewer, n/1000), func(b *testing.B) {
				for range b.N {
					viewer := c.viewer
					if viewer != "system" {
						viewer = testutil.Fixtures(b).ID(viewer)
					}
					res := runRSSChild(b, app.DataDir(), c.format, viewer)
					b.ReportMetric(res["before_kib"]/1024, "MiB-RSS-before")
					b.ReportMetric(res["peak_kib"]/1024, "MiB-RSS-peak")
					b.ReportMetric(res["seconds"], "s/export")
					b.ReportMetric(res["bytes"]/(1<<20), "MiB-file")
				}
			})
		}
		app.Cleanup()
	}
}

// benchSizes are the row counts of BenchmarkExportPeakRSS: 10k and 100k, or the list in
// TF_EXPORT_BENCH_ROWS (e.g. "300000") to check that the peak levels off.
func benchSizes() []int {
	env := os.Getenv("TF_EXPORT_BENCH_ROWS")
	if env == "" {
		return []int{10_000, 100_000}
	}
	var out []int
	for _, f := range strings.Split(env, ",") {
		n, err := strconv.Atoi(strings.TrimSpace(f))
		if err == nil {
			out = append(out, n)
		}
	}
	return out
}

// runRSSChild runs TestExportRSSChild in a new process of this test binary and parses its
// "key=value" report.
func runRSSChild(b *testing.B, dir string, format export.Format, viewer string) map[string]float64 {
	cmd := exec.Command(os.Args[0], "-test.run=^TestExportRSSChild$", "-test.v")
	cmd.Env = append(os.Environ(), "TF_RSS_CHILD_DIR="+dir, "TF_RSS_CHILD_FORMAT="+string(format), "TF_RSS_CHILD_VIEWER="+viewer)
	out, err := cmd.CombinedOutput()
	if err != nil {
		b.Fatalf("child: %v\n%s", err, out)
	}
	res := map[string]float64{}
	for _, line := range strings.Split(string(out), "\n") {
		if _, report, ok := strings.Cut(line, "RSS-REPORT "); ok {
			for _, kv := range strings.Fields(report) {
				k, v, _ := strings.Cut(kv, "=")
				res[k], _ = strconv.ParseFloat(v, 64)
			}
		}
	}
	if len(res) == 0 {
		b.Fatalf("child printed no report:\n%s", out)
	}
	return res
}

// TestExportRSSChild is the child side of BenchmarkExportPeakRSS (skipped in normal runs):
// it opens the prepared data folder, exports the ledger, and reports VmHWM before and after.
func TestExportRSSChild(t *testing.T) {
	dir := os.Getenv("TF_RSS_CHILD_DIR")
	if dir == "" {
		t.Skip("child process of BenchmarkExportPeakRSS")
	}
	app := core.NewBaseApp(core.BaseAppConfig{DataDir: dir})
	if err := app.Bootstrap(); err != nil {
		t.Fatal(err)
	}
	defer app.ResetBootstrapState()
	viewer, err := export.System(app)
	if id := os.Getenv("TF_RSS_CHILD_VIEWER"); id != "system" {
		viewer, err = member.Find(app, id)
	}
	if err != nil {
		t.Fatal(err)
	}
	before := vmHWM(t)
	counter := &countingWriter{}
	start := time.Now()
	n, err := export.Write(app, counter, export.Request{Dataset: export.Ledger, Format: export.Format(os.Getenv("TF_RSS_CHILD_FORMAT")), Viewer: viewer})
	if err != nil {
		t.Fatal(err)
	}
	fmt.Printf("RSS-REPORT rows=%d before_kib=%d peak_kib=%d seconds=%.2f bytes=%d\n",
		n, before, vmHWM(t), time.Since(start).Seconds(), counter.n)
}

type countingWriter struct{ n int64 }

func (w *countingWriter) Write(p []byte) (int, error) { w.n += int64(len(p)); return len(p), nil }

// vmHWM is the process's peak resident set size in KiB (Linux).
func vmHWM(t *testing.T) int64 {
	b, err := os.ReadFile("/proc/self/status")
	if err != nil {
		t.Skip("no /proc/self/status on this system")
	}
	for _, line := range strings.Split(string(b), "\n") {
		if v, ok := strings.CutPrefix(line, "VmHWM:"); ok {
			kib, _ := strconv.ParseInt(strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(v), "kB")), 10, 64)
			return kib
		}
	}
	return 0
}
