package invite

import (
	"database/sql"
	"errors"
	"fmt"
	"time"

	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tools/types"

	"teamfund/internal/access"
	"teamfund/internal/audit"
	"teamfund/internal/company"
	"teamfund/internal/member"
	"teamfund/internal/outbox"
	"teamfund/internal/team"
)

// CreateKey makes an invite key for teamID: a join link (role member) valid for KeyTTL,
// and mails the link to mailTo (optional; the domain rule applies to each address). The
// token is returned once; only its hash is stored, so the link cannot be shown again
// except in the outbox's copies of those mails.
func CreateKey(app core.App, actor *member.Member, teamID string, mailTo ...string) (*Key, string, error) {
	if err := access.Check(actor, access.ManageInvites, teamID); err != nil {
		return nil, "", err
	}
	if teamID == "" {
		return nil, "", &FieldError{Field: "team", Err: ErrNoTeam}
	}
	var (
		key     *Key
		token   string
		mailIDs []string
	)
	err := app.RunInTransaction(func(tx core.App) error {
		t, err := team.Find(tx, teamID)
		if err != nil {
			return &FieldError{Field: "team", Err: ErrUnknownTeam}
		}
		c, err := company.Load(tx)
		if err != nil {
			return err
		}
		recipients, err := keyRecipients(tx, c, actor, mailTo)
		if err != nil {
			return err
		}
		col, err := tx.FindCachedCollectionByNameOrId(KeyCollection)
		if err != nil {
			return err
		}
		r := core.NewRecord(col)
		var hash string
		token, hash = newToken()
		expires, _ := types.ParseDateTime(time.Now().UTC().Add(KeyTTL))
		r.Set("team", t.Id)
		r.Set("token_hash", hash)
		r.Set("expires", expires)
		r.Set("created_by", actor.Id)
		if err := tx.Save(r); err != nil {
			return err
		}
		key = WrapKey(r)
		if len(recipients) > 0 {
			msgs := make([]outbox.Message, len(recipients))
			for i, to := range recipients {
				msgs[i] = keyMail(c, actor.Name(), to, t.Name(), Link(tx, JoinPath(token)), expires.Time())
			}
			if mailIDs, err = outbox.StoreMany(tx, msgs); err != nil {
				return err
			}
		}
		return audit.Record(tx, actor, audit.Entry{Action: "invite_key.create", TargetType: "invite_key", TargetID: r.Id,
			TargetLabel: t.Name(), After: map[string]any{"team": t.Id, "expires": r.GetString("expires"), "mailed_to": recipients}})
	})
	if err != nil {
		return nil, "", err
	}
	outbox.Deliver(app, mailIDs...)
	return key, token, nil
}

// MaxKeyRecipients bounds how many addresses one invite key is mailed to at once; more
// people are better invited with a CSV import, which shows each row's problems first.
const MaxKeyRecipients = 50

// keyRecipients normalizes the addresses an invite key is mailed to, refusing malformed
// ones and ones the domain rule would not admit at signup.
func keyRecipients(tx core.App, c *company.Company, actor *member.Member, mailTo []string) ([]string, error) {
	if len(mailTo) > MaxKeyRecipients {
		return nil, &FieldError{Field: "mail_to", Err: ErrTooManyRecipients}
	}
	seen := map[string]bool{}
	var out []string
	for _, raw := range mailTo {
		email, err := member.ParseEmail(raw)
		if err != nil {
			return nil, &FieldError{Field: "mail_to", Err: fmt.Errorf("%w: %s", err, raw)}
		}
		if !domainAllowed(c, inviterDomain(tx, c, actor.Id), email) {
			return nil, &FieldError{Field: "mail_to", Err: fmt.Errorf("%w: %s", ErrDomainMismatch, email)}
		}
		if !seen[email] {
			seen[email] = true
			out = append(out, email)
		}
	}
	return out, nil
}

// RevokeKey kills an invite key at once.
func RevokeKey(app core.App, actor *member.Member, id string) error {
	return app.RunInTransaction(func(tx core.App) error {
		r, err := tx.FindRecordById(KeyCollection, id)
		if err != nil {
			return err
		}
		k := WrapKey(r)
		if err := access.Check(actor, access.ManageInvites, k.TeamID()); err != nil {
			return err
		}
		if k.Revoked() {
			return nil
		}
		r.Set("revoked", true)
		if err := tx.Save(r); err != nil {
			return err
		}
		return audit.Record(tx, actor, audit.Entry{Action: "invite_key.revoke", TargetType: "invite_key", TargetID: r.Id,
			TargetLabel: team.NameOf(tx, k.TeamID()), Before: map[string]any{"revoked": false}, After: map[string]any{"revoked": true}})
	})
}

