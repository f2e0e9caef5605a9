// Package testutil builds the real Teamfund app on a temporary data folder with a fixed
// cast of users (one per role, two teams), for API, page and rule tests.
package testutil

import (
	"context"
	"fmt"
	"net"
	"net/http"
	"net/netip"
	"os"
	"strings"
	"sync"
	"testing"

	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tests"

	"teamfund/internal/company"
	"teamfund/internal/member"
	"teamfund/internal/server"
	"teamfund/internal/web"
	"teamfund/internal/webhook"
	_ "teamfund/pb_migrations"
)

// Password is every fixture user's password.
const Password = "password123"

// CSRF is the fixed CSRF token that CookieHeaders sends as cookie and header.
const CSRF = "test-csrf-token-0123456789abcdefghijklmnop"

// Fixture users by key: email, role, team key ("" = teamless).
var fixtureUsers = []struct{ key, email, name, role, team string }{
	{"owner", "owner@acme.com", "Olivia Owner", "owner", ""},
	{"admin", "admin@acme.com", "Adam Admin", "admin", ""},
	{"managerA", "manager.a@acme.com", "Mia Manager", "manager", "alpha"},
	{"memberA", "member.a@acme.com", "Max Member", "member", "alpha"},
	{"memberA2", "member.a2@acme.com", "Mona Member", "member", "alpha"},
	{"managerB", "manager.b@acme.com", "Ben Manager", "manager", "beta"},
	{"memberB", "member.b@acme.com", "Bea Member", "member", "beta"},
	{"loner", "loner@acme.com", "Lou Loner", "member", ""},
	{"locked", "locked@acme.com", "Lee Locked", "member", "alpha"},
}

// Fixture is the seeded data folder that every NewApp clones.
type Fixture struct {
	Dir    string
	IDs    map[string]string // fixture key ("owner", "memberA", "alpha", ...) → record id
	Emails map[string]string // user key → email
	tokens map[string]string
	// csrfSecret signs the CSRF tokens of signed-in fixture users (see web.SignCSRF).
	csrfSecret string
}

var (
	fixtureOnce sync.Once
	fixture     *Fixture
	fixtureErr  error
)

// Fixtures returns the shared seeded data folder, building it on first use.
func Fixtures(tb testing.TB) *Fixture {
	tb.Helper()
	fixtureOnce.Do(func() { fixture, fixtureErr = buildFixture() })
	if fixtureErr != nil {
		tb.Fatalf("building fixtures: %v", fixtureErr)
	}
	return fixture
}

// NewApp returns the real app (all migrations, hooks and routes) on a fresh copy of the fixtures.
// It is a tests.ApiScenario TestAppFactory.
func NewApp(tb testing.TB) *tests.TestApp {
	tb.Helper()
	f := Fixtures(tb)
	app, err := tests.NewTestAppWithConfig(testConfig(f.Dir))
	if err != nil {
		tb.Fatal(err)
	}
	server.Bind(app)
	webhook.SetResolver(app, resolve)
	return app
}

// testConfig is how tests.NewTestApp configures an app, with Teamfund's database connection.
func testConfig(dataDir string) core.BaseAppConfig {
	return core.BaseAppConfig{DataDir: dataDir, EncryptionEnv: "pb_test_env", DBConnect: server.DBConnect}
}

// NewEmptyApp returns the real app on an empty data folder (no company yet), for first-run tests.
func NewEmptyApp(tb testing.TB) *tests.TestApp {
	tb.Helper()
	app, err := tests.NewTestAppWithConfig(testConfig(tb.TempDir()))
	if err != nil {
		tb.Fatal(err)
	}
	server.Bind(app)
	webhook.SetResolver(app, resolve)
	return app
}

// SetupToken is the setup link's secret in apps made by NewEmptyAppWithSetupLink.
const SetupToken = "test-setup-link-secret"

// NewEmptyAppWithSetupLink is NewEmptyApp with a working setup link (SetupToken), as the
// operator has it from the server's console.
func NewEmptyAppWithSetupLink(tb testing.TB) *tests.TestApp {
	tb.Helper()
	app := NewEmptyApp(tb)
	if err := company.StoreSetupToken(app, SetupToken); err != nil {
		tb.Fatal(err)
	}
	return app
}

// ID returns the record id of a fixture key.
func (f *Fixture) ID(key string) string {
	id, ok := f.IDs[key]
	if !ok {
		panic("testutil: unknown fixture " + key)
	}
	return id
}

// Token returns a valid auth token of fixture user key.
func (f *Fixture) Token(key string) string {
	t, ok := f.tokens[key]
	if !ok {
		panic("testutil: unknown fixture user " + key)
	}
	return t
}

// AuthHeaders authenticate a JSON API request as user key (no CSRF needed with a bearer token).
func (f *Fixture) AuthHeaders(key string) map[string]string {
	return map[string]string{"Authorization": f.Token(key)}
}

// CSRFToken is the CSRF token of fixture user key's browser (CSRF itself for a guest, "").
// A signed-in user's token is bound to them, so CSRF alone is refused for a session.
func (f *Fixture) CSRFToken(key string) string {
	if key == "" {
		return CSRF
	}
	return web.SignCSRF(f.csrfSecret, CSRF, f.ID(key))
}

// CookieHeaders authenticate like a browser: session cookie plus a valid CSRF header.
// An empty key gives a guest with a CSRF token only.
func (f *Fixture) CookieHeaders(key string) map[string]string {
	token := f.CSRFToken(key)
	cookie := "tf_csrf=" + token
	if key != "" {
		cookie += "; tf_session=" + f.Token(key)
	}
	return map[string]string{"Cookie": cookie, "X-CSRF-Token": token}
}

