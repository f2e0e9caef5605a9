package useradmin

import (
	"errors"
	"fmt"
	"io"
	"net/http"
	"strings"

	validation "github.com/pocketbase/ozzo-validation/v4"
	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tools/filesystem"

	"teamfund/internal/audit"
	"teamfund/internal/member"
)

// MaxPhotoSize is the largest photo a user may upload (onboarding allows the same).
const MaxPhotoSize = 5 << 20

// photoTypes are the image formats a photo may have. SVG is left out: it can carry script.
var photoTypes = map[string]bool{"image/png": true, "image/jpeg": true, "image/gif": true, "image/webp": true}

// Profile is what a user may change about themselves on the profile page.
type Profile struct {
	Name        string
	Phone       string
	Photo       *filesystem.File // a new photo, nil to keep the current one
	RemovePhoto bool
}

// UpdateProfile saves u's own name, phone and photo. Errors are validation errors naming
// name, phone or photo; nothing is written when one is refused.
func UpdateProfile(app core.App, u *member.Member, in Profile) error {
	in.Name = strings.TrimSpace(in.Name)
	in.Phone = strings.TrimSpace(in.Phone)
	errs := validation.Errors{
		"name":  validation.Validate(in.Name, validation.Required.Error("type your name"), validation.RuneLength(1, 100)),
		"phone": validation.Validate(in.Phone, member.PhoneRules()...),
	}
	if in.Photo != nil {
		errs["photo"] = checkPhoto(in.Photo)
	}
	if err := errs.Filter(); err != nil {
		return err
	}
	return app.RunInTransaction(func(tx core.App) error {
		fresh, err := member.Find(tx, u.Id)
		if err != nil {
			return err
		}
		before := map[string]any{"name": fresh.GetString("name"), "phone": fresh.Phone(), "photo": fresh.Photo() != ""}
		fresh.Set("name", in.Name)
		fresh.Set("phone", in.Phone)
		switch {
		case in.Photo != nil:
			fresh.Set("avatar", in.Photo)
		case in.RemovePhoto:
			fresh.Set("avatar", "")
		}
		if err := tx.Save(fresh); err != nil {
			return err
		}
		after := map[string]any{"name": in.Name, "phone": in.Phone, "photo": fresh.Photo() != ""}
		return audit.Record(tx, fresh, audit.Entry{Action: "user.profile", TargetType: "user", TargetID: fresh.Id,
			TargetLabel: fresh.Email(), Before: before, After: after})
	})
}

// checkPhoto refuses files that are too large or are not a PNG, JPEG, GIF or WebP image,
// judged by their content rather than their name.
func checkPhoto(f *filesystem.File) error {
	if f.Size > MaxPhotoSize {
		return errors.New("must be at most 5 MB")
	}
	r, err := f.Reader.Open()
	if err != nil {
		return errors.New("could not be read")
	}
	defer r.Close()
	head := make([]byte, 512)
	n, _ := io.ReadFull(r, head)
	if !photoTypes[http.DetectContentType(head[:n])] {
		return errors.New("must be a PNG, JPEG, GIF or WebP image")
	}
	return nil
}

// ErrWrongPassword is the answer when the current password typed on the profile page is wrong.
var ErrWrongPassword = errors.New("is not your current password")

// ChangePassword sets u's new password after checking the current one. Saving a new
// password changes the account's token key, so every session of u ends, the caller's too:
// the web page signs the browser that made the change in again. Errors are validation
// errors naming current_password, password or password_confirm.
func ChangePassword(app core.App, u *member.Member, current, password, confirm string) (*member.Member, error) {
	errs := passwordErrors(password, confirm)
	if !u.ValidatePassword(current) {
		errs["current_password"] = ErrWrongPassword
	} else if password == current {
		errs["password"] = errors.New("choose a password that differs from the current one")
	}
	if err := errs.Filter(); err != nil {
		return nil, err
	}
	var out *member.Member
	err := app.RunInTransaction(func(tx core.App) error {
		fresh, err := member.Find(tx, u.Id)
		if err != nil {
			return err
		}
		fresh.SetPassword(password)
		if err := tx.Save(fresh); err != nil {
			return err
		}
		out = fresh
		return audit.Record(tx, fresh, audit.Entry{Action: "user.password_changed", TargetType: "user", TargetID: fresh.Id, TargetLabel: fresh.Email()})
	})
	return out, err
}

// passwordErrors checks a new password and its confirmation; the reset link and the
// profile page use the same rule.
func passwordErrors(password, confirm string) validation.Errors {
	errs := validation.Errors{
		"password": validation.Validate(password, validation.Required.Error("choose a password"),
			validation.RuneLength(MinPasswordLength, 0).Error(fmt.Sprintf("use at least %d characters", MinPasswordLength)),
			validation.Length(0, MaxPasswordLength).Error(fmt.Sprintf("use at most %d bytes", MaxPasswordLength))),
	}
	if password != confirm {
		errs["password_confirm"] = validation.NewError("password_confirm", "the two passwords differ")
	}
	return errs
}
