package send

import (
	"errors"
	"fmt"
	"sync"

	"github.com/pocketbase/pocketbase/core"

	"teamfund/internal/audit"
	"teamfund/internal/ledger"
	"teamfund/internal/notify"
	"teamfund/internal/stmt"
	"teamfund/internal/webhook"
)

// Sends that arrive together are written in one transaction (group commit). SQLite has one
// writer, and a commit writes every page the transaction changed: a send changes about
// twenty (its row, the ledger entry, the audit entry and their indexes), and sends written
// together share many of those pages and pay for one BEGIN and COMMIT between them. Nobody
// waits for a batch to fill: whoever finds the writer idle writes what is queued at once.
//
// One send's refusal (the guard saw a change, the balance is short) rolls back only its
// own statements, to a savepoint, and writes nothing of it. A failure of anything else
// rolls back the whole batch; then each send is written alone, so it fails only the send
// that caused it.

// maxBatch bounds how many sends one transaction writes, i.e. how long other writers wait.
const maxBatch = 32

// observeBatch, set by tests only, sees the size of every batch.
var observeBatch func(size int)

// committer queues the sends of one app waiting to be written.
type committer struct {
	mu      sync.Mutex
	queue   []*job
	leading bool // a goroutine is writing a batch; the others wait
	writing int  // the size of that batch
}

// job is one checked send waiting to be written.
type job struct {
	plan    *plan
	send    *Send
	refused error         // a rule refused it at write time; nothing of it was written
	err     error         // writing failed; nothing of it was written
	done    chan struct{} // closed when the job is written or refused
	lead    chan struct{} // closed when the job's own goroutine must write the next batch
}

// commit writes p: at once inside a caller's transaction, otherwise in the next batch.
func (p *plan) commit(app core.App) (*Send, error) {
	if app.IsTransactional() {
		j := &job{plan: p}
		j.send, j.refused, j.err = p.writeAlone(app)
		return j.result()
	}
	c := app.Store().GetOrSet("teamfund.send.committer", func() any { return &committer{} }).(*committer)
	j := &job{plan: p, done: make(chan struct{}), lead: make(chan struct{})}
	c.mu.Lock()
	c.queue = append(c.queue, j)
	if c.leading {
		c.mu.Unlock()
		select {
		case <-j.done:
			return j.result()
		case <-j.lead: // the previous writer handed over; j is first in the queue
		}
	} else {
		c.leading = true
		c.mu.Unlock()
	}
	c.mu.Lock()
	n := min(len(c.queue), maxBatch)
	batch := c.queue[:n:n]
	c.queue = c.queue[n:]
	c.writing = n
	c.mu.Unlock()

	c.write(app, batch)
	<-j.done // j was first in the queue, so it was in the batch
	return j.result()
}

// write writes batch, then hands the writing over to the first send still queued, even
// when writing panics (a hook may): otherwise every later send would wait forever.
func (c *committer) write(app core.App, batch []*job) {
	defer func() {
		c.mu.Lock()
		c.writing = 0
		if len(c.queue) > 0 {
			close(c.queue[0].lead)
		} else {
			c.leading = false
		}
		c.mu.Unlock()
	}()
	writeBatch(app, batch)
}

func (j *job) result() (*Send, error) {
	if j.err != nil {
		return nil, j.err
	}
	return j.send, j.refused
}

// writeBatch writes the jobs in one transaction, or each alone when that fails, and
// marks them done.
func writeBatch(app core.App, batch []*job) {
	if observeBatch != nil {
		observeBatch(len(batch))
	}
	defer func() {
		p := recover()
		for _, j := range batch {
			if p != nil { // the transaction was rolled back: nothing of the batch is written
				j.send, j.refused, j.err = nil, nil, fmt.Errorf("send: writing failed: %v", p)
			}
			close(j.done)
		}
		if p != nil {
			panic(p)
		}
	}()
	err := app.RunInTransaction(func(tx core.App) error {
		for _, j := range batch {
			j.send, j.refused, j.err = j.plan.write(tx)
			if j.err != nil {
				return j.err
			}
		}
		return nil
	})
	if err == nil {
		return
	}
	for _, j := range batch {
		j.send, j.refused, j.err = nil, nil, err
	}
	if len(batch) == 1 {
		return
	}
	for _, j := range batch {
		j.send, j.refused, j.err = j.plan.writeAlone(app)
	}
}

