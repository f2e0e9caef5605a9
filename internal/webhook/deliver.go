package webhook

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"strconv"
	"sync"
	"time"

	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tools/types"
)

// Timeout bounds one delivery attempt: an endpoint that has not answered by then counts
// as failed and is tried again later.
const Timeout = 10 * time.Second

// retryPauses are the waits before the 2nd, 3rd, … attempt; after the last one the
// delivery is "failed" for good.
var retryPauses = []time.Duration{30 * time.Second, 2 * time.Minute, 10 * time.Minute, time.Hour, 6 * time.Hour}

// parallel is how many deliveries run at once: one hanging endpoint does not hold up
// the others.
const parallel = 4

// worker delivers the queue of one app in the background.
type worker struct {
	app    core.App
	ctx    context.Context // done when the app terminates: posts in flight are abandoned
	client *http.Client
	wake   chan struct{}
	mu     sync.Mutex // one pass over the queue at a time
}

const workerKey = "teamfund.webhook.worker"

// Bind starts the delivery worker of app; it stops when the app terminates.
func Bind(app core.App) {
	w := &worker{app: app, wake: make(chan struct{}, 1), client: &http.Client{
		Timeout: Timeout,
		// A redirect is an answer to fix in the endpoint's URL, not to follow with a signed body.
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
	}}
	app.Store().Set(workerKey, w)
	ctx, stop := context.WithCancel(context.Background())
	w.ctx = ctx
	app.OnTerminate().BindFunc(func(e *core.TerminateEvent) error {
		// Stop, then wait for a pass in progress (its posts are cancelled), so that no
		// delivery is recorded after the database closes; unfinished ones stay pending.
		stop()
		w.mu.Lock()
		w.mu.Unlock()
		return e.Next()
	})
	go w.run(ctx)
}

// run delivers what is due whenever a transaction queued something, and every 15 s for
// retries (and deliveries left by a process that stopped).
func (w *worker) run(ctx context.Context) {
	tick := time.NewTicker(15 * time.Second)
	defer tick.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-w.wake:
		case <-tick.C:
		}
		if _, err := w.deliverDue(time.Now()); err != nil {
			w.app.Logger().Error("webhooks: delivering failed", slog.Any("error", err))
		}
	}
}

// wakeAfterCommit wakes the worker once tx commits (at once when tx is no transaction).
func wakeAfterCommit(tx core.App) {
	w, _ := tx.Store().Get(workerKey).(*worker)
	if w == nil {
		return
	}
	info := tx.TxInfo()
	if info == nil {
		w.poke()
		return
	}
	info.OnComplete(func(txErr error) error {
		if txErr == nil {
			w.poke()
		}
		return nil
	})
}

func (w *worker) poke() {
	select {
	case w.wake <- struct{}{}:
	default: // a pass is already due
	}
}

// DeliverDue delivers every delivery of app due at now (tests pass a later now to run
// retries without waiting) and returns how many were due (another process may have
// claimed some of them first).
func DeliverDue(app core.App, now time.Time) (int, error) {
	w, _ := app.Store().Get(workerKey).(*worker)
	if w == nil {
		return 0, fmt.Errorf("webhook: worker not bound")
	}
	return w.deliverDue(now)
}

type dueRow struct {
	ID          string `db:"id"`
	Webhook     string `db:"webhook"`
	Event       string `db:"event"`
	EventID     string `db:"event_id"`
	Payload     string `db:"payload"`
	Attempts    int    `db:"attempts"`
	NextAttempt string `db:"next_attempt_at"`
	URL         string `db:"url"`
	Secret      string `db:"secret"`
	Format      string `db:"format"`
}

func (w *worker) deliverDue(now time.Time) (int, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	total := 0
	for {
		if w.ctx.Err() != nil {
			return total, nil
		}
		var rows []dueRow
		err := w.app.DB().NewQuery(`SELECT d.id, d.webhook, d.event, d.event_id, d.payload, d.attempts, d.next_attempt_at, h.url, h.secret, h.format
			FROM webhook_deliveries d JOIN webhooks h ON h.id = d.webhook
			WHERE d.status = {:pending} AND d.next_attempt_at <= {:now} AND h.active = 1
			ORDER BY d.next_attempt_at, d.id LIMIT 50`).
			Bind(dbx.Params{"pending": Pending, "now": now.UTC().Format(types.DefaultDateLayout)}).All(&rows)
		if err != nil || len(rows) == 0 {
			return total, err
		}
		total += len(rows)
		sem := make(chan struct{}, parallel)
		var wg sync.WaitGroup
		for _, r := range rows {
			wg.Add(1)
			sem <- struct{}{}
			go func() {
				defer func() { <-sem; wg.Done() }()
				if w.claim(r) {
					w.attempt(r)
				}
			}()
		}
		wg.Wait()
	}
}

