package transfer

import (
	"time"

	"github.com/pocketbase/dbx"
	validation "github.com/pocketbase/ozzo-validation/v4"
	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tools/types"

	"teamfund/internal/access"
	"teamfund/internal/audit"
	"teamfund/internal/ledger"
	"teamfund/internal/member"
	"teamfund/internal/money"
	"teamfund/internal/notify"
	"teamfund/internal/realtime"
)

// RequestsCollection holds requests for money.
const RequestsCollection = "money_requests"

// Request statuses.
const (
	StatusPending   = "pending"
	StatusApproved  = "approved"
	StatusDeclined  = "declined"
	StatusCancelled = "cancelled"
)

// Request is one ask for money, as listed on pages and in JSON.
type Request struct {
	ID             string         `db:"id" json:"id"`
	Requester      string         `db:"requester" json:"requester"`
	RequesterName  string         `db:"requester_name" json:"requester_name"`
	RequesterEmail string         `db:"requester_email" json:"requester_email"`
	Giver          string         `db:"giver" json:"giver"`
	GiverName      string         `db:"giver_name" json:"giver_name"`
	GiverEmail     string         `db:"giver_email" json:"giver_email"`
	Team           string         `db:"team" json:"team"`
	Amount         int64          `db:"amount" json:"amount"`
	Reason         string         `db:"reason" json:"reason"`
	Status         string         `db:"status" json:"status"`
	Created        types.DateTime `db:"created" json:"created"`
	DecidedAt      types.DateTime `db:"decided_at" json:"decided_at"`
}

// Ask files a request for amount from a teammate (any role, so also the team's manager);
// it waits until the giver approves or declines, or the requester cancels.
func Ask(app core.App, actor *member.Member, giverID string, amount money.Cents, reason string) (Request, error) {
	if err := access.Check(actor, access.Transfer, actor.TeamID()); err != nil {
		return Request{}, err
	}
	if amount <= 0 {
		return Request{}, ledger.ErrZeroAmount
	}
	if err := money.Check(amount); err != nil {
		return Request{}, validation.Errors{"amount": err}
	}
	var id string
	err := app.RunInTransaction(func(tx core.App) error {
		giver, err := teammate(tx, actor, giverID)
		if err != nil {
			return err
		}
		col, err := tx.FindCachedCollectionByNameOrId(RequestsCollection)
		if err != nil {
			return err
		}
		r := core.NewRecord(col)
		r.Set("requester", actor.Id)
		r.Set("giver", giver.Id)
		r.Set("team", actor.TeamID())
		r.Set("amount", int64(amount))
		r.Set("reason", reason)
		r.Set("status", StatusPending)
		if err := tx.Save(r); err != nil {
			return err
		}
		id = r.Id
		err = audit.Record(tx, actor, audit.Entry{Action: "money.request", TargetType: "money_request", TargetID: r.Id,
			TargetLabel: giver.Email(), After: map[string]any{"amount": int64(amount), "reason": reason, "giver": giver.Email()}})
		if err != nil {
			return err
		}
		return notify.ApprovalWaiting(tx, notify.Approval{ApproverID: giver.Id, RequesterID: actor.Id,
			What: actor.Name() + "'s request for money", Amount: amount, Detail: reason, Path: "/approvals/money"})
	})
	if err != nil {
		return Request{}, err
	}
	return FindRequest(app, id)
}

// Approve pays a pending request from the giver's balance. Only the giver decides; when
// their balance is too low nothing changes and the request stays pending.
func Approve(app core.App, actor *member.Member, id string) (Request, error) {
	return decide(app, actor, id, StatusApproved)
}

// Decline refuses a pending request (giver only).
func Decline(app core.App, actor *member.Member, id string) (Request, error) {
	return decide(app, actor, id, StatusDeclined)
}

// Cancel withdraws a pending request (requester only).
func Cancel(app core.App, actor *member.Member, id string) (Request, error) {
	return decide(app, actor, id, StatusCancelled)
}

