package e2e_test

import (
	"context"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/core"

	"teamfund/internal/e2e"
	"teamfund/internal/ledger"
	"teamfund/internal/testutil"
)

// TestBulkRoleChangeIsAllOrNothing: an admin selects three users including the owner and
// asks to make them managers: nothing changes and the owner is listed with the reason;
// without the owner the change goes through for both.
func TestBulkRoleChangeIsAllOrNothing(t *testing.T) {
	s := e2e.Start(t)
	f := testutil.Fixtures(t)
	admin := s.NewBrowser(t)
	e2e.Login(t, admin, s, "admin")
	box := func(key string) css { return css(`input[name=ids][value="` + f.ID(key) + `"]`) }
	e2e.Do(t, admin,
		chromedp.Navigate(s.URL+"/users"),
		chromedp.WaitVisible(css(`#user-table`)),
		chromedp.Click(box("memberA")),
		chromedp.Click(box("memberB")),
		chromedp.Click(box("owner")),
		chromedp.SetValue(css(`#bulk-action`), "role"),
		chromedp.SetValue(css(`#bulk-role`), "manager"),
	)
	e2e.Screenshot(t, admin, "users-1-bulk-selection")
	e2e.Do(t, admin, chromedp.Click(css(`#bulk-apply`)))
	e2e.Confirm(t, admin)
	e2e.Do(t, admin, chromedp.WaitVisible(css(`#bulk-refused`)))
	if msg := e2e.Text(t, admin, `#bulk-refused`); !strings.Contains(msg, "owner@acme.com") || !strings.Contains(msg, "Nothing was changed") {
		t.Errorf("refusal = %q, want the owner listed and nothing changed", msg)
	}
	if row := e2e.Text(t, admin, `tr[data-user="`+f.ID("memberA")+`"]`); !strings.Contains(row, "Member") || strings.Contains(row, "Manager") {
		t.Errorf("memberA row after the refused bulk action = %q, want still Member", row)
	}
	e2e.Screenshot(t, admin, "users-2-bulk-refused")

	e2e.Do(t, admin,
		chromedp.Click(box("owner")), // still selected after the refusal: unselect it
		chromedp.SetValue(css(`#bulk-action`), "role"),
		chromedp.SetValue(css(`#bulk-role`), "manager"),
		chromedp.Click(css(`#bulk-apply`)),
	)
	e2e.Confirm(t, admin)
	e2e.Do(t, admin, chromedp.WaitVisible(css(`#flash .flash.ok`)))
	if flash := e2e.Text(t, admin, `#flash`); !strings.Contains(flash, "2 users updated") {
		t.Errorf("flash = %q, want 2 users updated", flash)
	}
	for _, k := range []string{"memberA", "memberB"} {
		if row := e2e.Text(t, admin, `tr[data-user="`+f.ID(k)+`"]`); !strings.Contains(row, "Manager") {
			t.Errorf("%s row = %q, want Manager", k, row)
		}
	}
	e2e.Screenshot(t, admin, "users-3-bulk-done")
}

// seedLeave makes leaving alpha need approval and gives memberA 25.00.
func seedLeave(t *testing.T, dataDir string) {
	t.Helper()
	f := testutil.Fixtures(t)
	app := core.NewBaseApp(core.BaseAppConfig{DataDir: dataDir})
	if err := app.Bootstrap(); err != nil {
		t.Fatal(err)
	}
	defer app.ResetBootstrapState()
	if _, err := app.DB().NewQuery("UPDATE teams SET leave_needs_approval = 1 WHERE id = {:id}").
		Bind(dbx.Params{"id": f.ID("alpha")}).Execute(); err != nil {
		t.Fatal(err)
	}
	if _, err := ledger.Post(app, ledger.Entry{Account: f.ID("memberA"), Amount: 2500, Kind: ledger.KindGrant, Reason: "e2e"}); err != nil {
		t.Fatal(err)
	}
}

