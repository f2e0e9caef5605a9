package web_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/pocketbase/pocketbase/tests"

	"teamfund/internal/audit"
	"teamfund/internal/ledger"
	"teamfund/internal/testutil"
)

// optionsOf is the <option> values (emails) of the fixture people with the given keys.
func optionsOf(f *testutil.Fixture, keys ...string) []string {
	out := make([]string, len(keys))
	for i, k := range keys {
		out[i] = `value="` + f.Emails[k] + `"`
	}
	return out
}

// TestEachPickerOffersOnlyThePeopleTheViewerMayChoose is the purpose × role matrix of
// /people/search: who is offered, and who is refused with 403.
func TestEachPickerOffersOnlyThePeopleTheViewerMayChoose(t *testing.T) {
	f := testutil.Fixtures(t)
	search := func(purpose string) string {
		return "/people/search?purpose=" + purpose + "&field=q&q="
	}
	type row struct {
		name, actor, purpose string
		offered, notOffered  []string // fixture keys
	}
	everyActive := []string{"owner", "admin", "managerA", "memberA", "memberA2", "managerB", "memberB", "loner"}
	rows := []row{
		{"the owner moves money of anyone active", "owner", "move", everyActive, []string{"locked"}},
		{"an admin moves money of anyone active", "admin", "move", everyActive, []string{"locked"}},
		{"a manager moves money of their own team only", "managerA", "move",
			[]string{"managerA", "memberA", "memberA2"}, []string{"memberB", "managerB", "loner", "owner", "locked"}},
		{"the owner sees everyone's records, deactivated people too", "owner", "see", append(everyActive, "locked"), nil},
		{"an admin sees everyone's records, deactivated people too", "admin", "see", append(everyActive, "locked"), nil},
		{"a manager sees their own team's records", "managerA", "see",
			[]string{"managerA", "memberA", "memberA2", "locked"}, []string{"memberB", "managerB", "loner", "owner", "admin"}},
		{"a member with the team-records permission sees their team", "memberA2", "see",
			[]string{"memberA", "memberA2", "managerA"}, []string{"memberB", "loner", "owner"}},
		{"the owner adds anyone active to a team", "owner", "add", everyActive, []string{"locked"}},
		{"an admin adds anyone active to a team", "admin", "add", everyActive, []string{"locked"}},
		{"a manager adds only people without a team", "managerA", "add",
			[]string{"loner", "owner", "admin"}, []string{"memberA", "memberB", "managerB", "locked"}},
		{"a member transfers to their active teammates", "memberA", "teammate",
			[]string{"memberA2", "managerA"}, []string{"memberA", "locked", "memberB", "loner", "owner"}},
		{"a manager transfers to their active teammates", "managerA", "teammate",
			[]string{"memberA", "memberA2"}, []string{"managerA", "memberB", "loner"}},
	}
	var scenarios []tests.ApiScenario
	for _, r := range rows {
		scenarios = append(scenarios, tests.ApiScenario{
			Name: r.name, Method: http.MethodGet, URL: search(r.purpose), Headers: f.HTMXHeaders(r.actor),
			TestAppFactory: testutil.NewApp, ExpectedStatus: http.StatusOK,
			ExpectedContent: optionsOf(f, r.offered...), NotExpectedContent: append(optionsOf(f, r.notOffered...), "<html"),
		})
	}
	for _, refused := range []struct{ actor, purpose string }{
		{"memberA", "move"}, {"memberA", "see"}, {"memberA", "add"}, {"memberA2", "move"}, {"memberA2", "add"},
		{"loner", "teammate"}, {"owner", "teammate"}, {"loner", "see"},
	} {
		scenarios = append(scenarios, tests.ApiScenario{
			Name:   refused.actor + " may choose nobody for " + refused.purpose + ": 403",
			Method: http.MethodGet, URL: search(refused.purpose) + "m", Headers: f.HTMXHeaders(refused.actor),
			TestAppFactory: testutil.NewApp, ExpectedStatus: http.StatusForbidden,
			ExpectedContent: []string{"not allowed"}, NotExpectedContent: []string{"@acme.com"},
		})
	}
	scenarios = append(scenarios,
		tests.ApiScenario{
			Name:   "a manager's search by name stays inside their team",
			Method: http.MethodGet, URL: search("see") + "bea", Headers: f.HTMXHeaders("managerA"), TestAppFactory: testutil.NewApp,
			ExpectedStatus: http.StatusOK, NotExpectedContent: []string{"acme.com"},
		},
		tests.ApiScenario{
			Name:   "an admin adding to a team is not offered its members",
			Method: http.MethodGet, URL: "/people/search?purpose=add&field=q&q=&team=" + f.ID("alpha"), Headers: f.HTMXHeaders("admin"),
			TestAppFactory: testutil.NewApp, ExpectedStatus: http.StatusOK,
			ExpectedContent: optionsOf(f, "memberB", "loner"), NotExpectedContent: optionsOf(f, "memberA", "managerA", "memberA2"),
		},
		tests.ApiScenario{
			Name:   "an unknown purpose is a 400 naming the parameter",
			Method: http.MethodGet, URL: search("everyone"), Headers: f.HTMXHeaders("admin"), TestAppFactory: testutil.NewApp,
			ExpectedStatus: http.StatusBadRequest, ExpectedContent: []string{"purpose", "must be move, see, add or teammate"},
			NotExpectedContent: []string{"@acme.com"},
		},
		tests.ApiScenario{
			Name:   "without a purpose the picker is the money mover's (the older pickers)",
			Method: http.MethodGet, URL: "/people/search?field=to&to=", Headers: f.HTMXHeaders("managerA"), TestAppFactory: testutil.NewApp,
			ExpectedStatus: http.StatusOK, ExpectedContent: optionsOf(f, "memberA"), NotExpectedContent: optionsOf(f, "memberB"),
		},
	)
	for _, s := range scenarios {
		s.Test(t)
	}
}

