package replica

import (
	"context"
	"fmt"
	"log/slog"
	"strings"
	"time"
)

// States of a replica, as pages and /api/health show them.
const (
	StateStarting = "starting" // not connected yet (first seconds, or the replica was never reached)
	StateOK       = "ok"       // everything written is shipped, or will be within seconds
	StateBehind   = "behind"   // shipping, but more than behindAfter behind
	StateFailing  = "failing"  // the last attempt failed; the server keeps serving and retries
	StateRefused  = "refused"  // the replica holds a database not replicated from here (errWouldOverwrite)
)

// Status is what an owner or a superuser sees of the replication.
type Status struct {
	Replica string `json:"replica"` // URL without its password
	State   string `json:"state"`
	// LocalTXID is Litestream's last transaction made from data.db's WAL; ShippedTXID the
	// last one the replica holds, at ShippedAt.
	LocalTXID   uint64     `json:"localTxid"`
	ShippedTXID uint64     `json:"shippedTxid"`
	ShippedAt   *time.Time `json:"shippedAt"`
	// LagSeconds is how long the replica has been missing a change (0 when it has all).
	LagSeconds  float64    `json:"lagSeconds"`
	LastError   string     `json:"lastError,omitempty"`
	LastErrorAt *time.Time `json:"lastErrorAt,omitempty"`
	// UploadsKept says whether the replica also keeps the uploaded files (storage/): a
	// folder replica does, copied every 10 s (last at UploadsCopiedAt); S3 and SFTP ones
	// do not (docs/COMPANY.md says how to keep them).
	UploadsKept     bool       `json:"uploadsKept"`
	UploadsCopiedAt *time.Time `json:"uploadsCopiedAt"`
}

// Status reports the replication now.
func (r *Replicator) Status() Status {
	r.mu.Lock()
	defer r.mu.Unlock()
	now := time.Now()
	s := Status{Replica: r.target.String(), LocalTXID: r.localTXID, ShippedTXID: r.shippedTXID, LastError: r.lastError,
		UploadsKept: r.target.IsFolder()}
	if !r.shippedAt.IsZero() {
		t := r.shippedAt.UTC()
		s.ShippedAt = &t
	}
	if !r.lastErrorAt.IsZero() {
		t := r.lastErrorAt.UTC()
		s.LastErrorAt = &t
	}
	if !r.uploadsAt.IsZero() {
		t := r.uploadsAt.UTC()
		s.UploadsCopiedAt = &t
	}
	if !r.behindSince.IsZero() {
		s.LagSeconds = now.Sub(r.behindSince).Round(100 * time.Millisecond).Seconds()
	}
	switch {
	case r.refused:
		s.State = StateRefused
	case r.failing:
		s.State = StateFailing
	case !r.opened:
		s.State = StateStarting
	case s.LagSeconds > behindAfter.Seconds():
		s.State = StateBehind
	default:
		s.State = StateOK
	}
	return s
}

// Label is the state as a word for people.
func (s Status) Label() string {
	switch s.State {
	case StateOK:
		return "OK"
	case StateBehind:
		return "Behind"
	case StateFailing:
		return "Failing"
	case StateRefused:
		return "Not replicating"
	}
	return "Starting"
}

// Summary is the status in one sentence, for the settings page.
func (s Status) Summary() string {
	switch s.State {
	case StateStarting:
		return "Connecting to the replica…"
	case StateFailing:
		return "The replica cannot be reached. The server keeps working and ships everything once it is back."
	case StateRefused:
		return "Not replicating: the replica already holds a database that was not replicated from this server. Start the server with a new replica path."
	case StateBehind:
		return fmt.Sprintf("Shipping, %s behind.", time.Duration(s.LagSeconds*float64(time.Second)).Round(time.Second))
	}
	return "Every change is copied to the replica within seconds."
}

// logHandler passes Litestream's log records on: warnings and errors go to the server's
// log, errors also into the status, and a recovery clears the failing state once the
// next upload lands (watch sees it).
type logHandler struct {
	r     *Replicator
	attrs []slog.Attr
}

func (h *logHandler) Enabled(_ context.Context, l slog.Level) bool { return l >= slog.LevelWarn }

func (h *logHandler) Handle(ctx context.Context, rec slog.Record) error {
	if rec.Level >= slog.LevelError {
		msg := rec.Message
		rec.Attrs(func(a slog.Attr) bool {
			if a.Key == "error" {
				msg += ": " + a.Value.String()
			}
			return true
		})
		h.r.mu.Lock()
		h.r.lastError, h.r.lastErrorAt, h.r.failing = msg, time.Now(), true
		h.r.mu.Unlock()
	}
	attrs := append([]slog.Attr{slog.String("replica", h.r.target.String())}, h.attrs...)
	rec.Attrs(func(a slog.Attr) bool { attrs = append(attrs, a); return true })
	h.r.log.LogAttrs(ctx, rec.Level, "replication: "+strings.TrimSpace(rec.Message), attrs...)
	return nil
}

func (h *logHandler) WithAttrs(as []slog.Attr) slog.Handler {
	return &logHandler{r: h.r, attrs: append(append([]slog.Attr{}, h.attrs...), as...)}
}

func (h *logHandler) WithGroup(string) slog.Handler { return h }
