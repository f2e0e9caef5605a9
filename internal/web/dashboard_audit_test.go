package web_test

import (
	"bytes"
	"encoding/json"
	"mime/multipart"
	"net/http"
	"strings"
	"testing"

	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tests"

	"teamfund/internal/invite"
	"teamfund/internal/testutil"
)

// auditedBySuperuser checks that exactly one audit entry with action names the target and
// the superuser, and that its before/after hold exactly the given fields.
func auditedBySuperuser(action, targetID string, fields ...string) func(testing.TB, *tests.TestApp, *http.Response) {
	return func(t testing.TB, app *tests.TestApp, _ *http.Response) {
		t.Helper()
		rows, err := app.FindAllRecords("audit_log", dbx.HashExp{"action": action, "target_id": targetID})
		if err != nil || len(rows) != 1 {
			t.Fatalf("%d %s entries for %s (%v), want 1", len(rows), action, targetID, err)
		}
		r := rows[0]
		if r.GetString("actor_email") != "root@acme.com (dashboard)" || r.GetString("actor") != "" {
			t.Errorf("actor %q/%q, want the superuser named", r.GetString("actor_email"), r.GetString("actor"))
		}
		for _, side := range []string{"before", "after"} {
			var got map[string]any
			_ = json.Unmarshal([]byte(r.GetString(side)), &got)
			if len(got) == 0 {
				continue // a create has no before, a delete no after
			}
			for _, secret := range []string{"password", "tokenKey", "secret"} {
				if _, ok := got[secret]; ok {
					t.Errorf("%s keeps the secret %s", side, secret)
				}
			}
			if fields == nil {
				continue
			}
			if len(got) != len(fields) {
				t.Errorf("%s holds %v, want only %v", side, got, fields)
			}
			for _, f := range fields {
				if _, ok := got[f]; !ok {
					t.Errorf("%s lacks %s: %v", side, f, got)
				}
			}
		}
	}
}

func auditEntries(app core.App) int64 {
	n, _ := app.CountRecords("audit_log")
	return n
}

