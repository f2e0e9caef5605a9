package sso_test

import (
	"errors"
	"testing"

	"github.com/pocketbase/pocketbase/core"

	"teamfund/internal/invite"
	"teamfund/internal/member"
	"teamfund/internal/sso"
	"teamfund/internal/testutil"
)

func TestMain(m *testing.M) { testutil.Main(m) }

func TestSignInAppliesTheCompanyRules(t *testing.T) {
	f := testutil.Fixtures(t)
	cases := []struct {
		name    string
		email   string
		invite  *invite.Candidate // created by the admin first
		withKey bool              // the person came from an invite key link of team alpha
		want    sso.Outcome
		wantErr error
	}{
		{name: "active user signs in", email: "Member.A@ACME.com", want: sso.SignedIn},
		{name: "deactivated user is refused", email: f.Emails["locked"], wantErr: sso.ErrDeactivated},
		{name: "missing (unverified) email is refused", email: "", wantErr: sso.ErrUnverifiedEmail},
		{name: "unknown email is refused", email: "nobody@acme.com", wantErr: sso.ErrNoAccount},
		{name: "unknown email with an invite key joins its team", email: "nobody@acme.com", withKey: true, want: sso.JoinedTeam},
		{name: "pending invite is accepted", email: "ines@acme.com", invite: &invite.Candidate{Email: "ines@acme.com", Role: "admin"}, want: sso.AcceptedInvite},
		{name: "pending invite wins over a key", email: "ines@acme.com", invite: &invite.Candidate{Email: "ines@acme.com", Role: "admin"}, withKey: true, want: sso.AcceptedInvite},
		{name: "active user with a key just signs in", email: f.Emails["memberB"], withKey: true, want: sso.SignedIn},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			app := testutil.NewApp(t)
			defer app.Cleanup()
			admin, _ := member.Find(app, f.ID("admin"))
			if tc.invite != nil {
				if _, err := invite.Create(app, admin, *tc.invite); err != nil {
					t.Fatal(err)
				}
			}
			key := ""
			if tc.withKey {
				var err error
				if _, key, err = invite.CreateKey(app, admin, f.ID("alpha")); err != nil {
					t.Fatal(err)
				}
			}
			before := count(t, app)
			m, outcome, err := sso.SignIn(app, sso.Identity{Provider: "oidc", Email: tc.email}, key)
			if tc.wantErr != nil {
				if !errors.Is(err, tc.wantErr) {
					t.Fatalf("got %v, want %v", err, tc.wantErr)
				}
				if n := count(t, app); n != before {
					t.Errorf("users = %d, want %d", n, before)
				}
				return
			}
			if err != nil || outcome != tc.want {
				t.Fatalf("got %v, %v, want outcome %v", outcome, err, tc.want)
			}
			switch outcome {
			case sso.AcceptedInvite:
				if m.Role() != member.Role(tc.invite.Role) {
					t.Errorf("role %s, want %s from the invite", m.Role(), tc.invite.Role)
				}
			case sso.JoinedTeam:
				if m.Role() != member.RoleMember || m.TeamID() != f.ID("alpha") {
					t.Errorf("role %s team %s, want a member of alpha", m.Role(), m.TeamID())
				}
			case sso.SignedIn:
				if n := count(t, app); n != before {
					t.Errorf("users = %d, want %d", n, before)
				}
			}
		})
	}
}

func TestSignInWithARevokedKeyIsAnInvalidLink(t *testing.T) {
	f := testutil.Fixtures(t)
	app := testutil.NewApp(t)
	defer app.Cleanup()
	admin, _ := member.Find(app, f.ID("admin"))
	k, token, err := invite.CreateKey(app, admin, f.ID("alpha"))
	if err != nil {
		t.Fatal(err)
	}
	if err := invite.RevokeKey(app, admin, k.Id); err != nil {
		t.Fatal(err)
	}
	if _, _, err := sso.SignIn(app, sso.Identity{Provider: "oidc", Email: "late@acme.com"}, token); !errors.Is(err, invite.ErrInvalidLink) {
		t.Fatalf("got %v, want %v", err, invite.ErrInvalidLink)
	}
	if _, err := member.FindByEmail(app, "late@acme.com"); err == nil {
		t.Error("an account was created through a revoked key")
	}
}

func count(t *testing.T, app core.App) int64 {
	t.Helper()
	n, err := app.CountRecords(member.Collection)
	if err != nil {
		t.Fatal(err)
	}
	return n
}
