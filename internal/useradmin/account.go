package useradmin

import (
	"github.com/pocketbase/dbx"
	validation "github.com/pocketbase/ozzo-validation/v4"
	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tools/types"

	"teamfund/internal/access"
	"teamfund/internal/audit"
	"teamfund/internal/company"
	"teamfund/internal/ledger"
	"teamfund/internal/member"
	"teamfund/internal/realtime"
	"teamfund/internal/send"
)

// Delete removes user userID for good (admins). Their sends pass to successorID, their
// open money requests are cancelled and their balance returns to the company; ledger rows
// keep the deleted user's email (they store it), the audit entry keeps the rest. Their
// pending sends are rejected first (refunded), so held money also returns to the company.
func Delete(app core.App, actor *member.Member, userID, successorID string) error {
	return app.RunInTransaction(func(tx core.App) error {
		target, err := findUser(tx, userID)
		if err != nil {
			return err
		}
		if err := checkTarget(actor, target, access.DeleteUser); err != nil {
			return err
		}
		if successorID == "" || successorID == userID {
			return validation.Errors{"successor": ErrSuccessor}
		}
		successor, err := findUser(tx, successorID)
		if err != nil {
			return validation.Errors{"successor": ErrSuccessor}
		}
		// Pending sends hold money taken from the user's balance: reject them first (refunded
		// to the user), so the held money returns to the company with the rest.
		var pending []string
		if err := tx.DB().Select("id").From("sends").
			Where(dbx.HashExp{"sender": userID, "status": "pending"}).Column(&pending); err != nil {
			return err
		}
		for _, id := range pending {
			if _, err := send.Reject(tx, actor, id); err != nil {
				return err
			}
		}
		if len(pending) > 0 {
			if target, err = findUser(tx, userID); err != nil {
				return err
			}
		}
		if bal := target.Balance(); bal > 0 {
			if _, err := ledger.Post(tx, ledger.Entry{Account: userID, Amount: -bal, Kind: ledger.KindReturn,
				Reason: "User deleted", Actor: actor}); err != nil {
				return err
			}
		}
		sends, err := tx.DB().Update("sends", dbx.Params{"sender": successorID}, dbx.HashExp{"sender": userID}).Execute()
		if err != nil {
			return err
		}
		moved, _ := sends.RowsAffected()
		now := types.NowDateTime().String()
		reqs, err := tx.DB().Update("money_requests", dbx.Params{"status": "cancelled", "decided_at": now, "updated": now},
			dbx.And(dbx.HashExp{"status": "pending"}, dbx.Or(dbx.HashExp{"requester": userID}, dbx.HashExp{"giver": userID}))).Execute()
		if err != nil {
			return err
		}
		cancelled, _ := reqs.RowsAffected()
		if err := audit.Record(tx, actor, audit.Entry{Action: "user.delete", TargetType: "user", TargetID: userID,
			TargetLabel: target.Email(), Before: snapshot(target),
			After: map[string]any{"sends_to": successor.Email(), "sends_moved": moved, "requests_cancelled": cancelled,
				"returned": int64(target.Balance()), "pending_sends_rejected": len(pending)}}); err != nil {
			return err
		}
		// Reload: the ledger changed the balance with SQL after target was read.
		fresh, err := findUser(tx, userID)
		if err != nil {
			return err
		}
		realtime.Disconnect(tx, userID)
		return tx.Delete(fresh)
	})
}

