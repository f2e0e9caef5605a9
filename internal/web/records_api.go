package web

import (
	"errors"
	"net/http"

	"github.com/pocketbase/dbx"
	validation "github.com/pocketbase/ozzo-validation/v4"
	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tools/hook"
	"github.com/pocketbase/pocketbase/tools/router"

	"teamfund/internal/audit"
	"teamfund/internal/company"
	"teamfund/internal/invite"
	"teamfund/internal/member"
	"teamfund/internal/send"
	"teamfund/internal/team"
	"teamfund/internal/touch"
	"teamfund/internal/transfer"
)

// Refusals of writes through PocketBase's records API (and so the dashboard, which uses it)
// that only Teamfund's own pages can do with their consequences.
var (
	errDeleteUserHere  = errors.New("delete users on Teamfund's Users page: it returns their balance to the company, hands their sends to a colleague, cancels their requests and audits it")
	errMoveUserHere    = errors.New("change a user's team on Teamfund's Users page (or the team's page): it returns their balance to the company and applies the new team's budget")
	errDeleteTeamHere  = errors.New("delete teams on Teamfund's team page: it returns every member's balance to the company")
	errSendsHere       = errors.New("sends are created, approved, rejected and cancelled in Teamfund (Sends and Approvals pages), which move the money with them; here only the recipient's name and email may be corrected")
	errRequestsHere    = errors.New("money requests are filed and decided on Teamfund's Money page, which moves the money with them")
	errAddUserHere     = errors.New("add people on Teamfund's Invites page (an invite, an invite key or a CSV file): it applies the seat limit and the domain rule and mails them a link")
	errInvitesHere     = errors.New("invites are sent, resent and revoked on Teamfund's Invites page, which mails the link, keeps only a hash of it and applies the seat limit; here only the name may be corrected, or the invite deleted")
	errInviteKeysHere  = errors.New("invite keys are created and revoked on Teamfund's Invites page, which keeps only a hash of the link; here a key may only be deleted")
	errCompanyOnce     = errors.New("the company is created once, by the first-run setup")
	errCloseHere       = errors.New("close the company on Teamfund's Settings page (Close the company…): it offers the download of everything first and deletes every record and file together")
	errAuditAppendOnly = errors.New("the audit log is append-only: its entries cannot be created, changed or deleted by hand")
	errTouchHasSends   = errors.New("this touch has sends, which keep it in their history: set its status to completed on Teamfund's Touches page instead of deleting it")
	inviteFields       = []string{"email", "role", "team", "status", "token_hash", "expires", "invited_by", "accepted_user", "sent_at"}
	sendMoneyFields    = []string{"status", "cost", "sender", "touch", "team", "decided_by"}
	requestMoneyFields = []string{"status", "amount", "requester", "giver", "team"}
)

