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
	Touch         *touch.Touch
	Form          send.Input
	Errors        FormErrors
	Refusal       string // a rule that refused the send, shown above the form
	Balance       int64
	NeedsApproval bool
}

// newSendFormPage loads what the form shows: the touch, the balance and whether it will wait for approval.
func newSendFormPage(app core.App, u *member.Member, touchID string, in send.Input) (*sendFormPage, error) {
	t, err := touch.Find(app, touchID)
	if err != nil {
		return nil, err
	}
	data := &sendFormPage{Page: Page{Title: "Send " + t.Name()}, Touch: t, Form: in, Balance: int64(u.Balance())}
	data.Form.TouchID = t.Id
	if tm, err := team.Find(app, u.TeamID()); err == nil {
		th := tm.ApprovalThreshold()
		data.NeedsApproval = th > 0 && t.Cost() > th
	}
	return data, nil
}

func showSendForm(e *core.RequestEvent) error {
	u := currentUser(e)
	touchID := e.Request.URL.Query().Get("touch")
	t, err := touch.Find(e.App, touchID)
	if err != nil || (!u.Role().IsAdmin() && u.Role() != member.RoleManager && !t.AssignedTo(u.TeamID())) {
		return renderError(e, http.StatusNotFound, "No such touch for your team.")
	}
	data, err := newSendFormPage(e.App, u, touchID, send.Input{})
	if err != nil {
		return pageError(e, err)
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
	data, ferr := newSendFormPage(e.App, u, in.TouchID, in)
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
