package useradmin

import (
	"errors"
	"fmt"
	"html"
	"strings"

	"github.com/pocketbase/pocketbase/core"

	"teamfund/internal/access"
	"teamfund/internal/audit"
	"teamfund/internal/company"
	"teamfund/internal/member"
	"teamfund/internal/outbox"
)

// ErrResetLinkInvalid is the one answer for a password-reset link that is unknown, used,
// expired or for a deactivated account, so the link reveals nothing.
var ErrResetLinkInvalid = errors.New("this password link is invalid or has expired")

// Password lengths: PocketBase's minimum for the users collection, and bcrypt's 72 bytes.
const (
	MinPasswordLength = 8
	MaxPasswordLength = 71
)

// ResetPath is the page where the holder of token chooses a new password.
func ResetPath(token string) string { return "/password-reset/" + token }

// SendPasswordReset mails userID a link to choose a new password (the owner for anyone,
// admins for managers and members: see access.MayActOnAccount). The message is
// stored in the outbox with the audit entry in one transaction, then delivered when SMTP
// is configured; without SMTP an admin can copy the link from the outbox. The link's token
// is single use (choosing a password changes the account's token key) and expires after
// the users collection's password-reset token duration.
func SendPasswordReset(app core.App, actor *member.Member, userID string) error {
	var id string
	err := app.RunInTransaction(func(tx core.App) error {
		target, err := findUser(tx, userID)
		if err != nil {
			return err
		}
		if err := checkAccount(actor, target, access.ResetPassword); err != nil {
			return err
		}
		if !target.Active() {
			return ErrInactive
		}
		if id, err = storeResetMail(tx, target, "an administrator asked Teamfund to send you a link to choose a new password"); err != nil {
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

// RequestPasswordReset mails the active user with email a link to choose a new password
// ("Forgot your password?"). An unknown email or a deactivated account gets no mail and no
// error, so the answer does not tell who has an account.
func RequestPasswordReset(app core.App, email string) error {
	u, err := member.FindByEmail(app, email)
	if err != nil || !u.Active() {
		return nil
	}
	var id string
	err = app.RunInTransaction(func(tx core.App) error {
		if id, err = storeResetMail(tx, u, "someone (hopefully you) asked Teamfund for a link to choose a new password"); err != nil {
			return err
		}
		return audit.Record(tx, u, audit.Entry{Action: "user.password_reset_requested", TargetType: "user", TargetID: u.Id,
			TargetLabel: u.Email(), After: map[string]any{"outbox": id}})
	})
	if err != nil {
		return err
	}
	outbox.Deliver(app, id)
	return nil
}

// storeResetMail puts a password-reset message for target in the outbox and returns its id.
func storeResetMail(tx core.App, target *member.Member, why string) (string, error) {
	token, err := target.NewPasswordResetToken()
	if err != nil {
		return "", err
	}
	link := strings.TrimRight(tx.Settings().Meta.AppURL, "/") + ResetPath(token)
	companyName := "Teamfund"
	if c, err := company.Load(tx); err == nil {
		companyName = c.Name()
	}
	return outbox.Store(tx, outbox.Message{To: target.Email(), Subject: "Choose a new Teamfund password for " + companyName, Kind: "password_reset",
		Text: fmt.Sprintf("Hello %s,\n\n%s at %s:\n\n%s\n\nThe link works once. If you did not expect this, ignore this message: your password stays as it is.\n\n— %s\n",
			target.Name(), why, companyName, link, companyName),
		HTML: fmt.Sprintf("<p>Hello %s,</p><p>%s at <strong>%s</strong>:</p><p><a href=\"%s\">Choose a new password</a></p><p>Or open this link: %s</p><p>The link works once. If you did not expect this, ignore this message: your password stays as it is.</p><p>— %s</p>",
			html.EscapeString(target.Name()), html.EscapeString(why), html.EscapeString(companyName), html.EscapeString(link), html.EscapeString(link), html.EscapeString(companyName)),
	})
}

// ResetLinkHolder returns the active user a password-reset token belongs to, or
// ErrResetLinkInvalid.
func ResetLinkHolder(app core.App, token string) (*member.Member, error) {
	r, err := app.FindAuthRecordByToken(token, core.TokenTypePasswordReset)
	if err != nil || r.Collection().Name != member.Collection {
		return nil, ErrResetLinkInvalid
	}
	u := member.Wrap(r)
	if !u.Active() {
		return nil, ErrResetLinkInvalid
	}
	return u, nil
}

// ResetPassword sets the password of the token's holder. Saving a new password changes the
// account's token key: the link stops working and every existing session of the account
// ends. Errors: ErrResetLinkInvalid, or validation errors naming password / password_confirm.
func ResetPassword(app core.App, token, password, confirm string) (*member.Member, error) {
	u, err := ResetLinkHolder(app, token)
	if err != nil {
		return nil, err
	}
	if err := passwordErrors(password, confirm).Filter(); err != nil {
		return nil, err
	}
	err = app.RunInTransaction(func(tx core.App) error {
		u.SetPassword(password)
		u.SetVerified(true) // the link reached the mailbox
		if err := tx.Save(u); err != nil {
			return err
		}
		return audit.Record(tx, u, audit.Entry{Action: "user.password_changed", TargetType: "user", TargetID: u.Id, TargetLabel: u.Email()})
	})
	if err != nil {
		return nil, err
	}
	return u, nil
}
