package web

import (
	"database/sql"
	"errors"
	"log/slog"
	"net/http"

	validation "github.com/pocketbase/ozzo-validation/v4"
	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tools/router"

	"teamfund/internal/access"
	"teamfund/internal/budget"
	"teamfund/internal/company"
	"teamfund/internal/export"
	"teamfund/internal/inflight"
	"teamfund/internal/invite"
	"teamfund/internal/leave"
	"teamfund/internal/ledger"
	"teamfund/internal/member"
	"teamfund/internal/money"
	"teamfund/internal/send"
	"teamfund/internal/sso"
	"teamfund/internal/team"
	"teamfund/internal/telemetry"
	"teamfund/internal/touch"
	"teamfund/internal/transfer"
	"teamfund/internal/useradmin"
)

// errorStatus maps each domain error a user can act on to its HTTP status. The message
// shown is the error's own text; anything not listed is logged and shown as a 500.
var errorStatus = []struct {
	err    error
	status int
}{
	{access.ErrForbidden, http.StatusForbidden},
	{inflight.ErrBusy, http.StatusConflict},
	{company.ErrSetupLinkInvalid, http.StatusForbidden},
	{member.ErrOwnerProtected, http.StatusConflict},
	{member.ErrSecondOwner, http.StatusConflict},
	{member.ErrBalanceByHand, http.StatusConflict},
	{ledger.ErrAppendOnly, http.StatusConflict},
	{ledger.ErrInsufficientFunds, http.StatusConflict},
	{ledger.ErrUnknownAccount, http.StatusNotFound},
	{ledger.ErrZeroAmount, http.StatusBadRequest},
	{ledger.ErrBalanceTooHigh, http.StatusConflict},
	{money.ErrTooLarge, http.StatusBadRequest},
	{budget.ErrSameMemberTwice, http.StatusBadRequest},
	{send.ErrNoTeam, http.StatusForbidden},
	{send.ErrTouchNotActive, http.StatusConflict},
	{send.ErrTouchNotStarted, http.StatusConflict},
	{send.ErrTouchEnded, http.StatusConflict},
	{send.ErrNotAssigned, http.StatusForbidden},
	{send.ErrOutOfInventory, http.StatusConflict},
	{send.ErrOverMaxPerSend, http.StatusConflict},
	{send.ErrInsufficientBalance, http.StatusConflict},
	{send.ErrChanged, http.StatusConflict},
	{send.ErrNotPending, http.StatusConflict},
	{send.ErrOwnSend, http.StatusForbidden},
	{send.ErrNotSender, http.StatusForbidden},
	{touch.ErrUnknownTeam, http.StatusNotFound},
	{transfer.ErrNotTeammate, http.StatusForbidden},
	{transfer.ErrSelf, http.StatusBadRequest},
	{transfer.ErrInactive, http.StatusConflict},
	{transfer.ErrNotPending, http.StatusConflict},
	{transfer.ErrNotGiver, http.StatusForbidden},
	{transfer.ErrNotRequester, http.StatusForbidden},
	{transfer.ErrReasonRequired, http.StatusBadRequest},
	{transfer.ErrRequestNotFound, http.StatusNotFound},
	{budget.ErrFutureMonth, http.StatusBadRequest},
	{budget.ErrBeforeSetup, http.StatusBadRequest},
	{budget.ErrInvalidMonth, http.StatusBadRequest},
	{budget.ErrReasonRequired, http.StatusBadRequest},
	{budget.ErrNoChanges, http.StatusBadRequest},
	{budget.ErrRefused, http.StatusConflict},
	{sql.ErrNoRows, http.StatusNotFound},
	{export.ErrNoExport, http.StatusForbidden},
	{export.ErrBusy, http.StatusServiceUnavailable},
	{export.ErrUnknownDataset, http.StatusNotFound},
	{export.ErrUnknownFormat, http.StatusNotFound},
	{member.ErrInvisibleInEmail, http.StatusBadRequest},
	{member.ErrMixedScriptDomain, http.StatusBadRequest},
	{invite.ErrMalformedEmail, http.StatusBadRequest},
	{invite.ErrNameTooLong, http.StatusBadRequest},
	{invite.ErrInvalidRole, http.StatusBadRequest},
	{invite.ErrOwnerRole, http.StatusBadRequest},
	{invite.ErrUnknownTeam, http.StatusBadRequest},
	{invite.ErrNoTeam, http.StatusBadRequest},
	{invite.ErrDomainMismatch, http.StatusBadRequest},
	{invite.ErrAlreadyUser, http.StatusConflict},
	{invite.ErrDeactivatedUser, http.StatusConflict},
	{invite.ErrAlreadyInvited, http.StatusConflict},
	{invite.ErrHasInvite, http.StatusConflict},
	{invite.ErrSeatLimit, http.StatusConflict},
	{invite.ErrNotPending, http.StatusConflict},
	{invite.ErrBulkRefused, http.StatusConflict},
	{invite.ErrNothingSelected, http.StatusBadRequest},
	{invite.ErrTooManyRecipients, http.StatusBadRequest},
	{invite.ErrInvalidLink, http.StatusNotFound},
	{invite.ErrOtherAccount, http.StatusForbidden},
	{invite.ErrFileTooLarge, http.StatusRequestEntityTooLarge},
	{invite.ErrBadCSV, http.StatusBadRequest},
	{invite.ErrBadHeader, http.StatusBadRequest},
	{invite.ErrEmptyFile, http.StatusBadRequest},
	{invite.ErrNoFile, http.StatusBadRequest},
	{company.ErrWebmailDomainRule, http.StatusBadRequest},
	{company.ErrNoSSOProvider, http.StatusBadRequest},
	{invite.ErrNoInvite, http.StatusNotFound},
	{sso.ErrUnknownProvider, http.StatusNotFound},
	{sso.ErrNoAccount, http.StatusForbidden},
	{sso.ErrDeactivated, http.StatusForbidden},
	{sso.ErrUnverifiedEmail, http.StatusForbidden},
	{team.ErrNameTaken, http.StatusConflict},
	{team.ErrUnknownTeam, http.StatusNotFound},
	{team.ErrUnknownUser, http.StatusNotFound},
	{team.ErrInactiveUser, http.StatusConflict},
	{team.ErrNotMember, http.StatusConflict},
	{team.ErrAlreadyIn, http.StatusConflict},
	{useradmin.ErrSelf, http.StatusConflict},
	{useradmin.ErrManagerRoles, http.StatusForbidden},
	{useradmin.ErrAdminRoles, http.StatusForbidden},
	{useradmin.ErrOwnerByTransfer, http.StatusConflict},
	{useradmin.ErrInvalidRole, http.StatusBadRequest},
	{useradmin.ErrUnknownTeam, http.StatusNotFound},
	{useradmin.ErrSuccessor, http.StatusBadRequest},
	{useradmin.ErrEmailTaken, http.StatusConflict},
	{useradmin.ErrDomainMismatch, http.StatusBadRequest},
	{useradmin.ErrInactive, http.StatusConflict},
	{useradmin.ErrSeatLimit, http.StatusConflict},
	{useradmin.ErrNotOwnerTarget, http.StatusForbidden},
	{useradmin.ErrAccountGuarded, http.StatusForbidden},
	{useradmin.ErrInvalidOp, http.StatusBadRequest},
	{useradmin.ErrNothingSelected, http.StatusBadRequest},
	{leave.ErrNoTeam, http.StatusConflict},
	{leave.ErrAlreadyPending, http.StatusConflict},
	{leave.ErrUnknownRequest, http.StatusNotFound},
	{leave.ErrDecided, http.StatusConflict},
	{leave.ErrOwnRequest, http.StatusForbidden},
}

