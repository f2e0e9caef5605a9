package web_test

import (
	"encoding/json"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"teamfund/internal/company"
	"teamfund/internal/testutil"
)

// passwordToken signs key in through PocketBase's auth-with-password, as an SDK client does.
func passwordToken(t *testing.T, base, email string) string {
	t.Helper()
	res, body := exchange(t, http.MethodPost, base+"/api/collections/users/auth-with-password",
		`{"identity":"`+email+`","password":"`+testutil.Password+`"}`, map[string]string{"Content-Type": "application/json"})
	var out struct{ Token string }
	if err := json.Unmarshal(body, &out); err != nil || res.StatusCode != http.StatusOK || out.Token == "" {
		t.Fatalf("auth-with-password %s: got %d %s", email, res.StatusCode, body)
	}
	return out.Token
}

// TestRequiringSSOEndsThePasswordSessionsItCovers turns "SSO required" on through each
// interface that can (the settings page, /api/tf/settings, a superuser's dashboard edit of
// the company record) while people are signed in with passwords: the member's SDK token is
// refused by the JSON API and cannot be renewed by auth-refresh, the admin's browser
// session is gone, and the owner keeps both their cookie and their token.
func TestRequiringSSOEndsThePasswordSessionsItCovers(t *testing.T) {
	f := testutil.Fixtures(t)
	settingsForm := url.Values{"name": {"Acme"}, "currency": {"USD"}, "timezone": {"UTC"}, "seat_limit": {"0"},
		"invite_ttl_hours": {"168"}, "sso_required": {"on"}, "csrf_token": {f.CSRFToken("owner")}}.Encode()
	for _, via := range []struct {
		name                    string
		method, path, body, who string
		headers                 map[string]string
		want                    int
	}{
		{"the settings page", http.MethodPost, "/settings", settingsForm, "owner", f.FormHeaders("owner"), http.StatusSeeOther},
		{"the JSON settings API", http.MethodPut, "/api/tf/settings",
			`{"name":"Acme","currency":"USD","timezone":"UTC","seat_limit":0,"invite_ttl_hours":168,"sso_required":true}`,
			"owner", f.AuthHeaders("owner"), http.StatusOK},
		{"the dashboard", http.MethodPatch, "/api/collections/company/records/{company}", `{"sso_required":true}`,
			"superuser", f.AuthHeaders("superuser"), http.StatusOK},
	} {
		t.Run(via.name, func(t *testing.T) {
			app := testutil.NewApp(t)
			defer app.Cleanup()
			enableOIDC(t, app, staticOIDC)
			srv := testutil.Serve(t, app)
			c, err := company.Load(app)
			if err != nil {
				t.Fatal(err)
			}
			memberToken := passwordToken(t, srv.URL, f.Emails["memberA"])
			ownerToken := passwordToken(t, srv.URL, f.Emails["owner"])
			bearer := func(tok string) map[string]string { return map[string]string{"Authorization": tok} }
			if res, body := exchange(t, http.MethodGet, srv.URL+"/api/tf/money/me", "", bearer(memberToken)); res.StatusCode != http.StatusOK {
				t.Fatalf("before: member's token got %d %s", res.StatusCode, body)
			}

			rt, code := realtimeClient(t, srv.URL, memberToken, "users/*", "teamfund/user/"+f.ID("memberA"))
			if code != http.StatusNoContent {
				t.Fatalf("subscribe: %d", code)
			}
			memberEvents := readSSE(t, srv.URL, "/events", map[string]string{"Cookie": f.CookieHeaders("memberA")["Cookie"]})
			ownerEvents := readSSE(t, srv.URL, "/events", map[string]string{"Cookie": f.CookieHeaders("owner")["Cookie"]})
			for _, s := range []*sseStream{memberEvents, ownerEvents} {
				if _, ok := s.next(10*time.Second, func(e sseEvent) bool { return e.name == "connected" }); !ok {
					t.Fatal("/events did not open")
				}
			}

			headers := map[string]string{"Content-Type": "application/json"}
			for k, v := range via.headers {
				headers[k] = v
			}
			res, body := exchange(t, via.method, srv.URL+strings.ReplaceAll(via.path, "{company}", c.Id), via.body, headers)
			if res.StatusCode != via.want {
				t.Fatalf("turning SSO on: got %d %s, want %d", res.StatusCode, body, via.want)
			}
			if c, _ := company.Load(app); !c.SSORequired() {
				t.Fatal("sso_required was not saved")
			}

			if res, _ := exchange(t, http.MethodGet, srv.URL+"/api/tf/money/me", "", bearer(memberToken)); res.StatusCode != http.StatusUnauthorized {
				t.Errorf("member's password token on /api/tf: got %d, want 401", res.StatusCode)
			}
			if res, body := exchange(t, http.MethodPost, srv.URL+"/api/collections/users/auth-refresh", "", bearer(memberToken)); res.StatusCode != http.StatusUnauthorized {
				t.Errorf("member's auth-refresh: got %d %s, want 401", res.StatusCode, body)
			}
			if res, _ := exchange(t, http.MethodGet, srv.URL+"/", "", f.CookieHeaders("admin")); res.StatusCode != http.StatusSeeOther ||
				!strings.HasPrefix(res.Header.Get("Location"), "/login") {
				t.Errorf("admin's browser session: got %d to %q, want a redirect to /login", res.StatusCode, res.Header.Get("Location"))
			}
			if res, body := exchange(t, http.MethodPost, srv.URL+"/api/collections/users/auth-refresh", "", bearer(ownerToken)); res.StatusCode != http.StatusOK {
				t.Errorf("owner's auth-refresh: got %d %s, want 200", res.StatusCode, body)
			}
			if res, _ := exchange(t, http.MethodGet, srv.URL+"/", "", f.CookieHeaders("owner")); res.StatusCode != http.StatusOK {
				t.Errorf("owner's browser session: got %d, want 200", res.StatusCode)
			}
			if !rt.closed(10*time.Second) || !memberEvents.closed(10*time.Second) {
				t.Error("the member's /api/realtime connection or /events stream stayed open")
			}
			if ownerEvents.closed(time.Second) {
				t.Error("the owner's /events stream was closed")
			}
		})
	}
}

