// Package outbox keeps every message Teamfund sends. Each message is stored first (so an
// admin can read it and copy its links even without SMTP) and then, when SMTP is
// configured, delivered through PocketBase's mailer.
package outbox

import (
	"log/slog"
	"net/mail"

	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tools/mailer"
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
	col, err := app.FindCachedCollectionByNameOrId(Collection)
	if err != nil {
		return "", err
	}
	r := core.NewRecord(col)
	r.Set("to", msg.To)
	r.Set("subject", msg.Subject)
	r.Set("text", msg.Text)
	r.Set("html", msg.HTML)
	r.Set("kind", msg.Kind)
	r.Set("delivery", Stored)
	if err := app.SaveNoValidate(r); err != nil {
		return "", err
	}
	return r.Id, nil
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