// TestLeaveRequestApprovedByTheManager: a member asks to leave a team that requires
// approval, the team's manager approves on Approvals → Leave requests, and the member is
// teamless with the balance returned.
func TestLeaveRequestApprovedByTheManager(t *testing.T) {
	s := e2e.Start(t)
	seedLeave(t, s.DataDir)
	f := testutil.Fixtures(t)

	member := s.NewBrowser(t)
	e2e.Login(t, member, s, "memberA")
	e2e.Do(t, member, chromedp.Navigate(s.URL+"/teams/"+f.ID("alpha")), chromedp.WaitVisible(css(`#leave-team`)))
	e2e.Screenshot(t, member, "leave-1-member-team-page")
	e2e.Do(t, member, chromedp.Click(css(`#leave-team`)))
	e2e.Confirm(t, member)
	e2e.Do(t, member, chromedp.WaitVisible(css(`#flash .flash.ok`)))
	if flash := e2e.Text(t, member, `#flash`); !strings.Contains(flash, "waits for a manager") {
		t.Errorf("flash = %q, want the request to wait", flash)
	}
	e2e.Screenshot(t, member, "leave-2-member-requested")

	manager := s.NewBrowser(t)
	e2e.Login(t, manager, s, "managerA")
	e2e.Do(t, manager,
		chromedp.Navigate(s.URL+"/approvals/leave"),
		chromedp.WaitVisible(css(`#leave-pending button`)),
	)
	if row := e2e.Text(t, manager, `#leave-pending tbody`); !strings.Contains(row, "member.a@acme.com") || !strings.Contains(row, "$25.00") {
		t.Errorf("pending row = %q, want memberA with $25.00", row)
	}
	e2e.Screenshot(t, manager, "leave-3-manager-approvals")
	e2e.Do(t, manager,
		chromedp.Click(css(`#leave-pending form[action$="/approve"] button`)),
	)
	waitUntil(t, manager, flashOK)
	if row := e2e.Text(t, manager, `#approvals`); !strings.Contains(row, "No pending requests") {
		t.Errorf("pending after approval = %q", row)
	}
	e2e.Screenshot(t, manager, "leave-4-manager-approved")

	e2e.Do(t, member, chromedp.Navigate(s.URL+"/"), chromedp.WaitVisible(css(`#balance`)))
	if bal := e2e.Text(t, member, `#balance`); bal != "$0.00" {
		t.Errorf("balance after leaving = %q, want $0.00 (returned)", bal)
	}
	if dash := e2e.Text(t, member, `#dashboard`); !strings.Contains(dash, "Join a team") {
		t.Errorf("dashboard = %q, want the teamless hint (Join a team)", dash)
	}
	e2e.Screenshot(t, member, "leave-5-member-teamless")
}

// TestUsersSearchFiltersAsYouType: typing in the users search swaps only the table (HTMX)
// and pushes the filter into the address, so a reload or an export keeps it.
func TestUsersSearchFiltersAsYouType(t *testing.T) {
	s := e2e.Start(t)
	f := testutil.Fixtures(t)
	manager := s.NewBrowser(t)
	e2e.Login(t, manager, s, "managerA")
	e2e.Do(t, manager,
		chromedp.Navigate(s.URL+"/users"),
		chromedp.WaitVisible(css(`tr[data-user="`+f.ID("memberA")+`"]`)),
		chromedp.SendKeys(css(`#user-search`), "mona"),
		chromedp.WaitNotPresent(css(`tr[data-user="`+f.ID("memberA")+`"]`)),
	)
	if table := e2e.Text(t, manager, `#user-table tbody`); !strings.Contains(table, "member.a2@acme.com") || strings.Contains(table, "manager.a@acme.com") {
		t.Errorf("table after typing = %q, want only Mona", table)
	}
	if loc := e2e.Get(t, manager, chromedp.Location()); !strings.Contains(loc, "q=mona") {
		t.Errorf("location = %q, want the search in the URL", loc)
	}
	e2e.Screenshot(t, manager, "users-4-manager-search")
}