// manyUsers is the sends fixture plus 100 more active people (Anna 00000 … Hana 00099).
func manyUsers(tb testing.TB) *tests.TestApp {
	app := newSendsAppWithSends(tb)
	testutil.InsertUsers(tb, app, 100)
	return app
}

// TestTheSendsMemberFilterIsAPicker: the sends page offers the first people, never a select
// of everyone, and a picked email, a typed name or an id link filters the list.
func TestTheSendsMemberFilterIsAPicker(t *testing.T) {
	f := testutil.Fixtures(t)
	page := func(q url.Values) string { return "/sends?" + q.Encode() }
	scenarios := []tests.ApiScenario{
		{
			Name:   "admin's sends page has a member picker of the first people, not a select of every user",
			Method: http.MethodGet, URL: "/sends", Headers: f.CookieHeaders("admin"), TestAppFactory: manyUsers,
			ExpectedStatus: http.StatusOK,
			ExpectedContent: []string{`list="send-member-people"`, `hx-get="/people/search?purpose=see&field=member"`,
				`<option value="admin@acme.com">Adam Admin</option>`, `id="send-member" name="member" value="" list="send-member-people" type="search"`},
			NotExpectedContent: []string{`<select class="form-select" id="send-member"`, "Hana 00007", "user00099@acme.com", "Olivia Owner"},
		},
		{
			Name:   "the picker finds someone beyond the first people as one types",
			Method: http.MethodGet, URL: "/people/search?purpose=see&field=member&member=hana+0009", Headers: f.HTMXHeaders("admin"),
			TestAppFactory: manyUsers, ExpectedStatus: http.StatusOK,
			ExpectedContent: []string{`value="user00095@acme.com"`}, NotExpectedContent: []string{"Anna"},
		},
		{
			Name:   "admin filters sends by a picked email",
			Method: http.MethodGet, URL: page(url.Values{"member": {"Member.A2@acme.com"}}), Headers: f.CookieHeaders("admin"),
			TestAppFactory: newSendsAppWithSends, ExpectedStatus: http.StatusOK,
			ExpectedContent:    []string{"Rick Teammate", `id="send-member" name="member" value="member.a2@acme.com"`, "member=" + f.ID("memberA2")},
			NotExpectedContent: []string{"Rita Own", "Bob Beta", "Manny Manager"},
		},
		{
			Name:   "admin filters sends by a typed name",
			Method: http.MethodGet, URL: page(url.Values{"member": {"mona member"}}), Headers: f.CookieHeaders("admin"),
			TestAppFactory: newSendsAppWithSends, ExpectedStatus: http.StatusOK,
			ExpectedContent:    []string{"Rick Teammate", `value="member.a2@acme.com"`},
			NotExpectedContent: []string{"Rita Own", "Bob Beta", "Manny Manager"},
		},
		{
			Name:   "a member=<user id> link from another page still filters and shows the email",
			Method: http.MethodGet, URL: page(url.Values{"member": {f.ID("memberA")}}), Headers: f.CookieHeaders("admin"),
			TestAppFactory: newSendsAppWithSends, ExpectedStatus: http.StatusOK,
			ExpectedContent:    []string{"Rita Own", "Pam Pending", `id="send-member" name="member" value="member.a@acme.com"`},
			NotExpectedContent: []string{"Rick Teammate", "Bob Beta"},
		},
		{
			Name:   "an email nobody has now still filters by the email sends keep (a deleted sender's)",
			Method: http.MethodGet, URL: page(url.Values{"member": {"gone@acme.com"}}), Headers: f.CookieHeaders("admin"),
			TestAppFactory: newSendsAppWithSends, ExpectedStatus: http.StatusOK,
			ExpectedContent: []string{"No sends match these filters", `value="gone@acme.com"`}, NotExpectedContent: []string{"Rita Own"},
		},
		{
			Name:   "a name nobody has is a 400 on the member field, with what was typed kept",
			Method: http.MethodGet, URL: page(url.Values{"member": {"Nobody Here"}}), Headers: f.CookieHeaders("admin"),
			TestAppFactory: newSendsAppWithSends, ExpectedStatus: http.StatusBadRequest,
			ExpectedContent:    []string{`value="Nobody Here"`, "No one you can choose here has that name or email", "is-invalid"},
			NotExpectedContent: []string{"Rita Own"},
		},
		{
			Name:   "a manager cannot pick someone of another team by name",
			Method: http.MethodGet, URL: page(url.Values{"member": {"Bea Member"}}), Headers: f.CookieHeaders("managerA"),
			TestAppFactory: newSendsAppWithSends, ExpectedStatus: http.StatusBadRequest,
			ExpectedContent: []string{"No one you can choose here"}, NotExpectedContent: []string{"Bob Beta"},
		},
		{
			Name:   "a manager's member=<id> link to someone outside the team still answers, within what they see",
			Method: http.MethodGet, URL: page(url.Values{"member": {f.ID("memberB")}}), Headers: f.CookieHeaders("managerA"),
			TestAppFactory: newSendsAppWithSends, ExpectedStatus: http.StatusOK,
			ExpectedContent: []string{"No sends match these filters"}, NotExpectedContent: []string{"Bob Beta", "member.b@acme.com"},
		},
		{
			Name:   "a manager's picker offers their team and filters by a teammate",
			Method: http.MethodGet, URL: page(url.Values{"member": {"member.a@acme.com"}}), Headers: f.CookieHeaders("managerA"),
			TestAppFactory: newSendsAppWithSends, ExpectedStatus: http.StatusOK,
			ExpectedContent:    []string{"Rita Own", `hx-get="/people/search?purpose=see&field=member"`},
			NotExpectedContent: []string{"Rick Teammate", "Manny Manager", "member.b@acme.com"},
		},
		{
			Name:   "a member who sees only their own sends gets no member picker",
			Method: http.MethodGet, URL: "/sends", Headers: f.CookieHeaders("memberA"), TestAppFactory: newSendsAppWithSends,
			ExpectedStatus: http.StatusOK, ExpectedContent: []string{"Rita Own"},
			NotExpectedContent: []string{`id="send-member"`, "member.a2@acme.com"},
		},
	}
	for _, s := range scenarios {
		s.Test(t)
	}
}

