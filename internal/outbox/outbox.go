// Package outbox keeps every message Teamfund sends. Each message is stored first (so an
// admin can read it and copy its links even without SMTP) and then, when SMTP is
// configured, delivered through PocketBase's mailer.
package outbox

import (
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/mail"
	"net/textproto"
	"strconv"
	"strings"
	"time"

	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tools/mailer"
	"github.com/pocketbase/pocketbase/tools/routine"
	"github.com/pocketbase/pocketbase/tools/types"

	"teamfund/internal/cronjob"
	"teamfund/internal/telemetry"
)

// Collection holds the stored messages.
const Collection = "outbox"

// Delivery states of a stored message.
const (
	Stored = "stored" // kept in the outbox only (no SMTP configured, or not delivered yet)
	Sent   = "sent"   // handed to the SMTP server
	Failed = "failed" // the SMTP server refused it; error says why
)

// Message is one outgoing mail, in plain text and HTML.
type Message struct {
	To      string
	Subject string
	Text    string
	HTML    string
	Kind    string // what it is about, e.g. "invite"
}

// Store keeps msg in the outbox with delivery "stored" and returns its id. Pass the
// transaction's app so the message exists exactly when the action that wrote it commits.
func Store(app core.App, msg Message) (string, error) {
	ids, err := StoreMany(app, []Message{msg})
	if err != nil {
		return "", err
	}
	return ids[0], nil
}

// storeChunk is how many messages one INSERT statement writes (9 parameters each).
const storeChunk = 200

// StoreMany keeps msgs like Store and returns their ids in order.
//
// note: the outbox is Teamfund's own append-only log, so it is written with plain
// multi-row INSERTs rather than record saves: a 10,000-row invite import would otherwise
// spend most of its (write-locking) transaction in PocketBase's per-record hook machinery.
// Record hooks on "outbox" therefore do not fire.
func StoreMany(app core.App, msgs []Message) ([]string, error) {
	ids := make([]string, len(msgs))
	now := types.NowDateTime().String()
	for start := 0; start < len(msgs); start += storeChunk {
		part := msgs[start:min(start+storeChunk, len(msgs))]
		var sql strings.Builder
		sql.WriteString("INSERT INTO outbox (id, [[to]], subject, text, html, kind, delivery, error, created) VALUES ")
		params := dbx.Params{"now": now, "stored": Stored}
		for i, m := range part {
			id := core.GenerateDefaultRandomId()
			ids[start+i] = id
			n := strconv.Itoa(i)
			if i > 0 {
				sql.WriteString(", ")
			}
			fmt.Fprintf(&sql, "({:id%[1]s}, {:to%[1]s}, {:subject%[1]s}, {:text%[1]s}, {:html%[1]s}, {:kind%[1]s}, {:stored}, '', {:now})", n)
			params["id"+n], params["to"+n], params["subject"+n] = id, m.To, truncate(m.Subject, 255)
			params["text"+n], params["html"+n], params["kind"+n] = m.Text, m.HTML, m.Kind
		}
		if _, err := app.DB().NewQuery(sql.String()).Bind(params).Execute(); err != nil {
			return nil, err
		}
	}
	return ids, nil
}

// SMTPEnabled reports whether messages leave the server (PocketBase dashboard → Settings → Mail).
func SMTPEnabled(app core.App) bool { return app.Settings().SMTP.Enabled }

