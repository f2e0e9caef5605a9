package web_test

import (
	"encoding/json"
	"net/http"
	"strings"
	"testing"

	"github.com/pocketbase/pocketbase/tools/filesystem"

	"teamfund/internal/testutil"
)

// TestPhotosAreProtectedFiles: a profile photo's PocketBase file URL answers nobody
// without a file token, answers a teammate's and an admin's file token with the photo
// (never cached publicly), and refuses another team's member; the pages' own photo URL
// needs a session too.
func TestPhotosAreProtectedFiles(t *testing.T) {
	f := testutil.Fixtures(t)
	app := testutil.NewApp(t)
	defer app.Cleanup()
	srv := testutil.Serve(t, app)
	rec, err := app.FindRecordById("users", f.ID("memberA"))
	if err != nil {
		t.Fatal(err)
	}
	photo, err := filesystem.NewFileFromBytes(pngBytes(t), "face.png")
	if err != nil {
		t.Fatal(err)
	}
	rec.Set("avatar", photo)
	if err := app.Save(rec); err != nil {
		t.Fatal(err)
	}
	fileURL := srv.URL + "/api/files/users/" + rec.Id + "/" + rec.GetString("avatar")
	fileToken := func(user string) string {
		res, body := exchange(t, http.MethodPost, srv.URL+"/api/files/token", "", f.AuthHeaders(user))
		var out struct{ Token string }
		if err := json.Unmarshal(body, &out); err != nil || res.StatusCode != http.StatusOK {
			t.Fatalf("file token of %s: got %d %s", user, res.StatusCode, body)
		}
		return out.Token
	}

	for _, u := range []string{fileURL, fileURL + "?thumb=100x100", fileURL + "?token=not-a-token"} {
		if res, _ := exchange(t, http.MethodGet, u, "", nil); res.StatusCode != http.StatusNotFound {
			t.Errorf("anonymous GET %s: got %d, want 404", strings.TrimPrefix(u, srv.URL), res.StatusCode)
		}
	}
	if res, _ := exchange(t, http.MethodGet, fileURL, "", f.AuthHeaders("memberA2")); res.StatusCode != http.StatusNotFound {
		t.Errorf("a bearer token instead of a file token: got %d, want 404", res.StatusCode)
	}
	for _, viewer := range []string{"memberA", "memberA2", "admin"} {
		res, body := exchange(t, http.MethodGet, fileURL+"?thumb=100x100&token="+fileToken(viewer), "", nil)
		if res.StatusCode != http.StatusOK || res.Header.Get("Content-Type") != "image/png" || len(body) == 0 {
			t.Errorf("%s's file token: got %d %s, want 200 image/png", viewer, res.StatusCode, res.Header.Get("Content-Type"))
		}
		if cc := res.Header.Get("Cache-Control"); cc != "private, no-store" {
			t.Errorf("%s's file token: Cache-Control %q, want private, no-store", viewer, cc)
		}
	}
	if res, _ := exchange(t, http.MethodGet, fileURL+"?token="+fileToken("memberB"), "", nil); res.StatusCode != http.StatusNotFound {
		t.Errorf("another team's member: got %d, want 404", res.StatusCode)
	}

	page := srv.URL + "/users/" + rec.Id + "/photo"
	if res, _ := exchange(t, http.MethodGet, page, "", nil); res.StatusCode == http.StatusOK || strings.HasPrefix(res.Header.Get("Content-Type"), "image/") {
		t.Errorf("anonymous page photo: got %d %s, want no image", res.StatusCode, res.Header.Get("Content-Type"))
	}
	res, _ := exchange(t, http.MethodGet, page, "", f.CookieHeaders("memberA2"))
	if res.StatusCode != http.StatusOK || !strings.HasPrefix(res.Header.Get("Cache-Control"), "private") {
		t.Errorf("teammate's page photo: got %d, Cache-Control %q, want 200 private", res.StatusCode, res.Header.Get("Cache-Control"))
	}
}
