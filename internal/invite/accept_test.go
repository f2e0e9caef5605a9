package invite_test

import (
	"bytes"
	"errors"
	"image"
	"image/png"
	"testing"
	"time"

	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tools/filesystem"
	"github.com/pocketbase/pocketbase/tools/types"

	"teamfund/internal/invite"
	"teamfund/internal/member"
	"teamfund/internal/testutil"
)

var profile = invite.Profile{Name: "Nia New", Password: "long-password", PasswordConfirm: "long-password", Phone: "+1 555 0100"}

// invited creates an invite as admin and returns it with the token from its mail.
func invited(t *testing.T, app core.App, c invite.Candidate) (*invite.Invite, string) {
	t.Helper()
	inv, err := invite.Create(app, actor(t, app, "admin"), c)
	if err != nil {
		t.Fatal(err)
	}
	return inv, lastToken(t, app, inv.Email())
}

// expire moves an invite's expiry into the past.
func expire(t *testing.T, app core.App, id string) {
	t.Helper()
	r, err := app.FindRecordById("invites", id)
	if err != nil {
		t.Fatal(err)
	}
	past, _ := types.ParseDateTime(time.Now().Add(-time.Minute))
	r.Set("expires", past)
	if err := app.Save(r); err != nil {
		t.Fatal(err)
	}
}

func TestAcceptGivesRoleAndTeamAndKillsTheLink(t *testing.T) {
	app := newApp(t)
	f := testutil.Fixtures(t)
	inv, token := invited(t, app, invite.Candidate{Email: "nia@acme.com", Role: "manager", Team: "Beta"})
	if _, err := invite.Lookup(app, token); err != nil {
		t.Fatalf("fresh link: %v", err)
	}
	m, err := invite.Accept(app, token, profile, nil)
	if err != nil {
		t.Fatal(err)
	}
	if m.Email() != "nia@acme.com" || m.Role() != member.RoleManager || m.TeamID() != f.ID("beta") || !m.Active() ||
		m.GetString("phone") != "+1 555 0100" || !m.ValidatePassword("long-password") || m.Name() != "Nia New" {
		t.Errorf("got user %s role %s team %s active %v phone %q", m.Email(), m.Role(), m.TeamID(), m.Active(), m.GetString("phone"))
	}
	after, _ := invite.Find(app, inv.Id)
	if after.Status(time.Now()) != invite.StatusAccepted || after.GetString("accepted_user") != m.Id || after.GetString("token_hash") != "" {
		t.Errorf("invite after accept: status %s user %s hash %q", after.Status(time.Now()), after.GetString("accepted_user"), after.GetString("token_hash"))
	}
	if _, err := invite.Accept(app, token, profile, nil); !errors.Is(err, invite.ErrInvalidLink) {
		t.Errorf("second use: got %v, want %v", err, invite.ErrInvalidLink)
	}
	if n, _ := app.CountRecords("audit_log", dbxAction("invite.accept")); n != 1 {
		t.Errorf("%d invite.accept audit entries, want 1", n)
	}
}

func TestInvalidLinksAllLookTheSame(t *testing.T) {
	app := newApp(t)
	admin := actor(t, app, "admin")
	_, expiredToken := invited(t, app, invite.Candidate{Email: "expired@acme.com"})
	inv, _ := invite.Find(app, mustInviteID(t, app, "expired@acme.com"))
	expire(t, app, inv.Id)
	revoked, revokedToken := invited(t, app, invite.Candidate{Email: "revoked@acme.com"})
	if err := invite.Apply(app, admin, invite.Change{Action: invite.ActionRevoke, IDs: []string{revoked.Id}}); err != nil {
		t.Fatal(err)
	}
	resent, oldToken := invited(t, app, invite.Candidate{Email: "resent@acme.com"})
	if err := invite.Apply(app, admin, invite.Change{Action: invite.ActionResend, IDs: []string{resent.Id}}); err != nil {
		t.Fatal(err)
	}
	_, usedToken := invited(t, app, invite.Candidate{Email: "used@acme.com"})
	if _, err := invite.Accept(app, usedToken, profile, nil); err != nil {
		t.Fatal(err)
	}
	for name, token := range map[string]string{
		"unknown": "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA", "garbage": "../../etc/passwd", "empty": "",
		"expired": expiredToken, "revoked": revokedToken, "replaced by a resend": oldToken, "used": usedToken,
	} {
		if _, err := invite.Lookup(app, token); !errors.Is(err, invite.ErrInvalidLink) {
			t.Errorf("%s link: got %v, want %v", name, err, invite.ErrInvalidLink)
		}
		if _, err := invite.Accept(app, token, profile, nil); !errors.Is(err, invite.ErrInvalidLink) {
			t.Errorf("%s link accepted: got %v, want %v", name, err, invite.ErrInvalidLink)
		}
	}
}

