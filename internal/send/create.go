package send

import (
	"cmp"
	"database/sql"
	"errors"
	"strings"
	"time"

	"github.com/pocketbase/dbx"
	validation "github.com/pocketbase/ozzo-validation/v4"
	"github.com/pocketbase/ozzo-validation/v4/is"
	"github.com/pocketbase/pocketbase/core"

	"teamfund/internal/access"
	"teamfund/internal/member"
	"teamfund/internal/stmt"
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

// Create sends a touch for actor. It checks, in this order, that the touch is active and
// within its dates, assigned to the sender's team, has inventory left, costs no more than
// the team's maximum per send, and that the balance covers it. Above the team's approval
// threshold the send is pending with the money held; otherwise it is sent.
//
// The checks read on the concurrent read pool, before the transaction: SQLite has one
// writer, and every microsecond a send holds it is a microsecond all other sends wait.
// The transaction then holds only guarded writes, which are the real protection:
//   - one guard statement on the touch re-checks, at write time, everything the checks
//     read that a concurrent change could break (touch status, cost and assignment, the
//     sender still active in that team, the team's maximum per send and approval
//     threshold) and, for a touch with limited inventory, takes the item (never below
//     zero; the last item pauses the touch);
//   - the ledger's guarded debit never lets the balance go below zero.
//
// If the guard finds that something changed since the checks, nothing is written and the
// checks run again on fresh data (so the refusal names the rule that now fails, typically
// "out of inventory"). Any refusal writes nothing. When app is a caller's transaction the
// checks read inside it, so a refusal also leaves that transaction clean.
func Create(app core.App, actor *member.Member, in Input) (*Send, error) {
	if err := in.normalize(); err != nil {
		return nil, err
	}
	for attempt := 1; ; attempt++ {
		p, err := check(app, actor.Id, in, time.Now())
		if err != nil {
			return nil, err
		}
		s, err := p.commit(app)
		if errors.Is(err, errChanged) {
			if attempt < maxAttempts {
				continue
			}
			return nil, ErrChanged
		}
		return s, err
	}
}

// maxAttempts bounds how often Create re-checks after its guard saw a concurrent change.
const maxAttempts = 3

// errChanged: the guard statement found that what the checks read has changed.
var errChanged = errors.New("send: touch, sender or team changed since the checks")

// plan is a send that passed every check, ready to be written.
type plan struct {
	sender *member.Member
	touch  *touch.Touch
	team   *team.Team
	in     Input
	status Status
}

// Sendable is why actor cannot send touchID now (nil when they can), by the same rules
// as Create, so the send form can show a touch as unavailable instead of a form that would
// be refused.
func Sendable(app core.App, actor *member.Member, touchID string) error {
	_, err := check(app, actor.Id, Input{TouchID: touchID}, time.Now())
	return err
}

// check reads the sender, the touch and the team and applies every rule that needs no write.
func check(app core.App, actorID string, in Input, now time.Time) (*plan, error) {
	sender, t, tm, err := load(app, actorID, in.TouchID)
	if err != nil {
		return nil, err
	}
	if sender.Active() && sender.TeamID() == "" {
		return nil, ErrNoTeam
	}
	if err := access.Check(sender, access.SendTouch, sender.TeamID()); err != nil {
		return nil, err
	}
	if t == nil || tm == nil {
		return nil, sql.ErrNoRows // no such touch, or the sender's team is gone
	}
	if err := checkSendable(t, tm, now); err != nil {
		return nil, err
	}
	// Refuse early when the balance is short; the ledger's guarded debit decides for real.
	if sender.Balance() < t.Cost() {
		return nil, ErrInsufficientBalance
	}
	status := StatusSent
	if th := tm.ApprovalThreshold(); th > 0 && t.Cost() > th {
		status = StatusPending
	}
	return &plan{sender: sender, touch: t, team: tm, in: in, status: status}, nil
}

// loadSQL reads what the checks and the writes use of the sender, the touch and the
// sender's team in one statement (three record lookups cost three times as much, the
// users row being wide). A missing touch or team comes back as NULLs.
const loadSQL = `SELECT u.id AS u_id, u.email AS u_email, u.name AS u_name, u.role AS u_role, u.team AS u_team, u.status AS u_status,
	u.balance AS u_balance, u.may_export AS u_may_export, u.record_visibility AS u_visibility,
	t.id AS t_id, t.name AS t_name, t.cost AS t_cost, t.status AS t_status, t.track_inventory AS t_track_inventory,
	t.inventory AS t_inventory, t.starts_at AS t_starts_at, t.ends_at AS t_ends_at, t.teams AS t_teams,
	tm.id AS tm_id, tm.name AS tm_name, tm.max_per_send AS tm_max_per_send, tm.approval_threshold AS tm_approval_threshold
	FROM users u LEFT JOIN touches t ON t.id = ?2 LEFT JOIN teams tm ON tm.id = u.team AND u.team != ''
	WHERE u.id = ?1`

// load returns the sender (sql.ErrNoRows if unknown), the touch and the team (nil when
// missing) as records holding the columns of loadSQL (a statement prepared once).
func load(app core.App, senderID, touchID string) (*member.Member, *touch.Touch, *team.Team, error) {
	row, err := readRow(app, loadSQL, senderID, touchID)
	if err != nil {
		return nil, nil, nil, err
	}
	u, err := partial(app, member.Collection, "u_", row)
	if err != nil || u == nil {
		return nil, nil, nil, cmp.Or(err, sql.ErrNoRows)
	}
	t, err := partial(app, touch.Collection, "t_", row)
	if err != nil {
		return nil, nil, nil, err
	}
	tm, err := partial(app, team.Collection, "tm_", row)
	if err != nil {
		return nil, nil, nil, err
	}
	var tt *touch.Touch
	if t != nil {
		tt = touch.Wrap(t)
	}
	var tmm *team.Team
	if tm != nil {
		tmm = team.Wrap(tm)
	}
	return member.Wrap(u), tt, tmm, nil
}

// readRow reads the first row of query as column → value (sql.ErrNoRows when none).
func readRow(app core.App, query string, args ...any) (map[string]sql.NullString, error) {
	rows, err := stmt.Read(app, query, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	cols, err := rows.Columns()
	if err != nil {
		return nil, err
	}
	if !rows.Next() {
		return nil, cmp.Or(rows.Err(), sql.ErrNoRows)
	}
	vals := make([]sql.NullString, len(cols))
	ptrs := make([]any, len(cols))
	for i := range vals {
		ptrs[i] = &vals[i]
	}
	if err := rows.Scan(ptrs...); err != nil {
		return nil, err
	}
	row := make(map[string]sql.NullString, len(cols))
	for i, c := range cols {
		row[c] = vals[i]
	}
	return row, rows.Close()
}

// partial builds a record of collection from the row's columns with prefix (nil when the
// row has no such record), through the fields' own value normalisation.
func partial(app core.App, collection, prefix string, row map[string]sql.NullString) (*core.Record, error) {
	if id := row[prefix+"id"]; !id.Valid || id.String == "" {
		return nil, nil
	}
	col, err := app.FindCachedCollectionByNameOrId(collection)
	if err != nil {
		return nil, err
	}
	r := core.NewRecord(col)
	for k, v := range row {
		if name, ok := strings.CutPrefix(k, prefix); ok && v.Valid {
			r.Set(name, v.String)
		}
	}
	r.Id = row[prefix+"id"].String
	return r, nil
}

// guardWhere holds, at write time, every condition the checks saw that a concurrent
// change could break. Dates are not repeated: they depend on the clock, not on data (a
// date edit racing a send counts as made after it). Parameters: ?1 touch, ?2 active,
// ?3 cost, ?4 tracks inventory, ?5 team, ?6 sender, ?7 member active, ?8 max per send,
// ?9 approval threshold.
const guardWhere = ` WHERE id = ?1 AND status = ?2 AND cost = ?3 AND track_inventory = ?4
	AND EXISTS (SELECT 1 FROM json_each(CASE WHEN json_valid(touches.teams) THEN touches.teams ELSE '[]' END) WHERE value = ?5)
	AND EXISTS (SELECT 1 FROM users WHERE id = ?6 AND team = ?5 AND status = ?7)
	AND EXISTS (SELECT 1 FROM teams WHERE id = ?5 AND max_per_send = ?8 AND approval_threshold = ?9)`

// The guard statements; ?10 is the paused status.
const (
	guardTake  = `UPDATE touches SET inventory = inventory - 1, status = CASE WHEN inventory <= 1 THEN ?10 ELSE status END` + guardWhere + ` AND inventory > 0`
	guardCheck = `SELECT COUNT(*) FROM touches` + guardWhere
)

// guard runs the guard statement: for a touch with limited inventory it is the guarded
// decrement itself (never below zero; taking the last item pauses the touch), otherwise a
// read of the same conditions. It returns errChanged when they no longer hold. Both run
// as statements prepared once: parsing them took longer than running them.
func (p *plan) guard(tx core.App) error {
	t := p.touch
	args := []any{t.Id, string(touch.StatusActive), int64(t.Cost()), t.TracksInventory(), p.team.Id, p.sender.Id,
		member.StatusActive, int64(p.team.MaxPerSend()), int64(p.team.ApprovalThreshold())}
	if t.TracksInventory() {
		res, err := stmt.Exec(tx, guardTake, append(args, string(touch.StatusPausedNoInventory))...)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return errChanged
		}
		return nil
	}
	var n int
	if err := stmt.QueryRow(tx, guardCheck, args, &n); err != nil {
		return err
	}
	if n == 0 {
		return errChanged
	}
	return nil
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

// insert writes the send row. Its values are already validated (normalize checked the
// recipient; the touch, sender and team exist and were just guarded; the status is one of
// ours), so it skips the record validation and the relation lookups it would run.
func (p *plan) insert(tx core.App, id string) (*Send, error) {
	col, err := tx.FindCachedCollectionByNameOrId(Collection)
	if err != nil {
		return nil, err
	}
	r := core.NewRecord(col)
	r.Id = id
	r.Set("touch", p.touch.Id)
	r.Set("touch_name", p.touch.Name())
	r.Set("sender", p.sender.Id)
	r.Set("sender_email", p.sender.Email())
	r.Set("team", p.team.Id)
	r.Set("recipient_name", p.in.RecipientName)
	r.Set("recipient_email", p.in.RecipientEmail)
	r.Set("cost", int64(p.touch.Cost()))
	r.Set("status", string(p.status))
	if err := tx.SaveNoValidate(r); err != nil {
		return nil, err
	}
	return Wrap(r), nil
}
