package web_test

import (
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tests"
	"github.com/pocketbase/pocketbase/tools/types"

	"teamfund/internal/testutil"
)

// Fixed invites for scenario URLs: one pending in team alpha (with a known token), one in beta.
const (
	alphaInviteID = "invalpha0000001"
	betaInviteID  = "invbeta00000001"
	alphaToken    = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQ"
	alphaKeyID    = "keyalpha0000001"
	betaKeyID     = "keybeta00000001"
	keyToken      = "QPONMLKJIHGFEDCBAzyxwvutsrqponmlkjihgfedcba"
)

func sha(s string) string {
	sum := sha256.Sum256([]byte(s))
	return hex.EncodeToString(sum[:])
}

// inviteApp is testutil.NewApp plus the fixed invites and invite keys.
func inviteApp(tb testing.TB) *tests.TestApp {
	app := testutil.NewApp(tb)
	f := testutil.Fixtures(tb)
	col, err := app.FindCollectionByNameOrId("invites")
	if err != nil {
		tb.Fatal(err)
	}
	expires, _ := types.ParseDateTime(time.Now().Add(48 * time.Hour))
	for _, inv := range []struct{ id, email, team, token string }{
		{alphaInviteID, "pending.a@acme.com", "alpha", alphaToken},
		{betaInviteID, "pending.b@acme.com", "beta", "unused-token-of-beta"},
	} {
		r := core.NewRecord(col)
		r.Set("id", inv.id)
		r.Load(map[string]any{"email": inv.email, "name": "Pat Pending", "role": "member", "team": f.ID(inv.team),
			"status": "pending", "token_hash": sha(inv.token), "expires": expires, "invited_by": f.ID("admin")})
		if err := app.Save(r); err != nil {
			tb.Fatal(err)
		}
	}
	keys, err := app.FindCollectionByNameOrId("invite_links")
	if err != nil {
		tb.Fatal(err)
	}
	for _, k := range []struct{ id, team, token string }{{alphaKeyID, "alpha", keyToken}, {betaKeyID, "beta", "unused-key-of-beta"}} {
		r := core.NewRecord(keys)
		r.Set("id", k.id)
		r.Load(map[string]any{"team": f.ID(k.team), "token_hash": sha(k.token), "expires": expires, "created_by": f.ID("admin")})
		if err := app.Save(r); err != nil {
			tb.Fatal(err)
		}
	}
	return app
}

