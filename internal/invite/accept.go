package invite

import (
	"database/sql"
	"errors"
	"strings"
	"time"

	"github.com/pocketbase/dbx"
	validation "github.com/pocketbase/ozzo-validation/v4"
	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tools/filesystem"
	"github.com/pocketbase/pocketbase/tools/security"

	"teamfund/internal/audit"
	"teamfund/internal/budget"
	"teamfund/internal/company"
	"teamfund/internal/member"
	"teamfund/internal/webhook"
)

// Profile is what a new user types on the accept (or join) page.
type Profile struct {
	Email           string // join pages only; an invite fixes the email
	Name            string
	Password        string
	PasswordConfirm string
	Phone           string
	Avatar          *filesystem.File // optional photo
}

// validate names each bad field; withEmail also checks Email (invite-key signups).
func (p *Profile) validate(withEmail bool) error {
	p.Name = strings.TrimSpace(p.Name)
	p.Phone = strings.TrimSpace(p.Phone)
	errs := validation.Errors{
		"name":             validation.Validate(p.Name, validation.Required, validation.RuneLength(1, 100)),
		"password":         validation.Validate(p.Password, validation.Required, validation.RuneLength(8, 71)),
		"password_confirm": validation.Validate(p.PasswordConfirm, validation.Required, validation.In(p.Password).Error("does not match the password")),
		"phone":            validation.Validate(p.Phone, member.PhoneRules()...),
	}
	if p.Avatar != nil && p.Avatar.Size > 5<<20 {
		errs["avatar"] = errors.New("must be at most 5 MB")
	}
	if withEmail {
		email, err := member.ParseEmail(p.Email)
		switch {
		case errors.Is(err, member.ErrInvisibleInEmail), errors.Is(err, member.ErrMixedScriptDomain):
			errs["email"] = err
		case err != nil:
			errs["email"] = errors.New("must be a valid email address")
		}
		p.Email = email
	}
	return errs.Filter()
}

// Lookup returns the pending, unexpired invite of token. Unknown, used, revoked and
// expired tokens all give the same ErrInvalidLink, so a link reveals nothing.
func Lookup(app core.App, token string) (*Invite, error) {
	if !wellFormed(token) {
		return nil, ErrInvalidLink
	}
	r, err := app.FindFirstRecordByFilter(Collection, "token_hash = {:h}", dbx.Params{"h": hashToken(token)})
	if err != nil {
		if errors.Is(err, sql.ErrNoRows) {
			return nil, ErrInvalidLink
		}
		return nil, err
	}
	inv := Wrap(r)
	if !hashMatches(r.GetString("token_hash"), token) || inv.Status(time.Now()) != StatusPending {
		return nil, ErrInvalidLink
	}
	return inv, nil
}

// Accept turns the invite of token into an active user with the invite's role and team,
// in one transaction: the link must still be valid, the email must not have an account,
// and the domain rule and seat limit are checked again. signedIn, when not nil, is the
// browser's current user: they may accept only an invite for their own email. The token
// dies with the acceptance.
func Accept(app core.App, token string, p Profile, signedIn *member.Member) (*member.Member, error) {
	if err := p.validate(false); err != nil {
		return nil, err
	}
	var joined *member.Member
	err := app.RunInTransaction(func(tx core.App) error {
		inv, err := Lookup(tx, token)
		if err != nil {
			return err
		}
		if signedIn != nil && member.NormalizeEmail(signedIn.Email()) != inv.Email() {
			return ErrOtherAccount
		}
		joined, err = accept(tx, inv, p, "")
		return err
	})
	return joined, err
}

// AcceptVerified accepts the pending invite of email for someone whose identity provider
// vouched for that email (single sign-on, via names the provider): no link is needed and
// no password is typed. The rules of Accept hold; ErrNoInvite when email has no pending,
// unexpired invite.
func AcceptVerified(app core.App, email, name, via string) (*member.Member, error) {
	email, err := member.ParseEmail(email)
	if err != nil {
		return nil, err
	}
	var joined *member.Member
	err = app.RunInTransaction(func(tx core.App) error {
		inv, err := pendingInviteOf(tx, email)
		if err != nil {
			return err
		}
		if name == "" {
			name = inv.Name()
		}
		joined, err = accept(tx, inv, verifiedProfile(email, name), via)
		return err
	})
	return joined, err
}

