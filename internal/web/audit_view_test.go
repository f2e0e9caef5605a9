package web

import "testing"

func TestAuditActionLabel(t *testing.T) {
	cases := map[string]string{
		"user.role":             "Role changed",
		"send.approve":          "Send approved",
		"money.request.decline": "Money request declined",
		"invite_key.revoke":     "Invite key revoked",
		"leave.approve":         "Leave approved",
		"team.delete":           "Team deleted",
		"something.new_thing":   "Something new thing",
		"plain":                 "Plain",
	}
	for code, want := range cases {
		if got := auditActionLabel(code); got != want {
			t.Errorf("auditActionLabel(%q) = %q, want %q", code, got, want)
		}
	}
}

func TestAuditValue(t *testing.T) {
	names := map[string]string{"t1": "Alpha"}
	cases := []struct{ field, value, want string }{
		{"amount", "1800", "€18.00"},
		{"monthly_limit", "0", "€0.00"},
		{"role", "manager", "Manager"},
		{"status", "deactivated", "Deactivated"},
		{"leave_needs_approval", "true", "Yes"},
		{"team", "t1", "Alpha"},
		{"team", "gone", "gone"},
		{"name", "Ann", "Ann"},
		{"reason", "null", ""},
		{"expires", "2026-12-14 04:07:41.446Z", "2026-12-14 04:07 UTC"},
		{"seat_limit", "0", "0"},
	}
	for _, c := range cases {
		if got := auditValue(c.field, c.value, "EUR", names); got != c.want {
			t.Errorf("auditValue(%q, %q) = %q, want %q", c.field, c.value, got, c.want)
		}
	}
}
