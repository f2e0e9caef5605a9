package webhook

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/pocketbase/dbx"
	validation "github.com/pocketbase/ozzo-validation/v4"
	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tools/types"

	"teamfund/internal/telemetry"
)

// Timeout bounds one delivery attempt: an endpoint that has not answered by then counts
// as failed and is tried again later.
const Timeout = 10 * time.Second

// retryPauses are the waits before the 2nd, 3rd, … attempt; after the last one the
// delivery is "failed" for good.
var retryPauses = []time.Duration{30 * time.Second, 2 * time.Minute, 10 * time.Minute, time.Hour, 6 * time.Hour}

// worker delivers the queue of one app in the background: one goroutine per endpoint
// with deliveries due, each sending that endpoint's deliveries one after the other, in
// the order they were queued. A slow or hanging endpoint holds up only its own queue.
type worker struct {
	app    core.App
	ctx    context.Context // done when the app terminates: posts in flight are abandoned
	client *http.Client
	wake   chan struct{}
	// dial connects to an address dialContext checked (an IP and a port).
	dial func(ctx context.Context, network, address string) (net.Conn, error)

	mu      sync.Mutex
	busy    map[string]bool // endpoints whose goroutine is running
	idle    *sync.Cond      // signalled (with mu) whenever an endpoint goroutine ends
	running sync.WaitGroup  // every endpoint goroutine
}

const workerKey = "teamfund.webhook.worker"

// connectTimeout bounds connecting to an endpoint, within Timeout.
const connectTimeout = 5 * time.Second

