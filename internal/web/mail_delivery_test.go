package web_test

import (
	"io"
	"net"
	"net/http"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/emersion/go-smtp"
	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tests"

	"teamfund/internal/company"
	"teamfund/internal/outbox"
	"teamfund/internal/testutil"
)

// mailWorld is the sends fixture served over real HTTP, delivering its mail by SMTP to a
// real server started by the test, with links pointing at the HTTP server.
type mailWorld struct {
	app     *tests.TestApp
	base    string
	client  *http.Client
	mail    *testutil.MailServer
	f       *testutil.Fixture
	company string
}

func newMailWorld(t *testing.T) *mailWorld {
	t.Helper()
	app := newSendsApp(t)
	t.Cleanup(app.Cleanup)
	srv := testutil.Serve(t, app)
	ms := testutil.NewMailServer(t)
	testutil.UseMailServer(t, app, ms.Host, ms.Port)
	s := app.Settings()
	s.Meta.AppURL = srv.URL
	if err := app.Save(s); err != nil {
		t.Fatal(err)
	}
	c, err := company.Load(app)
	if err != nil {
		t.Fatal(err)
	}
	client := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	return &mailWorld{app: app, base: srv.URL, client: client, mail: ms, f: testutil.Fixtures(t), company: c.Name()}
}

func (w *mailWorld) api(t *testing.T, method, path, user string, body any) apiResult {
	t.Helper()
	token := ""
	if user != "" {
		token = w.f.Token(user)
	}
	return callAPI(t, w.client, w.base, method, path, token, body)
}

// open follows link over real HTTP (as user, or as a guest) and returns status and page.
func (w *mailWorld) open(t *testing.T, link, user string) (int, string) {
	t.Helper()
	if !strings.HasPrefix(link, w.base+"/") {
		t.Fatalf("link %q does not point at the server %s", link, w.base)
	}
	req, err := http.NewRequest(http.MethodGet, link, nil)
	if err != nil {
		t.Fatal(err)
	}
	if user != "" {
		req.Header.Set("Cookie", w.f.CookieHeaders(user)["Cookie"])
	}
	res, err := w.client.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	return res.StatusCode, string(b)
}

var mailLink = regexp.MustCompile(`https?://[^\s<>"]+`)

// checkMail: the message names the company in subject and both bodies, carries the same
// link in its text and HTML, and the link opens a page (as user) that contains want.
func (w *mailWorld) checkMail(t *testing.T, m testutil.Mail, user, wantPage string) string {
	t.Helper()
	if !strings.Contains(m.Subject, w.company) || !strings.Contains(m.Text, w.company) || !strings.Contains(m.HTML, w.company) {
		t.Errorf("company %q missing: subject %q\ntext %s\nhtml %s", w.company, m.Subject, m.Text, m.HTML)
	}
	link := mailLink.FindString(m.Text)
	if link == "" || !strings.Contains(m.HTML, `href="`+link+`"`) {
		t.Fatalf("link %q of the text is not a link of the HTML:\n%s\n%s", link, m.Text, m.HTML)
	}
	status, page := w.open(t, link, user)
	if status != http.StatusOK || !strings.Contains(page, wantPage) {
		t.Errorf("GET %s = %d, want 200 with %q", link, status, wantPage)
	}
	return link
}

// outboxRow is the newest stored message to `to`.
func outboxRow(t *testing.T, app core.App, to string) *core.Record {
	t.Helper()
	recs, err := app.FindRecordsByFilter(outbox.Collection, "to = {:to}", "-created,-id", 1, 0, dbx.Params{"to": to})
	if err != nil || len(recs) == 0 {
		t.Fatalf("no outbox message to %s: %v", to, err)
	}
	return recs[0]
}

