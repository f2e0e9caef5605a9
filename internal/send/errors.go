package send

import "errors"

// Refusals of a send, each with its own message, and of deciding one.
var (
	ErrNoTeam              = errors.New("you are not in a team, so you cannot send touches")
	ErrTouchNotActive      = errors.New("this touch is not active, so it cannot be sent")
	ErrTouchNotStarted     = errors.New("this touch has not started yet")
	ErrTouchEnded          = errors.New("this touch has ended")
	ErrNotAssigned         = errors.New("this touch is not assigned to your team")
	ErrOutOfInventory      = errors.New("this touch is out of inventory")
	ErrOverMaxPerSend      = errors.New("this touch costs more than your team's maximum per send")
	ErrInsufficientBalance = errors.New("your balance is too low for this touch")
	ErrChanged             = errors.New("the touch, your team or your account changed while sending; please try again")
	ErrNotPending          = errors.New("this send is no longer pending")
	ErrOwnSend             = errors.New("nobody may approve or reject their own send")
	ErrNotSender           = errors.New("only the sender can cancel a send")
)

// refusals are the rules that refuse a new send (as opposed to failures).
var refusals = []error{ErrNoTeam, ErrTouchNotActive, ErrTouchNotStarted, ErrTouchEnded, ErrNotAssigned,
	ErrOutOfInventory, ErrOverMaxPerSend, ErrInsufficientBalance, ErrChanged}

// IsRefusal reports whether err from Create is a rule refusing the send, for callers that
// try many sends and skip the refused ones (the demo data).
func IsRefusal(err error) bool {
	for _, r := range refusals {
		if errors.Is(err, r) {
			return true
		}
	}
	return false
}