// Deliver sends the stored messages ids through PocketBase's mailer when SMTP is enabled
// and marks each "sent" or "failed"; it returns how many failed. Without SMTP it does
// nothing: the messages stay readable in the outbox. Call it after the transaction that
// stored them has committed, never inside it (mail servers are slow; the writer is single).
//
// A failure the server calls temporary (an SMTP 4xx answer) or a server that cannot be
// reached is tried again later (RetryDue, on a cron) after a growing pause; a refusal
// (5xx) is final until an admin resends the message from the outbox.
func Deliver(app core.App, ids ...string) (failed int) {
	if !SMTPEnabled(app) || len(ids) == 0 {
		return 0
	}
	client := app.NewMailClient()
	meta := app.Settings().Meta
	origin := telemetry.Origin(app)
	for _, id := range ids {
		r, err := app.FindRecordById(Collection, id)
		if err != nil {
			app.Logger().Error("outbox: message vanished before delivery", slog.String("id", id), slog.Any("error", err))
			failed++
			continue
		}
		msg := &mailer.Message{
			From:    mail.Address{Name: meta.SenderName, Address: meta.SenderAddress},
			To:      []mail.Address{{Address: r.GetString("to")}},
			Subject: r.GetString("subject"),
			Text:    r.GetString("text"),
			HTML:    r.GetString("html"),
		}
		attempts := r.GetInt("attempts") + 1
		r.Set("attempts", attempts)
		r.Set("delivery", Sent)
		r.Set("error", "")
		r.Set("next_attempt_at", "")
		if err := sendWithin(client, msg, SendTimeout); err != nil {
			failed++
			r.Set("delivery", Failed)
			r.Set("error", truncate(Reason(err), 1000))
			if Temporary(err) && attempts < len(retryPauses)+1 {
				r.Set("next_attempt_at", time.Now().UTC().Add(retryPauses[attempts-1]))
			}
			app.Logger().Warn("outbox: delivery failed", slog.String("id", id), slog.String("to", msg.To[0].Address),
				slog.Int("attempt", attempts), slog.Any("error", err))
		}
		if err := app.SaveNoValidate(r); err != nil {
			app.Logger().Error("outbox: cannot record delivery", slog.String("id", id), slog.Any("error", err))
		}
		telemetry.Log.Info("mail delivery", slog.String("id", id), slog.String("kind", r.GetString("kind")),
			slog.String("delivery", r.GetString("delivery")), slog.Int("attempt", attempts), slog.String("error", r.GetString("error")), origin)
	}
	return failed
}

// SendTimeout bounds one message's delivery. PocketBase's SMTP client has no timeouts of
// its own, so a server that accepts the connection and never answers would hold the
// request that sends an invite or a password reset for as long as the server likes.
var SendTimeout = 30 * time.Second

// errNoAnswer is a delivery that ran out of SendTimeout; it counts as temporary.
type errNoAnswer time.Duration

func (e errNoAnswer) Error() string {
	return fmt.Sprintf("the mail server did not answer within %s (check host, port and TLS in the dashboard → Settings → Mail)", time.Duration(e))
}

// sendWithin sends msg, giving up after timeout. The abandoned send goes on in the
// background until the server or the operating system ends the connection; at worst the
// message then arrives and is also retried, which beats a request that never returns.
func sendWithin(client mailer.Mailer, msg *mailer.Message, timeout time.Duration) error {
	done := make(chan error, 1)
	go func() { done <- client.Send(msg) }()
	select {
	case err := <-done:
		return err
	case <-time.After(timeout):
		return errNoAnswer(timeout)
	}
}

// retryPauses are the waits before the 2nd, 3rd, … delivery attempt of a temporary
// failure; after the last one the message stays "failed" until an admin resends it.
var retryPauses = []time.Duration{time.Minute, 5 * time.Minute, 30 * time.Minute, 2 * time.Hour, 6 * time.Hour}

// Temporary reports whether a delivery error is worth trying again by itself: the server
// answered 4xx ("try again later": greylisting, a full queue, a rate limit), or could not
// be reached at all. A 5xx answer (unknown mailbox, authentication refused, relay denied)
// will not change without someone fixing the address or the settings.
func Temporary(err error) bool {
	var reply *textproto.Error
	if errors.As(err, &reply) {
		return reply.Code < 500
	}
	return true
}

// Reason is the delivery error as the outbox shows it: what the server said, with a hint
// of where to look when it could not be reached.
func Reason(err error) string {
	var reply *textproto.Error
	if errors.As(err, &reply) {
		return fmt.Sprintf("the mail server answered %d %s", reply.Code, reply.Msg)
	}
	var netErr net.Error
	if errors.As(err, &netErr) {
		return "cannot reach the mail server (check host and port in the dashboard → Settings → Mail): " + err.Error()
	}
	return err.Error()
}

// deliverySafetyNet is how long after its commit a message delivered in the background
// is picked up by the retry job if that delivery never happened (the process stopped in
// between). Background batches are a handful of approval notices, done in seconds, so
// nothing goes out twice.
const deliverySafetyNet = 10 * time.Minute

