package export

import (
	"context"
	"runtime"
)

// Limiter bounds how many exports run at once. Each export holds a database connection
// (whose page cache grows to 32 MB while it reads) and, for XLSX, up to 16 MB of sheet XML;
// on a 2-core server a few at a time is what the machine can serve anyway.
type Limiter struct{ slots chan struct{} }

// NewLimiter allows n exports at once (at least 1).
func NewLimiter(n int) *Limiter { return &Limiter{slots: make(chan struct{}, max(n, 1))} }

// Shared is the limiter of the web exports: one export per CPU.
var Shared = NewLimiter(runtime.NumCPU())

// Acquire waits for a free slot, or returns ctx's error when the caller gives up first
// (e.g. the browser closes the download). Call the returned release when done.
func (l *Limiter) Acquire(ctx context.Context) (release func(), err error) {
	select {
	case l.slots <- struct{}{}:
		return func() { <-l.slots }, nil
	case <-ctx.Done():
		return nil, ctx.Err()
	}
}