// A superuser's writes (the dashboard's) are audited like the pages' own actions, in the
// same transaction; the audit log itself cannot be edited; a touch with sends cannot be
// deleted (archive it instead).
func TestDashboardWritesAreAudited(t *testing.T) {
	f := testutil.Fixtures(t)
	su := f.AuthHeaders("superuser")
	touchWithSends := func(tb testing.TB, app core.App) string {
		var id string
		if err := app.DB().NewQuery("SELECT touch FROM sends WHERE touch != '' LIMIT 1").Row(&id); err != nil {
			tb.Fatal(err)
		}
		return id
	}
	var used string
	var avatarBody bytes.Buffer
	mp := multipart.NewWriter(&avatarBody)
	fw, _ := mp.CreateFormFile("avatar", "photo.png")
	_, _ = fw.Write(pngBytes(t))
	_ = mp.Close()
	avatarType := mp.FormDataContentType()
	scenarios := []tests.ApiScenario{
		{
			Name: "a role change in the dashboard is audited as a role change", Method: http.MethodPatch,
			URL: "/api/collections/users/records/" + f.ID("memberA"), Body: jsonBody(`{"role":"manager"}`),
			Headers: su, TestAppFactory: testutil.NewApp, ExpectedStatus: http.StatusOK, ExpectedContent: []string{`"role":"manager"`},
			AfterTestFunc: auditedBySuperuser("user.role", f.ID("memberA"), "role"),
		},
		{
			Name: "a deactivation in the dashboard is audited and announced to webhooks", Method: http.MethodPatch,
			URL: "/api/collections/users/records/" + f.ID("memberA"), Body: jsonBody(`{"status":"deactivated"}`),
			Headers: su, ExpectedStatus: http.StatusOK, ExpectedContent: []string{`"status":"deactivated"`},
			TestAppFactory: func(tb testing.TB) *tests.TestApp {
				app := testutil.NewApp(tb)
				col, _ := app.FindCollectionByNameOrId("webhooks")
				hook := core.NewRecord(col)
				hook.Load(map[string]any{"url": "https://example.com/hook", "secret": "s3cret-s3cret-s3cret", "events": []string{"user.deactivated"}, "active": true})
				if err := app.Save(hook); err != nil {
					tb.Fatal(err)
				}
				return app
			},
			AfterTestFunc: func(t testing.TB, app *tests.TestApp, res *http.Response) {
				auditedBySuperuser("user.deactivate", f.ID("memberA"), "status")(t, app, res)
				if n, _ := app.CountRecords("webhook_deliveries", dbx.HashExp{"event": "user.deactivated"}); n != 1 {
					t.Errorf("%d user.deactivated deliveries, want 1", n)
				}
			},
		},
		{
			Name: "a name correction is audited with only the name", Method: http.MethodPatch,
			URL: "/api/collections/users/records/" + f.ID("memberA"), Body: jsonBody(`{"name":"Maximilian Member"}`),
			Headers: su, TestAppFactory: testutil.NewApp, ExpectedStatus: http.StatusOK, ExpectedContent: []string{"Maximilian Member"},
			AfterTestFunc: auditedBySuperuser("user.update", f.ID("memberA"), "name"),
		},
		{
			Name: "a photo uploaded in the dashboard is stored, with the audit entry in the same transaction", Method: http.MethodPatch,
			URL: "/api/collections/users/records/" + f.ID("memberA"), Body: &avatarBody, Headers: map[string]string{
				"Authorization": su["Authorization"], "Content-Type": avatarType},
			TestAppFactory: testutil.NewApp, ExpectedStatus: http.StatusOK, ExpectedContent: []string{`"avatar":"photo_`},
			AfterTestFunc: func(t testing.TB, app *tests.TestApp, res *http.Response) {
				auditedBySuperuser("user.update", f.ID("memberA"), "avatar")(t, app, res)
				u, _ := app.FindRecordById("users", f.ID("memberA"))
				fsys, err := app.NewFilesystem()
				if err != nil {
					t.Fatal(err)
				}
				defer fsys.Close()
				if ok, err := fsys.Exists(u.BaseFilesPath() + "/" + u.GetString("avatar")); !ok || err != nil {
					t.Errorf("the uploaded photo %q is not in storage (%v)", u.GetString("avatar"), err)
				}
			},
		},
		{
			Name: "a user's own name change through the records API is not a dashboard entry", Method: http.MethodPatch,
			URL: "/api/collections/users/records/" + f.ID("memberA"), Body: jsonBody(`{"name":"Max"}`),
			Headers: f.AuthHeaders("memberA"), TestAppFactory: testutil.NewApp, ExpectedStatus: http.StatusOK, ExpectedContent: []string{`"name":"Max"`},
			AfterTestFunc: func(t testing.TB, app *tests.TestApp, _ *http.Response) {
				if n, _ := app.CountRecords("audit_log", dbx.Like("actor_email", "(dashboard)")); n != 0 {
					t.Errorf("%d dashboard entries for a user's own edit", n)
				}
			},
		},
		{
			Name: "a touch without sends may be deleted, audited with what it was", Method: http.MethodDelete,
			URL: "/api/collections/touches/records/" + mugID, Headers: su, TestAppFactory: newSendsApp,
			ExpectedStatus: http.StatusNoContent,
			AfterTestFunc:  auditedBySuperuser("touch.delete", mugID),
		},
		{
			Name: "a touch with sends cannot be deleted: it says to complete it instead", Method: http.MethodDelete,
			URL: "/api/collections/touches/records/{used}", Headers: su,
			TestAppFactory: func(tb testing.TB) *tests.TestApp {
				app := newSendsAppWithSends(tb)
				used = touchWithSends(tb, app)
				return app
			},
			ExpectedStatus: http.StatusBadRequest, ExpectedContent: []string{"This touch has sends", "completed"},
			AfterTestFunc: func(t testing.TB, app *tests.TestApp, _ *http.Response) {
				if _, err := app.FindRecordById("touches", used); err != nil {
					t.Errorf("the touch is gone: %v", err)
				}
				if n, _ := app.CountRecords("audit_log", dbx.HashExp{"action": "touch.delete"}); n != 0 {
					t.Error("a refused delete was audited")
				}
			},
		},
		{
			Name: "a change of PocketBase's settings names the changed sections, not their values", Method: http.MethodPatch,
			URL: "/api/settings", Body: jsonBody(`{"meta":{"appName":"Acme Outreach"},"smtp":{"enabled":true,"host":"smtp.example.com","port":587,"username":"u","password":"s3cret-pass"}}`),
			Headers: su, TestAppFactory: testutil.NewApp, ExpectedStatus: http.StatusOK, ExpectedContent: []string{"Acme Outreach"},
			AfterTestFunc: func(t testing.TB, app *tests.TestApp, _ *http.Response) {
				rows, err := app.FindAllRecords("audit_log", dbx.HashExp{"action": "server.settings"})
				if err != nil || len(rows) != 1 {
					t.Fatalf("%d server.settings entries (%v), want 1", len(rows), err)
				}
				after := rows[0].GetString("after")
				if after != `{"sections":["Application","Mail"]}` || rows[0].GetString("actor_email") != "root@acme.com (dashboard)" {
					t.Errorf("entry by %q: %s", rows[0].GetString("actor_email"), after)
				}
			},
		},
		{
			Name: "the audit log cannot be edited, even by a superuser", Method: http.MethodDelete,
			URL: "/api/collections/audit_log/records/{entry}", Headers: su, TestAppFactory: newSendsAppWithSends,
			ExpectedStatus: http.StatusBadRequest, ExpectedContent: []string{"The audit log is append-only"},
		},
	}
	var entries int64
	fill := map[string]func(testing.TB, *tests.TestApp) string{
		"{used}": func(testing.TB, *tests.TestApp) string { return used },
		"{entry}": func(tb testing.TB, app *tests.TestApp) string {
			var id string
			_ = app.DB().NewQuery("SELECT id FROM audit_log LIMIT 1").Row(&id)
			if id == "" {
				tb.Fatal("no audit entry to try")
			}
			entries = auditEntries(app)
			return id
		},
	}
	for _, s := range scenarios {
		if strings.Contains(s.URL, "{entry}") {
			s.AfterTestFunc = func(t testing.TB, app *tests.TestApp, _ *http.Response) {
				if n := auditEntries(app); n != entries {
					t.Errorf("audit entries %d, want %d", n, entries)
				}
			}
		}
		withURLFromApp(&s, fill)
		s.Test(t)
	}
}