// ListKeys returns the invite keys actor may see (admins all, managers their team's), newest first.
func ListKeys(app core.App, actor *member.Member) ([]*Key, error) {
	if actor == nil || !access.Can(actor, access.ManageInvites, actor.TeamID()) {
		return nil, access.ErrForbidden
	}
	q := app.RecordQuery(KeyCollection).OrderBy("created DESC", "id DESC").Limit(200)
	if !actor.Role().IsAdmin() {
		q = q.AndWhere(dbx.HashExp{"team": actor.TeamID()})
	}
	var recs []*core.Record
	if err := q.All(&recs); err != nil {
		return nil, err
	}
	out := make([]*Key, len(recs))
	for i, r := range recs {
		out[i] = WrapKey(r)
	}
	return out, nil
}

// LookupKey returns the active key of token; unknown, revoked and expired keys all give ErrInvalidLink.
func LookupKey(app core.App, token string) (*Key, error) {
	if !wellFormed(token) {
		return nil, ErrInvalidLink
	}
	r, err := app.FindFirstRecordByFilter(KeyCollection, "token_hash = {:h}", dbx.Params{"h": hashToken(token)})
	if err != nil {
		if errors.Is(err, sql.ErrNoRows) {
			return nil, ErrInvalidLink
		}
		return nil, err
	}
	k := WrapKey(r)
	if !hashMatches(r.GetString("token_hash"), token) || k.Status(time.Now()) != "active" {
		return nil, ErrInvalidLink
	}
	return k, nil
}

// Join signs a new member up through an invite key, in one transaction: the key must be
// active, the email must pass the domain rule (the key creator's domain), have no account
// and no pending invite, and a seat must be free. The key counts the use.
func Join(app core.App, token string, p Profile) (*member.Member, error) {
	if err := p.validate(true); err != nil {
		return nil, err
	}
	var joined *member.Member
	err := app.RunInTransaction(func(tx core.App) error {
		k, err := LookupKey(tx, token)
		if err != nil {
			return err
		}
		joined, err = join(tx, k, p, "")
		return err
	})
	return joined, err
}

// JoinVerified signs up, through the invite key of token, someone whose identity provider
// vouched for email (single sign-on, via names the provider). The rules of Join hold.
func JoinVerified(app core.App, token, email, name, via string) (*member.Member, error) {
	email, err := member.ParseEmail(email)
	if err != nil {
		return nil, err
	}
	var joined *member.Member
	err = app.RunInTransaction(func(tx core.App) error {
		k, err := LookupKey(tx, token)
		if err != nil {
			return err
		}
		joined, err = join(tx, k, verifiedProfile(email, name), via)
		return err
	})
	return joined, err
}

// join admits p.Email into the team of key k and counts the use.
func join(tx core.App, k *Key, p Profile, via string) (*member.Member, error) {
	c, err := company.Load(tx)
	if err != nil {
		return nil, err
	}
	if !domainAllowed(c, inviterDomain(tx, c, k.CreatedBy()), p.Email) {
		return nil, &FieldError{Field: "email", Err: ErrDomainMismatch}
	}
	pending, err := tx.CountRecords(Collection, dbx.HashExp{"status": StatusPending}, dbx.NewExp("LOWER(email) = {:e}", dbx.Params{"e": p.Email}))
	if err != nil {
		return nil, err
	}
	if pending > 0 {
		return nil, &FieldError{Field: "email", Err: ErrHasInvite}
	}
	if err := checkSeat(tx, c.SeatLimit(), time.Now(), 1); err != nil {
		return nil, err
	}
	joined, err := admit(tx, p, member.RoleMember, k.TeamID())
	if errors.Is(err, ErrAlreadyUser) || errors.Is(err, ErrDeactivatedUser) {
		return nil, &FieldError{Field: "email", Err: err}
	}
	if err != nil {
		return nil, err
	}
	if _, err := tx.DB().NewQuery("UPDATE invite_links SET uses = uses + 1 WHERE id = {:id}").
		Bind(dbx.Params{"id": k.Id}).Execute(); err != nil {
		return nil, err
	}
	after := map[string]any{"key": k.Id, "team": k.TeamID(), "role": string(member.RoleMember)}
	if via != "" {
		after["via"] = via
	}
	err = audit.Record(tx, joined, audit.Entry{Action: "invite_key.join", TargetType: "user", TargetID: joined.Id,
		TargetLabel: joined.Email(), After: after})
	if err != nil {
		return nil, err
	}
	return joined, emitJoined(tx, joined, "invite_key")
}
