package send

import (
	"errors"
	"strings"
	"time"

	validation "github.com/go-ozzo/ozzo-validation/v4"
	"github.com/go-ozzo/ozzo-validation/v4/is"
	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/core"

	"teamfund/internal/access"
	"teamfund/internal/audit"
	"teamfund/internal/ledger"
	"teamfund/internal/member"
	"teamfund/internal/team"
	"teamfund/internal/touch"
)

// Input is a send as typed by the sender.
type Input struct {
	TouchID        string
	RecipientName  string
	RecipientEmail string
}

func (in *Input) normalize() error {
	in.TouchID = strings.TrimSpace(in.TouchID)
	in.RecipientName = strings.TrimSpace(in.RecipientName)
	in.RecipientEmail = member.NormalizeEmail(in.RecipientEmail)
	return validation.Errors{
		"touch":          validation.Validate(in.TouchID, validation.Required.Error("choose a touch")),
		"recipient_name": validation.Validate(in.RecipientName, validation.Required.Error("enter the recipient's name"), validation.RuneLength(0, 200)),
		"recipient_email": validation.Validate(in.RecipientEmail, validation.Required.Error("enter the recipient's email"),
			is.EmailFormat.Error("must be a valid email address")),
	}.Filter()
}

// Create sends a touch for actor. In one transaction it checks, in this order, that the
// touch is active and within its dates, assigned to the sender's team, has inventory left
// (taking one item with a guarded decrement; the last item pauses the touch), costs no more
// than the team's maximum per send, and that the balance covers it — debiting the cost
// through the ledger. Above the team's approval threshold the send is pending with the
// money held; otherwise it is sent. Any refusal writes nothing: every rule is checked
// before the first write, so a refusal also leaves a caller's enclosing transaction clean.
func Create(app core.App, actor *member.Member, in Input) (*Send, error) {
	if err := in.normalize(); err != nil {
		return nil, err
	}
	var out *Send
	err := app.RunInTransaction(func(tx core.App) error {
		sender, err := member.Find(tx, actor.Id)
		if err != nil {
			return err
		}
		if sender.Active() && sender.TeamID() == "" {
			return ErrNoTeam
		}
		if err := access.Check(sender, access.SendTouch, sender.TeamID()); err != nil {
			return err
		}
		t, err := touch.Find(tx, in.TouchID)
		if err != nil {
			return err
		}
		tm, err := team.Find(tx, sender.TeamID())
		if err != nil {
			return err
		}
		if err := checkSendable(t, tm, time.Now()); err != nil {
			return err
		}
		// note: the ledger's guarded debit is what really protects the balance; this
		// read (consistent: we hold the only writer) only refuses before anything is written.
		if sender.Balance() < t.Cost() {
			return ErrInsufficientBalance
		}
		if err := takeItem(tx, t); err != nil {
			return err
		}
		s, err := insert(tx, sender, t, tm, in)
		if err != nil {
			return err
		}
		if err := debit(tx, sender, s); err != nil {
			return err
		}
		out = s
		return audit.Record(tx, sender, audit.Entry{Action: "send.create", TargetType: "send", TargetID: s.Id,
			TargetLabel: t.Name() + " → " + s.RecipientEmail(),
			After:       map[string]any{"status": string(s.Status()), "cost": int64(s.Cost()), "touch": t.Id}})
	})
	return out, err
}

// checkSendable applies the touch and team rules that need no write.
func checkSendable(t *touch.Touch, tm *team.Team, now time.Time) error {
	switch {
	case t.Status() == touch.StatusPausedNoInventory:
		return ErrOutOfInventory
	case t.Status() != touch.StatusActive:
		return ErrTouchNotActive
	case t.NotStartedAt(now):
		return ErrTouchNotStarted
	case t.EndedAt(now):
		return ErrTouchEnded
	case !t.AssignedTo(tm.Id):
		return ErrNotAssigned
	case t.TracksInventory() && t.Inventory() <= 0:
		return ErrOutOfInventory
	case tm.MaxPerSend() > 0 && t.Cost() > tm.MaxPerSend():
		return ErrOverMaxPerSend
	}
	return nil
}

// takeItem takes one item of a touch with limited inventory: a guarded decrement that
// never goes below zero; taking the last item pauses the touch.
func takeItem(tx core.App, t *touch.Touch) error {
	if !t.TracksInventory() {
		return nil
	}
	res, err := tx.DB().NewQuery("UPDATE touches SET inventory = inventory - 1 WHERE id = {:id} AND inventory > 0").
		Bind(dbx.Params{"id": t.Id}).Execute()
	if err != nil {
		return err
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return ErrOutOfInventory
	}
	_, err = tx.DB().NewQuery("UPDATE touches SET status = {:paused} WHERE id = {:id} AND inventory = 0").
		Bind(dbx.Params{"id": t.Id, "paused": string(touch.StatusPausedNoInventory)}).Execute()
	return err
}

// returnItem gives an item back when a send is rejected or cancelled; a touch paused for
// lack of inventory becomes active again.
func returnItem(tx core.App, touchID string) error {
	if touchID == "" {
		return nil
	}
	_, err := tx.DB().NewQuery(`UPDATE touches SET inventory = inventory + 1,
		status = CASE WHEN status = {:paused} THEN {:active} ELSE status END
		WHERE id = {:id} AND track_inventory = TRUE`).
		Bind(dbx.Params{"id": touchID, "paused": string(touch.StatusPausedNoInventory), "active": string(touch.StatusActive)}).Execute()
	return err
}

func insert(tx core.App, sender *member.Member, t *touch.Touch, tm *team.Team, in Input) (*Send, error) {
	col, err := tx.FindCachedCollectionByNameOrId(Collection)
	if err != nil {
		return nil, err
	}
	status := StatusSent
	if th := tm.ApprovalThreshold(); th > 0 && t.Cost() > th {
		status = StatusPending
	}
	r := core.NewRecord(col)
	r.Set("touch", t.Id)
	r.Set("touch_name", t.Name())
	r.Set("sender", sender.Id)
	r.Set("sender_email", sender.Email())
	r.Set("team", tm.Id)
	r.Set("recipient_name", in.RecipientName)
	r.Set("recipient_email", in.RecipientEmail)
	r.Set("cost", int64(t.Cost()))
	r.Set("status", string(status))
	if err := tx.Save(r); err != nil {
		return nil, err
	}
	return Wrap(r), nil
}

// debit posts the send's cost as a spend; a free touch posts nothing.
func debit(tx core.App, sender *member.Member, s *Send) error {
	if s.Cost() == 0 {
		return nil
	}
	_, err := ledger.Post(tx, ledger.Entry{Account: sender.Id, Amount: -s.Cost(), Kind: ledger.KindSpend,
		Reason: "Sent " + s.TouchName() + " to " + s.RecipientEmail(), Actor: sender, Ref: s.Ref()})
	if errors.Is(err, ledger.ErrInsufficientFunds) {
		return ErrInsufficientBalance
	}
	return err
}