// The dashboard cannot add people or invitations around the Invites page, which applies the
// seat limit and the domain rule, mails the link and keeps only its hash.
func TestDashboardCannotBypassInvitations(t *testing.T) {
	f := testutil.Fixtures(t)
	su := f.AuthHeaders("superuser")
	var inviteID, keyID string
	withInvite := func(tb testing.TB) *tests.TestApp {
		app := testutil.NewApp(tb)
		admin := testutil.Member(tb, app, f.ID("admin"))
		inv, err := invite.Create(app, admin, invite.Candidate{Email: "new.hire@acme.com", Name: "New Hire", Role: "member", Team: f.ID("alpha")})
		if err != nil {
			tb.Fatal(err)
		}
		key, _, err := invite.CreateKey(app, admin, f.ID("alpha"))
		if err != nil {
			tb.Fatal(err)
		}
		inviteID, keyID = inv.Id, key.Id
		return app
	}
	inviteIs := func(field, want string) func(testing.TB, *tests.TestApp, *http.Response) {
		return func(t testing.TB, app *tests.TestApp, _ *http.Response) {
			if r, err := app.FindRecordById("invites", inviteID); err != nil || r.GetString(field) != want {
				t.Errorf("invite %s = %q (%v), want %q", field, r.GetString(field), err, want)
			}
		}
	}
	noUser := func(t testing.TB, app *tests.TestApp, _ *http.Response) {
		if _, err := app.FindAuthRecordByEmail("users", "made.up@acme.com"); err == nil {
			t.Error("the dashboard created a user")
		}
	}
	scenarios := []tests.ApiScenario{
		{
			Name: "no user is created in the dashboard: it names the Invites page", Method: http.MethodPost, URL: "/api/collections/users/records",
			Body:    jsonBody(`{"email":"made.up@acme.com","password":"password123","passwordConfirm":"password123","role":"admin","status":"active","record_visibility":"own"}`),
			Headers: su, TestAppFactory: testutil.NewApp, AfterTestFunc: noUser,
			ExpectedStatus: http.StatusBadRequest, ExpectedContent: []string{"Add people on Teamfund", "seat limit"},
		},
		{
			Name: "no invite is created in the dashboard", Method: http.MethodPost, URL: "/api/collections/invites/records",
			Body:    jsonBody(`{"email":"made.up@acme.com","role":"admin","status":"pending","expires":"2099-01-01 00:00:00.000Z"}`),
			Headers: su, TestAppFactory: testutil.NewApp, AfterTestFunc: expectCount("invites", 0),
			ExpectedStatus: http.StatusBadRequest, ExpectedContent: []string{"Invites are sent, resent and revoked on Teamfund"},
		},
		{
			Name: "a pending invite's role cannot be raised in the dashboard", Method: http.MethodPatch, URL: "/api/collections/invites/records/{invite}",
			Body: jsonBody(`{"role":"admin"}`), Headers: su, TestAppFactory: withInvite, AfterTestFunc: inviteIs("role", "member"),
			ExpectedStatus: http.StatusBadRequest, ExpectedContent: []string{"Invites are sent"},
		},
		{
			Name: "a pending invite's expiry cannot be pushed out in the dashboard", Method: http.MethodPatch, URL: "/api/collections/invites/records/{invite}",
			Body: jsonBody(`{"expires":"2099-01-01 00:00:00.000Z"}`), Headers: su, TestAppFactory: withInvite,
			AfterTestFunc: func(t testing.TB, app *tests.TestApp, _ *http.Response) {
				if r, _ := app.FindRecordById("invites", inviteID); r == nil || strings.HasPrefix(r.GetString("expires"), "2099") {
					t.Error("the invite's expiry changed")
				}
			},
			ExpectedStatus: http.StatusBadRequest, ExpectedContent: []string{"Invites are sent"},
		},
		{
			Name: "an invite's name may be corrected", Method: http.MethodPatch, URL: "/api/collections/invites/records/{invite}",
			Body: jsonBody(`{"name":"Newton Hire"}`), Headers: su, TestAppFactory: withInvite, AfterTestFunc: inviteIs("name", "Newton Hire"),
			ExpectedStatus: http.StatusOK, ExpectedContent: []string{"Newton Hire"},
		},
		{
			Name: "no invite key is created in the dashboard", Method: http.MethodPost, URL: "/api/collections/invite_links/records",
			Body:    jsonBody(`{"team":"` + f.ID("alpha") + `","expires":"2099-01-01 00:00:00.000Z","token_hash":"abc"}`),
			Headers: su, TestAppFactory: testutil.NewApp, AfterTestFunc: expectCount("invite_links", 0),
			ExpectedStatus: http.StatusBadRequest, ExpectedContent: []string{"Invite keys are created and revoked on Teamfund"},
		},
		{
			Name: "an invite key's expiry cannot be pushed out in the dashboard", Method: http.MethodPatch, URL: "/api/collections/invite_links/records/{key}",
			Body: jsonBody(`{"expires":"2099-01-01 00:00:00.000Z"}`), Headers: su, TestAppFactory: withInvite,
			ExpectedStatus: http.StatusBadRequest, ExpectedContent: []string{"Invite keys are created and revoked on Teamfund"},
		},
	}
	fill := map[string]func(testing.TB, *tests.TestApp) string{
		"{invite}": func(testing.TB, *tests.TestApp) string { return inviteID },
		"{key}":    func(testing.TB, *tests.TestApp) string { return keyID },
	}
	for _, s := range scenarios {
		withURLFromApp(&s, fill)
		s.Test(t)
	}
}