func TestInviteAccessTable(t *testing.T) {
	f := testutil.Fixtures(t)
	alpha, beta := f.ID("alpha"), f.ID("beta")
	type row struct {
		actor, method, url, body string
		want                     int
	}
	rows := []row{
		// the list
		{"owner", "GET", "/api/tf/invites", "", 200},
		{"admin", "GET", "/api/tf/invites", "", 200},
		{"managerA", "GET", "/api/tf/invites", "", 200},
		{"memberA", "GET", "/api/tf/invites", "", 403},
		{"loner", "GET", "/api/tf/invites", "", 403},
		// single invite: member role into own / other team
		{"owner", "POST", "/api/tf/invites", `{"email":"n1@acme.com","team":"` + beta + `"}`, 201},
		{"admin", "POST", "/api/tf/invites", `{"email":"n1@acme.com","team":"` + alpha + `"}`, 201},
		{"managerA", "POST", "/api/tf/invites", `{"email":"n1@acme.com","team":"` + alpha + `"}`, 201},
		{"managerA", "POST", "/api/tf/invites", `{"email":"n1@acme.com","team":"` + beta + `"}`, 403},
		{"memberA", "POST", "/api/tf/invites", `{"email":"n1@acme.com","team":"` + alpha + `"}`, 403},
		// staff roles
		{"admin", "POST", "/api/tf/invites", `{"email":"n1@acme.com","role":"admin"}`, 201},
		{"managerA", "POST", "/api/tf/invites", `{"email":"n1@acme.com","role":"manager","team":"` + alpha + `"}`, 403},
		{"owner", "POST", "/api/tf/invites", `{"email":"n1@acme.com","role":"owner"}`, 400},
		// managing an invite of team alpha (own team for managerA, other team for managerB)
		{"admin", "POST", "/api/tf/invites/" + alphaInviteID + "/resend", "", 200},
		{"managerA", "POST", "/api/tf/invites/" + alphaInviteID + "/resend", "", 200},
		{"managerB", "POST", "/api/tf/invites/" + alphaInviteID + "/resend", "", 403},
		{"memberA", "POST", "/api/tf/invites/" + alphaInviteID + "/resend", "", 403},
		{"managerA", "POST", "/api/tf/invites/" + alphaInviteID + "/revoke", "", 200},
		{"managerB", "POST", "/api/tf/invites/" + alphaInviteID + "/revoke", "", 403},
		{"managerA", "PATCH", "/api/tf/invites/" + alphaInviteID, `{"role":"manager"}`, 403},
		{"admin", "PATCH", "/api/tf/invites/" + alphaInviteID, `{"role":"manager","team":"` + beta + `"}`, 200},
		{"managerA", "PATCH", "/api/tf/invites/" + alphaInviteID, `{"team":"` + beta + `"}`, 403},
		{"managerA", "DELETE", "/api/tf/invites/" + alphaInviteID, "", 204},
		{"managerA", "DELETE", "/api/tf/invites/" + betaInviteID, "", 403},
		{"memberB", "DELETE", "/api/tf/invites/" + betaInviteID, "", 403},
		{"admin", "DELETE", "/api/tf/invites/nosuchinvite00", "", 404},
		// bulk is all or nothing: managerA's selection with another team's invite is refused
		{"managerA", "POST", "/api/tf/invites/bulk", `{"action":"revoke","ids":["` + alphaInviteID + `","` + betaInviteID + `"]}`, 409},
		{"admin", "POST", "/api/tf/invites/bulk", `{"action":"revoke","ids":["` + alphaInviteID + `","` + betaInviteID + `"]}`, 200},
		// invite keys
		{"managerA", "POST", "/api/tf/invite-keys", `{"team":"` + alpha + `"}`, 201},
		{"managerA", "POST", "/api/tf/invite-keys", `{"team":"` + beta + `"}`, 403},
		{"memberA", "POST", "/api/tf/invite-keys", `{"team":"` + alpha + `"}`, 403},
		{"admin", "POST", "/api/tf/invite-keys", `{"team":"` + beta + `"}`, 201},
		{"managerA", "POST", "/api/tf/invite-keys/" + alphaKeyID + "/revoke", "", 204},
		{"managerA", "POST", "/api/tf/invite-keys/" + betaKeyID + "/revoke", "", 403},
		{"memberA", "GET", "/api/tf/invite-keys", "", 403},
		// CSV preview
		{"managerA", "POST", "/api/tf/invites/preview", "email\nx@acme.com\n", 200},
		{"memberA", "POST", "/api/tf/invites/preview", "email\nx@acme.com\n", 403},
		// outbox and settings
		{"owner", "GET", "/api/tf/outbox", "", 200},
		{"admin", "GET", "/api/tf/outbox", "", 200},
		{"managerA", "GET", "/api/tf/outbox", "", 403},
		{"owner", "GET", "/api/tf/settings", "", 200},
		{"admin", "GET", "/api/tf/settings", "", 403},
		{"managerA", "PUT", "/api/tf/settings", `{"name":"X","currency":"USD","timezone":"UTC","invite_ttl_hours":24}`, 403},
		// pages
		{"owner", "GET", "/invites", "", 200},
		{"managerA", "GET", "/invites", "", 200},
		{"memberA", "GET", "/invites", "", 403},
		{"admin", "GET", "/outbox", "", 200},
		{"managerA", "GET", "/outbox", "", 403},
		{"owner", "GET", "/settings", "", 200},
		{"admin", "GET", "/settings", "", 403},
		{"memberA", "GET", "/invites/template.csv", "", 403},
		// HTML forms: own team / other team
		{"managerA", "POST", "/invites/" + alphaInviteID + "/resend", "", 303},
		{"managerB", "POST", "/invites/" + alphaInviteID + "/resend", "", 403},
		{"managerB", "POST", "/invites/" + alphaInviteID + "/delete", "", 403},
		{"owner", "POST", "/invites/" + betaInviteID + "/delete", "", 303},
		{"memberA", "POST", "/invites", "email=x%40acme.com", 403},
		{"managerA", "POST", "/invites/keys", "team=" + alpha, 303},
		{"managerA", "POST", "/invites/keys", "team=" + beta, 403},
		{"memberA", "POST", "/invites/keys", "team=" + alpha, 403},
		{"admin", "POST", "/invites/keys/" + alphaKeyID + "/revoke", "", 303},
		{"managerB", "POST", "/invites/keys/" + alphaKeyID + "/revoke", "", 403},
		{"memberA", "POST", "/invites/import", "csv=email%0Ax%40acme.com", 403},
		{"memberA", "GET", "/outbox/anything000001", "", 403},
		{"managerA", "POST", "/settings", "name=X", 403},
	}
	for _, r := range rows {
		headers := f.AuthHeaders(r.actor)
		switch {
		case strings.HasPrefix(r.url, "/api/"):
		case r.method == "GET":
			headers = f.CookieHeaders(r.actor)
		default:
			headers = f.FormHeaders(r.actor)
		}
		s := tests.ApiScenario{
			Name:   r.actor + " " + r.method + " " + r.url + " " + r.body,
			Method: r.method, URL: r.url, Body: strings.NewReader(r.body), Headers: headers,
			TestAppFactory: inviteApp, ExpectedStatus: r.want, ExpectedContent: []string{""},
		}
		if r.want == 204 {
			s.ExpectedContent = nil
		}
		if r.want >= 400 && r.method != "GET" && !strings.Contains(r.url, "bulk") {
			s.ExpectedEvents = map[string]int{"*": 0}
		}
		if strings.Contains(r.url, "preview") {
			headers["Content-Type"] = "text/csv"
		}
		s.Test(t)
	}
}

