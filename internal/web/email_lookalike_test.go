package web_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/pocketbase/pocketbase/tests"

	"teamfund/internal/testutil"
)

// fullwidth writes the ASCII letters, digits, "." and "@" of s in their fullwidth forms
// ("owner@acme.com" → "ｏｗｎｅｒ＠ａｃｍｅ．ｃｏｍ"), which NFKC maps back.
func fullwidth(s string) string {
	return strings.Map(func(r rune) rune {
		if r > ' ' && r < 0x7f {
			return r - '!' + '！'
		}
		return r
	}, s)
}

// lookalike puts what into the domain of email after its first letter.
func lookalike(email, what string) string {
	at := strings.LastIndex(email, "@")
	return email[:at+2] + what + email[at+2:]
}

// TestSSOComparesNormalisedEmailsAndRefusesLookAlikes: the provider's verified email is
// NFKC-normalised and lower-cased before it is compared, so the owner's address in
// fullwidth letters is the owner (every mail server delivers both to one mailbox); one with
// a soft hyphen, a zero-width space or a Cyrillic letter in its domain is refused with the
// reason — on Teamfund's sign-in flow and on PocketBase's own auth-with-oauth2.
func TestSSOComparesNormalisedEmailsAndRefusesLookAlikes(t *testing.T) {
	f := testutil.Fixtures(t)
	owner := f.Emails["owner"]
	t.Run("fullwidth letters sign in as the owner", func(t *testing.T) {
		env := newSSOEnv(t)
		c := browser(t)
		env.queue(fullwidth(owner), true)
		if res, body := env.signIn(t, c, "/auth/oauth2/oidc"); res.StatusCode != http.StatusOK || res.Request.URL.Path != "/" {
			t.Fatalf("ended at %s with %d:\n%s", res.Request.URL, res.StatusCode, body)
		}
		if got := env.sessionUser(t, c); got != owner {
			t.Errorf("session belongs to %q, want %q", got, owner)
		}
	})
	for _, tc := range []struct{ name, email, reason string }{
		{"a soft hyphen in the domain", lookalike(owner, "\u00ad"), "invisible character"},
		{"a zero-width space in the domain", lookalike(owner, "\u200b"), "invisible character"},
		{"a right-to-left mark in the local part", "\u200f" + owner, "invisible character"},
		{"a Cyrillic letter among Latin ones", strings.Replace(owner, "acme", "\u0430cme", 1), "mixes letters of different alphabets"},
	} {
		t.Run(tc.name+" is refused", func(t *testing.T) {
			env := newSSOEnv(t)
			before := userCount(t, env.app)
			c := browser(t)
			env.queue(tc.email, true)
			res, body := env.signIn(t, c, "/auth/oauth2/oidc")
			if res.StatusCode != http.StatusBadRequest || !strings.Contains(body, tc.reason) || !strings.Contains(body, `id="sso-refused"`) {
				t.Fatalf("got %d, want 400 with %q:\n%s", res.StatusCode, tc.reason, body)
			}
			if got := env.sessionUser(t, c); got != "" {
				t.Errorf("signed in as %q", got)
			}
			env.queue(tc.email, true)
			if status, body := env.apiOAuth2(t); status != http.StatusBadRequest || strings.Contains(body, `"token"`) || !strings.Contains(body, tc.reason) {
				t.Errorf("auth-with-oauth2: got %d %s, want 400 with %q and no token", status, body, tc.reason)
			}
			if n := userCount(t, env.app); n != before {
				t.Errorf("users = %d, want %d (no account created)", n, before)
			}
		})
	}
}