// withGrants is the fixture app with one grant to memberA and one to memberA2, each with
// a reason that names them.
func withGrants(tb testing.TB) *tests.TestApp {
	app := testutil.NewApp(tb)
	f := testutil.Fixtures(tb)
	for key, reason := range map[string]string{"memberA": "grant for max", "memberA2": "grant for mona"} {
		if _, err := ledger.Post(app, ledger.Entry{Account: f.ID(key), Amount: 1000, Kind: ledger.KindGrant, Reason: reason}); err != nil {
			tb.Fatal(err)
		}
	}
	return app
}

func TestTheLedgerMemberFilterIsAPicker(t *testing.T) {
	f := testutil.Fixtures(t)
	scenarios := []tests.ApiScenario{
		{
			Name:   "admin's ledger has a member picker, not an email box of its own",
			Method: http.MethodGet, URL: "/ledger", Headers: f.CookieHeaders("admin"), TestAppFactory: manyUsers,
			ExpectedStatus: http.StatusOK,
			ExpectedContent: []string{`list="ledger-member-people"`, `hx-get="/people/search?purpose=see&field=member"`,
				`<option value="admin@acme.com">Adam Admin</option>`},
			NotExpectedContent: []string{"Member's email", "Hana 00007", "user00099@acme.com"},
		},
		{
			Name:   "admin filters the ledger by a typed name",
			Method: http.MethodGet, URL: "/ledger?member=Mona+Member", Headers: f.CookieHeaders("admin"), TestAppFactory: withGrants,
			ExpectedStatus: http.StatusOK, ExpectedContent: []string{"grant for mona", `value="member.a2@acme.com"`},
			NotExpectedContent: []string{"grant for max"},
		},
		{
			Name:   "a manager filters the ledger by a picked email",
			Method: http.MethodGet, URL: "/ledger?member=member.a%40acme.com", Headers: f.CookieHeaders("managerA"), TestAppFactory: withGrants,
			ExpectedStatus: http.StatusOK, ExpectedContent: []string{"grant for max"}, NotExpectedContent: []string{"grant for mona"},
		},
		{
			Name:   "a member=<user id> link still filters the ledger",
			Method: http.MethodGet, URL: "/ledger?member=" + f.ID("memberA2"), Headers: f.CookieHeaders("admin"), TestAppFactory: withGrants,
			ExpectedStatus: http.StatusOK, ExpectedContent: []string{"grant for mona"}, NotExpectedContent: []string{"grant for max"},
		},
		{
			Name:   "a name several people have is a 400 on the member field",
			Method: http.MethodGet, URL: "/ledger?member=Twin", Headers: f.CookieHeaders("admin"),
			TestAppFactory: func(tb testing.TB) *tests.TestApp {
				app := withGrants(tb)
				exec(tb, app, "UPDATE users SET name = 'Twin' WHERE email IN ('member.a@acme.com', 'member.b@acme.com')", nil)
				return app
			},
			ExpectedStatus: http.StatusBadRequest, ExpectedContent: []string{"Several people have that name"},
			NotExpectedContent: []string{"grant for max"},
		},
		{
			Name:   "a member who sees only their own entries gets no picker",
			Method: http.MethodGet, URL: "/ledger", Headers: f.CookieHeaders("memberA"), TestAppFactory: withGrants,
			ExpectedStatus: http.StatusOK, ExpectedContent: []string{"grant for max"},
			NotExpectedContent: []string{`id="ledger-member"`, "grant for mona"},
		},
	}
	for _, s := range scenarios {
		s.Test(t)
	}
}

