package member_test

import (
	"errors"
	"testing"

	"github.com/pocketbase/pocketbase/core"

	"teamfund/internal/member"
	"teamfund/internal/testutil"
)

func TestMain(m *testing.M) { testutil.Main(m) }

func TestOwnerAndBalanceInvariantsHoldBelowTheAPI(t *testing.T) {
	f := testutil.Fixtures(t)
	tests := []struct {
		name   string
		change func(u *member.Member)
		who    string
		want   error
	}{
		{"owner cannot be demoted", func(u *member.Member) { u.Set("role", "admin") }, "owner", member.ErrOwnerProtected},
		{"owner cannot be deactivated", func(u *member.Member) { u.Set("status", "deactivated") }, "owner", member.ErrOwnerProtected},
		{"nobody becomes a second owner", func(u *member.Member) { u.Set("role", "owner") }, "admin", member.ErrSecondOwner},
		{"a balance cannot be edited by hand", func(u *member.Member) { u.Set("balance", 5000) }, "memberA", member.ErrBalanceByHand},
		{"a user's own name can change", func(u *member.Member) { u.Set("name", "New Name") }, "owner", nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			app := testutil.NewApp(t)
			defer app.Cleanup()
			u, err := member.Find(app, f.ID(tt.who))
			if err != nil {
				t.Fatal(err)
			}
			tt.change(u)
			if err := app.Save(u); !errors.Is(err, tt.want) {
				t.Errorf("got %v, want %v", err, tt.want)
			}
		})
	}
	t.Run("owner cannot be deleted", func(t *testing.T) {
		app := testutil.NewApp(t)
		defer app.Cleanup()
		u, _ := member.Find(app, f.ID("owner"))
		if err := app.Delete(u.ProxyRecord()); !errors.Is(err, member.ErrOwnerProtected) {
			t.Errorf("got %v, want %v", err, member.ErrOwnerProtected)
		}
	})
	t.Run("a user cannot be created with money", func(t *testing.T) {
		app := testutil.NewApp(t)
		defer app.Cleanup()
		col, err := app.FindCollectionByNameOrId("users")
		if err != nil {
			t.Fatal(err)
		}
		r := core.NewRecord(col)
		r.Load(map[string]any{"email": "rich@acme.com", "password": testutil.Password, "role": "member",
			"status": "active", "record_visibility": "own", "balance": 100})
		if err := app.Save(r); !errors.Is(err, member.ErrBalanceByHand) {
			t.Errorf("got %v, want %v", err, member.ErrBalanceByHand)
		}
	})
}
