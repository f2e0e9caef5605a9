package cli

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"teamfund/internal/testutil"
)

func writeCSV(t *testing.T, text string) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), "invites.csv")
	if err := os.WriteFile(p, []byte(text), 0o600); err != nil {
		t.Fatal(err)
	}
	return p
}

const cliCSV = "\ufeffemail,name,role,team\r\nnew@acme.com,New,member,Alpha\r\nmember.a@acme.com,Max,member,Alpha\r\nnope,Bad,,\r\nboss@acme.com,Boss,admin,\r\n"

func TestInvitesImportCommand(t *testing.T) {
	cases := []struct {
		name    string
		as      string
		dryRun  bool
		invites int
		want    []string
	}{
		{"owner imports and sees each refused row", "", false, 2,
			[]string{"line 3: member.a@acme.com: refused: already a user", "line 4: nope: refused: malformed email", "2 invited, 2 refused."}},
		{"dry run writes nothing", "", true, 0, []string{"2 would be invited (dry run, nothing written), 2 refused."}},
		{"as a manager: own team, members only", "Manager.A@acme.com", false, 1,
			[]string{"line 5: boss@acme.com: refused: you are not allowed to do that: managers invite only members", "1 invited, 3 refused."}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			app := testutil.NewApp(t)
			defer app.Cleanup()
			var out strings.Builder
			if err := importInvites(app, &out, writeCSV(t, cliCSV), tc.as, tc.dryRun); err != nil {
				t.Fatal(err)
			}
			for _, w := range tc.want {
				if !strings.Contains(out.String(), w) {
					t.Errorf("output lacks %q:\n%s", w, out.String())
				}
			}
			if n, _ := app.CountRecords("invites"); int(n) != tc.invites {
				t.Errorf("%d invites, want %d", n, tc.invites)
			}
		})
	}
}

func TestInvitesImportCommandErrors(t *testing.T) {
	app := testutil.NewApp(t)
	defer app.Cleanup()
	var out strings.Builder
	if err := importInvites(app, &out, writeCSV(t, cliCSV), "nobody@acme.com", false); err == nil || !strings.Contains(err.Error(), "no such user") {
		t.Errorf("unknown --as: got %v", err)
	}
	if err := importInvites(app, &out, writeCSV(t, "name\nx\n"), "", false); err == nil || !strings.Contains(err.Error(), "email is required") {
		t.Errorf("bad header: got %v", err)
	}
	if err := importInvites(app, &out, filepath.Join(t.TempDir(), "missing.csv"), "", false); err == nil {
		t.Error("missing file: no error")
	}
}