func decide(app core.App, actor *member.Member, id, status string) (Request, error) {
	err := app.RunInTransaction(func(tx core.App) error {
		r, err := tx.FindRecordById(RequestsCollection, id)
		if err != nil {
			return ErrRequestNotFound
		}
		if err := mayDecide(actor, r, status); err != nil {
			return err
		}
		// Guarded status change: of two concurrent answers exactly one wins.
		res, err := tx.DB().NewQuery(`UPDATE money_requests SET status = {:status}, decided_at = {:now}, updated = {:now}
			WHERE id = {:id} AND status = 'pending'`).
			Bind(dbx.Params{"status": status, "now": time.Now().UTC().Format(types.DefaultDateLayout), "id": id}).Execute()
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return ErrNotPending
		}
		requester, err := member.Find(tx, r.GetString("requester"))
		if err != nil {
			return ledger.ErrUnknownAccount
		}
		amount := money.Cents(r.GetInt("amount"))
		if status == StatusApproved {
			if !requester.Active() {
				return ErrInactive
			}
			if !actor.InTeam(requester.TeamID()) {
				return ErrNotTeammate
			}
			if _, err := move(tx, actor, actor.Id, requester, amount, "Request: "+r.GetString("reason"), "request:"+id); err != nil {
				return err
			}
		}
		realtime.Notify(tx, realtime.RequestsChanged, requester.Id, r.GetString("giver"))
		return audit.Record(tx, actor, audit.Entry{Action: "money.request." + status, TargetType: "money_request",
			TargetID: id, TargetLabel: requester.Email(),
			Before: map[string]any{"status": StatusPending},
			After:  map[string]any{"status": status, "amount": int64(amount)}})
	})
	if err != nil {
		return Request{}, err
	}
	return FindRequest(app, id)
}

func mayDecide(actor *member.Member, r *core.Record, status string) error {
	if err := access.Check(actor, access.DecideMoneyAsk, actor.TeamID()); err != nil && status != StatusCancelled {
		return err
	}
	if status == StatusCancelled {
		if r.GetString("requester") != actor.Id {
			return ErrNotRequester
		}
	} else if r.GetString("giver") != actor.Id {
		return ErrNotGiver
	}
	if r.GetString("status") != StatusPending {
		return ErrNotPending
	}
	return nil
}

const requestSelect = `SELECT r.id, r.requester, COALESCE(q.name, '') AS requester_name, COALESCE(q.email, '') AS requester_email,
	r.giver, COALESCE(g.name, '') AS giver_name, COALESCE(g.email, '') AS giver_email, r.team, r.amount, r.reason,
	r.status, r.created, r.decided_at
	FROM money_requests r LEFT JOIN users q ON q.id = r.requester LEFT JOIN users g ON g.id = r.giver`

// FindRequest loads one request with both people's names.
func FindRequest(app core.App, id string) (Request, error) {
	var out Request
	err := app.DB().NewQuery(requestSelect + " WHERE r.id = {:id}").Bind(dbx.Params{"id": id}).One(&out)
	if err != nil {
		return Request{}, ErrRequestNotFound
	}
	return out, nil
}

// Pending lists the pending requests a user is asked to pay (incoming) and has filed (outgoing).
func Pending(app core.App, userID string) (incoming, outgoing []Request, err error) {
	err = app.DB().NewQuery(requestSelect + " WHERE r.giver = {:id} AND r.status = 'pending' ORDER BY r.created").
		Bind(dbx.Params{"id": userID}).All(&incoming)
	if err != nil {
		return nil, nil, err
	}
	err = app.DB().NewQuery(requestSelect + " WHERE r.requester = {:id} AND r.status = 'pending' ORDER BY r.created").
		Bind(dbx.Params{"id": userID}).All(&outgoing)
	return incoming, outgoing, err
}

// TeamPending lists the pending requests of a team (for managers' approvals overview);
// teamID "" lists every team's (admins).
func TeamPending(app core.App, teamID string) ([]Request, error) {
	var out []Request
	q := requestSelect + " WHERE r.status = 'pending'"
	if teamID != "" {
		q += " AND r.team = {:team}"
	}
	err := app.DB().NewQuery(q + " ORDER BY r.created").Bind(dbx.Params{"team": teamID}).All(&out)
	return out, err
}

// CancelOpen cancels every pending request userID filed or was asked for, because a request
// is between teammates: team.MoveMember calls it when someone changes or leaves their team.
// It returns how many requests it cancelled.
func CancelOpen(app core.App, userID string) (int, error) {
	var open []Request
	if err := app.DB().NewQuery(requestSelect + " WHERE r.status = 'pending' AND (r.requester = {:id} OR r.giver = {:id})").
		Bind(dbx.Params{"id": userID}).All(&open); err != nil {
		return 0, err
	}
	if len(open) == 0 {
		return 0, nil
	}
	now := time.Now().UTC().Format(types.DefaultDateLayout)
	_, err := app.DB().NewQuery(`UPDATE money_requests SET status = 'cancelled', decided_at = {:now}, updated = {:now}
		WHERE status = 'pending' AND (requester = {:id} OR giver = {:id})`).
		Bind(dbx.Params{"id": userID, "now": now}).Execute()
	if err != nil {
		return 0, err
	}
	people := []string{userID}
	for _, r := range open {
		people = append(people, r.Requester, r.Giver)
	}
	realtime.Notify(app, realtime.RequestsChanged, people...)
	return len(open), nil
}
