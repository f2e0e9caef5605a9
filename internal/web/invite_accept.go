package web

import (
	"errors"
	"net/http"

	"github.com/pocketbase/pocketbase/core"

	"teamfund/internal/company"
	"teamfund/internal/invite"
	"teamfund/internal/member"
	"teamfund/internal/team"
)

// acceptPage is the onboarding form of an invite link or an invite key.
type acceptPage struct {
	Page
	Action   string // form URL
	Join     bool   // invite key signup (asks for the email)
	Email    string
	TeamName string
	Role     string
	Form     invite.Profile
	Errors   FormErrors
	Problem  string // a refusal not tied to one field
	SSO      []ssoButton
	// SSORequired hides the password form: the company signs people in through its provider.
	SSORequired bool
}

// withSSO offers the company's single sign-on on an onboarding page; key is the invite
// key token of a join page ("" for an invite link, which SSO finds by the email).
func (d *acceptPage) withSSO(e *core.RequestEvent, key string) *acceptPage {
	d.SSO = ssoButtons(e, "Join", key, "")
	if c, err := company.Load(e.App); err == nil {
		d.SSORequired = c.SSORequired()
	}
	return d
}

// refuseIfSSORequired stops a password signup while the company requires single sign-on.
func refuseIfSSORequired(e *core.RequestEvent, data *acceptPage) (bool, error) {
	if !data.SSORequired {
		return false, nil
	}
	data.Problem = "Your company signs in with single sign-on: join with one of the buttons below instead of a password."
	return true, render(e, http.StatusForbidden, "invite/accept", data)
}

// showInvalidLink is the one page for unknown, used, revoked and expired links.
func showInvalidLink(e *core.RequestEvent) error {
	return render(e, http.StatusNotFound, "invite/invalid", &errorPage{Page: Page{Title: "Invalid or expired link"},
		Heading: "This link is invalid or has expired", Message: "Ask the person who invited you to send a new invitation."})
}

func showAcceptPage(e *core.RequestEvent) error {
	token := e.Request.PathValue("token")
	inv, err := invite.Lookup(e.App, token)
	if errors.Is(err, invite.ErrInvalidLink) {
		return showInvalidLink(e)
	}
	if err != nil {
		return pageError(e, err)
	}
	data := acceptData(e, inv, token)
	data.Form.Name = inv.Name()
	if u := currentUser(e); u != nil {
		data.Problem = capitalize(invite.ErrAlreadyUser.Error()) + ": you are signed in as " + u.Email() + "."
		if u.Email() != inv.Email() {
			data.Problem = capitalize(invite.ErrOtherAccount.Error()) + "."
		}
	}
	return render(e, http.StatusOK, "invite/accept", data)
}

func acceptData(e *core.RequestEvent, inv *invite.Invite, token string) *acceptPage {
	d := &acceptPage{Page: Page{Title: "Join your team"}, Action: invite.AcceptPath(token), Email: inv.Email(),
		TeamName: team.NameOf(e.App, inv.TeamID()), Role: inv.Role().Label()}
	return d.withSSO(e, "")
}

// profileForm reads the onboarding form, including an optional photo.
func profileForm(e *core.RequestEvent) invite.Profile {
	f := e.Request.PostFormValue
	p := invite.Profile{Email: f("email"), Name: f("name"), Password: f("password"), PasswordConfirm: f("password_confirm"), Phone: f("phone")}
	if files, err := e.FindUploadedFiles("avatar"); err == nil && len(files) > 0 {
		p.Avatar = files[0]
	}
	return p
}

func acceptInvite(e *core.RequestEvent) error {
	token := e.Request.PathValue("token")
	inv, err := invite.Lookup(e.App, token)
	if errors.Is(err, invite.ErrInvalidLink) {
		return showInvalidLink(e)
	}
	if err != nil {
		return pageError(e, err)
	}
	if refused, err := refuseIfSSORequired(e, acceptData(e, inv, token)); refused {
		return err
	}
	p := profileForm(e)
	m, err := invite.Accept(e.App, token, p, currentUser(e))
	if errors.Is(err, invite.ErrInvalidLink) {
		return showInvalidLink(e)
	}
	if err != nil {
		inv, lerr := invite.Lookup(e.App, token)
		if lerr != nil {
			return showInvalidLink(e)
		}
		return onboardingError(e, acceptData(e, inv, token), p, err)
	}
	return welcome(e, m)
}

// onboardingError re-renders the form with field messages (422) or the refusal (4xx).
func onboardingError(e *core.RequestEvent, data *acceptPage, p invite.Profile, err error) error {
	p.Password, p.PasswordConfirm, p.Avatar = "", "", nil
	data.Form = p
	if errs, ok := formErrors(err); ok {
		data.Errors = errs
		return render(e, http.StatusUnprocessableEntity, "invite/accept", data)
	}
	status, msg := inviteMessage(err)
	if status >= 500 {
		return pageError(e, err)
	}
	var fe *invite.FieldError
	if errors.As(err, &fe) {
		data.Errors = FormErrors{fe.Field: msg + "."}
	} else {
		data.Problem = msg + "."
	}
	return render(e, status, "invite/accept", data)
}

// welcome signs the new user in and sends them to the dashboard.
func welcome(e *core.RequestEvent, m *member.Member) error {
	if err := startSession(e, m); err != nil {
		return pageError(e, err)
	}
	setFlash(e, "ok", "Welcome to Teamfund, "+m.Name()+".")
	return redirect(e, "/")
}

func showJoinPage(e *core.RequestEvent) error {
	token := e.Request.PathValue("token")
	k, err := invite.LookupKey(e.App, token)
	if errors.Is(err, invite.ErrInvalidLink) {
		return showInvalidLink(e)
	}
	if err != nil {
		return pageError(e, err)
	}
	data := joinData(e, k, token)
	if u := currentUser(e); u != nil {
		data.Problem = "You already have an account (" + u.Email() + "). Sign out to sign someone else up."
	}
	return render(e, http.StatusOK, "invite/accept", data)
}

func joinData(e *core.RequestEvent, k *invite.Key, token string) *acceptPage {
	d := &acceptPage{Page: Page{Title: "Join your team"}, Action: invite.JoinPath(token), Join: true,
		TeamName: team.NameOf(e.App, k.TeamID()), Role: member.RoleMember.Label()}
	return d.withSSO(e, token)
}

func joinWithKey(e *core.RequestEvent) error {
	token := e.Request.PathValue("token")
	if currentUser(e) != nil {
		return renderError(e, http.StatusConflict, "You already have an account. Sign out to sign someone else up.")
	}
	k, err := invite.LookupKey(e.App, token)
	if errors.Is(err, invite.ErrInvalidLink) {
		return showInvalidLink(e)
	}
	if err != nil {
		return pageError(e, err)
	}
	if refused, err := refuseIfSSORequired(e, joinData(e, k, token)); refused {
		return err
	}
	p := profileForm(e)
	m, err := invite.Join(e.App, token, p)
	if errors.Is(err, invite.ErrInvalidLink) {
		return showInvalidLink(e)
	}
	if err != nil {
		k, lerr := invite.LookupKey(e.App, token)
		if lerr != nil {
			return showInvalidLink(e)
		}
		data := joinData(e, k, token)
		data.Email = p.Email
		return onboardingError(e, data, p, err)
	}
	return welcome(e, m)
}