// A dashboard edit of the company keeps the settings page's rules; the company is neither
// created nor deleted there.
func TestDashboardKeepsTheCompanySettingsRules(t *testing.T) {
	f := testutil.Fixtures(t)
	su := f.AuthHeaders("superuser")
	var companyID string
	app := func(tb testing.TB) *tests.TestApp {
		a := testutil.NewApp(tb)
		_ = a.DB().NewQuery("SELECT id FROM company LIMIT 1").Row(&companyID)
		return a
	}
	unchanged := func(t testing.TB, a *tests.TestApp, _ *http.Response) {
		if n, _ := a.CountRecords("company"); n != 1 {
			t.Fatalf("%d company records, want 1", n)
		}
		r, _ := a.FindRecordById("company", companyID)
		if r.GetString("timezone") == "Mars/Olympus" || r.GetInt("seat_limit") < 0 || r.GetInt("invite_ttl_hours") == 0 || r.GetBool("sso_required") {
			t.Errorf("a refused edit was saved: %v", r)
		}
	}
	scenarios := []tests.ApiScenario{
		{
			Name: "an unknown time zone is refused with the field named", Method: http.MethodPatch, URL: "/api/collections/company/records/{company}",
			Body: jsonBody(`{"timezone":"Mars/Olympus"}`), Headers: su, TestAppFactory: app, AfterTestFunc: unchanged,
			ExpectedStatus: http.StatusBadRequest, ExpectedContent: []string{`"timezone"`, "known time zone"},
		},
		{
			Name: "a negative seat limit and an invite lifetime of 0 are refused", Method: http.MethodPatch, URL: "/api/collections/company/records/{company}",
			Body: jsonBody(`{"seat_limit":-5,"invite_ttl_hours":0}`), Headers: su, TestAppFactory: app, AfterTestFunc: unchanged,
			ExpectedStatus: http.StatusBadRequest, ExpectedContent: []string{`"seat_limit"`, `"invite_ttl_hours"`},
		},
		{
			Name: "single sign-on cannot be required without a provider", Method: http.MethodPatch, URL: "/api/collections/company/records/{company}",
			Body: jsonBody(`{"sso_required":true}`), Headers: su, TestAppFactory: app, AfterTestFunc: unchanged,
			ExpectedStatus: http.StatusBadRequest, ExpectedContent: []string{"provider is enabled"},
		},
		{
			Name: "the name may be changed", Method: http.MethodPatch, URL: "/api/collections/company/records/{company}",
			Body: jsonBody(`{"name":"Acme Outreach"}`), Headers: su, TestAppFactory: app,
			ExpectedStatus: http.StatusOK, ExpectedContent: []string{"Acme Outreach"},
			AfterTestFunc: func(t testing.TB, a *tests.TestApp, res *http.Response) {
				auditedBySuperuser("company.settings", companyID, "name")(t, a, res)
			},
		},
		{
			Name: "the company is not deleted in the dashboard", Method: http.MethodDelete, URL: "/api/collections/company/records/{company}",
			Headers: su, TestAppFactory: app, AfterTestFunc: unchanged,
			ExpectedStatus: http.StatusBadRequest, ExpectedContent: []string{"Close the company on Teamfund"},
		},
		{
			Name: "a second company is not created in the dashboard", Method: http.MethodPost, URL: "/api/collections/company/records",
			Body: jsonBody(`{"name":"Other","currency":"EUR","timezone":"UTC","invite_ttl_hours":72}`), Headers: su, TestAppFactory: app, AfterTestFunc: unchanged,
			ExpectedStatus: http.StatusBadRequest, ExpectedContent: []string{"created once"},
		},
	}
	for _, s := range scenarios {
		withURLFromApp(&s, map[string]func(testing.TB, *tests.TestApp) string{"{company}": func(testing.TB, *tests.TestApp) string { return companyID }})
		s.Test(t)
	}
}