func TestResendMakesNewLinkAndResetsTimer(t *testing.T) {
	app := newApp(t)
	setCompany(t, app, map[string]any{"invite_ttl_hours": 24})
	inv, oldToken := invited(t, app, invite.Candidate{Email: "again@acme.com"})
	expire(t, app, inv.Id)
	if err := invite.Apply(app, actor(t, app, "managerA"), invite.Change{Action: invite.ActionResend, IDs: []string{inv.Id}}); err == nil {
		t.Error("manager resent a teamless invite of an admin")
	}
	if err := invite.Apply(app, actor(t, app, "admin"), invite.Change{Action: invite.ActionResend, IDs: []string{inv.Id}}); err != nil {
		t.Fatal(err)
	}
	after, _ := invite.Find(app, inv.Id)
	newToken := lastToken(t, app, "again@acme.com")
	if after.Id != inv.Id || newToken == oldToken {
		t.Fatalf("resend made a new row or kept the token")
	}
	if d := time.Until(after.Expires()); d < 23*time.Hour || d > 25*time.Hour {
		t.Errorf("expiry in %v, want about 24h (the TTL in force)", d)
	}
	if after.Status(time.Now()) != invite.StatusPending {
		t.Errorf("status %s, want pending", after.Status(time.Now()))
	}
	if _, err := invite.Lookup(app, oldToken); !errors.Is(err, invite.ErrInvalidLink) {
		t.Errorf("old link: got %v, want dead", err)
	}
	if _, err := invite.Lookup(app, newToken); err != nil {
		t.Errorf("new link: %v", err)
	}
	if n, _ := app.CountRecords("outbox"); n != 2 {
		t.Errorf("%d mails, want 2", n)
	}
}

func TestAcceptRechecksRules(t *testing.T) {
	cases := []struct {
		name   string
		before func(t *testing.T, app core.App)
		signed string
		want   error
	}{
		{"domain rule turned on after the invite", func(t *testing.T, app core.App) {
			setCompany(t, app, map[string]any{"domain_rule": true})
		}, "", invite.ErrDomainMismatch},
		{"seat limit lowered below the seats in use", func(t *testing.T, app core.App) {
			setCompany(t, app, map[string]any{"seat_limit": 5})
		}, "", invite.ErrSeatLimit},
		{"seat limit exactly full still admits the invitee (the invite holds the seat)", func(t *testing.T, app core.App) {
			setCompany(t, app, map[string]any{"seat_limit": 9})
		}, "", nil},
		{"a signed-in user cannot accept someone else's invite", nil, "memberA", invite.ErrOtherAccount},
		{"an account created meanwhile is refused", func(t *testing.T, app core.App) {
			if _, err := member.Create(app, member.NewUser{Email: "late@other.com", Password: "long-password", Role: member.RoleMember}); err != nil {
				t.Fatal(err)
			}
		}, "", invite.ErrAlreadyUser},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			app := newApp(t)
			_, token := invited(t, app, invite.Candidate{Email: "late@other.com"})
			if tc.before != nil {
				tc.before(t, app)
			}
			var signedIn *member.Member
			if tc.signed != "" {
				signedIn = actor(t, app, tc.signed)
			}
			users, _ := app.CountRecords("users")
			_, err := invite.Accept(app, token, profile, signedIn)
			if !errors.Is(err, tc.want) {
				t.Fatalf("got %v, want %v", err, tc.want)
			}
			if after, _ := app.CountRecords("users"); tc.want != nil && after != users {
				t.Errorf("refused acceptance created a user")
			}
		})
	}
}

func TestAcceptValidatesTheForm(t *testing.T) {
	app := newApp(t)
	_, token := invited(t, app, invite.Candidate{Email: "form@acme.com"})
	_, err := invite.Accept(app, token, invite.Profile{Name: "", Password: "short", PasswordConfirm: "other", Phone: "call me"}, nil)
	for _, field := range []string{"name", "password", "password_confirm", "phone"} {
		if err == nil || !containsField(err, field) {
			t.Errorf("no error for %s in %v", field, err)
		}
	}
	if _, err := invite.Lookup(app, token); err != nil {
		t.Errorf("a refused form burnt the link: %v", err)
	}
}

func TestAcceptStoresThePhoto(t *testing.T) {
	app := newApp(t)
	_, token := invited(t, app, invite.Candidate{Email: "photo@acme.com"})
	var photo bytes.Buffer
	if err := pngEncode(&photo); err != nil {
		t.Fatal(err)
	}
	file, err := filesystem.NewFileFromBytes(photo.Bytes(), "me.png")
	if err != nil {
		t.Fatal(err)
	}
	p := profile
	p.Avatar = file
	m, err := invite.Accept(app, token, p, nil)
	if err != nil {
		t.Fatal(err)
	}
	if m.GetString("avatar") == "" {
		t.Error("no avatar stored")
	}
}

func pngEncode(w *bytes.Buffer) error {
	img := image.NewRGBA(image.Rect(0, 0, 2, 2))
	return png.Encode(w, img)
}

func TestDeletedUserMayBeInvitedAgain(t *testing.T) {
	app := newApp(t)
	_, token := invited(t, app, invite.Candidate{Email: "gone@acme.com"})
	m, err := invite.Accept(app, token, profile, nil)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := invite.Create(app, actor(t, app, "admin"), invite.Candidate{Email: "gone@acme.com"}); !errors.Is(err, invite.ErrAlreadyUser) {
		t.Fatalf("active user: got %v, want %v", err, invite.ErrAlreadyUser)
	}
	if err := app.Delete(m); err != nil {
		t.Fatal(err)
	}
	if _, err := invite.Create(app, actor(t, app, "admin"), invite.Candidate{Email: "gone@acme.com"}); err != nil {
		t.Fatalf("deleted user cannot be invited again: %v", err)
	}
}