func TestInvitePages(t *testing.T) {
	f := testutil.Fixtures(t)
	alpha, beta := f.ID("alpha"), f.ID("beta")
	scenarios := []tests.ApiScenario{
		{
			Name:   "manager sees own team's invites (who sent each, by name) and not another team's",
			Method: http.MethodGet, URL: "/invites", Headers: f.CookieHeaders("managerA"), TestAppFactory: inviteApp,
			ExpectedStatus: 200, ExpectedContent: []string{"pending.a@acme.com", "Invite someone", "template.csv", "Create invite key", "Seats: 10 in use",
				`<td data-label="Invited by"><span class="person person-inline">`, `>Adam Admin</span>`},
			NotExpectedContent: []string{"pending.b@acme.com", `value="admin"`},
		},
		{
			Name:   "admin filters invites by team",
			Method: http.MethodGet, URL: "/invites?team=" + beta, Headers: f.CookieHeaders("admin"), TestAppFactory: inviteApp,
			ExpectedStatus: 200, ExpectedContent: []string{"pending.b@acme.com"}, NotExpectedContent: []string{"pending.a@acme.com"},
		},
		{
			Name:   "admin filters invites by status",
			Method: http.MethodGet, URL: "/invites?status=revoked", Headers: f.CookieHeaders("admin"), TestAppFactory: inviteApp,
			ExpectedStatus: 200, ExpectedContent: []string{"No invites match these filters", "Show every invite"},
			NotExpectedContent: []string{"pending.a@acme.com"},
		},
		{
			Name:   "a company without invites is told how to send the first one, not that none match",
			Method: http.MethodGet, URL: "/invites", Headers: f.CookieHeaders("admin"), TestAppFactory: testutil.NewApp,
			ExpectedStatus: 200, ExpectedContent: []string{"No invites yet", "Invite someone by email"},
			NotExpectedContent: []string{"match"},
		},
		{
			Name:   "a bulk action with nothing selected keeps the admin on the invites page with a message",
			Method: http.MethodPost, URL: "/invites/bulk", Body: form(url.Values{"action": {"revoke"}}),
			Headers: f.FormHeaders("admin"), TestAppFactory: inviteApp,
			ExpectedStatus: http.StatusBadRequest, ExpectedContent: []string{`id="invite-list"`, "Select at least one invite"},
			NotExpectedContent: []string{"Back to the dashboard"}, ExpectedEvents: map[string]int{"*": 0},
		},
		{
			Name:   "an invite key without a team says to create a team first, on the invites page",
			Method: http.MethodPost, URL: "/invites/keys", Body: form(url.Values{"team": {""}}),
			Headers: f.FormHeaders("admin"), TestAppFactory: inviteApp,
			ExpectedStatus: http.StatusBadRequest, ExpectedContent: []string{`id="key-create"`, "Create a team first"},
			NotExpectedContent: []string{"Back to the dashboard"}, ExpectedEvents: map[string]int{"*": 0},
		},
		{
			Name:   "manager sends an invite from the form and is redirected with a flash",
			Method: http.MethodPost, URL: "/invites", Body: form(url.Values{"email": {"New@Acme.com"}, "name": {"Nia"}, "role": {"member"}, "team": {alpha}}),
			Headers: f.FormHeaders("managerA"), TestAppFactory: inviteApp,
			ExpectedStatus: http.StatusSeeOther, ExpectedContent: []string{""}, AfterTestFunc: testutil.ExpectLocation("/invites"),
			ExpectedEvents: map[string]int{"OnRecordCreate": 2, "OnMailerSend": 0}, // invite + audit; the outbox row is plain SQL
		},
		{
			Name:   "form names the field of a refused invite (already a user) with 422 and writes nothing",
			Method: http.MethodPost, URL: "/invites", Body: form(url.Values{"email": {f.Emails["memberA"]}, "team": {alpha}}),
			Headers: f.FormHeaders("managerA"), TestAppFactory: inviteApp,
			ExpectedStatus: http.StatusUnprocessableEntity, ExpectedContent: []string{"Already a user", `aria-invalid="true"`},
			ExpectedEvents: map[string]int{"*": 0},
		},
		{
			Name:   "re-inviting a pending address answers already invited — resend?",
			Method: http.MethodPost, URL: "/invites", Body: form(url.Values{"email": {"pending.a@acme.com"}, "team": {alpha}}),
			Headers: f.FormHeaders("admin"), TestAppFactory: inviteApp,
			ExpectedStatus: http.StatusUnprocessableEntity, ExpectedContent: []string{"Already invited — resend?", `formaction="/invites/` + alphaInviteID + `/resend"`},
			ExpectedEvents: map[string]int{"*": 0},
		},
		{
			Name:   "manager's form invite into another team is forbidden",
			Method: http.MethodPost, URL: "/invites", Body: form(url.Values{"email": {"x@acme.com"}, "team": {beta}}),
			Headers: f.FormHeaders("managerA"), TestAppFactory: inviteApp,
			ExpectedStatus: http.StatusForbidden, ExpectedContent: []string{"not allowed"}, ExpectedEvents: map[string]int{"*": 0},
		},
		{
			Name:   "bulk revoke with a refused row lists it and changes nothing",
			Method: http.MethodPost, URL: "/invites/bulk", Body: form(url.Values{"action": {"revoke"}, "ids": {alphaInviteID, betaInviteID}}),
			Headers: f.FormHeaders("managerA"), TestAppFactory: inviteApp,
			ExpectedStatus: http.StatusConflict, ExpectedContent: []string{"Nothing was changed", "pending.b@acme.com"},
			AfterTestFunc: func(t testing.TB, app *tests.TestApp, _ *http.Response) {
				r, err := app.FindRecordById("invites", alphaInviteID)
				if err != nil || r.GetString("status") != "pending" {
					t.Errorf("own-team invite changed by a refused bulk action: %v %v", r.GetString("status"), err)
				}
			},
		},
		{
			Name:   "row button resends one invite",
			Method: http.MethodPost, URL: "/invites/" + alphaInviteID + "/resend", Body: form(url.Values{}),
			Headers: f.FormHeaders("managerA"), TestAppFactory: inviteApp,
			ExpectedStatus: http.StatusSeeOther, ExpectedContent: []string{""}, AfterTestFunc: testutil.ExpectLocation("/invites"),
		},
		{
			Name:   "the CSV template has the header email,name,role,team",
			Method: http.MethodGet, URL: "/invites/template.csv", Headers: f.CookieHeaders("managerA"), TestAppFactory: inviteApp,
			ExpectedStatus: 200, ExpectedContent: []string{"email,name,role,team"},
		},
		{
			Name:   "creating an invite key redirects to the invites page with its link in a one-time cookie",
			Method: http.MethodPost, URL: "/invites/keys", Body: form(url.Values{"team": {alpha}}),
			Headers: f.FormHeaders("managerA"), TestAppFactory: inviteApp,
			ExpectedStatus: http.StatusSeeOther, ExpectedContent: []string{""},
			AfterTestFunc: func(t testing.TB, app *tests.TestApp, res *http.Response) {
				testutil.ExpectLocation("/invites")(t, app, res)
				var link string
				for _, c := range res.Cookies() {
					if c.Name == "tf_new_key" && c.HttpOnly && c.Path == "/invites" && c.MaxAge > 0 {
						b, _ := base64.RawURLEncoding.DecodeString(c.Value)
						link = string(b)
					}
				}
				if !strings.Contains(link, "/join/") {
					t.Errorf("no join link in the tf_new_key cookie: %v", res.Cookies())
				}
			},
		},
		{
			Name:   "the invites page shows the new key's link once and clears it, so a reload creates nothing",
			Method: http.MethodGet, URL: "/invites",
			Headers: map[string]string{"Cookie": f.CookieHeaders("managerA")["Cookie"] + "; tf_new_key=" +
				base64.RawURLEncoding.EncodeToString([]byte("http://localhost:8090/join/abc123"))},
			TestAppFactory: inviteApp,
			ExpectedStatus: 200, ExpectedContent: []string{`id="new-key-link"`, "http://localhost:8090/join/abc123"},
			AfterTestFunc: func(t testing.TB, app *tests.TestApp, res *http.Response) {
				cleared := false
				for _, c := range res.Cookies() {
					cleared = cleared || (c.Name == "tf_new_key" && c.MaxAge < 0)
				}
				if !cleared {
					t.Errorf("tf_new_key not cleared: %v", res.Cookies())
				}
			},
		},
		{
			Name:   "a link cookie that is not a join link is ignored",
			Method: http.MethodGet, URL: "/invites",
			Headers: map[string]string{"Cookie": f.CookieHeaders("managerA")["Cookie"] + "; tf_new_key=" +
				base64.RawURLEncoding.EncodeToString([]byte("javascript:alert(1)"))},
			TestAppFactory: inviteApp,
			ExpectedStatus: 200, NotExpectedContent: []string{`id="new-key-link"`, "alert(1)"},
		},
		{
			Name:   "when the mail server refuses the invitation the flash says where the link is",
			Method: http.MethodPost, URL: "/invites", Body: form(url.Values{"email": {"bounce@acme.com"}}),
			Headers: f.FormHeaders("admin"),
			TestAppFactory: func(tb testing.TB) *tests.TestApp {
				app := inviteApp(tb)
				s := app.Settings()
				s.SMTP.Enabled, s.SMTP.Host, s.SMTP.Port = true, "smtp.example.com", 587
				if err := app.Save(s); err != nil {
					tb.Fatal(err)
				}
				app.OnMailerSend().BindFunc(func(e *core.MailerEvent) error { return errors.New("550 no such mailbox") })
				return app
			},
			ExpectedStatus: http.StatusSeeOther, ExpectedContent: []string{""},
			AfterTestFunc: func(t testing.TB, app *tests.TestApp, res *http.Response) {
				for _, c := range res.Cookies() {
					if c.Name != "tf_flash" {
						continue
					}
					_, enc, _ := strings.Cut(c.Value, ":")
					msg, _ := base64.RawURLEncoding.DecodeString(enc)
					if !strings.Contains(string(msg), "copy the link from the Outbox") {
						t.Errorf("flash %q", msg)
					}
					return
				}
				t.Error("no flash")
			},
		},
		{
			Name:   "admin reads the outbox",
			Method: http.MethodGet, URL: "/outbox", Headers: f.CookieHeaders("admin"), TestAppFactory: inviteApp,
			ExpectedStatus: 200, ExpectedContent: []string{"Outbox", "SMTP is not configured"},
		},
	}
	for _, s := range scenarios {
		s.Test(t)
	}
}
