package web

import (
	"encoding/json"
	"net/http"

	"github.com/pocketbase/pocketbase/core"

	"teamfund/internal/member"
	"teamfund/internal/send"
	"teamfund/internal/team"
	"teamfund/internal/touch"
)

type sendFormPage struct {
	Page
	Touch         *touch.Touch // nil: the form offers Choices
	Choices       []touchRow   // the touches the viewer can send now, when no touch was chosen
	Form          send.Input
	Errors        FormErrors
	Refusal       string // a rule that refused the send, shown above the form
	Unavailable   string // why the chosen touch cannot be sent now; the page shows no form
	Balance       int64
	NeedsApproval bool
}

// newSendFormPage loads what the form shows: the touch (or, without one, the touches to
// choose from), the balance and whether the send will wait for approval.
func newSendFormPage(app core.App, u *member.Member, touchID string, in send.Input) (*sendFormPage, error) {
	data := &sendFormPage{Page: Page{Title: "Send a touch"}, Form: in, Balance: int64(u.Balance())}
	if touchID == "" {
		rows, err := touchRows(app, u, touch.StatusActive)
		if err != nil {
			return nil, err
		}
		for _, r := range rows {
			if r.CanSend && (!r.TracksInventory() || r.Inventory() > 0) {
				data.Choices = append(data.Choices, r)
			}
		}
		return data, nil
	}
	t, err := touch.Find(app, touchID)
	if err != nil {
		return nil, err
	}
	data.Title, data.Touch = "Send "+t.Name(), t
	data.Form.TouchID = t.Id
	if tm, err := team.Find(app, u.TeamID()); err == nil {
		th := tm.ApprovalThreshold()
		data.NeedsApproval = th > 0 && t.Cost() > th
	}
	return data, nil
}

// showSendForm is the send form of ?touch=ID, or a touch picker without one. A touch the
// viewer cannot send now (paused, out of stock, ended, over the balance...) shows why
// instead of a form that would be refused.
func showSendForm(e *core.RequestEvent) error {
	u := currentUser(e)
	touchID := e.Request.URL.Query().Get("touch")
	if touchID != "" {
		t, err := touch.Find(e.App, touchID)
		if err != nil || (!u.Role().IsAdmin() && u.Role() != member.RoleManager && !t.AssignedTo(u.TeamID())) {
			return renderError(e, http.StatusNotFound, "No such touch for your team.")
		}
	}
	data, err := newSendFormPage(e.App, u, touchID, send.Input{})
	if err != nil {
		return pageError(e, err)
	}
	if touchID != "" {
		if err := send.Sendable(e.App, u, touchID); send.IsRefusal(err) {
			_, data.Unavailable = statusOf(err)
		} else if err != nil {
			return pageError(e, err)
		}
	}
	return render(e, http.StatusOK, "send/new", data)
}

func createSend(e *core.RequestEvent) error {
	u := currentUser(e)
	f := e.Request.PostFormValue
	in := send.Input{TouchID: f("touch"), RecipientName: f("recipient_name"), RecipientEmail: f("recipient_email")}
	s, err := send.Create(e.App, u, in)
	if err == nil {
		msg := "Sent " + s.TouchName() + " to " + s.RecipientName() + "."
		if s.Status() == send.StatusPending {
			msg = s.TouchName() + " to " + s.RecipientName() + " waits for a manager's approval; the money is held."
		}
		setFlash(e, "ok", msg)
		return redirect(e, "/sends")
	}
	// A form without a touch was the picker: show the picker again.
	formTouch := in.TouchID
	if f("picker") == "on" {
		formTouch = ""
	}
	data, ferr := newSendFormPage(e.App, u, formTouch, in)
	if ferr != nil {
		return pageError(e, err)
	}
	if errs, ok := formErrors(err); ok {
		data.Errors = errs
		return render(e, http.StatusUnprocessableEntity, "send/new", data)
	}
	status, msg := statusOf(err)
	if status == http.StatusInternalServerError {
		return pageError(e, err)
	}
	data.Refusal = msg
	return render(e, status, "send/new", data)
}

// sendBody is the JSON body of a new send.
type sendBody struct {
	Touch          string `json:"touch"`
	RecipientName  string `json:"recipient_name"`
	RecipientEmail string `json:"recipient_email"`
}

func createSendJSON(e *core.RequestEvent) error {
	var b sendBody
	if err := json.NewDecoder(e.Request.Body).Decode(&b); err != nil {
		return apiError(e, invalidField("body", "must be a JSON object"))
	}
	s, err := send.Create(e.App, currentUser(e), send.Input{TouchID: b.Touch, RecipientName: b.RecipientName, RecipientEmail: b.RecipientEmail})
	if err != nil {
		return apiError(e, err)
	}
	return e.JSON(http.StatusCreated, toSendJSON(s))
}
