package web

import (
	"net/http"
	"net/url"

	"github.com/pocketbase/pocketbase/core"

	"teamfund/internal/member"
	"teamfund/internal/notify"
	"teamfund/internal/useradmin"
)

// Profile routes (every signed-in user, about themselves):
//
//	GET  /profile              showProfilePage
//	POST /profile              updateProfile (name, phone, photo; multipart)
//	POST /profile/password     changePassword (current + new; other sessions end)
//	GET  /users/{id}/photo     showUserPhoto (a small square of the user's photo)
func bindProfileRoutes(pages, api routeGroup) {
	pages.GET("/profile", showProfilePage).BindFunc(requireUser)
	pages.POST("/profile", updateProfile).BindFunc(requireUser)
	pages.POST("/profile/password", changePassword).BindFunc(requireUser)
	pages.GET("/users/{id}/photo", showUserPhoto).BindFunc(requireUser)
}

type profilePage struct {
	Page
	Form       myProfileForm
	Errors     FormErrors // of the profile form
	PassErrors FormErrors // of the password form
	TeamName   string
	// ApprovalMail: the user gets a mail when a send or request waits for their approval.
	ApprovalMail bool
}

// myProfileForm is what the profile form shows again after a refusal.
type myProfileForm struct {
	Name  string
	Phone string
}

func newProfilePage(e *core.RequestEvent) *profilePage {
	u := currentUser(e)
	return &profilePage{Page: Page{Title: "My profile"}, Form: myProfileForm{Name: u.GetString("name"), Phone: u.Phone()},
		TeamName: teamName(e.App, u.TeamID()), ApprovalMail: notify.ApprovalMailOn(u)}
}

func showProfilePage(e *core.RequestEvent) error {
	return render(e, http.StatusOK, "profile/profile", newProfilePage(e))
}

func updateProfile(e *core.RequestEvent) error {
	u := currentUser(e)
	f := e.Request.PostFormValue
	in := useradmin.Profile{Name: f("name"), Phone: f("phone"), RemovePhoto: f("remove_photo") == "on"}
	if files, err := e.FindUploadedFiles("photo"); err == nil && len(files) > 0 {
		in.Photo = files[0]
	}
	err := useradmin.UpdateProfile(e.App, u, in)
	if errs, ok := formErrors(err); ok {
		p := newProfilePage(e)
		p.Form, p.Errors = myProfileForm{Name: in.Name, Phone: in.Phone}, errs
		return render(e, http.StatusUnprocessableEntity, "profile/profile", p)
	}
	if err != nil {
		return pageError(e, err)
	}
	setFlash(e, "ok", "Profile saved.")
	return redirect(e, "/profile")
}

func changePassword(e *core.RequestEvent) error {
	f := e.Request.PostFormValue
	u, err := useradmin.ChangePassword(e.App, currentUser(e), f("current_password"), f("password"), f("password_confirm"))
	if errs, ok := formErrors(err); ok {
		p := newProfilePage(e)
		p.PassErrors = errs
		return render(e, http.StatusUnprocessableEntity, "profile/profile", p)
	}
	if err != nil {
		return pageError(e, err)
	}
	// The new password ended every session, this browser's too: sign it in again.
	if err := startSession(e, u); err != nil {
		return pageError(e, err)
	}
	setFlash(e, "ok", "Password changed. You were signed out everywhere else.")
	return redirect(e, "/profile")
}

// photoThumb is the size of the square served for a photo: enough for avatars of up to
// 100 px on screens with twice the pixels, far less than a phone camera's original.
const photoThumb = "100x100"

// showUserPhoto serves a square thumbnail of a user's photo to whoever may see that user
// (themselves, their teammates, the people who manage them). The URL carries the file
// name (see photoURL), so a new photo gets a new URL and the old one may be cached.
func showUserPhoto(e *core.RequestEvent) error {
	viewer := currentUser(e)
	target, err := member.Find(e.App, e.Request.PathValue("id"))
	if err != nil || target.Photo() == "" ||
		!mayViewPhoto(viewer, target.Id, target.TeamID()) {
		return renderError(e, http.StatusNotFound, "There is no photo here.")
	}
	fsys, err := e.App.NewFilesystem()
	if err != nil {
		return pageError(e, err)
	}
	defer fsys.Close()
	original := target.BaseFilesPath() + "/" + target.Photo()
	thumb := target.BaseFilesPath() + "/thumbs_" + target.Photo() + "/" + photoThumb + "_" + target.Photo()
	served := thumb
	if ok, _ := fsys.Exists(thumb); !ok {
		if err := fsys.CreateThumb(original, thumb, photoThumb); err != nil {
			served = original // an image format the thumbnailer cannot read
		}
	}
	e.Response.Header().Set("Cache-Control", "private, max-age=86400")
	if err := fsys.Serve(e.Response, e.Request, served, target.Photo()); err != nil {
		return renderError(e, http.StatusNotFound, "There is no photo here.")
	}
	return nil
}

// keepProtectedFilesPrivate stops browsers and shared caches from keeping a protected file
// (a profile photo fetched from /api/files/… with a file token): PocketBase's default is
// "max-age=2592000" (30 days), which a shared cache may serve to anyone with the URL, and
// a person's browser would keep showing it after they signed out.
func keepProtectedFilesPrivate(app core.App) {
	app.OnFileDownloadRequest().BindFunc(func(e *core.FileDownloadRequestEvent) error {
		if e.FileField.Protected {
			e.Response.Header().Set("Cache-Control", "private, no-store")
		}
		return e.Next()
	})
}

// photoURL is where the page shows the photo of u (a *member.Member or a member.Row), ""
// when they have none. The layout's avatar and the users table call it as "photo".
func photoURL(u any) string {
	var id, file string
	switch x := u.(type) {
	case *member.Member:
		if x == nil {
			return ""
		}
		id, file = x.Id, x.Photo()
	case member.Row:
		id, file = x.ID, x.Avatar
	}
	if file == "" {
		return ""
	}
	return "/users/" + id + "/photo?v=" + url.QueryEscape(file)
}
