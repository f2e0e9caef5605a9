package web_test

import (
	"bytes"
	"image"
	"image/color"
	"image/png"
	"io"
	"mime/multipart"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/pocketbase/pocketbase/tests"

	"teamfund/internal/testutil"
)

// profileUpload builds the multipart profile form with an optional photo file.
func profileUpload(t testing.TB, name, phone, file string, content []byte) (*bytes.Buffer, string) {
	var body bytes.Buffer
	w := multipart.NewWriter(&body)
	_ = w.WriteField("csrf_token", testutil.CSRF)
	_ = w.WriteField("name", name)
	_ = w.WriteField("phone", phone)
	if file != "" {
		fw, err := w.CreateFormFile("photo", file)
		if err != nil {
			t.Fatal(err)
		}
		_, _ = fw.Write(content)
	}
	_ = w.Close()
	return &body, w.FormDataContentType()
}

func pngBytes(t testing.TB) []byte {
	img := image.NewRGBA(image.Rect(0, 0, 300, 200))
	for x := 0; x < 300; x++ {
		img.Set(x, x%200, color.RGBA{200, 30, 30, 255})
	}
	var b bytes.Buffer
	if err := png.Encode(&b, img); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

func multipartHeaders(f *testutil.Fixture, key, contentType string) map[string]string {
	h := f.CookieHeaders(key)
	h["Content-Type"] = contentType
	return h
}

func TestProfilePage(t *testing.T) {
	f := testutil.Fixtures(t)
	okBody, okType := profileUpload(t, "  Maxine Member ", "+49 30 1234", "", nil)
	badBody, badType := profileUpload(t, "", "call me maybe", "notes.txt", []byte("plain text, not a picture"))
	scenarios := []tests.ApiScenario{
		{
			Name:   "member sees their profile with name, phone and password forms",
			Method: http.MethodGet, URL: "/profile", Headers: f.CookieHeaders("memberA"), TestAppFactory: testutil.NewApp,
			ExpectedStatus: 200, ExpectedContent: []string{"My profile", `value="Max Member"`, `name="phone"`, `name="current_password"`, "member.a@acme.com", "Alpha"},
		},
		{
			Name:   "a guest is sent to sign in",
			Method: http.MethodGet, URL: "/profile", TestAppFactory: testutil.NewApp,
			ExpectedStatus: http.StatusSeeOther, ExpectedContent: []string{""}, AfterTestFunc: testutil.ExpectLocation("/login"),
		},
		{
			Name:   "member saves a new name and phone",
			Method: http.MethodPost, URL: "/profile", Body: okBody, Headers: multipartHeaders(f, "memberA", okType), TestAppFactory: testutil.NewApp,
			ExpectedStatus: http.StatusSeeOther, ExpectedContent: []string{""},
			ExpectedEvents: map[string]int{"OnRecordUpdate": 1, "OnRecordCreate": 1}, // the user and the audit entry
			AfterTestFunc: func(t testing.TB, app *tests.TestApp, res *http.Response) {
				u := testutil.Member(t, app, f.ID("memberA"))
				if u.Name() != "Maxine Member" || u.Phone() != "+49 30 1234" {
					t.Errorf("got name %q phone %q", u.Name(), u.Phone())
				}
			},
		},
		{
			Name:   "an empty name, a wordy phone and a text file are all named at once and nothing is saved",
			Method: http.MethodPost, URL: "/profile", Body: badBody, Headers: multipartHeaders(f, "memberA", badType), TestAppFactory: testutil.NewApp,
			ExpectedStatus:  http.StatusUnprocessableEntity,
			ExpectedContent: []string{"Type your name.", "May hold only digits", "Must be a PNG, JPEG, GIF or WebP image.", `value="call me maybe"`},
			ExpectedEvents:  map[string]int{"*": 0},
		},
		{
			Name:   "a wrong current password is refused next to its field",
			Method: http.MethodPost, URL: "/profile/password",
			Body:    form(url.Values{"current_password": {"not-it-at-all"}, "password": {"brand-new-pass"}, "password_confirm": {"brand-new-pass"}}),
			Headers: f.FormHeaders("memberA"), TestAppFactory: testutil.NewApp,
			ExpectedStatus: http.StatusUnprocessableEntity, ExpectedContent: []string{"Is not your current password."},
			ExpectedEvents: map[string]int{"*": 0},
		},
		{
			Name:   "a short new password that does not match its confirmation is refused",
			Method: http.MethodPost, URL: "/profile/password",
			Body:    form(url.Values{"current_password": {testutil.Password}, "password": {"short"}, "password_confirm": {"shorter"}}),
			Headers: f.FormHeaders("memberA"), TestAppFactory: testutil.NewApp,
			ExpectedStatus: http.StatusUnprocessableEntity, ExpectedContent: []string{"Use at least 8 characters.", "The two passwords differ."},
			ExpectedEvents: map[string]int{"*": 0},
		},
	}
	for _, s := range scenarios {
		s.Test(t)
	}
}

// TestChangePasswordEndsOtherSessions changes a password through real HTTP and checks that
// the browser that did it stays signed in while the old session cookie no longer works.
func TestChangePasswordEndsOtherSessions(t *testing.T) {
	f := testutil.Fixtures(t)
	app := testutil.NewApp(t)
	defer app.Cleanup()
	srv := testutil.Serve(t, app)
	client := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}

	body := url.Values{"csrf_token": {testutil.CSRF}, "current_password": {testutil.Password},
		"password": {"a-much-better-one"}, "password_confirm": {"a-much-better-one"}}
	req, _ := http.NewRequest(http.MethodPost, srv.URL+"/profile/password", strings.NewReader(body.Encode()))
	for k, v := range f.FormHeaders("memberA") {
		req.Header.Set(k, v)
	}
	res, err := client.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	if res.StatusCode != http.StatusSeeOther {
		t.Fatalf("got status %d, want 303", res.StatusCode)
	}
	var fresh string
	for _, c := range res.Cookies() {
		if c.Name == "tf_session" {
			fresh = c.Value
		}
	}
	if fresh == "" {
		t.Fatal("the browser that changed the password got no new session cookie")
	}
	get := func(session string) int {
		req, _ := http.NewRequest(http.MethodGet, srv.URL+"/profile", nil)
		req.Header.Set("Cookie", "tf_session="+session)
		res, err := client.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		res.Body.Close()
		return res.StatusCode
	}
	if got := get(f.Token("memberA")); got != http.StatusSeeOther {
		t.Errorf("old session: got %d, want 303 to the sign-in page", got)
	}
	if got := get(fresh); got != http.StatusOK {
		t.Errorf("new session: got %d, want 200", got)
	}
	u := testutil.Member(t, app, f.ID("memberA"))
	if !u.ValidatePassword("a-much-better-one") {
		t.Error("the new password was not stored")
	}
}