func TestTeamAndMoneyFormsPickPeople(t *testing.T) {
	f := testutil.Fixtures(t)
	form := func(actor string, kv ...string) *strings.Reader {
		v := url.Values{"csrf_token": {f.CSRFToken(actor)}}
		for i := 0; i < len(kv); i += 2 {
			v.Set(kv[i], kv[i+1])
		}
		return strings.NewReader(v.Encode())
	}
	scenarios := []tests.ApiScenario{
		{
			Name:   "the team page adds a member with a picker of the people one may add",
			Method: http.MethodGet, URL: "/teams/" + f.ID("alpha"), Headers: f.CookieHeaders("managerA"), TestAppFactory: testutil.NewApp,
			ExpectedStatus: http.StatusOK,
			ExpectedContent: []string{`list="add-email-people"`, `hx-get="/people/search?purpose=add&field=email&team=` + f.ID("alpha") + `"`,
				`<option value="loner@acme.com">Lou Loner</option>`},
			NotExpectedContent: []string{`type="email" name="email"`, `<option value="member.b@acme.com"`},
		},
		{
			Name:   "a manager adds a teamless person by name",
			Method: http.MethodPost, URL: "/teams/" + f.ID("alpha") + "/members", Headers: f.FormHeaders("managerA"),
			Body: form("managerA", "email", "lou loner"), TestAppFactory: testutil.NewApp,
			ExpectedStatus: http.StatusSeeOther, ExpectedContent: []string{},
			AfterTestFunc: func(t testing.TB, app *tests.TestApp, _ *http.Response) {
				if m := testutil.Member(t, app, f.ID("loner")); m.TeamID() != f.ID("alpha") {
					t.Errorf("loner's team %q, want alpha", m.TeamID())
				}
			},
		},
		{
			Name:   "a manager cannot add someone of another team by name; the field says so",
			Method: http.MethodPost, URL: "/teams/" + f.ID("alpha") + "/members", Headers: f.FormHeaders("managerA"),
			Body: form("managerA", "email", "Bea Member"), TestAppFactory: testutil.NewApp,
			ExpectedStatus:  http.StatusUnprocessableEntity,
			ExpectedContent: []string{"No one you can choose here has that name or email", `value="Bea Member"`},
			ExpectedEvents:  map[string]int{"*": 0},
		},
		{
			Name:   "the delete form's successor picker lists the first people",
			Method: http.MethodGet, URL: "/users/" + f.ID("memberA"), Headers: f.CookieHeaders("admin"), TestAppFactory: testutil.NewApp,
			ExpectedStatus: http.StatusOK,
			ExpectedContent: []string{`list="successor-people"`, `hx-get="/people/search?purpose=move&field=successor_email"`,
				`<option value="member.a2@acme.com">Mona Member · Alpha</option>`},
		},
		{
			Name:   "an admin deletes a user naming the successor by name",
			Method: http.MethodPost, URL: "/users/" + f.ID("memberA") + "/delete", Headers: f.FormHeaders("admin"),
			Body: form("admin", "successor_email", "Mona Member"), TestAppFactory: testutil.NewApp,
			ExpectedStatus: http.StatusSeeOther, ExpectedContent: []string{},
			AfterTestFunc: func(t testing.TB, app *tests.TestApp, _ *http.Response) {
				if _, err := app.FindRecordById("users", f.ID("memberA")); err == nil {
					t.Error("memberA still exists")
				}
			},
		},
		{
			Name:   "a successor name nobody has is named on the field, nothing is deleted",
			Method: http.MethodPost, URL: "/users/" + f.ID("memberA") + "/delete", Headers: f.FormHeaders("admin"),
			Body: form("admin", "successor_email", "Nobody Here"), TestAppFactory: testutil.NewApp,
			ExpectedStatus:  http.StatusUnprocessableEntity,
			ExpectedContent: []string{"No one you can choose here has that name or email"}, ExpectedEvents: map[string]int{"*": 0},
		},
		{
			Name:   "the money page picks a teammate, never someone of another team",
			Method: http.MethodGet, URL: "/money", Headers: f.CookieHeaders("memberA"), TestAppFactory: newSendsApp,
			ExpectedStatus: http.StatusOK,
			ExpectedContent: []string{`list="transfer-to-people"`, `list="ask-giver-people"`, `hx-get="/people/search?purpose=teammate&field=to"`,
				`<option value="member.a2@acme.com">Mona Member · Alpha</option>`},
			NotExpectedContent: []string{`<select class="form-select" id="transfer-to"`, "member.b@acme.com", "locked@acme.com"},
		},
		{
			Name:   "a member transfers to a teammate picked by name",
			Method: http.MethodPost, URL: "/money/transfer", Headers: f.FormHeaders("memberA"),
			Body: form("memberA", "to", "Mona Member", "amount", "5", "reason", "flowers"), TestAppFactory: newSendsApp,
			ExpectedStatus: http.StatusSeeOther, ExpectedContent: []string{},
			AfterTestFunc: func(t testing.TB, app *tests.TestApp, _ *http.Response) {
				if b := testutil.Member(t, app, f.ID("memberA2")).Balance(); b != 3000 {
					t.Errorf("Mona's balance %d, want 3000", b)
				}
			},
		},
		{
			Name:   "a transfer to someone of another team is refused on the field, nothing moves",
			Method: http.MethodPost, URL: "/money/transfer", Headers: f.FormHeaders("memberA"),
			Body: form("memberA", "to", "member.b@acme.com", "amount", "5", "reason", "flowers"), TestAppFactory: newSendsApp,
			ExpectedStatus:  http.StatusUnprocessableEntity,
			ExpectedContent: []string{"No one you can choose here has that name or email", `value="member.b@acme.com"`},
			AfterTestFunc: func(t testing.TB, app *tests.TestApp, _ *http.Response) {
				if b := testutil.Member(t, app, f.ID("memberB")).Balance(); b != 10000 {
					t.Errorf("Bea's balance %d, want 10000 untouched", b)
				}
			},
		},
		{
			Name:   "a member asks their manager picked by email",
			Method: http.MethodPost, URL: "/money/requests", Headers: f.FormHeaders("memberA"),
			Body: form("memberA", "giver", "manager.a@acme.com", "amount", "5", "reason", "fair"), TestAppFactory: newSendsApp,
			ExpectedStatus: http.StatusSeeOther, ExpectedContent: []string{},
		},
	}
	for _, s := range scenarios {
		s.Test(t)
	}
}

