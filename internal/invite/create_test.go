package invite_test

import (
	"errors"
	"strings"
	"testing"

	"github.com/pocketbase/pocketbase/core"

	"teamfund/internal/access"
	"teamfund/internal/invite"
	"teamfund/internal/member"
	"teamfund/internal/testutil"
)

func TestCreateRules(t *testing.T) {
	f := testutil.Fixtures(t)
	cases := []struct {
		name    string
		actor   string
		company map[string]any
		cand    invite.Candidate
		want    error
	}{
		{"admin invites a member into a team", "admin", nil, invite.Candidate{Email: "new@acme.com", Team: f.ID("alpha")}, nil},
		{"admin invites a manager into a team by team name", "admin", nil, invite.Candidate{Email: "new@acme.com", Role: "Manager", Team: "beta"}, nil},
		{"owner invites an admin without team", "owner", nil, invite.Candidate{Email: "new@acme.com", Role: "admin"}, nil},
		{"nobody invites an owner", "owner", nil, invite.Candidate{Email: "new@acme.com", Role: "owner"}, invite.ErrOwnerRole},
		{"manager invites a member into their own team", "managerA", nil, invite.Candidate{Email: "new@acme.com", Team: f.ID("alpha")}, nil},
		{"manager's blank team means their own team", "managerA", nil, invite.Candidate{Email: "new@acme.com"}, nil},
		{"manager cannot invite into another team", "managerA", nil, invite.Candidate{Email: "new@acme.com", Team: f.ID("beta")}, access.ErrForbidden},
		{"manager cannot invite a manager", "managerA", nil, invite.Candidate{Email: "new@acme.com", Role: "manager"}, access.ErrForbidden},
		{"member cannot invite", "memberA", nil, invite.Candidate{Email: "new@acme.com", Team: f.ID("alpha")}, access.ErrForbidden},
		{"malformed email", "admin", nil, invite.Candidate{Email: "not-an-email"}, invite.ErrMalformedEmail},
		{"email with two addresses", "admin", nil, invite.Candidate{Email: "a@acme.com,b@acme.com"}, invite.ErrMalformedEmail},
		{"active user, upper-case and spaces", "admin", nil, invite.Candidate{Email: "  MEMBER.A@ACME.COM "}, invite.ErrAlreadyUser},
		{"deactivated user: reactivate instead", "admin", nil, invite.Candidate{Email: f.Emails["locked"]}, invite.ErrDeactivatedUser},
		{"invalid role", "admin", nil, invite.Candidate{Email: "new@acme.com", Role: "boss"}, invite.ErrInvalidRole},
		{"unknown team", "admin", nil, invite.Candidate{Email: "new@acme.com", Team: "Gamma"}, invite.ErrUnknownTeam},
		{"name too long", "admin", nil, invite.Candidate{Email: "new@acme.com", Name: strings.Repeat("x", 101)}, invite.ErrNameTooLong},
		{"domain rule admits the inviter's domain, any case", "admin", map[string]any{"domain_rule": true}, invite.Candidate{Email: "New@ACME.com"}, nil},
		{"domain rule refuses another domain", "admin", map[string]any{"domain_rule": true}, invite.Candidate{Email: "new@other.com"}, invite.ErrDomainMismatch},
		{"domain rule refuses a subdomain", "admin", map[string]any{"domain_rule": true}, invite.Candidate{Email: "new@sales.acme.com"}, invite.ErrDomainMismatch},
		{"domain rule refuses a look-alike", "admin", map[string]any{"domain_rule": true}, invite.Candidate{Email: "new@acme.com.evil.io"}, invite.ErrDomainMismatch},
		{"an IDN look-alike (Cyrillic а) is refused before the domain rule", "admin", map[string]any{"domain_rule": true}, invite.Candidate{Email: "new@аcme.com"}, member.ErrMixedScriptDomain},
		{"an IDN look-alike is refused without the domain rule too", "admin", nil, invite.Candidate{Email: "new@аcme.com"}, member.ErrMixedScriptDomain},
		{"a soft hyphen in the domain is refused", "admin", nil, invite.Candidate{Email: "new@ac\u00adme.com"}, member.ErrInvisibleInEmail},
		{"a fullwidth address is the ASCII one: already a user", "admin", nil, invite.Candidate{Email: "ｍｅｍｂｅｒ.ａ@ａｃｍｅ.ｃｏｍ"}, invite.ErrAlreadyUser},
		{"domain rule lets a +tag pass", "admin", map[string]any{"domain_rule": true}, invite.Candidate{Email: "new+sales@acme.com"}, nil},
		{"domain rule off admits any domain", "admin", nil, invite.Candidate{Email: "new@other.com"}, nil},
		{"seat limit reached (8 active users)", "admin", map[string]any{"seat_limit": 8}, invite.Candidate{Email: "new@acme.com"}, invite.ErrSeatLimit},
		{"one seat left", "admin", map[string]any{"seat_limit": 9}, invite.Candidate{Email: "new@acme.com"}, nil},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			app := newApp(t)
			if tc.company != nil {
				setCompany(t, app, tc.company)
			}
			inv, err := invite.Create(app, actor(t, app, tc.actor), tc.cand)
			if !errors.Is(err, tc.want) {
				t.Fatalf("got %v, want %v", err, tc.want)
			}
			n, _ := app.CountRecords("invites")
			mails, _ := app.CountRecords("outbox")
			audits, _ := app.CountRecords("audit_log")
			if tc.want != nil {
				if n != 0 || mails != 0 || audits != 0 {
					t.Fatalf("refused invite wrote %d invites, %d mails, %d audit entries", n, mails, audits)
				}
				var fe *invite.FieldError
				if !errors.As(err, &fe) || fe.Field == "" {
					t.Errorf("refusal %v names no field", err)
				}
				return
			}
			if n != 1 || mails != 1 || audits != 1 {
				t.Fatalf("got %d invites, %d mails, %d audit entries, want 1 each", n, mails, audits)
			}
			if inv.Status(inv.Created()) != invite.StatusPending {
				t.Errorf("status %q, want pending", inv.Status(inv.Created()))
			}
		})
	}
}

