// Package telemetry is what an operator sees of a running Teamfund: structured log lines on
// standard output (requests, errors, background jobs) and Prometheus metrics. PocketBase's
// own logger writes to its logs database, which `fly logs` or `docker logs` never show.
package telemetry

import (
	"crypto/rand"
	"encoding/hex"
	"io"
	"log/slog"
	"os"
	"testing"

	"github.com/pocketbase/pocketbase/core"
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

// requestApp is an app that knows the id of the request it serves: the web layer hands it
// to handlers, so domain code that queues background work (a webhook delivery) or logs
// (an allocation run started by an admin) can name the request in its log lines, without
// every domain function taking the id as a parameter.
type requestApp struct {
	core.App
	requestID string
}

// RunInTransaction keeps the request id on the transaction's app, where domain code
// queues its work.
func (a requestApp) RunInTransaction(fn func(txApp core.App) error) error {
	return a.App.RunInTransaction(func(tx core.App) error { return fn(requestApp{tx, a.requestID}) })
}

// WithRequestID returns app carrying the request id id.
func WithRequestID(app core.App, id string) core.App {
	if ra, ok := app.(requestApp); ok {
		app = ra.App
	}
	return requestApp{app, id}
}

// RequestIDOf is the id of the request app serves ("" for a job, the CLI, a hook's app).
func RequestIDOf(app core.App) string {
	if ra, ok := app.(requestApp); ok {
		return ra.requestID
	}
	return ""
}

// NewJobID names one run of background work (an allocation run, a delivery attempt) in the
// log when no request started it.
func NewJobID() string {
	b := make([]byte, 8)
	_, _ = rand.Read(b)
	return "job-" + hex.EncodeToString(b)
}

// Origin names what started a piece of work, for its log lines: request_id when app serves
// a request (an admin's allocation run, mail queued by an invite), or a new job_id when a
// job did (the scheduler, a retry, the CLI).
func Origin(app core.App) slog.Attr {
	if id := RequestIDOf(app); id != "" {
		return slog.String("request_id", id)
	}
	return slog.String("job_id", NewJobID())
}
