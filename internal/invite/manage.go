package invite

import (
	"errors"
	"strings"
	"time"

	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/core"

	"teamfund/internal/access"
	"teamfund/internal/audit"
	"teamfund/internal/member"
	"teamfund/internal/outbox"
	"teamfund/internal/team"
)

// Bulk actions on selected invites.
const (
	ActionResend = "resend"
	ActionRevoke = "revoke"
	ActionDelete = "delete"
	ActionEdit   = "edit"
)

// Change is a bulk (or single) action on invites. Role and Team apply to ActionEdit;
// Team "" keeps each invite's team unless ClearTeam is set.
type Change struct {
	Action    string
	IDs       []string
	Role      string
	Team      string
	ClearTeam bool
}

// Refusal is one selected invite a bulk action refused, and why.
type Refusal struct {
	ID     string `json:"id"`
	Email  string `json:"email"`
	Reason string `json:"reason"`
}

// BulkError lists the refused invites of an all-or-nothing bulk action (nothing was written).
type BulkError struct {
	Refused []Refusal
}

func (e *BulkError) Error() string {
	parts := make([]string, 0, len(e.Refused))
	for _, r := range e.Refused {
		parts = append(parts, r.Email+": "+r.Reason)
	}
	return ErrBulkRefused.Error() + " — " + strings.Join(parts, "; ")
}

// Unwrap lets errors.Is(err, ErrBulkRefused) match.
func (e *BulkError) Unwrap() error { return ErrBulkRefused }

// Apply runs ch on every selected invite in one transaction, all or nothing: when any
// invite is refused, nothing is written and a *BulkError lists each refusal. Mails of
// resent invites are delivered after the commit.
func Apply(app core.App, actor *member.Member, ch Change) error {
	if len(ch.IDs) == 0 {
		return ErrNothingSelected
	}
	if actor == nil || !actor.Active() {
		return access.ErrForbidden
	}
	var mailIDs []string
	err := app.RunInTransaction(func(tx core.App) error {
		m := &manager{tx: tx, actor: actor, now: time.Now().UTC()}
		var refused []Refusal
		single := len(ch.IDs) == 1
		for _, id := range ch.IDs {
			inv, err := Find(tx, id)
			if err != nil {
				if single {
					return err
				}
				refused = append(refused, Refusal{ID: id, Reason: "not found"})
				continue
			}
			mailID, err := m.apply(inv, ch)
			if err != nil {
				if single || !isRefusal(err) {
					return err
				}
				refused = append(refused, Refusal{ID: id, Email: inv.Email(), Reason: err.Error()})
				continue
			}
			if mailID != "" {
				mailIDs = append(mailIDs, mailID)
			}
		}
		if len(refused) > 0 {
			return &BulkError{Refused: refused}
		}
		return nil
	})
	if err != nil {
		return err
	}
	outbox.Deliver(app, mailIDs...)
	return nil
}

// isRefusal tells a rule's refusal from a failure of the database.
func isRefusal(err error) bool {
	return errors.Is(err, access.ErrForbidden) || errors.Is(err, ErrNotPending) || errors.Is(err, ErrSeatLimit) ||
		errors.Is(err, ErrInvalidRole) || errors.Is(err, ErrOwnerRole) || errors.Is(err, ErrUnknownTeam)
}

// manager applies single changes inside a bulk transaction.
type manager struct {
	tx    core.App
	actor *member.Member
	now   time.Time
	w     *writer
}

// MayManage says whether actor may resend, revoke, edit or delete inv: they manage the
// invite's team and could have sent this invite.
func MayManage(actor *member.Member, inv *Invite) error {
	if err := access.Check(actor, access.ManageInvites, inv.TeamID()); err != nil {
		return err
	}
	return mayInvite(actor, inv.Role(), inv.TeamID())
}

func (m *manager) apply(inv *Invite, ch Change) (mailID string, err error) {
	if err := MayManage(m.actor, inv); err != nil {
		return "", err
	}
	before := snapshot(inv)
	switch ch.Action {
	case ActionResend:
		mailID, err = m.resend(inv)
	case ActionRevoke:
		err = m.revoke(inv)
	case ActionDelete:
		err = m.tx.Delete(inv)
	case ActionEdit:
		err = m.edit(inv, ch)
	default:
		return "", errors.New("invite: unknown action " + ch.Action)
	}
	if err != nil {
		return "", err
	}
	return mailID, audit.Record(m.tx, m.actor, audit.Entry{Action: "invite." + ch.Action, TargetType: "invite",
		TargetID: inv.Id, TargetLabel: inv.Email(), Before: before, After: snapshot(inv)})
}

// resend makes a new link (the old one dies), resets the expiry to now + the TTL in force
// and mails it again. An expired invite takes a seat again, so the seat limit is re-checked.
func (m *manager) resend(inv *Invite) (string, error) {
	if inv.GetString("status") != StatusPending {
		return "", ErrNotPending
	}
	if m.w == nil {
		w, err := newWriter(m.tx, m.actor)
		if err != nil {
			return "", err
		}
		m.w = w
	}
	if inv.Status(m.now) == StatusExpired {
		if err := checkSeat(m.tx, m.w.company.SeatLimit(), m.now, 1); err != nil {
			return "", err
		}
	}
	token := m.w.renew(inv)
	inv.Set("invited_by", m.actor.Id)
	if err := m.tx.Save(inv); err != nil {
		return "", err
	}
	return outbox.Store(m.tx, m.w.message(inv, team.NameOf(m.tx, inv.TeamID()), token))
}

func (m *manager) revoke(inv *Invite) error {
	if inv.GetString("status") != StatusPending {
		return ErrNotPending
	}
	inv.Set("status", StatusRevoked)
	inv.Set("token_hash", "")
	return m.tx.Save(inv)
}

// edit changes role and/or team of a pending invite; the actor must be allowed to send the result.
func (m *manager) edit(inv *Invite, ch Change) error {
	if inv.GetString("status") != StatusPending {
		return ErrNotPending
	}
	role := inv.Role()
	if strings.TrimSpace(ch.Role) != "" {
		r, err := parseRole(ch.Role)
		if err != nil {
			return err
		}
		role = r
	}
	teamID := inv.TeamID()
	switch {
	case ch.ClearTeam:
		teamID = ""
	case strings.TrimSpace(ch.Team) != "":
		id, err := findTeam(m.tx, ch.Team)
		if err != nil {
			return err
		}
		teamID = id
	}
	if err := mayInvite(m.actor, role, teamID); err != nil {
		return err
	}
	inv.Set("role", string(role))
	inv.Set("team", teamID)
	return m.tx.Save(inv)
}

// findTeam resolves a team by id or case-insensitive name.
func findTeam(app core.App, s string) (string, error) {
	s = strings.TrimSpace(s)
	if t, err := team.Find(app, s); err == nil {
		return t.Id, nil
	}
	var id string
	err := app.DB().Select("id").From(team.Collection).Where(dbx.NewExp("LOWER(name) = {:n}", dbx.Params{"n": strings.ToLower(s)})).
		Limit(1).Row(&id)
	if err != nil || id == "" {
		return "", ErrUnknownTeam
	}
	return id, nil
}

// checkSeat refuses when taking extra more seats would exceed limit (0 = unlimited).
func checkSeat(app core.App, limit int, now time.Time, extra int) error {
	if limit <= 0 {
		return nil
	}
	used, err := SeatsUsed(app, now)
	if err != nil {
		return err
	}
	if used+extra > limit {
		return ErrSeatLimit
	}
	return nil
}