// TestProfilePhoto uploads a photo and checks who may see it: the user, a teammate and
// their manager get a small PNG; a member of another team gets 404.
func TestProfilePhoto(t *testing.T) {
	f := testutil.Fixtures(t)
	app := testutil.NewApp(t)
	defer app.Cleanup()
	srv := testutil.Serve(t, app)
	client := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}

	body, ct := profileUpload(t, "Max Member", "", "me.png", pngBytes(t))
	req, _ := http.NewRequest(http.MethodPost, srv.URL+"/profile", body)
	for k, v := range multipartHeaders(f, "memberA", ct) {
		req.Header.Set(k, v)
	}
	res, err := client.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	if res.StatusCode != http.StatusSeeOther {
		t.Fatalf("upload: got status %d, want 303", res.StatusCode)
	}
	u := testutil.Member(t, app, f.ID("memberA"))
	if u.Photo() == "" {
		t.Fatal("no photo stored")
	}

	page := func(viewer, path string) (int, string, []byte) {
		req, _ := http.NewRequest(http.MethodGet, srv.URL+path, nil)
		req.Header.Set("Cookie", "tf_session="+f.Token(viewer))
		res, err := client.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer res.Body.Close()
		b, _ := io.ReadAll(res.Body)
		return res.StatusCode, res.Header.Get("Content-Type"), b
	}
	_, _, profile := page("memberA", "/profile")
	photoPath := "/users/" + u.Id + "/photo?v=" + url.QueryEscape(u.Photo())
	if !bytes.Contains(profile, []byte(strings.ReplaceAll(photoPath, "&", "&amp;"))) {
		t.Errorf("the profile page does not show the photo %s", photoPath)
	}
	// Lists of people show the face next to the name: the users table (its paged query
	// reads the photo too) and the team's member table, for a teammate.
	for _, view := range []struct{ viewer, path string }{{"admin", "/users"}, {"managerA", "/users?team=" + f.ID("alpha")},
		{"memberA2", "/teams/" + f.ID("alpha")}} {
		if _, _, b := page(view.viewer, view.path); !bytes.Contains(b, []byte(strings.ReplaceAll(photoPath, "&", "&amp;"))) {
			t.Errorf("%s as %s does not show the photo %s", view.path, view.viewer, photoPath)
		}
	}
	for _, viewer := range []string{"memberA", "memberA2", "managerA", "admin"} {
		status, ctype, b := page(viewer, photoPath)
		if status != http.StatusOK || ctype != "image/png" {
			t.Errorf("%s: got %d %s, want 200 image/png", viewer, status, ctype)
			continue
		}
		img, err := png.Decode(bytes.NewReader(b))
		if err != nil || img.Bounds().Dx() != 100 || img.Bounds().Dy() != 100 {
			t.Errorf("%s: got a photo of %v (%v), want a 100x100 thumbnail", viewer, img.Bounds(), err)
		}
	}
	if status, _, _ := page("memberB", photoPath); status != http.StatusNotFound {
		t.Errorf("member of another team: got %d, want 404", status)
	}
	if status, _, _ := page("memberA", "/users/"+f.ID("memberA2")+"/photo"); status != http.StatusNotFound {
		t.Errorf("a user without a photo: got %d, want 404", status)
	}
}
