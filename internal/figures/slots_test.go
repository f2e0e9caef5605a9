package figures

import (
	"testing"

	"teamfund/internal/ledger"
)

// TestEveryKindHasItsSlot: byKind has one slot per ledger kind, and one for the others.
func TestEveryKindHasItsSlot(t *testing.T) {
	if len(ledger.Kinds) != otherKind {
		t.Fatalf("ledger has %d kinds, byKind %d slots for them", len(ledger.Kinds), otherKind)
	}
	for i, k := range ledger.Kinds {
		if kindSlot(string(k)) != i {
			t.Fatalf("kind %s in slot %d, want %d", k, kindSlot(string(k)), i)
		}
	}
	if kindSlot("unknown") != otherKind {
		t.Fatal("an unknown kind must go to the other kinds' slot")
	}
}