// withAudit is the fixture app with one audit entry by the admin (label "by adam") and one
// by managerA (label "by mia").
func withAudit(tb testing.TB) *tests.TestApp {
	app := testutil.NewApp(tb)
	f := testutil.Fixtures(tb)
	for key, label := range map[string]string{"admin": "by adam", "managerA": "by mia"} {
		actor := testutil.Member(tb, app, f.ID(key))
		if err := audit.Record(app, actor, audit.Entry{Action: "team.update", TargetType: "team", TargetID: f.ID("alpha"), TargetLabel: label}); err != nil {
			tb.Fatal(err)
		}
	}
	return app
}

func TestTheAuditActorFilterIsAPicker(t *testing.T) {
	f := testutil.Fixtures(t)
	scenarios := []tests.ApiScenario{
		{
			Name:   "the audit log's actor filter is a person picker, not an email box",
			Method: http.MethodGet, URL: "/audit", Headers: f.CookieHeaders("admin"), TestAppFactory: withAudit,
			ExpectedStatus:     http.StatusOK,
			ExpectedContent:    []string{`list="audit-actor-people"`, `hx-get="/people/search?purpose=see&field=actor"`, "by adam", "by mia"},
			NotExpectedContent: []string{`placeholder="email"`},
		},
		{
			Name:   "admin filters the audit log by a typed name",
			Method: http.MethodGet, URL: "/audit?actor=Mia+Manager", Headers: f.CookieHeaders("admin"), TestAppFactory: withAudit,
			ExpectedStatus: http.StatusOK, ExpectedContent: []string{"by mia", `value="manager.a@acme.com"`}, NotExpectedContent: []string{"by adam"},
		},
		{
			Name:   "admin filters the audit log by a picked email",
			Method: http.MethodGet, URL: "/audit?actor=admin%40acme.com", Headers: f.CookieHeaders("admin"), TestAppFactory: withAudit,
			ExpectedStatus: http.StatusOK, ExpectedContent: []string{"by adam"}, NotExpectedContent: []string{"by mia"},
		},
		{
			Name:   "an unknown actor name is a 400 on the actor field",
			Method: http.MethodGet, URL: "/audit?actor=Nobody+Here", Headers: f.CookieHeaders("admin"), TestAppFactory: withAudit,
			ExpectedStatus:     http.StatusBadRequest,
			ExpectedContent:    []string{"No one you can choose here has that name or email", `value="nobody here"`},
			NotExpectedContent: []string{"by adam", "by mia"},
		},
	}
	for _, s := range scenarios {
		s.Test(t)
	}
}
