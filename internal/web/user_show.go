package web

import (
	"errors"
	"fmt"
	"net/http"
	"strings"

	validation "github.com/pocketbase/ozzo-validation/v4"
	"github.com/pocketbase/pocketbase/core"

	"teamfund/internal/access"
	"teamfund/internal/member"
	"teamfund/internal/team"
	"teamfund/internal/useradmin"
)

type userPage struct {
	Page
	Target      *member.Member
	TeamName    string
	Teams       []team.Summary
	Roles       []member.Role
	Errors      FormErrors
	Form        map[string]string
	CanRole     bool
	CanTeam     bool
	CanLock     bool
	CanDelete   bool
	Successors  []pickable // the successor picker's first people (CanDelete)
	CanEmail    bool
	CanReset    bool
	CanPerms    bool
	CanTransfer bool
	IsSelf      bool
	IsOwner     bool
	CanAudit    bool
}

// loadTarget finds the user of the path and checks the viewer may see them: admins anyone,
// managers their team; others get 404 (ids are not confirmed).
func loadTarget(e *core.RequestEvent) (*member.Member, error) {
	u := currentUser(e)
	t, err := member.Find(e.App, e.Request.PathValue("id"))
	if err != nil {
		return nil, err
	}
	if !access.Can(u, access.ViewUsers, t.TeamID()) {
		return nil, useradmin.ErrUnknownUser
	}
	return t, nil
}

func showUserPage(e *core.RequestEvent) error {
	t, err := loadTarget(e)
	if err != nil {
		return pageError(e, err)
	}
	return renderUser(e, http.StatusOK, t, nil, nil)
}

func renderUser(e *core.RequestEvent, status int, t *member.Member, errs FormErrors, form map[string]string) error {
	u := currentUser(e)
	teams, err := team.Names(e.App, u)
	if err != nil {
		return pageError(e, err)
	}
	roles := assignableRoles(u)
	if form == nil {
		form = map[string]string{"email": t.Email()}
	}
	isOwner := t.Role() == member.RoleOwner
	notSelf := u.Id != t.Id
	// Managers never touch admins' roles; only the owner changes an admin's (see useradmin).
	canRole := notSelf && !isOwner && access.Can(u, access.ChangeRole, t.TeamID()) &&
		(u.Role().IsAdmin() || !t.Role().IsAdmin()) && (t.Role() != member.RoleAdmin || u.Role() == member.RoleOwner)
	data := &userPage{Page: Page{Title: t.Name()}, Target: t, TeamName: team.NameOf(e.App, t.TeamID()),
		Teams: teams, Roles: roles, Errors: errs, Form: form, IsSelf: !notSelf, IsOwner: isOwner,
		CanRole:     canRole,
		CanTeam:     access.Can(u, access.ChangeTeam, t.TeamID()) && (!isOwner || !notSelf),
		CanLock:     notSelf && !isOwner && access.Can(u, access.LockUser, t.TeamID()),
		CanDelete:   notSelf && !isOwner && access.Can(u, access.DeleteUser, t.TeamID()),
		CanEmail:    access.Can(u, access.ChangeEmail, t.TeamID()) && access.MayActOnAccount(u, t),
		CanReset:    t.Active() && access.Can(u, access.ResetPassword, t.TeamID()) && access.MayActOnAccount(u, t),
		CanPerms:    t.Role() == member.RoleMember && access.Can(u, access.SetPermissions, t.TeamID()),
		CanTransfer: notSelf && t.Active() && access.Can(u, access.TransferOwnership, ""),
		CanAudit:    access.Can(u, access.ViewAudit, ""),
	}
	if data.CanDelete {
		if data.Successors, err = people(e.App, u, pickMove, "", ""); err != nil {
			return pageError(e, err)
		}
	}
	return render(e, status, "user/show", data)
}

// userAction is one action on one user, shared by the page (form) and JSON routes.
type userAction struct {
	path string
	// run performs the action; in reads a form field or JSON property. It returns the
	// message to show on success.
	run func(e *core.RequestEvent, actor *member.Member, id string, in func(string) string) (string, error)
}

func op(kind string) useradmin.Op { return useradmin.Op{Kind: kind} }

