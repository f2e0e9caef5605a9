package web_test

import (
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"github.com/pocketbase/pocketbase/core"

	"teamfund/internal/testutil"
)

// resetLink is the /password-reset/{token} path of the newest reset mail to email.
func resetLink(t *testing.T, app core.App, email string) string {
	t.Helper()
	msgs, err := app.FindRecordsByFilter("outbox", "to = {:to} && kind = 'password_reset'", "-created", 1, 0, map[string]any{"to": email})
	if err != nil || len(msgs) == 0 {
		t.Fatalf("no reset mail to %s (%v)", email, err)
	}
	m := regexp.MustCompile(`/password-reset/[A-Za-z0-9._-]+`).FindString(msgs[0].GetString("text"))
	if m == "" {
		t.Fatalf("no link in %q", msgs[0].GetString("text"))
	}
	return m
}

func resetMails(t *testing.T, app core.App) int {
	t.Helper()
	n, err := app.CountRecords("outbox", nil)
	if err != nil {
		t.Fatal(err)
	}
	return int(n)
}

// TestForgotPasswordFlow: a member asks for a link on the sign-in page, the mail lands in
// the outbox, the link's page sets a new password (with the rules named per field), the old
// password and the link stop working; unknown and deactivated accounts get the same answer
// and no mail.
func TestForgotPasswordFlow(t *testing.T) {
	f := testutil.Fixtures(t)
	app := testutil.NewApp(t)
	defer app.Cleanup()
	srv := testutil.Serve(t, app)
	guest := f.FormHeaders("")

	before := resetMails(t, app)
	for _, email := range []string{"nobody@acme.com", f.Emails["locked"]} {
		res := do(t, srv.URL, http.MethodPost, "/password-reset", url.Values{"email": {email}}.Encode(), guest)
		if res.StatusCode != http.StatusOK {
			t.Fatalf("request for %s: %d", email, res.StatusCode)
		}
	}
	if resetMails(t, app) != before {
		t.Fatal("a mail went to an unknown or deactivated account")
	}
	res := do(t, srv.URL, http.MethodPost, "/password-reset", url.Values{"email": {"  Member.A@ACME.com "}}.Encode(), guest)
	if res.StatusCode != http.StatusOK || resetMails(t, app) != before+1 {
		t.Fatalf("request for member A: %d, %d mails", res.StatusCode, resetMails(t, app)-before)
	}
	link := resetLink(t, app, f.Emails["memberA"])

	if res := do(t, srv.URL, http.MethodGet, link, "", guest); res.StatusCode != http.StatusOK {
		t.Fatalf("GET %s: %d", link, res.StatusCode)
	}
	for _, bad := range []url.Values{
		{"password": {"short"}, "password_confirm": {"short"}},
		{"password": {"long enough 1"}, "password_confirm": {"long enough 2"}},
		{"password": {strings.Repeat("x", 72)}, "password_confirm": {strings.Repeat("x", 72)}},
	} {
		if res := do(t, srv.URL, http.MethodPost, link, bad.Encode(), guest); res.StatusCode != http.StatusUnprocessableEntity {
			t.Errorf("%v: %d, want 422", bad, res.StatusCode)
		}
	}
	if !testutil.Member(t, app, f.ID("memberA")).ValidatePassword(testutil.Password) {
		t.Fatal("a refused form changed the password")
	}
	res = do(t, srv.URL, http.MethodPost, link, url.Values{"password": {"a brand new secret"}, "password_confirm": {"a brand new secret"}}.Encode(), guest)
	if res.StatusCode != http.StatusSeeOther || res.Header.Get("Location") != "/login" {
		t.Fatalf("reset: %d → %s", res.StatusCode, res.Header.Get("Location"))
	}
	m := testutil.Member(t, app, f.ID("memberA"))
	if !m.ValidatePassword("a brand new secret") || m.ValidatePassword(testutil.Password) {
		t.Error("the password did not change")
	}
	if res := do(t, srv.URL, http.MethodGet, link, "", guest); res.StatusCode != http.StatusNotFound {
		t.Errorf("the used link still opens: %d", res.StatusCode)
	}
	res = do(t, srv.URL, http.MethodPost, link, url.Values{"password": {"another secret 2"}, "password_confirm": {"another secret 2"}}.Encode(), guest)
	if res.StatusCode != http.StatusNotFound || !testutil.Member(t, app, f.ID("memberA")).ValidatePassword("a brand new secret") {
		t.Errorf("the used link changed the password again: %d", res.StatusCode)
	}
	if res := do(t, srv.URL, http.MethodGet, "/password-reset/not-a-token", "", guest); res.StatusCode != http.StatusNotFound {
		t.Errorf("a made-up link: %d, want 404", res.StatusCode)
	}
	// Old sessions end with the password change: the fixture token of member A is refused.
	if res := do(t, srv.URL, http.MethodGet, "/api/tf/me", "", f.AuthHeaders("memberA")); res.StatusCode != http.StatusUnauthorized {
		t.Errorf("an old token after the change: %d, want 401", res.StatusCode)
	}
	var audited int
	if err := app.DB().NewQuery("SELECT COUNT(*) FROM audit_log WHERE action IN ('user.password_reset_requested', 'user.password_changed') AND target_id = {:id}").
		Bind(map[string]any{"id": f.ID("memberA")}).Row(&audited); err != nil || audited != 2 {
		t.Errorf("%d audit entries (%v), want 2", audited, err)
	}
}
