package web_test

import (
	"encoding/json"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/pocketbase/pocketbase/core"

	"teamfund/internal/member"
	"teamfund/internal/testutil"
)

// takeoverApp is the fixture app plus a second admin ("admin2"); it returns the app, its
// server and admin2's id and bearer token.
func takeoverApp(t *testing.T) (core.App, string, string, string) {
	t.Helper()
	app := testutil.NewApp(t)
	t.Cleanup(app.Cleanup)
	a2, err := member.Create(app, member.NewUser{Email: "admin2@acme.com", Password: testutil.Password, Name: "Ada Admin", Role: member.RoleAdmin})
	if err != nil {
		t.Fatal(err)
	}
	token, err := a2.NewAuthToken()
	if err != nil {
		t.Fatal(err)
	}
	srv := testutil.Serve(t, app)
	return app, srv.URL, a2.Id, token
}

// body sends one request and returns its status and body.
func body(t *testing.T, method, u, payload string, headers map[string]string) (int, string) {
	t.Helper()
	res, b := exchange(t, method, u, payload, headers)
	return res.StatusCode, string(b)
}

func jsonHeaders(token string) map[string]string {
	return map[string]string{"Authorization": token, "Content-Type": "application/json"}
}

// TestOnlyTheOwnerResetsOrRenamesAdminsAndTheOwner: "who may reset whom" on the pages and
// their JSON twins. An admin who could mail the owner (or another admin) a reset link, or
// point their login email at a mailbox of their own, could sign in as them.
func TestOnlyTheOwnerResetsOrRenamesAdminsAndTheOwner(t *testing.T) {
	f := testutil.Fixtures(t)
	app, base, admin2, _ := takeoverApp(t)
	ids := map[string]string{"owner": f.ID("owner"), "admin2": admin2, "managerA": f.ID("managerA"), "memberA": f.ID("memberA"), "admin": f.ID("admin")}
	cases := []struct {
		actor, target string
		want          bool
	}{
		{"admin", "owner", false},
		{"admin", "admin2", false},
		{"admin", "managerA", true},
		{"admin", "memberA", true},
		{"admin", "admin", true},
		{"owner", "admin2", true},
		{"owner", "owner", true},
	}
	for _, c := range cases {
		target := ids[c.target]
		before := resetMails(t, app)
		page, _ := body(t, "POST", base+"/users/"+target+"/password-reset", "", f.FormHeaders(c.actor))
		api, _ := body(t, "POST", base+"/api/tf/users/"+target+"/password-reset", "", jsonHeaders(f.Token(c.actor)))
		sent := resetMails(t, app) - before
		if c.want && (page != http.StatusSeeOther || api != http.StatusOK || sent != 2) {
			t.Errorf("%s resets %s: page %d, JSON %d, %d mails; want 303, 200, 2", c.actor, c.target, page, api, sent)
		}
		if !c.want && (page != http.StatusForbidden || api != http.StatusForbidden || sent != 0) {
			t.Errorf("%s resets %s: page %d, JSON %d, %d mails; want 403, 403 and no mail", c.actor, c.target, page, api, sent)
		}

		if c.actor == c.target {
			continue // one's own email: allowed, but it ends one's sessions (tested elsewhere)
		}
		email := "renamed-" + strings.ToLower(c.target) + "@acme.com"
		page, _ = body(t, "POST", base+"/users/"+target+"/email", url.Values{"email": {email}}.Encode(), f.FormHeaders(c.actor))
		api, _ = body(t, "POST", base+"/api/tf/users/"+target+"/email", `{"email":"`+email+`"}`, jsonHeaders(f.Token(c.actor)))
		u := testutil.Member(t, app, target)
		if c.want && (page != http.StatusSeeOther || api != http.StatusOK || u.Email() != email) {
			t.Errorf("%s changes %s's email: page %d, JSON %d, email %s; want 303, 200, %s", c.actor, c.target, page, api, u.Email(), email)
		}
		if !c.want && (page != http.StatusForbidden || api != http.StatusForbidden || u.Email() == email) {
			t.Errorf("%s changes %s's email: page %d, JSON %d, email %s; want 403, 403, unchanged", c.actor, c.target, page, api, u.Email())
		}
		if c.want && c.target != "owner" {
			// Put the email back so that the fixture's headers keep matching.
			u.SetEmail(f.Emails[c.target])
			if c.target == "admin2" {
				u.SetEmail("admin2@acme.com")
			}
			if err := app.Save(u); err != nil {
				t.Fatal(err)
			}
		}
	}

	// The user page offers neither action on another admin.
	_, html := body(t, "GET", base+"/users/"+admin2, "", f.CookieHeaders("admin"))
	if strings.Contains(html, `id="password-reset"`) || strings.Contains(html, `id="change-email"`) {
		t.Error("an admin's page of another admin offers a password reset or an email change")
	}
	_, html = body(t, "GET", base+"/users/"+f.ID("memberA"), "", f.CookieHeaders("admin"))
	if !strings.Contains(html, `id="password-reset"`) || !strings.Contains(html, `id="change-email"`) {
		t.Error("an admin's page of a member lacks the password reset or the email change")
	}
}

