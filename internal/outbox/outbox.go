// Package outbox keeps every message Teamfund sends. Each message is stored first (so an
// admin can read it and copy its links even without SMTP) and then, when SMTP is
// configured, delivered through PocketBase's mailer.
package outbox

import (
	"fmt"
	"log/slog"
	"net/mail"
	"strconv"
	"strings"

	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tools/mailer"
	"github.com/pocketbase/pocketbase/tools/types"
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
func Deliver(app core.App, ids ...string) (failed int) {
	if !SMTPEnabled(app) || len(ids) == 0 {
		return 0
	}
	client := app.NewMailClient()
	meta := app.Settings().Meta
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
		r.Set("delivery", Sent)
		if err := client.Send(msg); err != nil {
			failed++
			r.Set("delivery", Failed)
			r.Set("error", truncate(err.Error(), 1000))
			app.Logger().Warn("outbox: delivery failed", slog.String("id", id), slog.String("to", msg.To[0].Address), slog.Any("error", err))
		}
		if err := app.SaveNoValidate(r); err != nil {
			app.Logger().Error("outbox: cannot record delivery", slog.String("id", id), slog.Any("error", err))
		}
	}
	return failed
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