// TransferOwnership makes newOwnerID the owner and the current owner an admin (owner
// only). It is one SQL UPDATE of both rows, so there is never zero or two owners; record
// hooks (which refuse any other change of ownership) are bypassed on purpose.
func TransferOwnership(app core.App, actor *member.Member, newOwnerID string) error {
	if err := access.Check(actor, access.TransferOwnership, ""); err != nil {
		return err
	}
	return app.RunInTransaction(func(tx core.App) error {
		target, err := findUser(tx, newOwnerID)
		if err != nil {
			return err
		}
		if target.Id == actor.Id {
			return ErrSelf
		}
		if !target.Active() {
			return ErrInactive
		}
		res, err := tx.DB().NewQuery(`UPDATE users SET role = CASE WHEN id = {:old} THEN 'admin' ELSE 'owner' END,
			updated = {:now} WHERE (id = {:old} AND role = 'owner') OR id = {:new}`).
			Bind(dbx.Params{"old": actor.Id, "new": target.Id, "now": types.NowDateTime().String()}).Execute()
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n != 2 {
			return access.ErrForbidden
		}
		if err := endSessionsUnderSSO(tx, actor.Id); err != nil {
			return err
		}
		return audit.Record(tx, actor, audit.Entry{Action: "company.transfer_ownership", TargetType: "user",
			TargetID: target.Id, TargetLabel: target.Email(),
			Before: map[string]any{"owner": actor.Email(), target.Email(): string(target.Role())},
			After:  map[string]any{"owner": target.Email(), actor.Email(): string(member.RoleAdmin)}})
	})
}

// endSessionsUnderSSO ends the sessions of a former owner while the company requires
// single sign-on: they are an admin now, whom it covers, so the session they started with
// the owner's password must not go on (company.BindSSOSessionEnd does the same for everyone
// else when the requirement is switched on).
func endSessionsUnderSSO(tx core.App, formerOwnerID string) error {
	c, err := company.Load(tx)
	if err != nil || !c.SSORequired() {
		return err
	}
	return member.EndSessions(tx, formerOwnerID)
}

// ChangeEmail changes a user's login email (the owner anyone's, admins those of managers
// and members: see access.MayActOnAccount; a new email plus "Forgot your password?" would
// hand over the account). The
// email is normalised like an invited one (trimmed, lower-cased, punycode domain), unique, and when the company's domain rule is on it
// must be at the actor's domain (exact match of the text after the last "@").
func ChangeEmail(app core.App, actor *member.Member, userID, email string) error {
	return app.RunInTransaction(func(tx core.App) error {
		target, err := findUser(tx, userID)
		if err != nil {
			return err
		}
		if err := checkAccount(actor, target, access.ChangeEmail); err != nil {
			return err
		}
		// Same normalisation as invites: trimmed, NFKC, lower-cased, domain as punycode;
		// invisible characters and mixed-script domains refused.
		email, err := member.ParseEmail(email)
		if err != nil {
			return validation.Errors{"email": err}
		}
		if target.Email() == email {
			return nil
		}
		var n int
		if err := tx.DB().Select("COUNT(*)").From(member.Collection).
			Where(dbx.NewExp("lower(email) = {:email} AND id != {:id}", dbx.Params{"email": email, "id": userID})).Row(&n); err != nil {
			return err
		}
		if n > 0 {
			return validation.Errors{"email": ErrEmailTaken}
		}
		c, err := company.Load(tx)
		if err != nil {
			return err
		}
		if c.DomainRule() && company.EmailDomain(email) != company.EmailDomain(actor.Email()) {
			return validation.Errors{"email": ErrDomainMismatch}
		}
		return save(tx, actor, target, "user.email", func(u *member.Member) { u.SetEmail(email) })
	})
}

// Permissions are a user's data permissions.
type Permissions struct {
	MayExport        bool   `json:"may_export" form:"may_export"`
	RecordVisibility string `json:"record_visibility" form:"record_visibility"`
}

// SetPermissions sets may-export and record visibility of userID (admins, or managers for
// their team) and audits it.
func SetPermissions(app core.App, actor *member.Member, userID string, p Permissions) error {
	if err := validation.Validate(p.RecordVisibility, validation.Required,
		validation.In(member.VisibilityOwn, member.VisibilityTeam).Error("must be own or team")); err != nil {
		return validation.Errors{"record_visibility": err}
	}
	return app.RunInTransaction(func(tx core.App) error {
		target, err := findUser(tx, userID)
		if err != nil {
			return err
		}
		if err := access.Check(actor, access.SetPermissions, target.TeamID()); err != nil {
			return err
		}
		if target.Role() == member.RoleOwner && actor.Id != target.Id {
			return ErrNotOwnerTarget
		}
		return save(tx, actor, target, "user.permissions", func(u *member.Member) {
			u.Set("may_export", p.MayExport)
			u.Set("record_visibility", p.RecordVisibility)
		})
	})
}
