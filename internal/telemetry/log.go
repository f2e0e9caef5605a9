// Package telemetry is what an operator sees of a running Teamfund: structured log lines on
// standard output (requests, errors, background jobs) and Prometheus metrics. PocketBase's
// own logger writes to its logs database, which `fly logs` or `docker logs` never show.
package telemetry

import (
	"io"
	"log/slog"
	"os"
	"testing"
)

// Log is the process's structured logger on standard output: JSON lines when standard
// output is not a terminal (a container, a pipe, a log shipper), readable text otherwise.
// note: under `go test` it discards, so test output stays readable; tests that check log
// lines run the built binary.
var Log = newLog()

func newLog() *slog.Logger {
	if testing.Testing() {
		return slog.New(slog.NewTextHandler(io.Discard, nil))
	}
	return NewLogger(os.Stdout, !isTerminal(os.Stdout))
}

// NewLogger writes records at Info and above to w, as JSON lines or as text.
func NewLogger(w io.Writer, asJSON bool) *slog.Logger {
	if asJSON {
		return slog.New(slog.NewJSONHandler(w, nil))
	}
	return slog.New(slog.NewTextHandler(w, nil))
}

// isTerminal reports whether f is a character device (a terminal).
func isTerminal(f *os.File) bool {
	st, err := f.Stat()
	return err == nil && st.Mode()&os.ModeCharDevice != 0
}
