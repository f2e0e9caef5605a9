package invite

import (
	"errors"
	"fmt"

	"teamfund/internal/access"
	"teamfund/internal/member"
)

// Errors a user can act on. The web layer maps each to a status (internal/web/errors.go);
// CSV previews show their text as the reason of a refused row.
var (
	ErrMalformedEmail    = member.ErrMalformedEmail // or one of the reasons that wrap it (member.ParseEmail)
	ErrNameTooLong       = errors.New("name is longer than 100 characters")
	ErrInvalidRole       = errors.New("invalid role (use member, manager or admin)")
	ErrOwnerRole         = errors.New("nobody can be invited as owner; ownership moves only by transfer")
	ErrUnknownTeam       = errors.New("unknown team")
	ErrNoTeam            = errors.New("create a team first: an invite key signs people up into a team")
	ErrNotAllowed        = fmt.Errorf("%w: managers invite only members into their own team", access.ErrForbidden)
	ErrDuplicateInFile   = errors.New("duplicate in file")
	ErrAlreadyUser       = errors.New("already a user")
	ErrDeactivatedUser   = errors.New("this person's account is deactivated — reactivate instead")
	ErrAlreadyInvited    = errors.New("already invited — resend?")
	ErrDomainMismatch    = errors.New("domain mismatch: the domain rule admits only the inviter's email domain")
	ErrSeatLimit         = errors.New("over the seat limit")
	ErrNotPending        = errors.New("only pending invites can be resent, revoked or edited")
	ErrInvalidLink       = errors.New("this link is invalid or has expired")
	ErrOtherAccount      = errors.New("this invite is for another email address; sign out first")
	ErrHasInvite         = errors.New("this email already has a pending invite; use the link in that email")
	ErrNoInvite          = errors.New("no pending invite for this email")
	ErrEmptyFile         = errors.New("the file has no rows")
	ErrNoFile            = errors.New("choose a CSV file to upload")
	ErrFileTooLarge      = errors.New("the file is too large")
	ErrBadCSV            = errors.New("the file is not valid CSV")
	ErrBadHeader         = errors.New("the first line must name the columns: email is required; name, role and team are optional, in any order")
	ErrBulkRefused       = errors.New("nothing was changed: some selected invites were refused")
	ErrNothingSelected   = errors.New("select at least one invite")
	ErrTooManyRecipients = fmt.Errorf("mail an invite key to at most %d addresses at once (import a CSV for more)", MaxKeyRecipients)
)

// FieldError names the input field an error is about, for forms and JSON clients.
type FieldError struct {
	Field string
	Err   error
}

func (e *FieldError) Error() string { return e.Err.Error() }

// Unwrap lets errors.Is see the domain error.
func (e *FieldError) Unwrap() error { return e.Err }

// fieldOf returns the form field an invite error is about.
func fieldOf(err error) string {
	switch {
	case errors.Is(err, ErrNameTooLong):
		return "name"
	case errors.Is(err, ErrInvalidRole), errors.Is(err, ErrOwnerRole):
		return "role"
	case errors.Is(err, ErrUnknownTeam), errors.Is(err, ErrNotAllowed):
		return "team"
	}
	return "email"
}
