// Package inflight counts the work running against a data folder — requests and
// background jobs — so that a shutdown or the company's close can wait for it to finish
// while keeping new work out. Without it a request that started before a close (an export
// writing its audit row at the end, say) could write after the wipe.
package inflight

import (
	"errors"
	"sync"
	"time"

	"github.com/pocketbase/pocketbase/core"
)

// ErrBusy is returned by Exclusive when the running work did not finish in time; nothing
// was done and new work is let in again.
var ErrBusy = errors.New("other requests are still running (a large export?); try again in a minute")

// Gate lets work in, counts it, and can close the door.
type Gate struct {
	mu      sync.Mutex
	running int
	refusal string        // non-empty while new work is refused: why
	left    chan struct{} // closed (and replaced) whenever work leaves
}

const storeKey = "teamfund.inflight"

// For is the gate of app's data folder (one per app: tests run many apps in one process).
func For(app core.App) *Gate {
	return app.Store().GetOrSet(storeKey, func() any { return &Gate{left: make(chan struct{})} }).(*Gate)
}

// Enter counts one unit of work in. When the door is closed it returns ok false and the
// reason to give; otherwise the caller must call leave when done.
func (g *Gate) Enter() (leave func(), ok bool, refusal string) {
	g.mu.Lock()
	defer g.mu.Unlock()
	if g.refusal != "" {
		return nil, false, g.refusal
	}
	g.running++
	var once sync.Once
	return func() { once.Do(g.leave) }, true, ""
}

func (g *Gate) leave() {
	g.mu.Lock()
	defer g.mu.Unlock()
	g.running--
	close(g.left)
	g.left = make(chan struct{})
}

// Exclusive closes the door (new work is refused with refusal), waits until at most self
// units run — the caller's own request, when it is one — and runs fn alone; then it opens
// the door again. If the others do not finish within timeout it returns ErrBusy without
// running fn.
func (g *Gate) Exclusive(self int, timeout time.Duration, refusal string, fn func() error) error {
	if !g.closeAndWait(self, timeout, refusal) {
		g.open()
		return ErrBusy
	}
	defer g.open()
	return fn()
}

// Shut closes the door for good (a shutdown) and waits up to timeout for the running work.
func (g *Gate) Shut(refusal string, timeout time.Duration) {
	g.closeAndWait(0, timeout, refusal)
}

func (g *Gate) closeAndWait(self int, timeout time.Duration, refusal string) bool {
	deadline := time.NewTimer(timeout)
	defer deadline.Stop()
	g.mu.Lock()
	g.refusal = refusal
	for g.running > self {
		left := g.left
		g.mu.Unlock()
		select {
		case <-left:
		case <-deadline.C:
			return false
		}
		g.mu.Lock()
	}
	g.mu.Unlock()
	return true
}

func (g *Gate) open() {
	g.mu.Lock()
	defer g.mu.Unlock()
	g.refusal = ""
}
