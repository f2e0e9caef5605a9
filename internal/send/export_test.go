package send

import (
	"errors"
	"time"

	"github.com/pocketbase/pocketbase/core"

	"teamfund/internal/member"
)

// CreateRacing is one attempt of Create with between run after the checks and before the
// write, as a concurrent change would; it does not re-check, so a guard that sees the
// change returns ErrChanged.
func CreateRacing(app core.App, actor *member.Member, in Input, between func()) (*Send, error) {
	if err := in.normalize(); err != nil {
		return nil, err
	}
	p, err := check(app, actor.Id, in, time.Now())
	if err != nil {
		return nil, err
	}
	between()
	s, err := p.commit(app)
	if errors.Is(err, errChanged) {
		return nil, ErrChanged
	}
	return s, err
}

// ObserveBatches calls f with the size of every batch written until the test ends.
func ObserveBatches(t interface{ Cleanup(func()) }, f func(size int)) {
	observeBatch = f
	t.Cleanup(func() { observeBatch = nil })
}

// Queued is how many sends of app wait for the writer or are being written.
func Queued(app core.App) int {
	c, _ := app.Store().Get("teamfund.send.committer").(*committer)
	if c == nil {
		return 0
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	return len(c.queue) + c.writing
}