// RetryDue delivers the failed messages whose next attempt is due at now, and the ones
// left stored by a background delivery that never ran (SchedulePickup), and returns how
// many it tried. A cron job runs it every minute.
func RetryDue(app core.App, now time.Time) (int, error) {
	if !SMTPEnabled(app) {
		return 0, nil
	}
	var ids []string
	err := app.DB().Select("id").From(Collection).
		Where(dbx.In("delivery", Failed, Stored)).
		AndWhere(dbx.NewExp("next_attempt_at != '' AND next_attempt_at <= {:now}", dbx.Params{"now": now.UTC().Format(types.DefaultDateLayout)})).
		OrderBy("next_attempt_at").Limit(100).Column(&ids)
	if err != nil {
		return 0, err
	}
	Deliver(app, ids...)
	return len(ids), nil
}

// ErrNoSMTP refuses a resend while mail only goes to the outbox.
var ErrNoSMTP = errors.New("SMTP is not configured: set it up in the PocketBase dashboard → Settings → Mail, then resend")

// Resend delivers the stored message id again, whatever happened to it before (an admin
// fixed the address or the mail settings). It returns the new delivery state's error.
func Resend(app core.App, id string) error {
	if !SMTPEnabled(app) {
		return ErrNoSMTP
	}
	if _, err := app.FindRecordById(Collection, id); err != nil {
		return err
	}
	if Deliver(app, id) > 0 {
		r, err := app.FindRecordById(Collection, id)
		if err != nil {
			return err
		}
		return errors.New(r.GetString("error"))
	}
	return nil
}

// rootKey keeps the app (outside any transaction) for deliveries that start when a
// transaction commits.
const rootKey = "teamfund.outbox.app"

// retryJobID is the cron job of RetryDue.
const retryJobID = "teamfund_outbox_retry"

// Bind schedules the retries and lets DeliverAfterCommit reach the app.
func Bind(app core.App) {
	app.Store().Set(rootKey, app)
	cronjob.Add(app, retryJobID, "* * * * *", "mail retry", func() error {
		_, err := RetryDue(app, time.Now())
		return err
	})
}

// DeliverAfterCommit delivers ids in the background once the transaction tx commits (and
// never when it rolls back, since then the messages do not exist). The action that stored
// them does not wait for the mail server.
func DeliverAfterCommit(tx core.App, ids ...string) {
	info := tx.TxInfo()
	root, _ := tx.Store().Get(rootKey).(core.App)
	if info == nil || root == nil || len(ids) == 0 {
		return
	}
	if err := SchedulePickup(tx, ids...); err != nil {
		tx.Logger().Error("outbox: cannot schedule the safety-net pickup", slog.Any("error", err))
	}
	info.OnComplete(func(txErr error) error {
		if txErr == nil && SMTPEnabled(root) {
			routine.FireAndForget(func() { Deliver(root, ids...) })
		}
		return nil
	})
}

// SchedulePickup gives stored messages ids, inside the transaction that stored them, a
// time at which the retry job delivers them should their delivery in the background never
// happen (the process stopped after the commit). Without SMTP it does nothing: messages
// stored then stay in the outbox only, and setting SMTP up later does not mail them out.
// Messages delivered while their request waits (invites, resets) get none: a request that
// died shows its error, and an admin resends from the outbox.
func SchedulePickup(tx core.App, ids ...string) error {
	if !SMTPEnabled(tx) || len(ids) == 0 {
		return nil
	}
	anyIDs := make([]any, len(ids))
	for i, id := range ids {
		anyIDs[i] = id
	}
	pickup := time.Now().UTC().Add(deliverySafetyNet).Format(types.DefaultDateLayout)
	_, err := tx.DB().Update(Collection, dbx.Params{"next_attempt_at": pickup},
		dbx.And(dbx.In("id", anyIDs...), dbx.HashExp{"delivery": Stored})).Execute()
	return err
}

// Send stores msg and delivers it at once; for callers outside a transaction.
func Send(app core.App, msg Message) (string, error) {
	id, err := Store(app, msg)
	if err != nil {
		return "", err
	}
	Deliver(app, id)
	return id, nil
}

func truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return s[:n]
}

// LastDelivery is the delivery state of the newest message to to ("" when there is none).
func LastDelivery(app core.App, to string) string {
	recs, err := app.FindRecordsByFilter(Collection, "to = {:to}", "-created,-id", 1, 0, dbx.Params{"to": to})
	if err != nil || len(recs) == 0 {
		return ""
	}
	return recs[0].GetString("delivery")
}
