// Package bench is Teamfund's benchmark harness (`teamfund bench`): it seeds a temporary
// data folder, runs the real binary on it, drives it over HTTP on loopback and reports
// throughput, latency percentiles and the server's peak RSS.
package bench

import (
	"fmt"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"time"
)

// cpuProfileDir is Options.CPUProfile of the current run.
var cpuProfileDir string

// server is a running Teamfund process.
type server struct {
	url     string
	cmd     *exec.Cmd
	started time.Duration // exec to first 200 from /api/health
}

func startServer(binary, dataDir string) (*server, error) {
	return startServerWith(binary, dataDir, nil)
}

// startServerWith starts the server with extra environment variables and serve flags
// (e.g. --replica).
func startServerWith(binary, dataDir string, env []string, args ...string) (*server, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, err
	}
	addr := l.Addr().String()
	l.Close()
	cmd := exec.Command(binary, append([]string{"serve", "--http", addr, "--dir", dataDir}, args...)...)
	cmd.Env = append(os.Environ(), env...)
	if cpuProfileDir != "" {
		cmd.Env = append(cmd.Env, "TEAMFUND_CPUPROFILE="+filepath.Join(cpuProfileDir, filepath.Base(dataDir)+".pprof"))
	}
	logf, err := os.OpenFile(dataDir+".log", os.O_CREATE|os.O_WRONLY|os.O_APPEND, 0o644)
	if err != nil {
		return nil, err
	}
	cmd.Stdout, cmd.Stderr = logf, logf
	t0 := time.Now()
	if err := cmd.Start(); err != nil {
		return nil, err
	}
	s := &server{url: "http://" + addr, cmd: cmd}
	client := &http.Client{Timeout: time.Second}
	for time.Since(t0) < 30*time.Second {
		res, err := client.Get(s.url + "/api/health")
		if err == nil {
			res.Body.Close()
			if res.StatusCode == http.StatusOK {
				s.started = time.Since(t0)
				return s, nil
			}
		}
		time.Sleep(5 * time.Millisecond)
	}
	s.stop()
	return nil, fmt.Errorf("server on %s did not become healthy; see %s.log", addr, dataDir)
}

// resetPeakRSS makes the next peakRSS reading cover only what follows (Linux clear_refs 5).
func (s *server) resetPeakRSS() {
	_ = os.WriteFile(fmt.Sprintf("/proc/%d/clear_refs", s.cmd.Process.Pid), []byte("5"), 0)
}

// peakRSS is the server's high-water resident set size in bytes (VmHWM), 0 when unknown.
func (s *server) peakRSS() int64 {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", s.cmd.Process.Pid))
	if err != nil {
		return 0
	}
	for _, line := range strings.Split(string(b), "\n") {
		if strings.HasPrefix(line, "VmHWM:") {
			f := strings.Fields(line)
			if len(f) >= 2 {
				kb, _ := strconv.ParseInt(f[1], 10, 64)
				return kb * 1024
			}
		}
	}
	return 0
}

// cpuTime is the CPU time (user + system) the server has used so far, 0 when unknown.
func (s *server) cpuTime() time.Duration {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", s.cmd.Process.Pid))
	if err != nil {
		return 0
	}
	// Fields after the command name (which may hold spaces) start at state: utime and
	// stime are the 12th and 13th of them, in clock ticks (100 per second on Linux).
	f := strings.Fields(string(b[strings.LastIndexByte(string(b), ')')+1:]))
	if len(f) < 13 {
		return 0
	}
	u, _ := strconv.ParseInt(f[11], 10, 64)
	k, _ := strconv.ParseInt(f[12], 10, 64)
	return time.Duration(u+k) * 10 * time.Millisecond
}

func (s *server) stop() {
	_ = s.cmd.Process.Signal(syscall.SIGTERM)
	done := make(chan struct{})
	go func() { _ = s.cmd.Wait(); close(done) }()
	select {
	case <-done:
	case <-time.After(10 * time.Second):
		_ = s.cmd.Process.Kill()
	}
}