// TestSavingSettingsWithSSOAlreadyRequiredKeepsSessions: only the switch from off to on
// signs people out; saving other settings while it stays on keeps the sessions people
// started since (through the provider; here a token the server issues as sso.SignIn's does).
func TestSavingSettingsWithSSOAlreadyRequiredKeepsSessions(t *testing.T) {
	f := testutil.Fixtures(t)
	app := ssoRequiredApp(t)
	defer app.Cleanup()
	srv := testutil.Serve(t, app)
	rec, err := app.FindRecordById("users", f.ID("memberA"))
	if err != nil {
		t.Fatal(err)
	}
	memberToken, err := rec.NewAuthToken()
	if err != nil {
		t.Fatal(err)
	}
	headers := map[string]string{"Content-Type": "application/json", "Authorization": f.Token("owner")}
	res, body := exchange(t, http.MethodPut, srv.URL+"/api/tf/settings",
		`{"name":"Acme Renamed","currency":"USD","timezone":"UTC","seat_limit":0,"invite_ttl_hours":168,"sso_required":true}`, headers)
	if res.StatusCode != http.StatusOK {
		t.Fatalf("saving settings: got %d %s", res.StatusCode, body)
	}
	if res, _ := exchange(t, http.MethodGet, srv.URL+"/api/tf/money/me", "", map[string]string{"Authorization": memberToken}); res.StatusCode != http.StatusOK {
		t.Errorf("member's session after an unrelated save: got %d, want 200", res.StatusCode)
	}
}

// TestFormerOwnerUnderSSOSignsInAgain: handing over ownership while single sign-on is
// required makes the former owner an admin, whom it covers, so the session they started
// with the owner's password ends; the new owner's session goes on. Without the
// requirement the former owner stays signed in.
func TestFormerOwnerUnderSSOSignsInAgain(t *testing.T) {
	f := testutil.Fixtures(t)
	for _, required := range []bool{true, false} {
		app := testutil.NewApp(t)
		defer app.Cleanup()
		enableOIDC(t, app, staticOIDC)
		setCompany(t, app, "sso_required", required)
		srv := testutil.Serve(t, app)
		ownerToken := passwordToken(t, srv.URL, f.Emails["owner"])
		adminRec, err := app.FindRecordById("users", f.ID("admin"))
		if err != nil {
			t.Fatal(err)
		}
		adminToken, err := adminRec.NewAuthToken() // a session the admin started (through the provider when required)
		if err != nil {
			t.Fatal(err)
		}
		res, body := exchange(t, http.MethodPost, srv.URL+"/api/tf/users/"+f.ID("admin")+"/transfer-ownership", "",
			map[string]string{"Authorization": ownerToken})
		if res.StatusCode != http.StatusOK {
			t.Fatalf("transfer (sso required %v): got %d %s", required, res.StatusCode, body)
		}
		want := http.StatusOK
		if required {
			want = http.StatusUnauthorized
		}
		if res, body := exchange(t, http.MethodPost, srv.URL+"/api/collections/users/auth-refresh", "", map[string]string{"Authorization": ownerToken}); res.StatusCode != want {
			t.Errorf("sso required %v: the former owner's auth-refresh got %d %s, want %d", required, res.StatusCode, body, want)
		}
		if res, _ := exchange(t, http.MethodGet, srv.URL+"/api/tf/money/me", "", map[string]string{"Authorization": adminToken}); res.StatusCode != http.StatusOK {
			t.Errorf("sso required %v: the new owner's session got %d, want 200", required, res.StatusCode)
		}
	}
}
