package web

import (
	"net/http"

	"github.com/pocketbase/pocketbase/core"

	"teamfund/internal/notify"
)

// Mail settings of the signed-in user:
//
//	POST /profile/approval-mail     setApprovalMail (form: on=checkbox)
//	POST /api/tf/me/approval-mail   setApprovalMailJSON {"on": bool}
func bindNotifyRoutes(pages, api routeGroup) {
	pages.POST("/profile/approval-mail", setApprovalMail).BindFunc(requireUser)
	api.POST("/me/approval-mail", setApprovalMailJSON)
}

func setApprovalMail(e *core.RequestEvent) error {
	u := currentUser(e)
	on := e.Request.PostFormValue("on") != ""
	if err := notify.SetApprovalMail(e.App, u, on); err != nil {
		return pageError(e, err)
	}
	if on {
		setFlash(e, "ok", "You get a mail when something waits for your approval.")
	} else {
		setFlash(e, "ok", "You no longer get mails about approvals; they still show on your approvals pages.")
	}
	return redirect(e, "/profile")
}

func setApprovalMailJSON(e *core.RequestEvent) error {
	var in struct {
		On *bool `json:"on"`
	}
	if err := e.BindBody(&in); err != nil || in.On == nil {
		return e.BadRequestError("Send a JSON object with on (true or false).", map[string]any{"on": map[string]string{"code": "required", "message": "Set on to true or false."}})
	}
	if err := notify.SetApprovalMail(e.App, currentUser(e), *in.On); err != nil {
		return apiError(e, err)
	}
	return e.JSON(http.StatusOK, map[string]bool{"on": *in.On})
}
