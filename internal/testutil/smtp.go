package testutil

import (
	"bytes"
	"encoding/base64"
	"errors"
	"io"
	"mime"
	"mime/multipart"
	"mime/quotedprintable"
	"net"
	"net/mail"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/emersion/go-smtp"
	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tests"
	"github.com/pocketbase/pocketbase/tools/hook"
	"github.com/pocketbase/pocketbase/tools/mailer"
)

// Mail is one message a MailServer accepted, decoded.
type Mail struct {
	From, To, Subject string
	Text, HTML        string
}

// MailServer is a real SMTP server (github.com/emersion/go-smtp) on a loopback port that
// keeps what it accepts. Refuse, when set, answers each recipient: return an
// *smtp.SMTPError to refuse it (4xx temporary, 5xx permanent).
type MailServer struct {
	Host string
	Port int

	mu     sync.Mutex
	mails  []Mail
	refuse func(to string) error
	srv    *smtp.Server
}

// NewMailServer starts a MailServer that lives until the test ends.
func NewMailServer(tb testing.TB) *MailServer {
	tb.Helper()
	ms := &MailServer{}
	ms.srv = smtp.NewServer(smtp.BackendFunc(func(*smtp.Conn) (smtp.Session, error) { return &mailSession{ms: ms}, nil }))
	ms.srv.Domain = "localhost"
	ms.srv.AllowInsecureAuth = true
	ms.srv.ReadTimeout = 30 * time.Second
	ms.srv.WriteTimeout = 30 * time.Second
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		tb.Fatal(err)
	}
	ms.Host, ms.Port = "127.0.0.1", l.Addr().(*net.TCPAddr).Port
	go func() { _ = ms.srv.Serve(l) }()
	tb.Cleanup(func() { _ = ms.srv.Close() })
	return ms
}

// Refuse makes the server answer every recipient with fn's error (nil accepts).
func (ms *MailServer) Refuse(fn func(to string) error) {
	ms.mu.Lock()
	defer ms.mu.Unlock()
	ms.refuse = fn
}

// Mails returns the messages accepted so far.
func (ms *MailServer) Mails() []Mail {
	ms.mu.Lock()
	defer ms.mu.Unlock()
	return append([]Mail(nil), ms.mails...)
}

// WaitFor returns the first accepted message to `to` whose subject contains subject,
// waiting for background deliveries (up to a minute, generous for a loaded machine).
func (ms *MailServer) WaitFor(tb testing.TB, to, subject string) Mail {
	tb.Helper()
	for deadline := time.Now().Add(time.Minute); time.Now().Before(deadline); time.Sleep(50 * time.Millisecond) {
		for _, m := range ms.Mails() {
			if m.To == to && strings.Contains(m.Subject, subject) {
				return m
			}
		}
	}
	tb.Fatalf("no mail to %s about %q; got %+v", to, subject, ms.Mails())
	return Mail{}
}

type mailSession struct {
	ms       *MailServer
	from, to string
}

func (s *mailSession) Reset()        { s.from, s.to = "", "" }
func (s *mailSession) Logout() error { return nil }
func (s *mailSession) Mail(from string, _ *smtp.MailOptions) error {
	s.from = from
	return nil
}

func (s *mailSession) Rcpt(to string, _ *smtp.RcptOptions) error {
	s.ms.mu.Lock()
	refuse := s.ms.refuse
	s.ms.mu.Unlock()
	if refuse != nil {
		if err := refuse(to); err != nil {
			return err
		}
	}
	s.to = to
	return nil
}

func (s *mailSession) Data(r io.Reader) error {
	m, err := parseMail(r)
	if err != nil {
		return err
	}
	m.From, m.To = s.from, s.to
	s.ms.mu.Lock()
	s.ms.mails = append(s.ms.mails, m)
	s.ms.mu.Unlock()
	return nil
}

// parseMail decodes the headers and the text and HTML parts of a MIME message.
func parseMail(r io.Reader) (Mail, error) {
	msg, err := mail.ReadMessage(r)
	if err != nil {
		return Mail{}, err
	}
	subject, err := new(mime.WordDecoder).DecodeHeader(msg.Header.Get("Subject"))
	if err != nil {
		return Mail{}, err
	}
	out := Mail{Subject: subject}
	err = walkPart(msg.Header.Get("Content-Type"), msg.Header.Get("Content-Transfer-Encoding"), msg.Body, &out)
	return out, err
}

func walkPart(contentType, encoding string, body io.Reader, out *Mail) error {
	mediaType, params, err := mime.ParseMediaType(contentType)
	if err != nil {
		return err
	}
	if strings.HasPrefix(mediaType, "multipart/") {
		mr := multipart.NewReader(body, params["boundary"])
		for {
			p, err := mr.NextRawPart()
			if errors.Is(err, io.EOF) {
				return nil
			}
			if err != nil {
				return err
			}
			if err := walkPart(p.Header.Get("Content-Type"), p.Header.Get("Content-Transfer-Encoding"), p, out); err != nil {
				return err
			}
		}
	}
	switch strings.ToLower(encoding) {
	case "quoted-printable":
		body = quotedprintable.NewReader(body)
	case "base64":
		body = base64.NewDecoder(base64.StdEncoding, body)
	}
	b, err := io.ReadAll(body)
	if err != nil {
		return err
	}
	switch mediaType {
	case "text/plain":
		out.Text = string(bytes.ReplaceAll(b, []byte("\r\n"), []byte("\n")))
	case "text/html":
		out.HTML = string(b)
	}
	return nil
}

// UseMailServer makes app deliver its mail to ms through PocketBase's SMTP settings (as
// an operator sets them in the dashboard), instead of the test app's in-memory mailer.
func UseMailServer(tb testing.TB, app *tests.TestApp, host string, port int) {
	tb.Helper()
	s := app.Settings()
	s.SMTP.Enabled = true
	s.SMTP.Host = host
	s.SMTP.Port = port
	s.Meta.SenderName = "Teamfund"
	s.Meta.SenderAddress = "teamfund@acme.com"
	if err := app.Save(s); err != nil {
		tb.Fatal(err)
	}
	// note: tests.TestApp swaps every mail client for its TestMailer at priority -99999;
	// this runs after it and puts a real SMTP client (built from the settings) back.
	app.OnMailerSend().Bind(&hook.Handler[*core.MailerEvent]{
		Priority: -99998,
		Func: func(e *core.MailerEvent) error {
			smtpSettings := e.App.Settings().SMTP
			e.Mailer = &mailer.SMTPClient{Host: smtpSettings.Host, Port: smtpSettings.Port, TLS: smtpSettings.TLS,
				Username: smtpSettings.Username, Password: smtpSettings.Password, LocalName: "localhost"}
			return e.Next()
		},
	})
}

// Addr is host:port of ms.
func (ms *MailServer) Addr() string { return net.JoinHostPort(ms.Host, strconv.Itoa(ms.Port)) }
