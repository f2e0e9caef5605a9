package e2e_test

import (
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/core"

	"teamfund/internal/e2e"
	"teamfund/internal/ledger"
	"teamfund/internal/testutil"
)

const hamperID = "touchhamper0001"

// seedHamper makes alpha's sends above 20.00 need approval, gives memberA 100.00 and adds
// a 30.00 "Hamper" touch, not yet assigned to any team.
func seedHamper(app core.App, f *testutil.Fixture) error {
	if _, err := app.DB().NewQuery("UPDATE teams SET approval_threshold = 2000 WHERE id = {:id}").
		Bind(dbx.Params{"id": f.ID("alpha")}).Execute(); err != nil {
		return err
	}
	if _, err := ledger.Post(app, ledger.Entry{Account: f.ID("memberA"), Amount: 10000, Kind: ledger.KindGrant, Reason: "e2e"}); err != nil {
		return err
	}
	col, err := app.FindCollectionByNameOrId("touches")
	if err != nil {
		return err
	}
	r := core.NewRecord(col)
	r.Id = hamperID
	r.Load(map[string]any{"name": "Hamper", "description": "A gift hamper", "cost": 3000, "status": "active"})
	return app.Save(r)
}

// TestSendNeedingApprovalIsApprovedByTheManager: the manager assigns their team to a touch,
// a member sends it above the approval threshold (pending, money held), the manager
// approves it on the Approvals page, and the member sees it sent.
func TestSendNeedingApprovalIsApprovedByTheManager(t *testing.T) {
	s := e2e.Start(t)
	f := testutil.Fixtures(t)
	s.Seed(t, func(app core.App) error { return seedHamper(app, f) })

	manager := s.NewBrowser(t)
	e2e.Login(t, manager, s, "managerA")
	assign := `#assign-` + hamperID + `-` + f.ID("alpha")
	e2e.Do(t, manager,
		chromedp.Navigate(s.URL+"/touches/assignments"),
		chromedp.WaitVisible(css(assign)),
		chromedp.Click(css(assign)),
	)
	waitUntil(t, manager, `document.querySelector("`+assign+`")?.textContent.trim() === "Unassign"`) // the row came back
	e2e.Screenshot(t, manager, "sends-1-manager-assigned-team")

	member := s.NewBrowser(t)
	e2e.Login(t, member, s, "memberA")
	e2e.Do(t, member,
		chromedp.Navigate(s.URL+"/touches"),
		chromedp.WaitVisible(css(`a[href="/sends/new?touch=`+hamperID+`"]`)),
		chromedp.Click(css(`a[href="/sends/new?touch=`+hamperID+`"]`)),
		chromedp.WaitVisible(css(`#needs-approval`)),
		chromedp.SendKeys(css(`input[name=recipient_name]`), "Carla Client"),
		chromedp.SendKeys(css(`input[name=recipient_email]`), "Carla@Client.example"),
	)
	e2e.Screenshot(t, member, "sends-2-member-send-form")
	e2e.Do(t, member,
		chromedp.Click(css(`#send-submit`)),
	)
	waitUntil(t, member, `[...document.querySelectorAll("#send-rows td[data-label=Status]")].some(td => td.textContent.includes("Pending"))`)
	if flash := e2e.Text(t, member, `#flash`); !strings.Contains(flash, "waits for a manager's approval") {
		t.Errorf("flash = %q, want the approval note", flash)
	}
	e2e.Screenshot(t, member, "sends-3-member-pending")
	e2e.Do(t, member, chromedp.Navigate(s.URL+"/"), chromedp.WaitVisible(css(`#balance`)))
	if bal := e2e.Text(t, member, `#balance`); bal != "$70.00" {
		t.Errorf("balance while pending = %q, want $70.00 (held)", bal)
	}

	e2e.Do(t, manager,
		chromedp.Navigate(s.URL+"/approvals/sends"),
		chromedp.WaitVisible(css(`#send-approvals .approve-send`)),
	)
	if row := e2e.Text(t, manager, `#send-approvals tbody`); !strings.Contains(row, "Carla Client") || !strings.Contains(row, "$30.00") {
		t.Errorf("approvals row = %q, want the pending send", row)
	}
	e2e.Screenshot(t, manager, "sends-4-manager-approvals")
	e2e.Do(t, manager,
		chromedp.Click(css(`#send-approvals .approve-send`)),
	)
	waitUntil(t, manager, flashOK)
	if flash := e2e.Text(t, manager, `#flash`); !strings.Contains(flash, "approved and sent") {
		t.Errorf("flash = %q, want approved", flash)
	}
	e2e.Screenshot(t, manager, "sends-5-manager-approved")

	e2e.Do(t, member, chromedp.Navigate(s.URL+"/sends"), chromedp.WaitVisible(css(`#send-rows`)))
	waitUntil(t, member, `[...document.querySelectorAll("#send-rows td[data-label=Status]")].every(td => td.textContent.includes("Sent"))`)
	e2e.Screenshot(t, member, "sends-6-member-sent")
	e2e.Do(t, member, chromedp.Navigate(s.URL+"/"), chromedp.WaitVisible(css(`#balance`)))
	if bal := e2e.Text(t, member, `#balance`); bal != "$70.00" {
		t.Errorf("balance after approval = %q, want $70.00 (debited once)", bal)
	}
}