// TestAdminCannotReadTheOwnersResetLink is the reported takeover: the owner's reset link
// is stored in the outbox; an admin must not get it from the records API (list, view,
// filter, sort), from the outbox page or from its JSON twin, while the owner and a
// superuser still can.
func TestAdminCannotReadTheOwnersResetLink(t *testing.T) {
	f := testutil.Fixtures(t)
	app, base, _, _ := takeoverApp(t)
	if code, _ := body(t, "POST", base+"/password-reset", url.Values{"email": {f.Emails["owner"]}}.Encode(), f.FormHeaders("")); code != http.StatusOK {
		t.Fatalf("forgot password: %d", code)
	}
	link := resetLink(t, app, f.Emails["owner"])
	msgs, err := app.FindRecordsByFilter("outbox", "to = {:to}", "-created", 1, 0, map[string]any{"to": f.Emails["owner"]})
	if err != nil || len(msgs) != 1 {
		t.Fatal(err)
	}
	id := msgs[0].Id
	token := strings.TrimPrefix(link, "/password-reset/")

	admin := f.AuthHeaders("admin")
	for _, path := range []string{
		"/api/collections/outbox/records",
		"/api/collections/outbox/records/" + id,
		"/api/collections/outbox/records?fields=*,text,html",
		"/api/collections/outbox/records?filter=" + url.QueryEscape("text ~ 'password-reset'"),
		"/api/collections/outbox/records?sort=text",
		"/outbox/" + id,
		"/api/tf/outbox",
		"/api/tf/outbox?to=" + url.QueryEscape(f.Emails["owner"]),
	} {
		code, got := body(t, "GET", base+path, "", admin)
		if strings.Contains(got, token) || strings.Contains(got, "password-reset/") {
			t.Errorf("admin GET %s (%d) shows the owner's reset link", path, code)
		}
		if (strings.Contains(path, "filter=") || strings.Contains(path, "sort=")) && code != http.StatusBadRequest {
			t.Errorf("admin GET %s: %d, want 400 (filtering or sorting on a hidden body is an oracle)", path, code)
		}
		if strings.HasPrefix(path, "/api/collections/") && code == http.StatusOK && (strings.Contains(got, `"text"`) || strings.Contains(got, `"html"`)) {
			t.Errorf("admin GET %s: the records API returns the message body: %.200s", path, got)
		}
	}
	// The admin still sees that the message exists (metadata), and the page says why the body is hidden.
	if code, got := body(t, "GET", base+"/api/collections/outbox/records/"+id, "", admin); code != http.StatusOK || !strings.Contains(got, `"subject"`) {
		t.Errorf("admin view of the outbox record: %d %.200s, want its subject", code, got)
	}
	if code, got := body(t, "GET", base+"/outbox/"+id, "", f.CookieHeaders("admin")); code != http.StatusOK || !strings.Contains(got, `id="mail-hidden"`) || strings.Contains(got, token) {
		t.Errorf("admin outbox page: %d, want 200 with the body withheld", code)
	}
	var list struct {
		Items []struct {
			To, Text string
			Hidden   bool
		}
	}
	_, raw := body(t, "GET", base+"/api/tf/outbox", "", admin)
	if err := json.Unmarshal([]byte(raw), &list); err != nil {
		t.Fatal(err)
	}
	for _, it := range list.Items {
		if it.To == f.Emails["owner"] && (!it.Hidden || it.Text != "") {
			t.Errorf("admin JSON outbox: owner's message hidden=%v text=%q", it.Hidden, it.Text)
		}
	}

	// The owner (the person it is for) and a superuser (dashboard) read it.
	if _, got := body(t, "GET", base+"/outbox/"+id, "", f.CookieHeaders("owner")); !strings.Contains(got, token) {
		t.Error("the owner's outbox page does not show the owner's own link")
	}
	if _, got := body(t, "GET", base+"/api/collections/outbox/records/"+id, "", f.AuthHeaders("superuser")); !strings.Contains(got, token) {
		t.Error("a superuser does not get the message body through the records API")
	}

	// A link the admin is allowed to act on (a member's reset) is shown to the admin.
	if code, _ := body(t, "POST", base+"/api/tf/users/"+f.ID("memberA")+"/password-reset", "", jsonHeaders(f.Token("admin"))); code != http.StatusOK {
		t.Fatalf("reset for member A: %d", code)
	}
	memberLink := resetLink(t, app, f.Emails["memberA"])
	mm, _ := app.FindRecordsByFilter("outbox", "to = {:to}", "-created", 1, 0, map[string]any{"to": f.Emails["memberA"]})
	if _, got := body(t, "GET", base+"/outbox/"+mm[0].Id, "", f.CookieHeaders("admin")); !strings.Contains(got, memberLink) {
		t.Error("the admin's outbox page hides a member's reset link the admin may act on")
	}
}