func TestManagerBlankTeamIsOwnTeam(t *testing.T) {
	app := newApp(t)
	inv, err := invite.Create(app, actor(t, app, "managerA"), invite.Candidate{Email: "x@acme.com"})
	if err != nil {
		t.Fatal(err)
	}
	if got, want := inv.TeamID(), testutil.Fixtures(t).ID("alpha"); got != want {
		t.Errorf("team %q, want %q", got, want)
	}
}

func TestOnePendingInvitePerEmail(t *testing.T) {
	app := newApp(t)
	admin := actor(t, app, "admin")
	if _, err := invite.Create(app, admin, invite.Candidate{Email: "twice@acme.com"}); err != nil {
		t.Fatal(err)
	}
	_, err := invite.Create(app, admin, invite.Candidate{Email: " TWICE@acme.com"})
	if !errors.Is(err, invite.ErrAlreadyInvited) || !strings.Contains(err.Error(), "resend?") {
		t.Fatalf("got %v, want %v", err, invite.ErrAlreadyInvited)
	}
}

func TestInviteMailAndToken(t *testing.T) {
	app := newApp(t)
	inv, err := invite.Create(app, actor(t, app, "admin"), invite.Candidate{Email: "mail@acme.com", Name: "Mae", Team: "Alpha"})
	if err != nil {
		t.Fatal(err)
	}
	mails, err := app.FindRecordsByFilter("outbox", "to = 'mail@acme.com'", "", 0, 0)
	if err != nil || len(mails) != 1 {
		t.Fatalf("got %d mails (%v), want 1", len(mails), err)
	}
	m := mails[0]
	for _, part := range []string{"text", "html"} {
		body := m.GetString(part)
		if !strings.Contains(body, "Acme") || !strings.Contains(body, "/invite/") || !strings.Contains(body, "Alpha") {
			t.Errorf("%s part lacks company, team or link: %s", part, body)
		}
	}
	if !strings.Contains(m.GetString("subject"), "Acme") || m.GetString("delivery") != "stored" {
		t.Errorf("subject %q delivery %q", m.GetString("subject"), m.GetString("delivery"))
	}
	token := lastToken(t, app, "mail@acme.com")
	if len(token) < 22 { // 22 base64 chars = 128 bits
		t.Errorf("token %q shorter than 128 bits", token)
	}
	stored := inv.GetString("token_hash")
	if stored == "" || strings.Contains(stored, token) || len(stored) != 64 {
		t.Errorf("stored token_hash %q: want a 64-hex SHA-256, never the token", stored)
	}
	if app.TestMailer.TotalSend() != 0 {
		t.Errorf("mail sent without SMTP")
	}
}

func TestMailGoesThroughSMTPWhenConfigured(t *testing.T) {
	app := newApp(t)
	s := app.Settings()
	s.SMTP.Enabled = true
	s.SMTP.Host = "smtp.example.com"
	s.SMTP.Port = 587
	if err := app.Save(s); err != nil {
		t.Fatal(err)
	}
	if _, err := invite.Create(app, actor(t, app, "admin"), invite.Candidate{Email: "smtp@acme.com"}); err != nil {
		t.Fatal(err)
	}
	if app.TestMailer.TotalSend() != 1 {
		t.Fatalf("sent %d mails, want 1", app.TestMailer.TotalSend())
	}
	msg := app.TestMailer.LastMessage()
	if msg.To[0].Address != "smtp@acme.com" || !strings.Contains(msg.Text, "/invite/") || !strings.Contains(msg.HTML, "Acme") {
		t.Errorf("unexpected message %+v", msg)
	}
	rec, err := app.FindFirstRecordByFilter("outbox", "to = 'smtp@acme.com'")
	if err != nil || rec.GetString("delivery") != "sent" {
		t.Errorf("outbox delivery %q (%v), want sent", rec.GetString("delivery"), err)
	}
}

func TestFailedDeliveryKeepsTheInviteAndMarksTheMail(t *testing.T) {
	app := newApp(t)
	s := app.Settings()
	s.SMTP.Enabled = true
	s.SMTP.Host = "smtp.example.com"
	s.SMTP.Port = 587
	if err := app.Save(s); err != nil {
		t.Fatal(err)
	}
	app.OnMailerSend().BindFunc(func(e *core.MailerEvent) error { return errors.New("550 mailbox unavailable") })
	inv, err := invite.Create(app, actor(t, app, "admin"), invite.Candidate{Email: "bounce@acme.com"})
	if err != nil {
		t.Fatalf("a failed delivery refused the invite: %v", err)
	}
	rec, err := app.FindFirstRecordByFilter("outbox", "to = 'bounce@acme.com'")
	if err != nil || rec.GetString("delivery") != "failed" || !strings.Contains(rec.GetString("error"), "550") {
		t.Errorf("outbox delivery %q error %q (%v), want failed with the SMTP error", rec.GetString("delivery"), rec.GetString("error"), err)
	}
	if _, err := invite.Find(app, inv.Id); err != nil {
		t.Errorf("invite gone: %v", err)
	}
}