// TestTeamPagePagesBigTeams: a team of 62 shows its members 50 at a time; Next shows the
// other 12, and removing one of them comes back to page 2. The usage page pages the same
// members 50 at a time, and its Next keeps the team.
func TestTeamPagePagesBigTeams(t *testing.T) {
	s := e2e.Start(t)
	f := testutil.Fixtures(t)
	s.Seed(t, func(app core.App) error {
		testutil.InsertTeamMembers(t, app, 60)
		return nil
	})
	rows := func(ctx context.Context) int {
		return e2e.Get(t, ctx, chromedp.Evaluate[int](`document.querySelectorAll("#members tbody tr").length`))
	}
	manager := s.NewBrowser(t)
	e2e.Login(t, manager, s, "managerB")
	e2e.Do(t, manager,
		chromedp.Navigate(s.URL+"/teams/"+f.ID("beta")),
		chromedp.WaitVisible(css(`#member-pages a[rel=next]`)),
	)
	if n, count := rows(manager), e2e.Text(t, manager, `#member-count`); n != 50 || count != "62 members · page 1 of 2" {
		t.Errorf("page 1: %d rows, count %q; want 50 and 62 members · page 1 of 2", n, count)
	}
	e2e.Do(t, manager,
		chromedp.Click(css(`#member-pages a[rel=next]`)),
		chromedp.WaitVisible(css(`tr[data-user="betamember00059"]`)),
	)
	if n := rows(manager); n != 12 {
		t.Errorf("page 2: %d rows, want 12", n)
	}
	if first := e2e.Text(t, manager, `#members tbody tr`); !strings.Contains(first, "zbeta00048@acme.com") {
		t.Errorf("page 2 starts with %q, want zbeta00048", first)
	}
	if loc := e2e.Get(t, manager, chromedp.Location()); !strings.HasSuffix(loc, "?page=2") {
		t.Errorf("location = %q, want ?page=2", loc)
	}
	e2e.Screenshot(t, manager, "team-page-2-of-a-big-team")
	e2e.Do(t, manager, chromedp.Click(css(`tr[data-user="betamember00059"] button`)))
	e2e.Confirm(t, manager)
	waitUntil(t, manager, flashOK)
	if n, count := rows(manager), e2e.Text(t, manager, `#member-count`); n != 11 || count != "61 members · page 2 of 2" {
		t.Errorf("after removing on page 2: %d rows, count %q; want 11 and 61 members · page 2 of 2", n, count)
	}
	// The usage page lists the same 61 members 50 at a time; Next keeps the month and team.
	usageRows := func() int {
		return e2e.Get(t, manager, chromedp.Evaluate[int](`document.querySelectorAll("#usage-members-table tbody tr").length`))
	}
	e2e.Do(t, manager,
		chromedp.Navigate(s.URL+"/usage"),
		chromedp.WaitVisible(css(`#usage-member-pages a[rel=next]`)),
	)
	if n, count := usageRows(), e2e.Text(t, manager, `#usage-member-count`); n != 50 || count != "61 members · page 1 of 2" {
		t.Errorf("usage page 1: %d rows, count %q; want 50 and 61 members · page 1 of 2", n, count)
	}
	e2e.Do(t, manager,
		chromedp.Click(css(`#usage-member-pages a[rel=next]`)),
		chromedp.WaitVisible(css(`#usage-member-pages a[rel=prev]`)),
	)
	if n := usageRows(); n != 11 {
		t.Errorf("usage page 2: %d rows, want 11", n)
	}
	if loc := e2e.Get(t, manager, chromedp.Location()); !strings.Contains(loc, "page=2") || !strings.Contains(loc, "team="+f.ID("beta")) {
		t.Errorf("usage page 2 location = %q, want page=2 and the team", loc)
	}
	e2e.Screenshot(t, manager, "usage-page-2-of-a-big-team")
}