var userActions = []userAction{
	{"role", func(e *core.RequestEvent, actor *member.Member, id string, in func(string) string) (string, error) {
		return "Role changed.", useradmin.Apply(e.App, actor, id, useradmin.Op{Kind: useradmin.OpRole, Role: member.Role(in("role"))})
	}},
	{"team", func(e *core.RequestEvent, actor *member.Member, id string, in func(string) string) (string, error) {
		return "Team changed; the unused balance went back to the company.",
			useradmin.Apply(e.App, actor, id, useradmin.Op{Kind: useradmin.OpTeam, TeamID: in("team")})
	}},
	{"deactivate", func(e *core.RequestEvent, actor *member.Member, id string, in func(string) string) (string, error) {
		return "Deactivated; their sessions have ended.", useradmin.Apply(e.App, actor, id, op(useradmin.OpDeactivate))
	}},
	{"reactivate", func(e *core.RequestEvent, actor *member.Member, id string, in func(string) string) (string, error) {
		return "Reactivated.", useradmin.Apply(e.App, actor, id, op(useradmin.OpReactivate))
	}},
	{"delete", func(e *core.RequestEvent, actor *member.Member, id string, in func(string) string) (string, error) {
		successor, typed := in("successor"), strings.TrimSpace(in("successor_email"))
		switch {
		case successor != "" || typed == "":
		case strings.Contains(typed, "@"):
			s, err := member.FindByEmail(e.App, typed)
			if err != nil {
				return "", validation.Errors{"successor_email": errors.New("no user with this email")}
			}
			successor = s.Id
		default: // a name typed into the person picker
			s, err := resolvePicked(e.App, actor, pickMove, "successor_email", typed)
			if err != nil {
				return "", err
			}
			successor = s.ID
		}
		err := useradmin.Delete(e.App, actor, id, successor)
		var verrs validation.Errors
		if errors.As(err, &verrs) && verrs["successor"] != nil {
			err = validation.Errors{"successor_email": verrs["successor"]}
		}
		return "User deleted; their sends passed on and their balance went back to the company.", err
	}},
	{"email", func(e *core.RequestEvent, actor *member.Member, id string, in func(string) string) (string, error) {
		return "Login email changed.", useradmin.ChangeEmail(e.App, actor, id, in("email"))
	}},
	{"password-reset", func(e *core.RequestEvent, actor *member.Member, id string, in func(string) string) (string, error) {
		return "Password reset email sent (also kept in the outbox).", useradmin.SendPasswordReset(e.App, actor, id)
	}},
	{"permissions", func(e *core.RequestEvent, actor *member.Member, id string, in func(string) string) (string, error) {
		may := in("may_export") == "on" || in("may_export") == "true"
		return "Data permissions saved.", useradmin.SetPermissions(e.App, actor, id,
			useradmin.Permissions{MayExport: may, RecordVisibility: in("record_visibility")})
	}},
	{"transfer-ownership", func(e *core.RequestEvent, actor *member.Member, id string, in func(string) string) (string, error) {
		return "Ownership transferred; you are now an admin.", useradmin.TransferOwnership(e.App, actor, id)
	}},
}

func userActionPage(a userAction) func(e *core.RequestEvent) error {
	return func(e *core.RequestEvent) error {
		t, err := loadTarget(e)
		if err != nil {
			return pageError(e, err)
		}
		msg, err := a.run(e, currentUser(e), t.Id, e.Request.PostFormValue)
		if errs, ok := formErrors(err); ok {
			form := map[string]string{"email": e.Request.PostFormValue("email"), "successor_email": e.Request.PostFormValue("successor_email")}
			if form["email"] == "" {
				form["email"] = t.Email()
			}
			return renderUser(e, http.StatusUnprocessableEntity, t, errs, form)
		}
		if err != nil {
			return pageError(e, err)
		}
		setFlash(e, "ok", msg)
		if a.path == "delete" {
			return redirect(e, "/users")
		}
		return redirect(e, "/users/"+t.Id)
	}
}

func userActionJSON(a userAction) func(e *core.RequestEvent) error {
	return func(e *core.RequestEvent) error {
		t, err := loadTarget(e)
		if err != nil {
			return apiError(e, err)
		}
		body := map[string]any{}
		if e.Request.ContentLength != 0 {
			if err := e.BindBody(&body); err != nil {
				return e.BadRequestError("Invalid JSON body.", nil)
			}
		}
		in := func(k string) string {
			if v, ok := body[k]; ok && v != nil {
				return fmt.Sprint(v)
			}
			return ""
		}
		msg, err := a.run(e, currentUser(e), t.Id, in)
		if err != nil {
			return apiError(e, err)
		}
		return e.JSON(http.StatusOK, map[string]any{"message": msg})
	}
}

func getUserJSON(e *core.RequestEvent) error {
	t, err := loadTarget(e)
	if err != nil {
		return apiError(e, err)
	}
	return e.JSON(http.StatusOK, member.Row{ID: t.Id, Email: t.Email(), Name: t.GetString("name"), Role: string(t.Role()),
		Status: t.GetString("status"), TeamID: t.TeamID(), TeamName: team.NameOf(e.App, t.TeamID()),
		Balance: int64(t.Balance()), MayExport: t.GetBool("may_export"), RecordVisibility: t.GetString("record_visibility"),
		Created: t.GetDateTime("created").String()})
}