// FormHeaders are CookieHeaders for an urlencoded form post.
func (f *Fixture) FormHeaders(key string) map[string]string {
	h := f.CookieHeaders(key)
	h["Content-Type"] = "application/x-www-form-urlencoded"
	return h
}

// HTMXHeaders are FormHeaders for an HTMX (fragment) request.
func (f *Fixture) HTMXHeaders(key string) map[string]string {
	h := f.FormHeaders(key)
	h["HX-Request"] = "true"
	return h
}

// Cleanup removes the shared fixture folder; call it from TestMain after m.Run.
func Cleanup() {
	if fixture != nil {
		os.RemoveAll(fixture.Dir)
	}
}

// Main runs a package's tests and then removes the shared fixture folder:
//
//	func TestMain(m *testing.M) { testutil.Main(m) }
func Main(m *testing.M) {
	code := m.Run()
	Cleanup()
	os.Exit(code)
}

func buildFixture() (*Fixture, error) {
	dir, err := os.MkdirTemp("", "teamfund-fixture-")
	if err != nil {
		return nil, err
	}
	app := core.NewBaseApp(core.BaseAppConfig{DataDir: dir, DBConnect: server.DBConnect})
	if err := app.Bootstrap(); err != nil {
		return nil, err
	}
	defer app.ResetBootstrapState()
	if err := app.RunAllMigrations(); err != nil {
		return nil, err
	}
	f := &Fixture{Dir: dir, IDs: map[string]string{}, Emails: map[string]string{}, tokens: map[string]string{}}
	if err := app.RunInTransaction(func(tx core.App) error { return seed(tx, f) }); err != nil {
		return f, err
	}
	users, err := app.FindCollectionByNameOrId(member.Collection)
	if err != nil {
		return f, err
	}
	f.csrfSecret = users.AuthToken.Secret
	return f, nil
}

func seed(app core.App, f *Fixture) error {
	companyCol, err := app.FindCollectionByNameOrId("company")
	if err != nil {
		return err
	}
	c := core.NewRecord(companyCol)
	c.Load(map[string]any{"name": "Acme", "currency": "USD", "timezone": "UTC", "invite_ttl_hours": 168, "domain": "acme.com"})
	if err := app.Save(c); err != nil {
		return err
	}
	teamsCol, err := app.FindCollectionByNameOrId("teams")
	if err != nil {
		return err
	}
	for key, data := range map[string]map[string]any{
		"alpha": {"name": "Alpha", "budget_mode": "monthly", "monthly_limit": 10000, "month_rule": "rollover"},
		"beta":  {"name": "Beta", "budget_mode": "one_time", "month_rule": "rollover"},
	} {
		t := core.NewRecord(teamsCol)
		t.Load(data)
		if err := app.Save(t); err != nil {
			return fmt.Errorf("team %s: %w", key, err)
		}
		f.IDs[key] = t.Id
	}
	for _, u := range fixtureUsers {
		m, err := member.Create(app, member.NewUser{Email: u.email, Password: Password, Name: u.name,
			Role: member.Role(u.role), TeamID: f.IDs[u.team]})
		if err != nil {
			return fmt.Errorf("user %s: %w", u.key, err)
		}
		if u.key == "memberA2" {
			m.Set("record_visibility", member.VisibilityTeam)
			m.Set("may_export", true)
			if err := app.Save(m); err != nil {
				return err
			}
		}
		token, err := m.NewAuthToken()
		if err != nil {
			return err
		}
		if u.key == "locked" {
			m.Set("status", member.StatusDeactivated)
			if err := app.Save(m); err != nil {
				return err
			}
		}
		f.IDs[u.key] = m.Id
		f.Emails[u.key] = u.email
		f.tokens[u.key] = token
	}
	return seedSuperuser(app, f)
}

// seedSuperuser adds a dashboard superuser (key "superuser") to test what the dashboard could do.
func seedSuperuser(app core.App, f *Fixture) error {
	col, err := app.FindCollectionByNameOrId(core.CollectionNameSuperusers)
	if err != nil {
		return err
	}
	su := core.NewRecord(col)
	su.SetEmail("root@acme.com")
	su.SetPassword(Password)
	if err := app.Save(su); err != nil {
		return err
	}
	token, err := su.NewAuthToken()
	if err != nil {
		return err
	}
	f.IDs["superuser"] = su.Id
	f.tokens["superuser"] = token
	return nil
}

// ExpectLocation is an ApiScenario AfterTestFunc checking the redirect target starts with want.
func ExpectLocation(want string) func(testing.TB, *tests.TestApp, *http.Response) {
	return func(t testing.TB, _ *tests.TestApp, res *http.Response) {
		t.Helper()
		if got := res.Header.Get("Location"); !strings.HasPrefix(got, want) {
			t.Errorf("Location = %q, want prefix %q", got, want)
		}
	}
}

// Member loads user id from app as a typed member, failing the test when it is missing.
func Member(tb testing.TB, app core.App, id string) *member.Member {
	tb.Helper()
	u, err := member.Find(app, id)
	if err != nil {
		tb.Fatal(err)
	}
	return u
}

// resolve is the DNS of test apps: it knows localhost and nothing else, so that no test
// asks a real DNS server about a webhook's host; a test that needs a name gives the app
// its own resolver with webhook.SetResolver.
func resolve(_ context.Context, host string) ([]netip.Addr, error) {
	if host == "localhost" {
		return []netip.Addr{netip.MustParseAddr("127.0.0.1"), netip.MustParseAddr("::1")}, nil
	}
	return nil, &net.DNSError{Err: "no such host (tests resolve only localhost)", Name: host, IsNotFound: true}
}