func TestMailArrivesThroughRealSMTP(t *testing.T) {
	w := newMailWorld(t)
	alpha := w.f.ID("alpha")

	t.Run("an invite arrives and its link opens the accept page", func(t *testing.T) {
		r := w.api(t, "POST", "/api/tf/invites", "admin", map[string]any{"email": "nia.hire@acme.com", "name": "Nia Hire", "role": "member", "team": alpha})
		if r.Status != http.StatusCreated {
			t.Fatalf("invite: %d %s", r.Status, r.Text)
		}
		m := w.mail.WaitFor(t, "nia.hire@acme.com", "You are invited")
		if m.From != "teamfund@acme.com" {
			t.Errorf("from %q, want the sender address of the mail settings", m.From)
		}
		first := w.checkMail(t, m, "", "Join "+w.company)

		r = w.api(t, "POST", "/api/tf/invites/"+r.Body["id"].(string)+"/resend", "admin", nil)
		if r.Status != http.StatusOK {
			t.Fatalf("resend: %d %s", r.Status, r.Text)
		}
		var again testutil.Mail
		for _, m := range waitMails(t, w.mail, "nia.hire@acme.com", 2) {
			again = m
		}
		second := w.checkMail(t, again, "", "Join "+w.company)
		if second == first {
			t.Error("the resent invite carries the old link")
		}
		if status, _ := w.open(t, first, ""); status == http.StatusOK {
			t.Error("the first link still opens the accept page after a resend")
		}
	})

	t.Run("an invite key mailed to a colleague opens the join page", func(t *testing.T) {
		r := w.api(t, "POST", "/api/tf/invite-keys", "managerA", map[string]any{"team": alpha, "mail_to": []string{"Kim.Friend@acme.com"}})
		if r.Status != http.StatusCreated {
			t.Fatalf("key: %d %s", r.Status, r.Text)
		}
		m := w.mail.WaitFor(t, "kim.friend@acme.com", "Join Alpha")
		link := w.checkMail(t, m, "", "Join "+w.company)
		if link != r.Body["link"] {
			t.Errorf("mailed link %s, key link %v", link, r.Body["link"])
		}
	})

	t.Run("a password reset arrives and opens the reset page", func(t *testing.T) {
		r := w.api(t, "POST", "/api/tf/users/"+w.f.ID("memberA2")+"/password-reset", "admin", nil)
		if r.Status != http.StatusOK {
			t.Fatalf("reset: %d %s", r.Status, r.Text)
		}
		m := w.mail.WaitFor(t, "member.a2@acme.com", "Choose a new Teamfund password")
		w.checkMail(t, m, "", "Choose a new password")
	})

	t.Run("a send above the threshold mails the team's manager, not the sender, and opens the approvals page", func(t *testing.T) {
		r := w.api(t, "POST", "/api/tf/sends", "memberA", map[string]any{"touch": hamperID, "recipient_name": "Pat Prospect", "recipient_email": "pat@example.com"})
		if r.Status != http.StatusCreated || r.Body["status"] != "pending" {
			t.Fatalf("send: %d %s", r.Status, r.Text)
		}
		m := w.mail.WaitFor(t, "manager.a@acme.com", "Waiting for your approval")
		if !strings.Contains(m.Subject, "Max Member") || !strings.Contains(m.Text, "Hamper → pat@example.com") {
			t.Errorf("notice does not say what waits: %q\n%s", m.Subject, m.Text)
		}
		w.checkMail(t, m, "managerA", "Pat Prospect")
		if n := countOutbox(t, w.app, "member.a@acme.com", "approval"); n != 0 {
			t.Errorf("the sender got %d approval notices", n)
		}
	})

	t.Run("a manager who turned approval mail off gets none, and no admin is mailed instead", func(t *testing.T) {
		if r := w.api(t, "POST", "/api/tf/me/approval-mail", "managerA", map[string]any{"on": false}); r.Status != http.StatusOK {
			t.Fatalf("toggle: %d %s", r.Status, r.Text)
		}
		before := countOutbox(t, w.app, "manager.a@acme.com", "approval")
		r := w.api(t, "POST", "/api/tf/sends", "memberA", map[string]any{"touch": hamperID, "recipient_name": "Quinn Quiet", "recipient_email": "quinn@example.com"})
		if r.Status != http.StatusCreated || r.Body["status"] != "pending" {
			t.Fatalf("send: %d %s", r.Status, r.Text)
		}
		if n := countOutbox(t, w.app, "manager.a@acme.com", "approval"); n != before {
			t.Errorf("manager got %d new notices after turning them off", n-before)
		}
		if n := countOutbox(t, w.app, "admin@acme.com", "approval") + countOutbox(t, w.app, "owner@acme.com", "approval"); n != 0 {
			t.Errorf("admins got %d notices", n)
		}
	})

	t.Run("the profile page turns approval mail back on", func(t *testing.T) {
		req, _ := http.NewRequest(http.MethodPost, w.base+"/profile/approval-mail", strings.NewReader("on=on&csrf_token="+testutil.CSRF))
		for k, v := range w.f.FormHeaders("managerA") {
			req.Header.Set(k, v)
		}
		res, err := w.client.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		res.Body.Close()
		if res.StatusCode != http.StatusSeeOther || testutil.Member(t, w.app, w.f.ID("managerA")).GetBool("approval_mail_off") {
			t.Fatalf("toggle on: %d, still off", res.StatusCode)
		}
		if _, page := w.open(t, w.base+"/profile", "managerA"); !strings.Contains(page, `name="on" checked`) {
			t.Error("the profile page does not show the mail switch on")
		}
	})

	t.Run("a money request mails the teammate asked", func(t *testing.T) {
		r := w.api(t, "POST", "/api/tf/money/requests", "memberA2", map[string]any{"from": w.f.ID("memberA"), "amount": 1250, "reason": "conference"})
		if r.Status != http.StatusCreated {
			t.Fatalf("request: %d %s", r.Status, r.Text)
		}
		m := w.mail.WaitFor(t, "member.a@acme.com", "Waiting for your approval")
		w.checkMail(t, m, "memberA", "conference")
	})
}