// Bind starts the delivery worker of app; it stops when the app terminates. It also
// holds endpoints saved below every API (the dashboard) to the target rule.
func Bind(app core.App) {
	w := &worker{app: app, wake: make(chan struct{}, 1), busy: map[string]bool{},
		dial: (&net.Dialer{Timeout: connectTimeout}).DialContext}
	w.idle = sync.NewCond(&w.mu)
	w.client = &http.Client{
		Timeout: Timeout,
		Transport: &http.Transport{
			Proxy:               nil, // a proxy would connect in our place, past the address check
			DialContext:         w.dialContext,
			TLSHandshakeTimeout: connectTimeout,
			// Every delivery connects anew, so every one is checked against the owner's
			// switch and the name's current addresses.
			DisableKeepAlives: true,
		},
		// A redirect is an answer to fix in the endpoint's URL, not to follow with a signed body.
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
	}
	app.Store().Set(workerKey, w)
	ctx, stop := context.WithCancel(context.Background())
	w.ctx = ctx
	app.OnTerminate().BindFunc(func(e *core.TerminateEvent) error {
		// Stop, then wait for the endpoint goroutines (their posts are cancelled), so that
		// no delivery is recorded after the database closes; unfinished ones stay pending.
		stop()
		w.running.Wait()
		return e.Next()
	})
	app.OnRecordValidate(Collection).BindFunc(func(e *core.RecordEvent) error {
		if err := checkLiteralTarget(e.App, e.Record.GetString("url")); err != nil {
			return validation.Errors{"url": validation.NewError("validation_internal_target", err.Error())}
		}
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
		if _, err := w.deliverDue(time.Now(), false); err != nil {
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

// DeliverDue delivers the deliveries of app due at now (tests pass a later now to run
// retries without waiting) and returns once none is due any more and no endpoint is being
// delivered to: what the background worker had started is waited for, so that the
// caller sees every outcome. Deliveries another process claimed first are left to it.
func DeliverDue(app core.App, now time.Time) (int, error) {
	w, _ := app.Store().Get(workerKey).(*worker)
	if w == nil {
		return 0, fmt.Errorf("webhook: worker not bound")
	}
	total := 0
	for {
		w.waitIdle()
		n, err := w.deliverDue(now, true)
		if err != nil {
			return total, err
		}
		total += n
		w.mu.Lock()
		idle := len(w.busy) == 0
		w.mu.Unlock()
		if n == 0 && idle {
			return total, nil
		}
	}
}

// waitIdle waits until no endpoint goroutine runs.
func (w *worker) waitIdle() {
	w.mu.Lock()
	defer w.mu.Unlock()
	for len(w.busy) > 0 {
		w.idle.Wait()
	}
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
	RequestID   string `db:"request_id"`
}

// dueSQL selects deliveries due at {:now} of active endpoints, oldest first.
const dueSQL = `SELECT d.id, d.webhook, d.event, d.event_id, d.payload, d.attempts, d.next_attempt_at, h.url, h.secret, h.format, d.request_id
	FROM webhook_deliveries d JOIN webhooks h ON h.id = d.webhook
	WHERE d.status = {:pending} AND d.next_attempt_at <= {:now} AND h.active = 1`

// due lists up to limit deliveries due at now, of endpoint hook only when it is set,
// leaving out the endpoints in skip.
func (w *worker) due(now time.Time, hook string, skip []string, limit int) ([]dueRow, error) {
	sql := dueSQL
	params := dbx.Params{"pending": Pending, "now": now.UTC().Format(types.DefaultDateLayout)}
	if hook != "" {
		sql += " AND d.webhook = {:hook}"
		params["hook"] = hook
	}
	for i, id := range skip {
		name := fmt.Sprintf("skip%d", i)
		sql += " AND d.webhook != {:" + name + "}"
		params[name] = id
	}
	var rows []dueRow
	err := w.app.DB().NewQuery(sql + " ORDER BY d.next_attempt_at, d.created, d.id LIMIT " + fmt.Sprint(limit)).Bind(params).All(&rows)
	return rows, err
}

// deliverDue starts a goroutine for every endpoint with deliveries due at now that has
// none running yet; with wait it waits for the ones it started.
func (w *worker) deliverDue(now time.Time, wait bool) (int, error) {
	if w.ctx.Err() != nil {
		return 0, nil
	}
	w.mu.Lock()
	skip := make([]string, 0, len(w.busy))
	for id := range w.busy {
		skip = append(skip, id)
	}
	w.mu.Unlock()
	rows, err := w.due(now, "", skip, 500)
	if err != nil || len(rows) == 0 {
		return 0, err
	}
	var order []string
	byHook := map[string][]dueRow{}
	for _, r := range rows {
		if byHook[r.Webhook] == nil {
			order = append(order, r.Webhook)
		}
		byHook[r.Webhook] = append(byHook[r.Webhook], r)
	}
	var started sync.WaitGroup
	w.mu.Lock()
	for _, hook := range order {
		if w.busy[hook] {
			continue
		}
		w.busy[hook] = true
		w.running.Add(1)
		started.Add(1)
		go func() {
			defer started.Done()
			w.deliverEndpoint(hook, byHook[hook], now)
		}()
	}
	w.mu.Unlock()
	if wait {
		started.Wait()
	}
	return len(rows), nil
}

// deliverEndpoint sends the due deliveries of one endpoint in order, then the ones that
// became due meanwhile, until none is left.
func (w *worker) deliverEndpoint(hook string, rows []dueRow, now time.Time) {
	defer func() {
		w.mu.Lock()
		delete(w.busy, hook)
		w.idle.Broadcast()
		w.mu.Unlock()
		w.running.Done()
		// Something queued for this endpoint just before it was released found it busy.
		w.poke()
	}()
	for len(rows) > 0 {
		for _, r := range rows {
			if w.ctx.Err() != nil {
				return
			}
			if w.claim(r) {
				w.attempt(r)
			}
		}
		var err error
		if rows, err = w.due(now, hook, nil, 50); err != nil {
			w.app.Logger().Error("webhooks: listing due deliveries failed", slog.Any("error", err))
			return
		}
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

// Reasons a delivery failed, as the page and the API show them: a few fixed phrases, so
// that what an endpoint answers (or how a connection fails) never comes back to the
// admin — the delivery list must not be a way to read or scan the server's network.
// The log keeps the detail for the operator.
const (
	ReasonInternalTarget = "refused: internal address (allowed only by the owner, in Settings)"
	ReasonMetadata       = "refused: cloud metadata address"
	ReasonUnreachable    = "could not connect"
	ReasonTimeout        = "no answer in time"
	ReasonRedirect       = "answered with a redirect, which is not followed"
	ReasonStatus         = "answered with an error status"
	ReasonBadURL         = "the endpoint's URL is not valid"
	ReasonBadEvent       = "the queued event cannot be read"
)

// attempt POSTs one delivery and records the answer; a failure is retried after the next
// pause, or marked failed after the last attempt.
func (w *worker) attempt(r dueRow) {
	start := time.Now()
	code, reason, detail := w.post(r)
	if w.ctx.Err() != nil {
		return // shutting down: the delivery stays pending for the next start
	}
	attempts := r.Attempts + 1
	now := time.Now().UTC()
	set := dbx.Params{"attempts": attempts, "response_code": code, "error": cleanText(reason, 1000)}
	switch {
	case reason == "":
		set["status"], set["delivered_at"], set["next_attempt_at"] = Sent, now.Format(types.DefaultDateLayout), ""
	case attempts <= len(retryPauses):
		set["status"], set["next_attempt_at"] = Pending, now.Add(retryPauses[attempts-1]).Format(types.DefaultDateLayout)
	default:
		set["status"], set["next_attempt_at"] = Failed, ""
	}
	if _, err := w.app.DB().Update(DeliveriesCollection, set, dbx.HashExp{"id": r.ID}).Execute(); err != nil {
		w.app.Logger().Error("webhooks: cannot record a delivery", slog.String("id", r.ID), slog.Any("error", err))
	}
	w.log(r, attempts, code, set["status"].(string), reason, detail, time.Since(start))
}

// log writes one structured line per delivery attempt on standard output, with the id of
// the request whose work queued it (or, for a job's delivery, the delivery id as job_id),
// and keeps the failure detail that the page and the API never show.
func (w *worker) log(r dueRow, attempt, code int, status, reason, detail string, took time.Duration) {
	attrs := []any{slog.String("delivery_id", r.ID), slog.String("webhook", r.Webhook), slog.String("event", r.Event),
		slog.String("event_id", r.EventID), slog.Int("attempt", attempt), slog.Int("response_code", code),
		slog.String("status", status), slog.Float64("duration_ms", float64(took.Microseconds())/1000)}
	if r.RequestID != "" {
		attrs = append(attrs, slog.String("request_id", r.RequestID))
	} else {
		attrs = append(attrs, slog.String("job_id", "delivery-"+r.ID))
	}
	if reason == "" {
		telemetry.Log.Info("webhook delivery", attrs...)
		return
	}
	attrs = append(attrs, slog.String("reason", reason), slog.String("detail", cleanText(detail, 300)))
	telemetry.Log.Warn("webhook delivery failed", attrs...)
	w.app.Logger().Warn("webhooks: delivery failed", attrs...)
}

// post sends the signed payload and returns the response status and, unless it is 2xx,
// the fixed reason it failed with and the detail for the log.
func (w *worker) post(r dueRow) (code int, reason, detail string) {
	body, err := bodyFor(r.Payload, r.Format, r.EventID)
	if err != nil {
		return 0, ReasonBadEvent, err.Error()
	}
	ts := time.Now().Unix()
	req, err := http.NewRequestWithContext(w.ctx, http.MethodPost, r.URL, bytes.NewReader(body))
	if err != nil {
		return 0, ReasonBadURL, err.Error()
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
		return 0, failureReason(err), err.Error()
	}
	defer res.Body.Close()
	// The answer is read (a little) only so the server can finish it; it is not kept.
	_, _ = io.Copy(io.Discard, io.LimitReader(res.Body, 64<<10))
	switch {
	case res.StatusCode >= 200 && res.StatusCode <= 299:
		return res.StatusCode, "", ""
	case res.StatusCode >= 300 && res.StatusCode <= 399:
		return res.StatusCode, ReasonRedirect, res.Header.Get("Location")
	}
	return res.StatusCode, ReasonStatus, res.Status
}

// failureReason is the fixed reason of a request that got no answer.
func failureReason(err error) string {
	var refused errRefusedTarget
	var netErr net.Error
	switch {
	case errors.As(err, &refused) && errors.Is(err, ErrMetadataTarget):
		return ReasonMetadata
	case errors.As(err, &refused):
		return ReasonInternalTarget
	case errors.As(err, &netErr) && netErr.Timeout():
		return ReasonTimeout
	}
	return ReasonUnreachable
}

// cleanText makes s fit for storing and showing: valid UTF-8, no NUL or other control
// characters, at most n bytes, never cut inside a character.
func cleanText(s string, n int) string {
	s = strings.Map(func(r rune) rune {
		if r == 0 || (unicode.IsControl(r) && r != '\n' && r != '\t') {
			return -1
		}
		return r
	}, strings.ToValidUTF8(s, "\uFFFD"))
	if len(s) <= n {
		return s
	}
	cut := n
	for cut > 0 && !utf8.RuneStart(s[cut]) {
		cut--
	}
	return s[:cut]
}