// TestTouchAssignmentsPageTheTeams: with 62 teams the admin's assignment matrix shows 25 team
// columns at a time; on the third page Assign (HTMX) swaps the row in place with the same
// columns, and the page still fits the window. A manager on a phone finds their own team in
// the first column, the only one they may change. Screenshots: assignments-page-3.png,
// assignments-manager-390.png.
func TestTouchAssignmentsPageTheTeams(t *testing.T) {
	s := e2e.Start(t)
	f := testutil.Fixtures(t)
	s.Seed(t, func(app core.App) error {
		testutil.InsertTeams(t, app, 60, "")
		return seedHamper(app, f)
	})
	admin := s.NewBrowser(t)
	e2e.Login(t, admin, s, "admin")
	columns := `document.querySelectorAll("#assignments thead th").length - 2`
	e2e.Do(t, admin,
		chromedp.Navigate(s.URL+"/touches/assignments"),
		chromedp.WaitVisible(css(`#assignment-team-pages a[rel=next]`)))
	if n := e2e.Get(t, admin, chromedp.Evaluate[int](columns)); n != 25 {
		t.Errorf("page 1 shows %d team columns, want 25", n)
	}
	for range 2 {
		e2e.Do(t, admin, chromedp.Click(css(`#assignment-team-pages a[rel=next]`)), chromedp.WaitVisible(css(`#assignment-team-pages a[rel=prev]`)))
	}
	assign := `#assign-` + hamperID + `-zteam0000000059`
	e2e.Do(t, admin, chromedp.WaitVisible(css(assign)), chromedp.Click(css(assign)))
	waitUntil(t, admin, `document.querySelector("`+assign+`")?.textContent.trim() === "Unassign"`)
	if n, shown := e2e.Get(t, admin, chromedp.Evaluate[int](columns)), e2e.Text(t, admin, `#assignment-team-pages span`); n != 12 || shown != "Teams 51–62 of 62" {
		t.Errorf("page 3 after assigning: %d columns, %q; want 12 and Teams 51–62 of 62", n, shown)
	}
	if cells := e2e.Get(t, admin, chromedp.Evaluate[int](`document.querySelectorAll("#assign-`+hamperID+` td").length - 2`)); cells != 12 {
		t.Errorf("the swapped row has %d team cells, want page 3's 12", cells)
	}
	e2e.Do(t, admin, chromedp.Evaluate[chromedp.Void](`document.querySelector(".table-responsive").scrollLeft = 0`)) // the click scrolled it
	e2e.Screenshot(t, admin, "assignments-page-3")
	if wide := e2e.Get(t, admin, chromedp.Evaluate[int](`document.documentElement.scrollWidth - window.innerWidth`)); wide > 1 {
		t.Errorf("the matrix is %d px wider than the window", wide)
	}
	// A manager on a phone: their own team is the first column, the only one with buttons.
	manager := s.NewBrowser(t)
	e2e.Login(t, manager, s, "managerA")
	e2e.Do(t, manager, chromedp.EmulateViewport(390, 900),
		chromedp.Navigate(s.URL+"/touches/assignments"), chromedp.WaitVisible(css(`#assignment-team-pages a[rel=next]`)))
	// (the stacked table hides its head on a phone: read the first team cell's label)
	if first := e2e.Get(t, manager, chromedp.Evaluate[string](`document.querySelector("#assignments tbody td:nth-child(3)").dataset.label`)); first != "Alpha" {
		t.Errorf("the manager's first team column is %q, want Alpha", first)
	}
	if n := e2e.Get(t, manager, chromedp.Evaluate[int](`document.querySelectorAll("#assignments form").length`)); n != 1 {
		t.Errorf("the manager has %d buttons, want one: their own team's", n)
	}
	e2e.Screenshot(t, manager, "assignments-manager-390")
	if wide := e2e.Get(t, manager, chromedp.Evaluate[int](`document.documentElement.scrollWidth - window.innerWidth`)); wide > 1 {
		t.Errorf("the manager's matrix is %d px wider than the 390 px window", wide)
	}
	for _, v := range e2e.Axe(t, manager) {
		t.Errorf("axe: %s", v)
	}
}