// publicMessager is a domain error that carries its own text for people (e.g. the list
// of members a bulk change refused).
type publicMessager interface{ PublicMessage() string }

// statusOf returns the status and public message for err (500 and a generic text when unknown).
func statusOf(err error) (int, string) {
	var verrs validation.Errors
	if errors.As(err, &verrs) {
		return http.StatusBadRequest, verrs.Error()
	}
	for _, m := range errorStatus {
		if errors.Is(err, m.err) {
			if m.err == sql.ErrNoRows {
				return m.status, "Not found."
			}
			var pm publicMessager
			if errors.As(err, &pm) {
				return m.status, pm.PublicMessage()
			}
			return m.status, capitalize(m.err.Error()) + "."
		}
	}
	return http.StatusInternalServerError, "Something went wrong. It has been logged."
}

// pageError renders err as an HTML error page or HTMX flash fragment.
func pageError(e *core.RequestEvent, err error) error {
	status, msg := statusOf(err)
	if status == http.StatusInternalServerError {
		e.App.Logger().Error("request failed", slog.String("path", e.Request.URL.Path), slog.Any("error", err))
	}
	return renderError(e, status, msg)
}

// apiError returns err as PocketBase's JSON error shape; validation errors name their fields.
func apiError(e *core.RequestEvent, err error) error {
	var routed *router.ApiError
	if errors.As(err, &routed) {
		return routed // already an answer, e.g. a hook's refusal from inside a save
	}
	status, msg := statusOf(err)
	var verrs validation.Errors
	if errors.As(err, &verrs) {
		return e.BadRequestError("Invalid input: "+msg, verrs)
	}
	if status == http.StatusInternalServerError {
		e.App.Logger().Error("api request failed", slog.String("path", e.Request.URL.Path), slog.Any("error", err))
		telemetry.Log.Error("api request failed", slog.String("request_id", requestID(e)), slog.String("path", e.Request.URL.Path), slog.Any("error", err))
		return e.InternalServerError("", nil)
	}
	return e.Error(status, msg, nil)
}

// fieldError is the data of a JSON error about one field, in PocketBase's shape
// {"field":{"code":"...","message":"..."}}. note: a plain map of strings is not kept as is by
// PocketBase's error sanitiser (every string would become "Invalid value.").
func fieldError(field, code string, err error) validation.Errors {
	return validation.Errors{field: validation.NewError(code, capitalize(err.Error()))}
}

// formErrors turns ozzo validation errors into per-field messages for a form.
func formErrors(err error) (FormErrors, bool) {
	var verrs validation.Errors
	if !errors.As(err, &verrs) {
		return nil, false
	}
	out := FormErrors{}
	for field, fe := range verrs {
		out[field] = capitalize(fe.Error()) + "."
	}
	return out, true
}

func capitalize(s string) string {
	if s == "" {
		return s
	}
	if s[0] >= 'a' && s[0] <= 'z' {
		return string(s[0]-32) + s[1:]
	}
	return s
}

// refuseRole answers 403 at once when the signed-in user's role can never perform action,
// whatever the team, so that people without the right never learn about input errors.
// The domain function still makes the full check (team included) afterwards.
func refuseRole(e *core.RequestEvent, action access.Action) error {
	u := currentUser(e)
	if u == nil || access.ScopeOf(u.Role(), action) == access.Nowhere {
		return access.ErrForbidden
	}
	return nil
}
