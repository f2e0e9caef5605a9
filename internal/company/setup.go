package company

import (
	"errors"
	"strings"

	validation "github.com/pocketbase/ozzo-validation/v4"
	"github.com/pocketbase/ozzo-validation/v4/is"
	"github.com/pocketbase/pocketbase/core"

	"teamfund/internal/audit"
	"teamfund/internal/member"
)

// ErrAlreadySetUp is returned when the first-run form is submitted a second time.
var ErrAlreadySetUp = errors.New("the company is already set up")

// SetupInput is the first-run form.
type SetupInput struct {
	CompanyName     string
	OwnerName       string
	Email           string
	Password        string
	PasswordConfirm string
	Currency        string // ISO 4217 code, required: a newcomer chooses it (no silent USD)
	Timezone        string // IANA name, required: months start at midnight there
	Superuser       bool   // also create a dashboard superuser with the same credentials
	AppURL          string // where people reach Teamfund (scheme://host), used in mailed links
	Token           string // the one-time setup link's secret (NewSetupToken)
}

// Validate names the field and the reason of each problem.
func (in *SetupInput) Validate() error {
	in.CompanyName = strings.TrimSpace(in.CompanyName)
	in.OwnerName = strings.TrimSpace(in.OwnerName)
	in.Email = member.NormalizeEmail(in.Email)
	in.Currency, in.Timezone = strings.ToUpper(strings.TrimSpace(in.Currency)), strings.TrimSpace(in.Timezone)
	emailErr := validation.Validate(in.Email, validation.Required, validation.Length(3, 254), is.EmailFormat)
	if emailErr == nil {
		// Look-alike addresses (invisible characters, mixed alphabets) are refused here too.
		if _, err := member.ParseEmail(in.Email); err != nil {
			emailErr = validation.NewError("email_lookalike", strings.TrimPrefix(err.Error(), "malformed email: "))
		}
	}
	return validation.Errors{
		"currency":         validation.Validate(in.Currency, currencyRules...),
		"timezone":         validation.Validate(in.Timezone, timezoneRules...),
		"company_name":     validation.Validate(in.CompanyName, validation.Required, validation.RuneLength(1, 100)),
		"owner_name":       validation.Validate(in.OwnerName, validation.Required, validation.RuneLength(1, 100)),
		"email":            emailErr,
		"password":         validation.Validate(in.Password, validation.Required, validation.RuneLength(8, 71)),
		"password_confirm": validation.Validate(in.PasswordConfirm, validation.Required, validation.In(in.Password).Error("does not match the password")),
	}.Filter()
}

// Setup creates the company and its owner in one transaction; it refuses once a company
// exists, and without a valid setup link (ErrSetupLinkInvalid), which it uses up.
func Setup(app core.App, in SetupInput) (*member.Member, error) {
	if err := in.Validate(); err != nil {
		return nil, err
	}
	var owner *member.Member
	err := app.RunInTransaction(func(tx core.App) error {
		if IsSetUp(tx) {
			return ErrAlreadySetUp
		}
		if err := consumeSetupToken(tx, in.Token); err != nil {
			return err
		}
		col, err := tx.FindCollectionByNameOrId(Collection)
		if err != nil {
			return err
		}
		c := core.NewRecord(col)
		c.Set("name", in.CompanyName)
		c.Set("currency", in.Currency)
		c.Set("timezone", in.Timezone)
		c.Set("invite_ttl_hours", DefaultInviteTTLHours)
		c.Set("domain", EmailDomain(in.Email))
		if err := tx.Save(c); err != nil {
			return err
		}
		if err := nameTheApp(tx, in); err != nil {
			return err
		}
		users, err := tx.FindCollectionByNameOrId(member.Collection)
		if err != nil {
			return err
		}
		u := core.NewRecord(users)
		u.SetEmail(in.Email)
		u.SetPassword(in.Password)
		u.SetVerified(true)
		u.Set("name", in.OwnerName)
		u.Set("role", string(member.RoleOwner))
		u.Set("status", member.StatusActive)
		u.Set("record_visibility", member.VisibilityTeam)
		u.Set("may_export", true)
		if err := tx.Save(u); err != nil {
			return err
		}
		owner = member.Wrap(u)
		if in.Superuser {
			su, err := tx.FindCollectionByNameOrId(core.CollectionNameSuperusers)
			if err != nil {
				return err
			}
			s := core.NewRecord(su)
			s.SetEmail(in.Email)
			s.SetPassword(in.Password)
			if err := tx.Save(s); err != nil {
				return err
			}
		}
		return audit.Record(tx, owner, audit.Entry{Action: "company.setup", TargetType: "company", TargetID: c.Id,
			TargetLabel: in.CompanyName, After: map[string]any{"name": in.CompanyName, "owner": in.Email, "superuser": in.Superuser}})
	})
	return owner, err
}

// nameTheApp stores the company name and the address the owner used to reach Teamfund in
// PocketBase's settings, so mails carry the company's name and links that work (instead of
// PocketBase's "http://localhost:8090"). Both stay editable in the dashboard.
func nameTheApp(tx core.App, in SetupInput) error {
	s := tx.Settings()
	s.Meta.AppName = in.CompanyName
	s.Meta.SenderName = in.CompanyName
	if in.AppURL != "" {
		s.Meta.AppURL = in.AppURL
	}
	return tx.Save(s)
}