// pendingInviteOf is the pending, unexpired invite of email, or ErrNoInvite.
func pendingInviteOf(app core.App, email string) (*Invite, error) {
	var recs []*core.Record
	err := app.RecordQuery(Collection).
		AndWhere(dbx.HashExp{"status": StatusPending}).
		AndWhere(dbx.NewExp("LOWER(email) = {:e}", dbx.Params{"e": email})).
		Limit(1).All(&recs)
	if err != nil {
		return nil, err
	}
	if len(recs) == 0 || Wrap(recs[0]).Status(time.Now()) != StatusPending {
		return nil, ErrNoInvite
	}
	return Wrap(recs[0]), nil
}

// verifiedProfile is the profile of a single sign-on newcomer: the provider's name (cut to
// the form's limit) and a random password nobody knows, since they sign in through the provider.
func verifiedProfile(email, name string) Profile {
	name = strings.TrimSpace(name)
	if r := []rune(name); len(r) > 100 {
		name = string(r[:100])
	}
	return Profile{Email: email, Name: name, Password: security.RandomString(40)}
}

// accept admits the invitee of inv (domain rule and seat limit re-checked) and closes the invite.
func accept(tx core.App, inv *Invite, p Profile, via string) (*member.Member, error) {
	c, err := company.Load(tx)
	if err != nil {
		return nil, err
	}
	if !domainAllowed(c, inviterDomain(tx, c, inv.InvitedBy()), inv.Email()) {
		return nil, ErrDomainMismatch
	}
	// The invite itself holds a seat, so accepting it must not push the count over.
	if err := checkSeat(tx, c.SeatLimit(), time.Now(), 0); err != nil {
		return nil, err
	}
	p.Email = inv.Email()
	joined, err := admit(tx, p, inv.Role(), inv.TeamID())
	if err != nil {
		return nil, err
	}
	inv.Set("status", StatusAccepted)
	inv.Set("accepted_user", joined.Id)
	inv.Set("token_hash", "")
	if err := tx.Save(inv); err != nil {
		return nil, err
	}
	after := map[string]any{"invite": inv.Id, "role": string(inv.Role()), "team": inv.TeamID()}
	if via != "" {
		after["via"] = via
	}
	err = audit.Record(tx, joined, audit.Entry{Action: "invite.accept", TargetType: "user", TargetID: joined.Id,
		TargetLabel: joined.Email(), After: after})
	if err != nil {
		return nil, err
	}
	return joined, emitJoined(tx, joined, "invite")
}

// emitJoined tells webhook endpoints that someone joined through an invite or a key.
func emitJoined(tx core.App, joined *member.Member, via string) error {
	return webhook.Emit(tx, webhook.Event{Type: webhook.InviteAccepted, TeamID: joined.TeamID(), Data: map[string]any{
		"user": joined.Id, "email": joined.Email(), "name": joined.Name(), "role": string(joined.Role()),
		"team": joined.TeamID(), "via": via}})
}

// admit creates the active user of an accepted invite or an invite-key signup; both
// paths go through it, so whatever a new member gets on joining belongs here.
func admit(tx core.App, p Profile, role member.Role, teamID string) (*member.Member, error) {
	if existing, err := member.FindByEmail(tx, p.Email); err == nil {
		if existing.Active() {
			return nil, ErrAlreadyUser
		}
		return nil, ErrDeactivatedUser
	}
	m, err := member.Create(tx, member.NewUser{Email: p.Email, Password: p.Password, Name: p.Name,
		Role: role, TeamID: teamID, Phone: p.Phone})
	if err != nil {
		return nil, err
	}
	if p.Avatar != nil {
		m.Set("avatar", p.Avatar)
		if err := tx.Save(m); err != nil {
			return nil, err
		}
	}
	// Joining a monthly team mid-month brings the month's budget at once.
	if err := budget.GrantOnJoin(tx, m.Id); err != nil {
		return nil, err
	}
	return member.Find(tx, m.Id)
}

// inviterDomain is the email domain of user id, or the company's (the owner's) when that
// user no longer exists.
func inviterDomain(app core.App, c *company.Company, id string) string {
	if id != "" {
		if u, err := member.Find(app, id); err == nil {
			return company.EmailDomain(u.Email())
		}
	}
	return c.GetString("domain")
}
