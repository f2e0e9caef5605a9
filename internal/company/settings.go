package company

import (
	"errors"
	"strings"
	"time"

	validation "github.com/pocketbase/ozzo-validation/v4"
	"github.com/pocketbase/pocketbase/core"
	"golang.org/x/text/currency"

	"teamfund/internal/access"
	"teamfund/internal/audit"
	"teamfund/internal/member"
)

// ErrWebmailDomainRule refuses the domain rule for an owner on a public webmail domain.
var ErrWebmailDomainRule = errors.New("the domain rule cannot be turned on while your own email is on a public webmail domain: it would admit everyone")

// ErrNoSSOProvider refuses to require single sign-on while no provider is enabled.
var ErrNoSSOProvider = errors.New("single sign-on can be required only once a provider is enabled: add Google, Microsoft or an OpenID Connect provider in the dashboard (Collections → users → Options → OAuth2) first")

// Settings is the owner's company settings form.
type Settings struct {
	Name           string `json:"name"`
	Currency       string `json:"currency"`
	Timezone       string `json:"timezone"`
	SeatLimit      int    `json:"seat_limit"`
	InviteTTLHours int    `json:"invite_ttl_hours"`
	DomainRule     bool   `json:"domain_rule"`
	SSORequired    bool   `json:"sso_required"`
	// AllowInternalWebhooks lets webhook endpoints be on internal addresses (docs/SECURITY.md).
	AllowInternalWebhooks bool `json:"allow_internal_webhooks"`
}

// CurrentSettings returns c's settings as the form shows them.
func (c *Company) CurrentSettings() Settings {
	return Settings{Name: c.Name(), Currency: c.Currency(), Timezone: c.GetString("timezone"),
		SeatLimit: c.SeatLimit(), InviteTTLHours: int(c.InviteTTL() / time.Hour), DomainRule: c.DomainRule(),
		SSORequired: c.SSORequired(), AllowInternalWebhooks: c.AllowInternalWebhooks()}
}

// Validate normalises the form and names each bad field.
func (s *Settings) Validate() error {
	s.Name = strings.TrimSpace(s.Name)
	s.Currency = strings.ToUpper(strings.TrimSpace(s.Currency))
	s.Timezone = strings.TrimSpace(s.Timezone)
	return validation.Errors{
		"name":     validation.Validate(s.Name, validation.Required, validation.RuneLength(1, 100)),
		"currency": validation.Validate(s.Currency, currencyRules...),
		"timezone": validation.Validate(s.Timezone, timezoneRules...),
		"seat_limit": validation.Validate(s.SeatLimit,
			validation.Min(0).Error("must be 0 (unlimited) or more"), validation.Max(1_000_000)),
		"invite_ttl_hours": validation.Validate(s.InviteTTLHours, validation.Required.Error("must be at least 1 hour"),
			validation.Min(1).Error("must be at least 1 hour"), validation.Max(24*365).Error("must be at most a year (8760 hours)")),
	}.Filter()
}

// currencyRules and timezoneRules check the company's currency and time zone on setup and
// settings alike. Both are required with no default: a company that never chose would
// silently count in USD at UTC midnight.
var (
	currencyRules = []validation.Rule{validation.Required.Error("choose the currency your company counts in"), validation.By(validCurrency)}
	timezoneRules = []validation.Rule{validation.Required.Error("choose the time zone your company's months start in"), validation.By(validTimezone)}
)

// validCurrency accepts ISO 4217 codes with two minor digits (Teamfund counts in cents).
func validCurrency(v any) error {
	code, _ := v.(string)
	unit, err := currency.ParseISO(code)
	if err != nil || len(code) != 3 {
		return errors.New("must be a three-letter ISO 4217 code such as USD or EUR")
	}
	if notMoney[code] {
		return errors.New("must be a currency people are paid in, such as USD or EUR (not a metal, fund, test or \"no currency\" code)")
	}
	if scale, _ := currency.Standard.Rounding(unit); scale != 2 {
		return errors.New("must be a currency with cents (two decimals); Teamfund counts in hundredths")
	}
	return nil
}

// notMoney are the ISO 4217 codes that are not a currency anyone holds a budget in: XXX
// ("no currency"), XTS (testing), precious metals, bond-market and settlement units, and the
// fund codes beside real currencies. x/text/currency knows them all, with two decimals.
var notMoney = map[string]bool{
	"XXX": true, "XTS": true, "XAU": true, "XAG": true, "XPD": true, "XPT": true, "XDR": true,
	"XBA": true, "XBB": true, "XBC": true, "XBD": true, "XSU": true, "XUA": true,
	"BOV": true, "CHE": true, "CHW": true, "CLF": true, "COU": true, "MXV": true, "USN": true,
	"USS": true, "UYI": true, "UYW": true,
}

// BindInvariants refuses, below every API (the dashboard and the records API included), a
// company record whose currency is not one Teamfund can count in.
func BindInvariants(app core.App) {
	app.OnRecordValidate(Collection).BindFunc(func(e *core.RecordEvent) error {
		if err := validCurrency(e.Record.GetString("currency")); err != nil {
			return validation.Errors{"currency": validation.NewError("validation_currency", err.Error())}
		}
		return e.Next()
	})
}

func validTimezone(v any) error {
	name, _ := v.(string)
	if _, err := time.LoadLocation(name); err != nil || name == "Local" {
		return errors.New("is not a known time zone (e.g. Europe/Berlin, America/New_York, UTC)")
	}
	return nil
}

// UpdateSettings saves the owner's settings in one transaction and audits the change.
// Only the owner may call it; turning the domain rule on needs a non-webmail owner domain,
// requiring single sign-on needs an enabled provider.
func UpdateSettings(app core.App, actor *member.Member, in Settings) error {
	if err := access.Check(actor, access.CompanySettings, ""); err != nil {
		return err
	}
	if err := in.Validate(); err != nil {
		return err
	}
	ownerDomain := EmailDomain(actor.Email())
	if in.DomainRule && IsWebmailDomain(ownerDomain) {
		return ErrWebmailDomainRule
	}
	if in.SSORequired && len(member.SSOProviders(app)) == 0 {
		return ErrNoSSOProvider
	}
	return app.RunInTransaction(func(tx core.App) error {
		c, err := Load(tx)
		if err != nil {
			return err
		}
		before := c.CurrentSettings()
		c.Set("name", in.Name)
		c.Set("currency", in.Currency)
		c.Set("timezone", in.Timezone)
		c.Set("seat_limit", in.SeatLimit)
		c.Set("invite_ttl_hours", in.InviteTTLHours)
		c.Set("domain_rule", in.DomainRule)
		c.Set("sso_required", in.SSORequired)
		c.Set("allow_internal_webhooks", in.AllowInternalWebhooks)
		c.Set("domain", ownerDomain)
		if err := tx.Save(c); err != nil {
			return err
		}
		return audit.Record(tx, actor, audit.Entry{Action: "company.settings", TargetType: "company", TargetID: c.Id,
			TargetLabel: in.Name, Before: before, After: in})
	})
}
