package send_test

import (
	"database/sql"
	"fmt"
	"testing"

	"teamfund/internal/access"
	"teamfund/internal/send"
)

func TestIsRefusal(t *testing.T) {
	cases := []struct {
		err  error
		want bool
	}{
		{send.ErrOutOfInventory, true},
		{fmt.Errorf("wrapped: %w", send.ErrInsufficientBalance), true},
		{send.ErrOverMaxPerSend, true},
		{send.ErrNotPending, false}, // a decision error, not a refused send
		{access.ErrForbidden, false},
		{sql.ErrNoRows, false},
		{nil, false},
	}
	for _, c := range cases {
		if got := send.IsRefusal(c.err); got != c.want {
			t.Errorf("IsRefusal(%v) = %v, want %v", c.err, got, c.want)
		}
	}
}
