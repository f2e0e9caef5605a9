package web

import (
	"net/http"

	"github.com/pocketbase/pocketbase/core"

	"teamfund/internal/access"
	"teamfund/internal/touch"
)

type touchFormPage struct {
	Page
	ID       string // "" for a new touch
	Form     touch.Input
	Statuses []touch.Status
	Errors   FormErrors
}

func newTouchFormPage(title, id string, in touch.Input) *touchFormPage {
	return &touchFormPage{Page: Page{Title: title}, ID: id, Form: in, Statuses: touch.Statuses}
}

func touchFormInput(e *core.RequestEvent) touch.Input {
	f := e.Request.PostFormValue
	return touch.Input{Name: f("name"), Description: f("description"), Cost: f("cost"), Status: f("status"),
		TrackInventory: f("track_inventory") != "", Inventory: f("inventory"), StartsOn: f("starts_on"), EndsOn: f("ends_on")}
}

func showNewTouchForm(e *core.RequestEvent) error {
	if err := access.Check(currentUser(e), access.ManageTouches, ""); err != nil {
		return pageError(e, err)
	}
	return render(e, http.StatusOK, "touch/form", newTouchFormPage("New touch", "", touch.Input{Status: string(touch.StatusActive)}))
}

func createTouch(e *core.RequestEvent) error {
	in := touchFormInput(e)
	t, err := touch.Create(e.App, currentUser(e), in, companyLocation(e.App))
	if errs, ok := formErrors(err); ok {
		data := newTouchFormPage("New touch", "", in)
		data.Errors = errs
		return render(e, http.StatusUnprocessableEntity, "touch/form", data)
	}
	if err != nil {
		return pageError(e, err)
	}
	setFlash(e, "ok", "Touch “"+t.Name()+"” created. Assign teams to it on the Assignments page.")
	return redirect(e, "/touches")
}

func showEditTouchForm(e *core.RequestEvent) error {
	if err := access.Check(currentUser(e), access.ManageTouches, ""); err != nil {
		return pageError(e, err)
	}
	t, err := touch.Find(e.App, e.Request.PathValue("id"))
	if err != nil {
		return pageError(e, err)
	}
	return render(e, http.StatusOK, "touch/form", newTouchFormPage("Edit touch", t.Id, touch.InputOf(t, companyLocation(e.App))))
}

func updateTouch(e *core.RequestEvent) error {
	id := e.Request.PathValue("id")
	in := touchFormInput(e)
	t, err := touch.Update(e.App, currentUser(e), id, in, companyLocation(e.App))
	if errs, ok := formErrors(err); ok {
		data := newTouchFormPage("Edit touch", id, in)
		data.Errors = errs
		return render(e, http.StatusUnprocessableEntity, "touch/form", data)
	}
	if err != nil {
		return pageError(e, err)
	}
	setFlash(e, "ok", "Touch “"+t.Name()+"” saved.")
	return redirect(e, "/touches")
}
