package company_test

import (
	"errors"
	"testing"
	"time"

	validation "github.com/pocketbase/ozzo-validation/v4"
	"github.com/pocketbase/pocketbase/core"

	"teamfund/internal/access"
	"teamfund/internal/company"
	"teamfund/internal/member"
	"teamfund/internal/testutil"
)

func TestMain(m *testing.M) { testutil.Main(m) }

func user(t *testing.T, app core.App, key string) *member.Member {
	t.Helper()
	m, err := member.Find(app, testutil.Fixtures(t).ID(key))
	if err != nil {
		t.Fatal(err)
	}
	return m
}

var good = company.Settings{Name: "Acme Corp", Currency: "eur", Timezone: "Europe/Berlin", SeatLimit: 50, InviteTTLHours: 24, DomainRule: true}

func TestUpdateSettings(t *testing.T) {
	app := testutil.NewApp(t)
	defer app.Cleanup()
	if err := company.UpdateSettings(app, user(t, app, "owner"), good); err != nil {
		t.Fatal(err)
	}
	c, _ := company.Load(app)
	if c.Name() != "Acme Corp" || c.Currency() != "EUR" || c.Location().String() != "Europe/Berlin" || c.SeatLimit() != 50 ||
		c.InviteTTL() != 24*time.Hour || !c.DomainRule() {
		t.Errorf("saved %+v", c.CurrentSettings())
	}
	n, _ := app.CountRecords("audit_log")
	if n != 1 {
		t.Errorf("%d audit entries, want 1", n)
	}
}

func TestSettingsRules(t *testing.T) {
	cases := []struct {
		name  string
		actor string
		email string // owner's email, when changed
		edit  func(s *company.Settings)
		field string
		want  error
	}{
		{"admin may not", "admin", "", nil, "", access.ErrForbidden},
		{"manager may not", "managerA", "", nil, "", access.ErrForbidden},
		{"unknown time zone", "owner", "", func(s *company.Settings) { s.Timezone = "Mars/Olympus" }, "timezone", nil},
		{"Local is not a company time zone", "owner", "", func(s *company.Settings) { s.Timezone = "Local" }, "timezone", nil},
		{"unknown currency", "owner", "", func(s *company.Settings) { s.Currency = "ABC" }, "currency", nil},
		{"currency without cents", "owner", "", func(s *company.Settings) { s.Currency = "JPY" }, "currency", nil},
		{"negative seat limit", "owner", "", func(s *company.Settings) { s.SeatLimit = -1 }, "seat_limit", nil},
		{"TTL zero", "owner", "", func(s *company.Settings) { s.InviteTTLHours = 0 }, "invite_ttl_hours", nil},
		{"TTL over a year", "owner", "", func(s *company.Settings) { s.InviteTTLHours = 24*365 + 1 }, "invite_ttl_hours", nil},
		{"empty name", "owner", "", func(s *company.Settings) { s.Name = "  " }, "name", nil},
		{"domain rule refused for a gmail owner", "owner", "boss@GMail.com", nil, "", company.ErrWebmailDomainRule},
		{"a gmail owner may keep the rule off", "owner", "boss@gmail.com", func(s *company.Settings) { s.DomainRule = false }, "", nil},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			app := testutil.NewApp(t)
			defer app.Cleanup()
			actor := user(t, app, tc.actor)
			if tc.email != "" {
				actor.SetEmail(tc.email)
				if err := app.Save(actor); err != nil {
					t.Fatal(err)
				}
			}
			in := good
			if tc.edit != nil {
				tc.edit(&in)
			}
			err := company.UpdateSettings(app, actor, in)
			if tc.field != "" {
				if !containsField(err, tc.field) {
					t.Fatalf("got %v, want a field error on %s", err, tc.field)
				}
			} else if !errors.Is(err, tc.want) {
				t.Fatalf("got %v, want %v", err, tc.want)
			}
			if err != nil {
				if n, _ := app.CountRecords("audit_log"); n != 0 {
					t.Errorf("refused change was audited")
				}
			}
		})
	}
}

func TestEmailDomain(t *testing.T) {
	for in, want := range map[string]string{
		"a@Acme.COM": "acme.com", "a@b@acme.com": "acme.com", "x@bücher.de": "xn--bcher-kva.de",
		"x@sales.acme.com": "sales.acme.com", "no-at": "", "x@": "",
	} {
		if got := company.EmailDomain(in); got != want {
			t.Errorf("EmailDomain(%q) = %q, want %q", in, got, want)
		}
	}
}

func containsField(err error, field string) bool {
	var verrs validation.Errors
	if !errors.As(err, &verrs) {
		return false
	}
	_, ok := verrs[field]
	return ok
}
