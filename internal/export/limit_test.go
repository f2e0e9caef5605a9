package export_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"teamfund/internal/export"
)

func TestLimiterQueuesExportsBeyondItsSlots(t *testing.T) {
	l := export.NewLimiter(2)
	ctx := context.Background()
	release1, err := l.Acquire(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := l.Acquire(ctx); err != nil {
		t.Fatal(err)
	}
	short, cancel := context.WithTimeout(ctx, 20*time.Millisecond)
	defer cancel()
	if _, err := l.Acquire(short); !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("third export while two run: got %v, want it to wait until the caller gives up", err)
	}
	got := make(chan error, 1)
	go func() {
		_, err := l.Acquire(ctx)
		got <- err
	}()
	release1()
	select {
	case err := <-got:
		if err != nil {
			t.Fatalf("waiting export after a release: %v", err)
		}
	case <-time.After(2 * time.Second):
		t.Fatal("a released slot did not let the waiting export start")
	}
}