// waitMails waits until n messages to `to` arrived and returns them in order.
func waitMails(t *testing.T, ms *testutil.MailServer, to string, n int) []testutil.Mail {
	t.Helper()
	for deadline := time.Now().Add(time.Minute); time.Now().Before(deadline); time.Sleep(50 * time.Millisecond) {
		var got []testutil.Mail
		for _, m := range ms.Mails() {
			if m.To == to {
				got = append(got, m)
			}
		}
		if len(got) >= n {
			return got
		}
	}
	t.Fatalf("fewer than %d mails to %s", n, to)
	return nil
}

func countOutbox(t *testing.T, app core.App, to, kind string) int {
	t.Helper()
	n, err := app.CountRecords(outbox.Collection, dbx.HashExp{"to": to, "kind": kind})
	if err != nil {
		t.Fatal(err)
	}
	return int(n)
}

func TestMailFailuresShowInTheOutboxAndAreRetried(t *testing.T) {
	w := newMailWorld(t)
	alpha := w.f.ID("alpha")
	invite := func(t *testing.T, email string) {
		t.Helper()
		r := w.api(t, "POST", "/api/tf/invites", "admin", map[string]any{"email": email, "name": "X", "role": "member", "team": alpha})
		if r.Status != http.StatusCreated {
			t.Fatalf("invite %s: %d %s", email, r.Status, r.Text)
		}
	}
	w.mail.Refuse(func(to string) error {
		switch to {
		case "nobody@acme.com":
			return &smtp.SMTPError{Code: 550, EnhancedCode: smtp.EnhancedCode{5, 1, 1}, Message: "No such mailbox"}
		case "busy@acme.com":
			return &smtp.SMTPError{Code: 451, EnhancedCode: smtp.EnhancedCode{4, 3, 0}, Message: "Try again later"}
		}
		return nil
	})

	t.Run("a refusal is final, shown with the server's reason, until an admin resends", func(t *testing.T) {
		invite(t, "nobody@acme.com")
		row := outboxRow(t, w.app, "nobody@acme.com")
		if row.GetString("delivery") != outbox.Failed || !strings.Contains(row.GetString("error"), "550") || row.GetString("next_attempt_at") != "" {
			t.Fatalf("refused mail: delivery %q error %q next %q, want failed with 550 and no retry",
				row.GetString("delivery"), row.GetString("error"), row.GetString("next_attempt_at"))
		}
		status, page := w.open(t, w.base+"/outbox/"+row.Id, "admin")
		if status != http.StatusOK || !strings.Contains(page, "No such mailbox") || !strings.Contains(page, `action="/outbox/`+row.Id+`/resend"`) {
			t.Errorf("outbox message page %d does not show the reason and a resend button", status)
		}
		if n, _ := outbox.RetryDue(w.app, time.Now().Add(24*time.Hour)); n != 0 {
			t.Errorf("a permanent failure was retried (%d)", n)
		}

		w.mail.Refuse(nil) // the admin fixed the mailbox
		req, _ := http.NewRequest(http.MethodPost, w.base+"/outbox/"+row.Id+"/resend", strings.NewReader("csrf_token="+testutil.CSRF))
		for k, v := range w.f.FormHeaders("admin") {
			req.Header.Set(k, v)
		}
		res, err := w.client.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		res.Body.Close()
		if res.StatusCode != http.StatusSeeOther {
			t.Fatalf("resend: %d", res.StatusCode)
		}
		w.mail.WaitFor(t, "nobody@acme.com", "You are invited")
		if row := outboxRow(t, w.app, "nobody@acme.com"); row.GetString("delivery") != outbox.Sent || row.GetInt("attempts") != 2 {
			t.Errorf("after resend: %q after %d attempts, want sent after 2", row.GetString("delivery"), row.GetInt("attempts"))
		}
		if n, _ := w.app.CountRecords("audit_log", dbx.HashExp{"action": "outbox.resend", "target_id": row.Id}); n != 1 {
			t.Errorf("resend audited %d times", n)
		}
	})

	t.Run("a temporary refusal is retried with a growing pause and then delivered", func(t *testing.T) {
		w.mail.Refuse(func(to string) error {
			if to == "busy@acme.com" {
				return &smtp.SMTPError{Code: 451, EnhancedCode: smtp.EnhancedCode{4, 3, 0}, Message: "Try again later"}
			}
			return nil
		})
		invite(t, "busy@acme.com")
		row := outboxRow(t, w.app, "busy@acme.com")
		first := row.GetDateTime("next_attempt_at").Time()
		if row.GetString("delivery") != outbox.Failed || !strings.Contains(row.GetString("error"), "451") || first.IsZero() {
			t.Fatalf("deferred mail: %q %q next %v, want failed with 451 and a retry time", row.GetString("delivery"), row.GetString("error"), first)
		}
		if n, _ := outbox.RetryDue(w.app, time.Now()); n != 0 {
			t.Error("retried before its time")
		}
		if n, _ := outbox.RetryDue(w.app, first.Add(time.Second)); n != 1 {
			t.Fatalf("retried %d messages when due, want 1", n)
		}
		row = outboxRow(t, w.app, "busy@acme.com")
		second := row.GetDateTime("next_attempt_at").Time()
		if row.GetInt("attempts") != 2 || second.Sub(first) < 2*time.Minute {
			t.Errorf("second failure: attempt %d, next %v after the first %v; want a longer pause", row.GetInt("attempts"), second, first)
		}
		w.mail.Refuse(nil)
		if n, _ := outbox.RetryDue(w.app, second.Add(time.Second)); n != 1 {
			t.Fatalf("retried %d, want 1", n)
		}
		w.mail.WaitFor(t, "busy@acme.com", "You are invited")
		if row := outboxRow(t, w.app, "busy@acme.com"); row.GetString("delivery") != outbox.Sent || row.GetString("next_attempt_at") != "" {
			t.Errorf("after the retry: %q next %q", row.GetString("delivery"), row.GetString("next_attempt_at"))
		}
	})

	t.Run("a background message whose delivery after the commit never happened goes out with the retries", func(t *testing.T) {
		// The state a crash between commit and background delivery leaves: stored, SMTP
		// on, scheduled for pickup (as DeliverAfterCommit does), not sent.
		var ids []string
		err := w.app.RunInTransaction(func(tx core.App) error {
			var err error
			if ids, err = outbox.StoreMany(tx, []outbox.Message{{To: "crash@acme.com", Subject: "Waiting for you", Text: "t", HTML: "<p>h</p>", Kind: "approval"}}); err != nil {
				return err
			}
			return outbox.SchedulePickup(tx, ids...)
		})
		if err != nil {
			t.Fatal(err)
		}
		if n, _ := outbox.RetryDue(w.app, time.Now()); n != 0 {
			t.Errorf("picked up %d messages at once; their own delivery may still be running", n)
		}
		if n, _ := outbox.RetryDue(w.app, time.Now().Add(11*time.Minute)); n != 1 {
			t.Fatalf("picked up %d messages after the safety net's time, want 1", n)
		}
		w.mail.WaitFor(t, "crash@acme.com", "Waiting for you")
		if r, _ := w.app.FindRecordById(outbox.Collection, ids[0]); r.GetString("delivery") != outbox.Sent || r.GetString("next_attempt_at") != "" {
			t.Errorf("after the pickup: %q next %q", r.GetString("delivery"), r.GetString("next_attempt_at"))
		}
	})

	t.Run("messages stored without SMTP, or delivered while their request waited, are never picked up", func(t *testing.T) {
		if _, err := outbox.StoreMany(w.app, []outbox.Message{{To: "sync@acme.com", Subject: "Invite", Text: "t", HTML: "<p>h</p>", Kind: "invite"}}); err != nil {
			t.Fatal(err)
		}
		s := w.app.Settings()
		s.SMTP.Enabled = false
		if err := w.app.Save(s); err != nil {
			t.Fatal(err)
		}
		err := w.app.RunInTransaction(func(tx core.App) error {
			ids, err := outbox.StoreMany(tx, []outbox.Message{{To: "old@acme.com", Subject: "Old news", Text: "t", HTML: "<p>h</p>", Kind: "approval"}})
			if err != nil {
				return err
			}
			return outbox.SchedulePickup(tx, ids...)
		})
		if err != nil {
			t.Fatal(err)
		}
		s.SMTP.Enabled = true
		if err := w.app.Save(s); err != nil {
			t.Fatal(err)
		}
		if n, _ := outbox.RetryDue(w.app, time.Now().Add(24*time.Hour)); n != 0 {
			t.Errorf("picked up %d messages that were not left by a background delivery", n)
		}
	})

	t.Run("a mail server that is down fails with a clear reason and is retried", func(t *testing.T) {
		l := closedPort(t)
		s := w.app.Settings()
		s.SMTP.Port = l
		if err := w.app.Save(s); err != nil {
			t.Fatal(err)
		}
		invite(t, "later@acme.com")
		row := outboxRow(t, w.app, "later@acme.com")
		if row.GetString("delivery") != outbox.Failed || !strings.Contains(row.GetString("error"), "cannot reach the mail server") || row.GetString("next_attempt_at") == "" {
			t.Errorf("server down: %q %q next %q", row.GetString("delivery"), row.GetString("error"), row.GetString("next_attempt_at"))
		}
		status, page := w.open(t, w.base+"/outbox", "admin")
		if status != http.StatusOK || !strings.Contains(page, "cannot reach the mail server") {
			t.Errorf("outbox page %d does not show the reason", status)
		}
	})

	t.Run("a mail server that never answers does not hold the invite", func(t *testing.T) {
		silent, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			t.Fatal(err)
		}
		defer silent.Close()
		go func() { // accepts and then says nothing: no greeting, no answer
			for {
				c, err := silent.Accept()
				if err != nil {
					return
				}
				defer c.Close()
			}
		}()
		s := w.app.Settings()
		s.SMTP.Port = silent.Addr().(*net.TCPAddr).Port
		if err := w.app.Save(s); err != nil {
			t.Fatal(err)
		}
		defer func(d time.Duration) { outbox.SendTimeout = d }(outbox.SendTimeout)
		outbox.SendTimeout = 2 * time.Second
		start := time.Now()
		invite(t, "silent@acme.com")
		if took := time.Since(start); took > 20*time.Second {
			t.Errorf("the invite took %s with a silent mail server", took)
		}
		row := outboxRow(t, w.app, "silent@acme.com")
		if row.GetString("delivery") != outbox.Failed || !strings.Contains(row.GetString("error"), "did not answer within 2s") || row.GetString("next_attempt_at") == "" {
			t.Errorf("silent server: %q %q next %q, want failed, a clear reason and a retry", row.GetString("delivery"), row.GetString("error"), row.GetString("next_attempt_at"))
		}
	})
}

// closedPort is a loopback port nothing listens on.
func closedPort(t *testing.T) int {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	port := l.Addr().(*net.TCPAddr).Port
	l.Close()
	return port
}
