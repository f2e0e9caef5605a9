package bench

import (
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"text/tabwriter"
	"time"
)

// Options configure a run.
type Options struct {
	Binary string // the teamfund binary to run as the server (normally os.Executable())
	Quick  bool   // smaller sizes, for CI smoke runs (< 2 minutes)
	Only   string // run only workloads whose name contains this
	// CPUProfile, when set, is a folder where each server started writes a CPU profile
	// of its run (<data folder name>.pprof).
	CPUProfile string
	// Reuse, when set, is a data folder an earlier `history` run kept (TEAMFUND_BENCH_KEEP=1):
	// the history workload times its pages on a copy of it instead of seeding a new company.
	Reuse string
	// Pages, when set, times only the history pages whose label or path contains it.
	Pages string
	Out   io.Writer
}

// workload is one measured scenario; it seeds its own data folder.
type workload struct {
	name string
	run  func(env *env) ([]Result, error)
}

// env is what a workload gets: options and a fresh temp folder.
type env struct {
	Options
	dir string
}

// size picks the quick or full figure.
func (e *env) size(quick, full int) int {
	if e.Quick {
		return quick
	}
	return full
}

// workloads lists every scenario in report order.
var workloads = []workload{
	{"cold start", coldStart},
	{"concurrent sends", concurrentSends},
	{"users page", usersPage},
	{"invite CSV", inviteCSV},
	{"ledger export", ledgerExport},
	{"monthly allocation", monthlyAllocation},
	{"replication", replication},
	{"history", historyWorkload},
}

// Run executes the workloads and prints the table; it returns an error when a
// correctness check failed (never for slow timings).
func Run(opt Options) ([]Result, error) {
	root, err := os.MkdirTemp("", "teamfund-bench-")
	if err != nil {
		return nil, err
	}
	if os.Getenv("TEAMFUND_BENCH_KEEP") == "" {
		defer os.RemoveAll(root)
	} else {
		fmt.Fprintf(opt.Out, "keeping %s\n", root)
	}
	cpuProfileDir = opt.CPUProfile
	var all []Result
	var failed []string
	for i, w := range workloads {
		if opt.Only != "" && !contains(w.name, opt.Only) {
			continue
		}
		fmt.Fprintf(opt.Out, "running %s...\n", w.name)
		t0 := time.Now()
		res, err := w.run(&env{Options: opt, dir: filepath.Join(root, fmt.Sprintf("w%02d", i))})
		if err != nil {
			return all, fmt.Errorf("%s: %w", w.name, err)
		}
		for _, r := range res {
			if r.Failed {
				failed = append(failed, r.Workload+": "+r.Check)
			}
		}
		all = append(all, res...)
		fmt.Fprintf(opt.Out, "  done in %s\n", time.Since(t0).Round(time.Millisecond))
	}
	Print(opt.Out, all)
	if len(failed) > 0 {
		return all, fmt.Errorf("correctness checks failed: %v", failed)
	}
	return all, nil
}

// Print writes the results as an aligned table.
func Print(w io.Writer, rs []Result) {
	tw := tabwriter.NewWriter(w, 2, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "workload\tsize\ttime or rate\tp50\tp95\tpeak RSS\tcheck")
	for _, r := range rs {
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\t%s\n", r.Workload, r.Size, r.Rate, ms(r.P50), ms(r.P95), mb(r.PeakRSS), r.Check)
	}
	tw.Flush()
}

func contains(s, sub string) bool {
	return strings.Contains(strings.ToLower(s), strings.ToLower(sub))
}