// claimLease is how long a claimed delivery is left to its worker before another one may
// take it (the worker's process may have died mid-attempt); longer than any attempt.
const claimLease = 2 * time.Minute

// claim takes r for this worker: a CLI command's worker and the server's (two processes)
// may see the same due delivery, and only the one whose compare-and-set on its
// next_attempt_at succeeds POSTs it, so an endpoint never gets it twice from them.
func (w *worker) claim(r dueRow) bool {
	lease := time.Now().UTC().Add(claimLease).Format(types.DefaultDateLayout)
	res, err := w.app.DB().Update(DeliveriesCollection, dbx.Params{"next_attempt_at": lease},
		dbx.HashExp{"id": r.ID, "status": Pending, "next_attempt_at": r.NextAttempt}).Execute()
	if err != nil {
		w.app.Logger().Error("webhooks: cannot claim a delivery", slog.String("id", r.ID), slog.Any("error", err))
		return false
	}
	n, err := res.RowsAffected()
	return err == nil && n == 1
}

// attempt POSTs one delivery and records the answer; a failure is retried after the next
// pause, or marked failed after the last attempt.
func (w *worker) attempt(r dueRow) {
	code, failure := w.post(r)
	if w.ctx.Err() != nil {
		return // shutting down: the delivery stays pending for the next start
	}
	attempts := r.Attempts + 1
	now := time.Now().UTC()
	set := dbx.Params{"attempts": attempts, "response_code": code, "error": truncate(failure, 1000)}
	switch {
	case failure == "":
		set["status"], set["delivered_at"], set["next_attempt_at"] = Sent, now.Format(types.DefaultDateLayout), ""
	case attempts <= len(retryPauses):
		set["status"], set["next_attempt_at"] = Pending, now.Add(retryPauses[attempts-1]).Format(types.DefaultDateLayout)
	default:
		set["status"], set["next_attempt_at"] = Failed, ""
	}
	if _, err := w.app.DB().Update(DeliveriesCollection, set, dbx.HashExp{"id": r.ID}).Execute(); err != nil {
		w.app.Logger().Error("webhooks: cannot record a delivery", slog.String("id", r.ID), slog.Any("error", err))
	}
	if failure != "" {
		w.app.Logger().Warn("webhooks: delivery failed", slog.String("id", r.ID), slog.String("event", r.Event),
			slog.Int("attempt", attempts), slog.Int("status", code), slog.String("error", failure))
	}
}

// post sends the signed payload and returns the response status and, unless it is 2xx,
// why the delivery failed.
func (w *worker) post(r dueRow) (int, string) {
	body, err := bodyFor(r.Payload, r.Format, r.EventID)
	if err != nil {
		return 0, "the queued event cannot be read"
	}
	ts := time.Now().Unix()
	req, err := http.NewRequestWithContext(w.ctx, http.MethodPost, r.URL, bytes.NewReader(body))
	if err != nil {
		return 0, "bad endpoint URL: " + err.Error()
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("User-Agent", "Teamfund-Webhooks/2")
	req.Header.Set(HeaderID, r.ID)
	req.Header.Set(HeaderTimestamp, strconv.FormatInt(ts, 10))
	req.Header.Set(HeaderSignature, Sign(r.Secret, r.ID, ts, body))
	if r.Format == FormatLegacy {
		req.Header.Set(LegacyHeaderEvent, r.Event)
		req.Header.Set(LegacyHeaderDelivery, r.ID)
		req.Header.Set(LegacyHeaderTimestamp, strconv.FormatInt(ts, 10))
		req.Header.Set(LegacyHeaderSignature, SignLegacy(r.Secret, ts, body))
	}
	res, err := w.client.Do(req)
	if err != nil {
		return 0, err.Error()
	}
	defer res.Body.Close()
	answer, _ := io.ReadAll(io.LimitReader(res.Body, 300))
	if res.StatusCode < 200 || res.StatusCode > 299 {
		return res.StatusCode, fmt.Sprintf("the endpoint answered %s %s", res.Status, bytes.TrimSpace(answer))
	}
	return res.StatusCode, ""
}

func truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return s[:n]
}
