package replica

import (
	"context"
	"errors"
	"log/slog"

	"teamfund/internal/telemetry"
)

// operatorLog writes to PocketBase's log (the dashboard's Logs, kept in auxiliary.db)
// and to the structured log on standard output (the requests' JSON lines), where a
// container platform or systemd shows it: in production PocketBase's log is not printed,
// and a failing replica must be seen. Replication is one long-running job: job_id
// "replication".
func operatorLog(app interface{ Logger() *slog.Logger }) *slog.Logger {
	return slog.New(fanout{app.Logger().Handler(), telemetry.Log.Handler()}).
		With(slog.String("component", "replication"), slog.String("job_id", "replication"))
}

type fanout []slog.Handler

func (f fanout) Enabled(ctx context.Context, l slog.Level) bool {
	for _, h := range f {
		if h.Enabled(ctx, l) {
			return true
		}
	}
	return false
}

func (f fanout) Handle(ctx context.Context, r slog.Record) error {
	var errs []error
	for _, h := range f {
		if h.Enabled(ctx, r.Level) {
			errs = append(errs, h.Handle(ctx, r.Clone()))
		}
	}
	return errors.Join(errs...)
}

func (f fanout) WithAttrs(as []slog.Attr) slog.Handler {
	out := make(fanout, len(f))
	for i, h := range f {
		out[i] = h.WithAttrs(as)
	}
	return out
}

func (f fanout) WithGroup(name string) slog.Handler {
	out := make(fanout, len(f))
	for i, h := range f {
		out[i] = h.WithGroup(name)
	}
	return out
}