// TestRecordsAPIDoesNotLetAnAdminTakeOverTheOwner: PocketBase's own endpoints, used with
// an admin's token, neither change the owner's email or password nor read a secret.
func TestRecordsAPIDoesNotLetAnAdminTakeOverTheOwner(t *testing.T) {
	f := testutil.Fixtures(t)
	app, base, _, _ := takeoverApp(t)
	owner := f.ID("owner")
	before := testutil.Member(t, app, owner)
	h := jsonHeaders(f.Token("admin"))
	for _, c := range []struct{ method, path, body string }{
		{"PATCH", "/api/collections/users/records/" + owner, `{"email":"mine@acme.com"}`},
		{"PATCH", "/api/collections/users/records/" + owner, `{"password":"takeover123","passwordConfirm":"takeover123"}`},
		{"PATCH", "/api/collections/users/records/" + f.ID("admin"), `{"email":"owner-now@acme.com"}`},
		{"POST", "/api/collections/users/request-email-change", `{"newEmail":"` + f.Emails["owner"] + `"}`},
	} {
		code, got := body(t, c.method, base+c.path, c.body, h)
		if code < 400 {
			t.Errorf("admin %s %s %s: %d %.200s, want a refusal", c.method, c.path, c.body, code, got)
		}
	}
	after := testutil.Member(t, app, owner)
	if after.Email() != before.Email() || after.TokenKey() != before.TokenKey() || !after.ValidatePassword(testutil.Password) {
		t.Error("the owner's account changed")
	}
	// PocketBase's "forgot password" endpoint is public and answers 204 without a link.
	code, got := body(t, "POST", base+"/api/collections/users/request-password-reset", `{"email":"`+f.Emails["owner"]+`"}`, h)
	if code != http.StatusNoContent || strings.Contains(got, "token") {
		t.Errorf("request-password-reset: %d %q", code, got)
	}
	// Whatever it stored, the admin reads no message body through the records API.
	_, got = body(t, "GET", base+"/api/collections/outbox/records?perPage=500", "", f.AuthHeaders("admin"))
	if strings.Contains(got, `"text"`) || strings.Contains(got, `"html"`) {
		t.Errorf("records API outbox list shows bodies to an admin: %.300s", got)
	}
}

// TestAnAdminCannotDemoteAnotherAdmin on every interface an admin has: the user page, its
// JSON twin and PocketBase's records API (the dashboard is a superuser's, audited). A
// demoted admin could then be sent a password reset by the admin who demoted them.
func TestAnAdminCannotDemoteAnotherAdmin(t *testing.T) {
	app, base, admin2, _ := takeoverApp(t)
	f := testutil.Fixtures(t)
	page, pageBody := body(t, "POST", base+"/users/"+admin2+"/role", "role=member&csrf_token="+url.QueryEscape(f.CSRFToken("admin")), f.FormHeaders("admin"))
	api, apiBody := body(t, "POST", base+"/api/tf/users/"+admin2+"/role", `{"role":"member"}`, jsonHeaders(f.Token("admin")))
	records, _ := body(t, "PATCH", base+"/api/collections/users/records/"+admin2, `{"role":"member"}`, jsonHeaders(f.Token("admin")))
	if page != http.StatusForbidden || api != http.StatusForbidden || records != http.StatusNotFound {
		t.Errorf("admin demoting an admin: page %d, JSON %d (%s), records API %d; want 403, 403, 404", page, api, apiBody, records)
	}
	for name, answer := range map[string]string{"page": pageBody, "JSON": apiBody} {
		if !strings.Contains(strings.ToLower(answer), "only the owner can change an admin") {
			t.Errorf("the %s answer does not say who may: %s", name, answer)
		}
	}
	if m, _ := member.Find(app, admin2); m.Role() != member.RoleAdmin {
		t.Errorf("admin2 is now %s", m.Role())
	}
	if code, _ := body(t, "POST", base+"/api/tf/users/"+admin2+"/role", `{"role":"member"}`, jsonHeaders(f.Token("owner"))); code != http.StatusOK {
		t.Errorf("the owner demoting an admin: %d, want 200", code)
	}
}
