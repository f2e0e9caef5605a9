package invite_test

import (
	"errors"
	"testing"
	"time"

	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tools/types"

	"teamfund/internal/access"
	"teamfund/internal/invite"
	"teamfund/internal/member"
	"teamfund/internal/testutil"
)

func joinProfile(email string) invite.Profile {
	p := profile
	p.Email = email
	return p
}

func TestInviteKeySignup(t *testing.T) {
	app := newApp(t)
	f := testutil.Fixtures(t)
	key, token, err := invite.CreateKey(app, actor(t, app, "managerA"), f.ID("alpha"))
	if err != nil {
		t.Fatal(err)
	}
	if key.GetString("token_hash") == "" || key.GetString("token_hash") == token || len(token) != 43 {
		t.Fatalf("key stores %q for token %q", key.GetString("token_hash"), token)
	}
	if d := time.Until(key.Expires()); d < 23*time.Hour || d > 24*time.Hour {
		t.Errorf("key expires in %v, want 24h", d)
	}
	m, err := invite.Join(app, token, joinProfile(" Joe@ACME.com "))
	if err != nil {
		t.Fatal(err)
	}
	if m.Email() != "joe@acme.com" || m.Role() != member.RoleMember || m.TeamID() != f.ID("alpha") {
		t.Errorf("joined as %s %s %s", m.Email(), m.Role(), m.TeamID())
	}
	if _, err := invite.Join(app, token, joinProfile("joan@acme.com")); err != nil {
		t.Fatalf("a key is reusable until it expires: %v", err)
	}
	k, _ := invite.LookupKey(app, token)
	if k.Uses() != 2 {
		t.Errorf("uses %d, want 2", k.Uses())
	}
	if _, err := invite.Join(app, token, joinProfile("joe@acme.com")); !errors.Is(err, invite.ErrAlreadyUser) {
		t.Errorf("existing email: got %v, want %v", err, invite.ErrAlreadyUser)
	}
}

func TestInviteKeyRules(t *testing.T) {
	f := testutil.Fixtures(t)
	cases := []struct {
		name  string
		setup func(t *testing.T, app core.App, keyID string)
		email string
		want  error
	}{
		{"domain rule refuses another domain", func(t *testing.T, app core.App, _ string) {
			setCompany(t, app, map[string]any{"domain_rule": true})
		}, "x@gmail.com", invite.ErrDomainMismatch},
		{"domain rule admits the creator's domain", func(t *testing.T, app core.App, _ string) {
			setCompany(t, app, map[string]any{"domain_rule": true})
		}, "x@acme.com", nil},
		{"revoked key", func(t *testing.T, app core.App, id string) {
			if err := invite.RevokeKey(app, actor(t, app, "admin"), id); err != nil {
				t.Fatal(err)
			}
		}, "x@acme.com", invite.ErrInvalidLink},
		{"expired key", func(t *testing.T, app core.App, id string) {
			r, _ := app.FindRecordById("invite_links", id)
			past, _ := types.ParseDateTime(time.Now().Add(-time.Second))
			r.Set("expires", past)
			if err := app.Save(r); err != nil {
				t.Fatal(err)
			}
		}, "x@acme.com", invite.ErrInvalidLink},
		{"seat limit full", func(t *testing.T, app core.App, _ string) {
			setCompany(t, app, map[string]any{"seat_limit": 8})
		}, "x@acme.com", invite.ErrSeatLimit},
		{"deactivated account", nil, "locked@acme.com", invite.ErrDeactivatedUser},
		{"pending invite for the email", func(t *testing.T, app core.App, _ string) {
			if _, err := invite.Create(app, actor(t, app, "admin"), invite.Candidate{Email: "x@acme.com"}); err != nil {
				t.Fatal(err)
			}
		}, "x@acme.com", invite.ErrHasInvite},
		{"malformed email", nil, "x@", nil},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			app := newApp(t)
			key, token, err := invite.CreateKey(app, actor(t, app, "admin"), f.ID("beta"))
			if err != nil {
				t.Fatal(err)
			}
			if tc.setup != nil {
				tc.setup(t, app, key.Id)
			}
			_, err = invite.Join(app, token, joinProfile(tc.email))
			if tc.email == "x@" {
				if !containsField(err, "email") {
					t.Fatalf("got %v, want an email field error", err)
				}
				return
			}
			if !errors.Is(err, tc.want) {
				t.Fatalf("got %v, want %v", err, tc.want)
			}
		})
	}
}

func TestInviteKeyAccess(t *testing.T) {
	app := newApp(t)
	f := testutil.Fixtures(t)
	for _, tc := range []struct {
		actor, team string
		want        error
	}{
		{"owner", "beta", nil}, {"admin", "alpha", nil}, {"managerA", "alpha", nil},
		{"managerA", "beta", access.ErrForbidden}, {"memberA", "alpha", access.ErrForbidden},
	} {
		_, _, err := invite.CreateKey(app, actor(t, app, tc.actor), f.ID(tc.team))
		if !errors.Is(err, tc.want) {
			t.Errorf("%s creates a key for %s: got %v, want %v", tc.actor, tc.team, err, tc.want)
		}
	}
	key, _, err := invite.CreateKey(app, actor(t, app, "admin"), f.ID("beta"))
	if err != nil {
		t.Fatal(err)
	}
	if err := invite.RevokeKey(app, actor(t, app, "managerA"), key.Id); !errors.Is(err, access.ErrForbidden) {
		t.Errorf("managerA revoked beta's key: %v", err)
	}
	if err := invite.RevokeKey(app, actor(t, app, "managerB"), key.Id); err != nil {
		t.Errorf("managerB cannot revoke own team's key: %v", err)
	}
}
