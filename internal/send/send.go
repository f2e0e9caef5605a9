// Package send holds sends of touches: creating one under the team's budget rules in one
// transaction, approving, rejecting and cancelling it, and who may see which sends.
package send

import (
	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tools/types"

	"teamfund/internal/money"
)

// Collection holds the sends.
const Collection = "sends"

// Status of a send.
type Status string

// Send statuses. A pending send has its cost debited already (held) until it is approved
// (sent), rejected or cancelled (both refunded).
const (
	StatusPending   Status = "pending"
	StatusSent      Status = "sent"
	StatusRejected  Status = "rejected"
	StatusCancelled Status = "cancelled"
)

// Statuses lists every send status in display order.
var Statuses = []Status{StatusPending, StatusSent, StatusRejected, StatusCancelled}

// Valid reports whether s is a known status.
func (s Status) Valid() bool {
	for _, v := range Statuses {
		if s == v {
			return true
		}
	}
	return false
}

// Send wraps a sends record.
type Send struct {
	core.BaseRecordProxy
}

// Wrap returns the typed view of r (nil for nil).
func Wrap(r *core.Record) *Send {
	if r == nil {
		return nil
	}
	s := &Send{}
	s.SetProxyRecord(r)
	return s
}

// Find loads a send by id.
func Find(app core.App, id string) (*Send, error) {
	r, err := app.FindRecordById(Collection, id)
	if err != nil {
		return nil, err
	}
	return Wrap(r), nil
}

// TouchID is the touch that was sent ("" if the touch was deleted).
func (s *Send) TouchID() string { return s.GetString("touch") }

// TouchName is the touch's name at the time of sending.
func (s *Send) TouchName() string { return s.GetString("touch_name") }

// SenderID is the user who sent it.
func (s *Send) SenderID() string { return s.GetString("sender") }

// SenderEmail is the sender's email at the time of sending (kept if the user is deleted).
func (s *Send) SenderEmail() string { return s.GetString("sender_email") }

// TeamID is the sender's team at the time of sending; visibility and approval follow it.
func (s *Send) TeamID() string { return s.GetString("team") }

// RecipientName is who receives the touch.
func (s *Send) RecipientName() string { return s.GetString("recipient_name") }

// RecipientEmail is the recipient's (normalised) email.
func (s *Send) RecipientEmail() string { return s.GetString("recipient_email") }

// Cost is what was debited from the sender.
func (s *Send) Cost() money.Cents { return money.Cents(s.GetInt("cost")) }

// Status is the send's state.
func (s *Send) Status() Status { return Status(s.GetString("status")) }

// DecidedBy is the approver or rejecter ("" while pending or when cancelled by the sender).
func (s *Send) DecidedBy() string { return s.GetString("decided_by") }

// DecidedAt is when it was approved, rejected or cancelled.
func (s *Send) DecidedAt() types.DateTime { return s.GetDateTime("decided_at") }

// Created is when it was sent.
func (s *Send) Created() types.DateTime { return s.GetDateTime("created") }

// Ref is the ledger reference of the send's spend and refund entries.
func (s *Send) Ref() string { return Ref(s.Id) }

// Ref is the ref of the ledger entries of send sendID (its debit and any refund).
func Ref(sendID string) string { return "send:" + sendID }

// hookData is the send as webhook endpoints receive it (amounts in minor units).
func (s *Send) hookData() map[string]any {
	return map[string]any{"id": s.Id, "touch": s.TouchID(), "touch_name": s.TouchName(), "sender": s.SenderID(),
		"sender_email": s.SenderEmail(), "team": s.TeamID(), "recipient_name": s.RecipientName(),
		"recipient_email": s.RecipientEmail(), "cost": int64(s.Cost()), "status": string(s.Status())}
}
