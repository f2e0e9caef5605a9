package transfer

import "errors"

// Errors a user can act on; internal/web/errors.go maps them to statuses.
var (
	ErrNotTeammate     = errors.New("you can only move money to or ask money from someone in your own team")
	ErrSelf            = errors.New("you cannot move money to or ask money from yourself")
	ErrInactive        = errors.New("that user is deactivated")
	ErrNotPending      = errors.New("this request is no longer pending")
	ErrNotGiver        = errors.New("only the person asked for the money can approve or decline this request")
	ErrNotRequester    = errors.New("only the person who asked can cancel this request")
	ErrReasonRequired  = errors.New("a reason is required")
	ErrRequestNotFound = errors.New("no such money request")
)