// bindRecordsAPIRules keeps the records API and the dashboard from writes that would skip
// the money rules, and makes every refusal below the API reach the client as a 400 with its
// own message (the dashboard shows it in its error toast, field errors under the fields),
// instead of PocketBase's "Failed to update record.".
func bindRecordsAPIRules(app core.App) {
	explain := &hook.Handler[*core.RecordRequestEvent]{Id: "teamfundExplainRefusals", Priority: -1000, Func: explainRefusal}
	app.OnRecordCreateRequest().Bind(explain)
	app.OnRecordUpdateRequest().Bind(explain)
	app.OnRecordDeleteRequest().Bind(explain)

	app.OnRecordDeleteRequest(member.Collection).BindFunc(refuse(errDeleteUserHere))
	app.OnRecordUpdateRequest(member.Collection).BindFunc(func(e *core.RecordRequestEvent) error {
		if changed(e.Record, "team") {
			return errMoveUserHere
		}
		return e.Next()
	})
	app.OnRecordCreateRequest(member.Collection).BindFunc(refuse(errAddUserHere))
	app.OnRecordCreateRequest(invite.Collection).BindFunc(refuse(errInvitesHere))
	app.OnRecordUpdateRequest(invite.Collection).BindFunc(func(e *core.RecordRequestEvent) error {
		if changed(e.Record, inviteFields...) {
			return errInvitesHere
		}
		return e.Next()
	})
	app.OnRecordCreateRequest(invite.KeyCollection).BindFunc(refuse(errInviteKeysHere))
	app.OnRecordUpdateRequest(invite.KeyCollection).BindFunc(refuse(errInviteKeysHere))
	app.OnRecordCreateRequest(company.Collection).BindFunc(refuse(errCompanyOnce))
	app.OnRecordDeleteRequest(company.Collection).BindFunc(refuse(errCloseHere))
	app.OnRecordUpdateRequest(company.Collection).BindFunc(checkCompanySettings)
	app.OnRecordCreateRequest(audit.Collection).BindFunc(refuse(errAuditAppendOnly))
	app.OnRecordUpdateRequest(audit.Collection).BindFunc(refuse(errAuditAppendOnly))
	app.OnRecordDeleteRequest(audit.Collection).BindFunc(refuse(errAuditAppendOnly))
	app.OnRecordDeleteRequest(touch.Collection).BindFunc(func(e *core.RecordRequestEvent) error {
		n, err := e.App.CountRecords(send.Collection, dbx.HashExp{"touch": e.Record.Id})
		if err != nil {
			return err
		}
		if n > 0 {
			return errTouchHasSends
		}
		return e.Next()
	})
	app.OnRecordDeleteRequest(team.Collection).BindFunc(refuse(errDeleteTeamHere))
	app.OnRecordCreateRequest(send.Collection).BindFunc(refuse(errSendsHere))
	app.OnRecordDeleteRequest(send.Collection).BindFunc(refuse(errSendsHere))
	app.OnRecordUpdateRequest(send.Collection).BindFunc(func(e *core.RecordRequestEvent) error {
		if changed(e.Record, sendMoneyFields...) {
			return errSendsHere
		}
		return e.Next()
	})
	app.OnRecordCreateRequest(transfer.RequestsCollection).BindFunc(refuse(errRequestsHere))
	app.OnRecordDeleteRequest(transfer.RequestsCollection).BindFunc(refuse(errRequestsHere))
	app.OnRecordUpdateRequest(transfer.RequestsCollection).BindFunc(func(e *core.RecordRequestEvent) error {
		if changed(e.Record, requestMoneyFields...) {
			return errRequestsHere
		}
		return e.Next()
	})
}

// checkCompanySettings holds a dashboard edit of the company to the rules of the owner's
// settings page (name, currency, time zone, seat limit, invite lifetime; single sign-on
// required only with a provider).
func checkCompanySettings(e *core.RecordRequestEvent) error {
	r := e.Record
	s := company.Settings{Name: r.GetString("name"), Currency: r.GetString("currency"), Timezone: r.GetString("timezone"),
		SeatLimit: r.GetInt("seat_limit"), InviteTTLHours: r.GetInt("invite_ttl_hours"), SSORequired: r.GetBool("sso_required")}
	if err := s.Validate(); err != nil {
		return err
	}
	if s.SSORequired && !r.Original().GetBool("sso_required") && len(member.SSOProviders(e.App)) == 0 {
		return company.ErrNoSSOProvider
	}
	return e.Next()
}

func refuse(err error) func(*core.RecordRequestEvent) error {
	return func(*core.RecordRequestEvent) error { return err }
}

// changed says whether any of fields differs from the stored record.
func changed(r *core.Record, fields ...string) bool {
	old := r.Original()
	for _, f := range fields {
		if r.GetString(f) != old.GetString(f) {
			return true
		}
	}
	return false
}

// explainRefusal turns an error a Teamfund rule raised below the records API into a 400
// that carries the rule's message; PocketBase's own answers other than its generic
// "Failed to …" (403, 404, its own field errors) pass unchanged.
func explainRefusal(e *core.RecordRequestEvent) error {
	err := e.Next()
	if err == nil {
		return nil
	}
	cause := err
	var apiErr *router.ApiError
	if errors.As(err, &apiErr) {
		raw, ok := apiErr.RawData().(error)
		if !ok || apiErr.Status != http.StatusBadRequest {
			return err
		}
		cause = raw
	}
	var verrs validation.Errors
	if errors.As(cause, &verrs) {
		return router.NewBadRequestError(verrs.Error(), verrs)
	}
	status, msg := statusOf(cause)
	if status == http.StatusInternalServerError {
		if apiErr != nil {
			return err
		}
		msg = capitalize(cause.Error()) + "."
	}
	return router.NewBadRequestError(msg, cause)
}
