package inflight

import (
	"errors"
	"testing"
	"time"
)

func TestExclusiveWaitsForRunningWorkAndRefusesNewWork(t *testing.T) {
	g := &Gate{left: make(chan struct{})}
	leave, ok, _ := g.Enter()
	if !ok {
		t.Fatal("an open gate refused work")
	}
	ran := make(chan time.Time, 1)
	done := make(chan error, 1)
	go func() {
		done <- g.Exclusive(0, 5*time.Second, "closing", func() error { ran <- time.Now(); return nil })
	}()
	// While the running work holds on, new work is refused with the reason and fn waits.
	deadline := time.Now().Add(2 * time.Second)
	for {
		l, ok, why := g.Enter()
		if !ok {
			if why != "closing" {
				t.Fatalf("refusal = %q, want closing", why)
			}
			break
		}
		l() // the exclusive run has not closed the gate yet
		if time.Now().After(deadline) {
			t.Fatal("the gate never closed for the exclusive run")
		}
		time.Sleep(time.Millisecond)
	}
	select {
	case <-ran:
		t.Fatal("the exclusive run started while other work was running")
	case <-time.After(100 * time.Millisecond):
	}
	left := time.Now()
	leave()
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	if at := <-ran; at.Before(left) {
		t.Error("the exclusive run started before the running work left")
	}
	if _, ok, _ := g.Enter(); !ok {
		t.Error("the gate stayed shut after the exclusive run")
	}
}

func TestExclusiveGivesUpWhenWorkDoesNotFinish(t *testing.T) {
	g := &Gate{left: make(chan struct{})}
	leave, _, _ := g.Enter()
	defer leave()
	called := false
	err := g.Exclusive(0, 50*time.Millisecond, "closing", func() error { called = true; return nil })
	if !errors.Is(err, ErrBusy) || called {
		t.Fatalf("got %v (called %v), want ErrBusy and nothing run", err, called)
	}
	if _, ok, _ := g.Enter(); !ok {
		t.Error("the gate stayed shut after giving up")
	}
}

func TestExclusiveCountsTheCallersOwnRequest(t *testing.T) {
	g := &Gate{left: make(chan struct{})}
	leave, _, _ := g.Enter() // the close request itself
	defer leave()
	if err := g.Exclusive(1, time.Second, "closing", func() error { return nil }); err != nil {
		t.Fatalf("the caller's own request made the exclusive run wait: %v", err)
	}
}