// TestLookAlikeEmailsAreRefusedEverywhere: single invites (page and JSON), CSV rows,
// invite-key signups and mailing an invite key refuse an address with an invisible or
// mixed-script domain, naming the reason; password sign-in finds no account for it; a
// fullwidth address is the same person as the ASCII one.
func TestLookAlikeEmailsAreRefusedEverywhere(t *testing.T) {
	f := testutil.Fixtures(t)
	soft := "new@ac\u00adme.com"
	cyrillic := "new@\u0430cme.com"
	signIn := func(email string) *strings.Reader {
		return strings.NewReader(url.Values{"email": {email}, "password": {testutil.Password}, "csrf_token": {testutil.CSRF}}.Encode())
	}
	scenarios := []tests.ApiScenario{
		{
			Name: "admin inviting an address with a soft hyphen in its domain (JSON) gets a 400 naming the reason", Method: http.MethodPost,
			URL: "/api/tf/invites", Body: jsonBody(`{"email":"` + soft + `","role":"member"}`), Headers: f.AuthHeaders("admin"),
			TestAppFactory: testutil.NewApp, AfterTestFunc: expectCount("invites", 0),
			ExpectedStatus: http.StatusBadRequest, ExpectedContent: []string{`"email"`, "invisible character"},
		},
		{
			Name: "admin inviting a mixed-script address on the page sees the reason on the form", Method: http.MethodPost,
			URL: "/invites", Body: form(url.Values{"email": {cyrillic}, "role": {"member"}}), Headers: f.FormHeaders("admin"),
			TestAppFactory: testutil.NewApp, AfterTestFunc: expectCount("invites", 0),
			ExpectedStatus: http.StatusUnprocessableEntity, ExpectedContent: []string{"mixes letters of different alphabets"},
		},
		{
			Name: "a CSV preview marks the look-alike rows with their reasons and keeps the good one", Method: http.MethodPost,
			URL: "/api/tf/invites/preview", Body: strings.NewReader("email,name\r\nann@acme.com,Ann\r\n" + soft + ",Soft\r\n" + cyrillic + ",Cyr\r\n"),
			Headers: with(f.AuthHeaders("admin"), "Content-Type", "text/csv"), TestAppFactory: testutil.NewApp,
			ExpectedStatus: http.StatusOK, ExpectedContent: []string{`"valid":1`, `"refused":2`, "invisible character", "mixes letters of different alphabets"},
		},
		{
			Name: "a CSV import sends the good row only", Method: http.MethodPost,
			URL: "/api/tf/invites/import", Body: strings.NewReader("email,name\r\nann@acme.com,Ann\r\n" + soft + ",Soft\r\n"),
			Headers: with(f.AuthHeaders("admin"), "Content-Type", "text/csv"), TestAppFactory: testutil.NewApp,
			AfterTestFunc:  expectCount("invites", 1),
			ExpectedStatus: http.StatusOK, ExpectedContent: []string{`"invited":1`, `"refused":1`, "invisible character"},
		},
		{
			Name: "an invite-key signup with a soft hyphen in the domain is refused on the email field", Method: http.MethodPost,
			URL:     "/join/" + keyToken,
			Body:    form(url.Values{"email": {"joe@ac\u00adme.com"}, "name": {"Joe"}, "password": {"long-password"}, "password_confirm": {"long-password"}}),
			Headers: guestForm(), TestAppFactory: inviteApp,
			ExpectedStatus: http.StatusUnprocessableEntity, ExpectedContent: []string{"invisible character"},
			ExpectedEvents: map[string]int{"*": 0},
		},
		{
			Name: "mailing an invite key to a mixed-script address is refused", Method: http.MethodPost,
			URL: "/api/tf/invite-keys", Body: jsonBody(`{"team":"` + f.ID("alpha") + `","mail_to":["` + cyrillic + `"]}`), Headers: f.AuthHeaders("admin"),
			TestAppFactory: testutil.NewApp, AfterTestFunc: expectCount("invite_links", 0),
			ExpectedStatus: http.StatusBadRequest, ExpectedContent: []string{"mixes letters of different alphabets"},
		},
		{
			Name: "a superuser cannot give a user a look-alike login email in the dashboard", Method: http.MethodPatch,
			URL: "/api/collections/users/records/" + f.ID("memberA"), Body: jsonBody(`{"email":"` + lookalike(f.Emails["owner"], "\u00ad") + `"}`),
			Headers: f.AuthHeaders("superuser"), TestAppFactory: testutil.NewApp,
			ExpectedStatus: http.StatusBadRequest, ExpectedContent: []string{`"email"`, "invisible character"},
			ExpectedEvents: map[string]int{"OnRecordUpdateExecute": 0},
		},
		{
			Name: "a login email a superuser types in the dashboard is stored normalised", Method: http.MethodPatch,
			URL: "/api/collections/users/records/" + f.ID("memberA"), Body: jsonBody(`{"email":" Max.Member@ＡＣＭＥ.com"}`),
			Headers: f.AuthHeaders("superuser"), TestAppFactory: testutil.NewApp,
			ExpectedStatus: http.StatusOK, ExpectedContent: []string{`"email":"max.member@acme.com"`},
		},
		{
			Name: "password sign-in with a soft hyphen in the owner's domain finds no account", Method: http.MethodPost, URL: "/login",
			Body: signIn(lookalike(f.Emails["owner"], "\u00ad")), Headers: f.FormHeaders(""), TestAppFactory: testutil.NewApp,
			ExpectedStatus: http.StatusUnauthorized, NotExpectedContent: []string{"tf_session"}, ExpectedContent: []string{"email"},
			AfterTestFunc: expectNoSession,
		},
		{
			Name: "password sign-in with the owner's address in fullwidth letters is the owner", Method: http.MethodPost, URL: "/login",
			Body: signIn(fullwidth(f.Emails["owner"])), Headers: f.FormHeaders(""), TestAppFactory: testutil.NewApp,
			ExpectedStatus: http.StatusSeeOther, ExpectedContent: []string{},
		},
		{
			Name: "PocketBase's auth-with-password with the owner's address in fullwidth letters is the owner", Method: http.MethodPost,
			URL: "/api/collections/users/auth-with-password", Body: jsonBody(`{"identity":"` + fullwidth(f.Emails["owner"]) + `","password":"` + testutil.Password + `"}`),
			TestAppFactory: testutil.NewApp, ExpectedStatus: http.StatusOK, ExpectedContent: []string{`"token"`, `"email":"` + f.Emails["owner"] + `"`},
		},
		{
			Name: "PocketBase's auth-with-password with a soft hyphen in the owner's domain finds no account", Method: http.MethodPost,
			URL: "/api/collections/users/auth-with-password", Body: jsonBody(`{"identity":"` + lookalike(f.Emails["owner"], "\u00ad") + `","password":"` + testutil.Password + `"}`),
			TestAppFactory: testutil.NewApp, ExpectedStatus: http.StatusBadRequest, NotExpectedContent: []string{`"token"`},
		},
	}
	for _, s := range scenarios {
		s.Test(t)
	}
}
