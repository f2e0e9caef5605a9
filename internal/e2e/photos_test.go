package e2e_test

import (
	"bytes"
	"image"
	"image/color"
	"image/png"
	"testing"

	"github.com/chromedp/chromedp"
	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tools/filesystem"

	"teamfund/internal/e2e"
	"teamfund/internal/testutil"
)

// loaded is a condition that holds once the image matching the selector has loaded.
func loaded(selector string) string {
	return `(function () { const i = document.querySelector(` + "`" + selector + "`" + `); return !!i && i.complete && i.naturalWidth > 0; })()`
}

// TestPhotosShowToSignedInPeopleOnly: member A's photo is a protected file. Signed in, A
// sees it in the header and on the profile page, and an admin sees it in the users table
// and on A's user page — each <img> really loads. A visitor who is not signed in gets
// neither the PocketBase file URL nor the page's photo URL.
func TestPhotosShowToSignedInPeopleOnly(t *testing.T) {
	s := e2e.Start(t)
	f := testutil.Fixtures(t)
	var fileName string
	s.Seed(t, func(app core.App) error {
		img := image.NewRGBA(image.Rect(0, 0, 64, 64))
		for i := range img.Pix {
			img.Pix[i] = 200
		}
		img.Set(1, 1, color.Black)
		var buf bytes.Buffer
		if err := png.Encode(&buf, img); err != nil {
			return err
		}
		rec, err := app.FindRecordById("users", f.ID("memberA"))
		if err != nil {
			return err
		}
		file, err := filesystem.NewFileFromBytes(buf.Bytes(), "face.png")
		if err != nil {
			return err
		}
		rec.Set("avatar", file)
		if err := app.Save(rec); err != nil {
			return err
		}
		fileName = rec.GetString("avatar")
		return nil
	})

	member := s.NewBrowser(t)
	e2e.Login(t, member, s, "memberA")
	waitUntil(t, member, loaded(`#user-menu-button img`))
	e2e.Do(t, member, chromedp.Navigate(s.URL+"/profile"))
	waitUntil(t, member, loaded(`#profile-photo`))
	e2e.Screenshot(t, member, "photos-1-profile")

	admin := s.NewBrowser(t)
	e2e.Login(t, admin, s, "admin")
	e2e.Do(t, admin, chromedp.Navigate(s.URL+"/users?q="+f.Emails["memberA"]))
	waitUntil(t, admin, loaded(`tr[data-user="`+f.ID("memberA")+`"] img`))
	e2e.Screenshot(t, admin, "photos-2-users-table")
	e2e.Do(t, admin, chromedp.Navigate(s.URL+"/users/"+f.ID("memberA")))
	waitUntil(t, admin, loaded(`.avatar-lg img`))

	guest := s.NewBrowser(t)
	e2e.Do(t, guest, chromedp.Navigate(s.URL+"/login"))
	status := func(path string) float64 {
		return e2e.Get(t, guest, chromedp.Evaluate[float64](`fetch("`+path+`", {redirect: "manual"}).then(r => r.status)`,
			chromedp.EvalAsValue, chromedp.EvalAwaitPromise))
	}
	if got := status("/api/files/users/" + f.ID("memberA") + "/" + fileName); got != 404 {
		t.Errorf("a visitor fetching the photo file: got %v, want 404", got)
	}
	if got := status("/users/" + f.ID("memberA") + "/photo?v=" + fileName); got == 200 {
		t.Errorf("a visitor fetching the page's photo URL: got %v, want no photo", got)
	}
}
