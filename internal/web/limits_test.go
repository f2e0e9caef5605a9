package web_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"

	"teamfund/internal/testutil"
)

func TestSignInIsRateLimitedWithAReadablePage(t *testing.T) {
	app := testutil.NewApp(t)
	defer app.Cleanup()
	srv := testutil.Serve(t, app)
	var last *http.Response
	for i := range 11 {
		req, _ := http.NewRequest(http.MethodPost, srv.URL+"/login",
			strings.NewReader(url.Values{"email": {"owner@acme.com"}, "password": {"wrong-password"}}.Encode()))
		for k, v := range map[string]string{"Cookie": "tf_csrf=" + testutil.CSRF, "X-CSRF-Token": testutil.CSRF,
			"Content-Type": "application/x-www-form-urlencoded"} {
			req.Header.Set(k, v)
		}
		res, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		res.Body.Close()
		if i < 10 && res.StatusCode != http.StatusUnauthorized {
			t.Fatalf("attempt %d: got %d, want 401", i+1, res.StatusCode)
		}
		last = res
	}
	if last.StatusCode != http.StatusTooManyRequests {
		t.Fatalf("11th attempt: got %d, want 429", last.StatusCode)
	}
	if ct := last.Header.Get("Content-Type"); !strings.HasPrefix(ct, "text/html") {
		t.Errorf("429 content type = %q, want an HTML page", ct)
	}
}

func TestSecurityHeadersOnPages(t *testing.T) {
	app := testutil.NewApp(t)
	defer app.Cleanup()
	srv := testutil.Serve(t, app)
	res, err := http.Get(srv.URL + "/login")
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	for h, want := range map[string]string{
		"Content-Security-Policy": "frame-ancestors 'none'",
		"X-Content-Type-Options":  "nosniff",
		"Referrer-Policy":         "same-origin",
	} {
		if got := res.Header.Get(h); !strings.Contains(got, want) {
			t.Errorf("%s = %q, want it to contain %q", h, got, want)
		}
	}
}

func TestForgotPasswordIsRateLimited(t *testing.T) {
	f := testutil.Fixtures(t)
	app := testutil.NewApp(t)
	defer app.Cleanup()
	srv := testutil.Serve(t, app)
	for i := range 6 {
		res := do(t, srv.URL, http.MethodPost, "/password-reset", url.Values{"email": {"nobody@acme.com"}}.Encode(), f.FormHeaders(""))
		if want := http.StatusOK; i == 5 {
			if res.StatusCode != http.StatusTooManyRequests {
				t.Fatalf("6th request: got %d, want 429", res.StatusCode)
			}
		} else if res.StatusCode != want {
			t.Fatalf("request %d: got %d, want %d", i+1, res.StatusCode, want)
		}
	}
}

func TestClosingTheCompanyIsRateLimited(t *testing.T) {
	f := testutil.Fixtures(t)
	app := testutil.NewApp(t)
	defer app.Cleanup()
	srv := testutil.Serve(t, app)
	body := url.Values{"company_name": {"Acme"}, "password": {"guess"}}.Encode()
	for i := range 11 {
		res := do(t, srv.URL, http.MethodPost, "/company/close", body, f.FormHeaders("owner"))
		if i == 10 {
			if res.StatusCode != http.StatusTooManyRequests {
				t.Fatalf("11th guess: got %d, want 429", res.StatusCode)
			}
		} else if res.StatusCode != http.StatusUnprocessableEntity {
			t.Fatalf("guess %d: got %d, want 422", i+1, res.StatusCode)
		}
	}
}

func TestCSVPreviewAndImportOfTheJSONAPIAreRateLimited(t *testing.T) {
	f := testutil.Fixtures(t)
	for _, path := range []string{"/api/tf/invites/preview", "/api/tf/invites/import"} {
		t.Run(path, func(t *testing.T) {
			app := testutil.NewApp(t)
			defer app.Cleanup()
			srv := testutil.Serve(t, app)
			h := map[string]string{"Authorization": f.Token("admin"), "Content-Type": "text/csv"}
			for i := range 11 {
				res := do(t, srv.URL, http.MethodPost, path, "email\r\nnot-an-email\r\n", h)
				if i == 10 {
					if res.StatusCode != http.StatusTooManyRequests {
						t.Fatalf("11th request: got %d, want 429", res.StatusCode)
					}
				} else if res.StatusCode != http.StatusOK {
					t.Fatalf("request %d: got %d, want 200", i+1, res.StatusCode)
				}
			}
		})
	}
}
