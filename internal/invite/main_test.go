package invite_test

import (
	"errors"
	"regexp"
	"testing"
	"time"

	"github.com/pocketbase/dbx"
	validation "github.com/pocketbase/ozzo-validation/v4"
	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tests"

	"teamfund/internal/company"
	"teamfund/internal/member"
	"teamfund/internal/testutil"
)

func TestMain(m *testing.M) { testutil.Main(m) }

// actor loads fixture user key.
func actor(t testing.TB, app core.App, key string) *member.Member {
	t.Helper()
	m, err := member.Find(app, testutil.Fixtures(t).ID(key))
	if err != nil {
		t.Fatal(err)
	}
	return m
}

// setCompany changes company settings directly (tests only).
func setCompany(t testing.TB, app core.App, fields map[string]any) {
	t.Helper()
	c, err := company.Load(app)
	if err != nil {
		t.Fatal(err)
	}
	for k, v := range fields {
		c.Set(k, v)
	}
	if err := app.Save(c); err != nil {
		t.Fatal(err)
	}
}

var linkRE = regexp.MustCompile(`/(invite|join)/([A-Za-z0-9_-]{43})`)

// lastToken returns the token of the newest mail to email in the outbox.
func lastToken(t testing.TB, app core.App, email string) string {
	t.Helper()
	recs, err := app.FindRecordsByFilter("outbox", "to = {:to}", "-created,-id", 1, 0, map[string]any{"to": email})
	if err != nil || len(recs) == 0 {
		t.Fatalf("no mail to %s in the outbox (%v)", email, err)
	}
	m := linkRE.FindStringSubmatch(recs[0].GetString("text"))
	if m == nil {
		t.Fatalf("no link in mail to %s: %s", email, recs[0].GetString("text"))
	}
	return m[2]
}

func newApp(t testing.TB) *tests.TestApp {
	t.Helper()
	app := testutil.NewApp(t)
	t.Cleanup(app.Cleanup)
	return app
}

func dbxAction(action string) dbx.Expression { return dbx.HashExp{"action": action} }

func mustInviteID(t testing.TB, app core.App, email string) string {
	t.Helper()
	r, err := app.FindFirstRecordByData("invites", "email", email)
	if err != nil {
		t.Fatal(err)
	}
	return r.Id
}

func containsField(err error, field string) bool {
	var verrs validation.Errors
	if !errors.As(err, &verrs) {
		return false
	}
	_, ok := verrs[field]
	return ok
}

func nowPlus(d time.Duration) time.Time { return time.Now().Add(d) }
