package useradmin

import (
	"fmt"
	"html"
	"strings"

	"github.com/pocketbase/pocketbase/core"

	"teamfund/internal/access"
	"teamfund/internal/audit"
	"teamfund/internal/member"
	"teamfund/internal/outbox"
)

// SendPasswordReset mails userID a link to choose a new password (admins). The message is
// stored in the outbox with the audit entry in one transaction, then delivered when SMTP
// is configured; without SMTP an admin can copy the link from the outbox. The link opens
// PocketBase's own password-reset confirmation page, whose token is single use and expires
// after the users collection's password-reset token duration.
func SendPasswordReset(app core.App, actor *member.Member, userID string) error {
	var id string
	err := app.RunInTransaction(func(tx core.App) error {
		target, err := findUser(tx, userID)
		if err != nil {
			return err
		}
		if err := access.Check(actor, access.ResetPassword, target.TeamID()); err != nil {
			return err
		}
		if !target.Active() {
			return ErrInactive
		}
		token, err := target.NewPasswordResetToken()
		if err != nil {
			return err
		}
		link := strings.TrimRight(tx.Settings().Meta.AppURL, "/") + "/_/#/auth/confirm-password-reset/" + token
		if id, err = outbox.Store(tx, outbox.Message{To: target.Email(), Subject: "Choose a new Teamfund password",
			Kind: "password_reset",
			Text: fmt.Sprintf("Hello %s,\n\nan administrator asked Teamfund to send you a link to choose a new password:\n\n%s\n\nIf you did not expect this, ignore this message.\n", target.Name(), link),
			HTML: fmt.Sprintf("<p>Hello %s,</p><p>an administrator asked Teamfund to send you a link to choose a new password:</p><p><a href=\"%s\">Choose a new password</a></p><p>If you did not expect this, ignore this message.</p>",
				html.EscapeString(target.Name()), html.EscapeString(link)),
		}); err != nil {
			return err
		}
		return audit.Record(tx, actor, audit.Entry{Action: "user.password_reset", TargetType: "user", TargetID: userID,
			TargetLabel: target.Email(), After: map[string]any{"outbox": id}})
	})
	if err != nil {
		return err
	}
	outbox.Deliver(app, id)
	return nil
}
