package invite_test

import (
	"errors"
	"fmt"
	"strings"
	"sync"
	"testing"

	"teamfund/internal/invite"
)

// reasonsCSV has one row per refusal reason, plus valid rows and a +tag near-duplicate.
const reasonsCSV = "email,name,role,team\r\n" +
	"ok1@acme.com,Ok One,member,Alpha\r\n" + // 2 valid
	"not-an-email,Bad,member,Alpha\r\n" + // 3 malformed
	"OK1@acme.com,Dup,member,Alpha\r\n" + // 4 duplicate of line 2
	"member.a@acme.com,Max,member,Alpha\r\n" + // 5 already a user
	"locked@acme.com,Lee,member,Alpha\r\n" + // 6 deactivated
	"pending@acme.com,P,member,Alpha\r\n" + // 7 already invited
	"role@acme.com,R,boss,Alpha\r\n" + // 8 invalid role
	"team@acme.com,T,member,Gamma\r\n" + // 9 unknown team
	"far@other.com,F,member,Alpha\r\n" + // 10 domain mismatch
	"ok1+sales@acme.com,Tag,member,Alpha\r\n" + // 11 valid, warning
	"ok2@acme.com,Ok Two,manager,Beta\r\n" + // 12 over the seat limit
	"owner2@acme.com,O,owner,\r\n" // 13 owner role

func TestPreviewMarksEveryBadRowWithItsReason(t *testing.T) {
	app := newApp(t)
	admin := actor(t, app, "admin")
	if _, err := invite.Create(app, admin, invite.Candidate{Email: "pending@acme.com"}); err != nil {
		t.Fatal(err)
	}
	// 8 active users + 1 pending invite; two more seats.
	setCompany(t, app, map[string]any{"domain_rule": true, "seat_limit": 11})
	cands, err := invite.ParseCSV(strings.NewReader(reasonsCSV))
	if err != nil {
		t.Fatal(err)
	}
	rows, err := invite.Preview(app, admin, cands)
	if err != nil {
		t.Fatal(err)
	}
	want := map[int]error{2: nil, 3: invite.ErrMalformedEmail, 4: invite.ErrDuplicateInFile, 5: invite.ErrAlreadyUser,
		6: invite.ErrDeactivatedUser, 7: invite.ErrAlreadyInvited, 8: invite.ErrInvalidRole, 9: invite.ErrUnknownTeam,
		10: invite.ErrDomainMismatch, 11: nil, 12: invite.ErrSeatLimit, 13: invite.ErrOwnerRole}
	for _, r := range rows {
		if !errors.Is(r.Err, want[r.Line]) || (want[r.Line] == nil) != (r.Err == nil) {
			t.Errorf("line %d (%s): got %v, want %v", r.Line, r.Email, r.Err, want[r.Line])
		}
	}
	if !strings.Contains(rows[2].Reason(), "line 2") {
		t.Errorf("duplicate reason %q does not name the first line", rows[2].Reason())
	}
	if !strings.Contains(rows[9].Warning, "+tag") {
		t.Errorf("no +tag warning on line 11: %q", rows[9].Warning)
	}
	if n, _ := app.CountRecords("invites"); n != 1 {
		t.Errorf("preview wrote invites: %d", n)
	}
}

func TestImportWritesValidRowsAndReportsRefused(t *testing.T) {
	app := newApp(t)
	cands, err := invite.ParseCSV(strings.NewReader(reasonsCSV))
	if err != nil {
		t.Fatal(err)
	}
	rep, err := invite.Import(app, actor(t, app, "admin"), cands)
	if err != nil {
		t.Fatal(err)
	}
	// No domain rule, no seat limit, nobody pre-invited: lines 2, 7, 10, 11, 12 are valid.
	if rep.Invited != 5 || rep.Refused != 7 || rep.Warnings != 1 {
		t.Errorf("invited %d refused %d warnings %d, want 5/7/1", rep.Invited, rep.Refused, rep.Warnings)
	}
	if n, _ := app.CountRecords("invites"); n != 5 {
		t.Errorf("%d invites stored, want 5", n)
	}
	if n, _ := app.CountRecords("outbox"); n != 5 {
		t.Errorf("%d mails stored, want 5", n)
	}
	if n, _ := app.CountRecords("audit_log", dbxAction("invite.import")); n != 1 {
		t.Errorf("%d import audit entries, want 1", n)
	}
}

func TestManagerImportIsLimitedToOwnTeamAndMembers(t *testing.T) {
	app := newApp(t)
	cands, _ := invite.ParseCSV(strings.NewReader("email,role,team\na@acme.com,,\nb@acme.com,member,Beta\nc@acme.com,admin,Alpha\nd@acme.com,member,alpha\n"))
	rep, err := invite.Import(app, actor(t, app, "managerA"), cands)
	if err != nil {
		t.Fatal(err)
	}
	if rep.Invited != 2 || !errors.Is(rep.Rows[1].Err, invite.ErrNotAllowed) || !errors.Is(rep.Rows[2].Err, invite.ErrNotAllowed) {
		t.Errorf("invited %d, rows %+v", rep.Invited, rep.Rows)
	}
}

// Two imports race for the last seats: the check and the inserts share one write
// transaction and PocketBase runs write transactions one at a time, so the limit holds.
func TestRacingImportsNeverExceedTheSeatLimit(t *testing.T) {
	app := newApp(t)
	setCompany(t, app, map[string]any{"seat_limit": 13}) // 8 active users: 5 seats left
	admin := actor(t, app, "admin")
	var wg sync.WaitGroup
	invitedByImport := make([]int, 2)
	for i := range 2 {
		var csv strings.Builder
		csv.WriteString("email\n")
		for j := range 4 {
			fmt.Fprintf(&csv, "import%d-%d@acme.com\n", i, j)
		}
		cands, err := invite.ParseCSV(strings.NewReader(csv.String()))
		if err != nil {
			t.Fatal(err)
		}
		wg.Add(1)
		go func() {
			defer wg.Done()
			rep, err := invite.Import(app, admin, cands)
			if err != nil {
				t.Error(err)
				return
			}
			invitedByImport[i] = rep.Invited
		}()
	}
	wg.Wait()
	used, err := invite.SeatsUsed(app, nowPlus(0))
	if err != nil {
		t.Fatal(err)
	}
	if used != 13 || invitedByImport[0]+invitedByImport[1] != 5 {
		t.Errorf("seats used %d (want 13), invited %v (want 5 in total)", used, invitedByImport)
	}
}