// writeAlone writes p in its own transaction (or the caller's, when app is one).
func (p *plan) writeAlone(app core.App) (s *Send, refused error, err error) {
	err = app.RunInTransaction(func(tx core.App) error {
		s, refused, err = p.write(tx)
		return err
	})
	if err != nil {
		return nil, nil, err
	}
	return s, refused, nil
}

// write runs the guarded writes of a checked send inside tx: the touch guard (taking an
// item), the debit, the send row and the audit entry. The guard and the debit come first,
// before any record is saved: a refusal rolls them back to a savepoint and the transaction
// goes on without this send (a record saved and then rolled back to a savepoint would
// still be announced as created when the transaction commits).
func (p *plan) write(tx core.App) (s *Send, refused error, err error) {
	id := core.GenerateDefaultRandomId()
	savepoint := p.touch.TracksInventory() && p.touch.Cost() > 0 // else the guard writes nothing
	if savepoint {
		if _, err := stmt.Exec(tx, "SAVEPOINT send"); err != nil {
			return nil, nil, err
		}
	}
	refused, err = p.reserve(tx, id)
	if savepoint {
		if refused != nil {
			if _, err := stmt.Exec(tx, "ROLLBACK TO send"); err != nil {
				return nil, nil, err
			}
		}
		if _, err := stmt.Exec(tx, "RELEASE send"); err != nil {
			return nil, nil, err
		}
	}
	if err != nil || refused != nil {
		return nil, refused, err
	}
	s, err = p.insert(tx, id)
	if err != nil {
		return nil, nil, err
	}
	err = audit.Record(tx, p.sender, audit.Entry{Action: "send.create", TargetType: "send", TargetID: s.Id,
		TargetLabel: p.touch.Name() + " → " + s.RecipientEmail(),
		After:       map[string]any{"status": string(s.Status()), "cost": int64(s.Cost()), "touch": p.touch.Id}})
	if err != nil {
		return nil, nil, err
	}
	if err := webhook.Emit(tx, webhook.Event{Type: webhook.SendCreated, TeamID: s.TeamID(), Data: s.hookData()}); err != nil {
		return nil, nil, err
	}
	if s.Status() == StatusPending {
		err = notify.ApprovalWaiting(tx, notify.Approval{TeamID: p.team.Id, RequesterID: p.sender.Id,
			What: p.sender.Name() + "'s send", Amount: p.touch.Cost(), Detail: p.touch.Name() + " → " + s.RecipientEmail(),
			Path: "/approvals/sends"})
		if err != nil {
			return nil, nil, err
		}
	}
	return s, nil, nil
}

// reserve runs the guard and the debit of the send with id; a refusal is returned as
// refused, having written nothing but what the savepoint undoes.
func (p *plan) reserve(tx core.App, id string) (refused error, err error) {
	if err := p.guard(tx); err != nil {
		if errors.Is(err, errChanged) {
			return err, nil
		}
		return nil, err
	}
	if p.touch.Cost() == 0 {
		return nil, nil
	}
	_, err = ledger.Post(tx, ledger.Entry{Account: p.sender.Id, Amount: -p.touch.Cost(), Kind: ledger.KindSpend,
		Reason: "Sent " + p.touch.Name() + " to " + p.in.RecipientEmail, Actor: p.sender, Ref: Ref(id)})
	if errors.Is(err, ledger.ErrInsufficientFunds) {
		return ErrInsufficientBalance, nil
	}
	return nil, err
}
