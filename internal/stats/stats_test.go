package stats_test

import (
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/core"

	"teamfund/internal/budget"
	"teamfund/internal/figures"
	"teamfund/internal/ledger"
	"teamfund/internal/member"
	"teamfund/internal/money"
	"teamfund/internal/send"
	"teamfund/internal/stats"
	"teamfund/internal/testutil"
	"teamfund/internal/transfer"
)

func TestMain(m *testing.M) { testutil.Main(m) }

// statsApp is the fixture app with one month of activity in team Alpha (see the comments
// in the body for what each member did) and a little in the month before.
func statsApp(t *testing.T) (core.App, budget.Month) {
	t.Helper()
	f := testutil.Fixtures(t)
	app := testutil.NewApp(t)
	t.Cleanup(app.Cleanup)
	now := budget.MonthOf(time.Now(), time.UTC)
	lastMonth := now.Prev().Start(time.UTC).Add(48 * time.Hour).Format("2006-01-02 15:04:05.000Z")
	run := func(sql string, p dbx.Params) {
		t.Helper()
		if _, err := app.DB().NewQuery(sql).Bind(p).Execute(); err != nil {
			t.Fatal(err)
		}
	}
	who := func(key string) *member.Member { return testutil.Member(t, app, f.ID(key)) }
	run("UPDATE teams SET approval_threshold = 2000 WHERE id = {:id}", dbx.Params{"id": f.ID("alpha")})
	for key, amount := range map[string]money.Cents{"memberA": 10000, "memberA2": 5000, "memberB": 4000} {
		if _, err := ledger.Post(app, ledger.Entry{Account: f.ID(key), Amount: amount, Kind: ledger.KindGrant, Reason: "test"}); err != nil {
			t.Fatal(err)
		}
	}
	col, _ := app.FindCollectionByNameOrId("touches")
	for id, data := range map[string]map[string]any{
		"touchmug0000001": {"name": "Mug", "cost": 1000},
		"touchhamper0001": {"name": "Hamper", "cost": 3000},
	} {
		r := core.NewRecord(col)
		r.Id = id
		r.Load(data)
		r.Set("status", "active")
		r.Set("teams", []string{f.ID("alpha"), f.ID("beta")})
		if err := app.Save(r); err != nil {
			t.Fatal(err)
		}
	}
	sendTouch := func(key, touchID string) *send.Send {
		t.Helper()
		s, err := send.Create(app, who(key), send.Input{TouchID: touchID, RecipientName: "Client", RecipientEmail: "client@example.com"})
		if err != nil {
			t.Fatal(err)
		}
		return s
	}
	// memberA: two mugs sent, one hamper waiting for approval, one mug rejected.
	sendTouch("memberA", "touchmug0000001")
	sendTouch("memberA", "touchmug0000001")
	sendTouch("memberA", "touchhamper0001")
	rejected := sendTouch("memberA", "touchhamper0001")
	if _, err := send.Reject(app, who("managerA"), rejected.Id); err != nil {
		t.Fatal(err)
	}
	// memberA2: one hamper, approved by the manager; one mug sent last month.
	approved := sendTouch("memberA2", "touchhamper0001")
	if _, err := send.Approve(app, who("managerA"), approved.Id); err != nil {
		t.Fatal(err)
	}
	old := sendTouch("memberA2", "touchmug0000001")
	run("UPDATE sends SET created = {:t} WHERE id = {:id}", dbx.Params{"t": lastMonth, "id": old.Id})
	run("UPDATE ledger_entries SET created = {:t} WHERE ref LIKE '%' || {:id} || '%'", dbx.Params{"t": lastMonth, "id": old.Id})
	// memberB (team Beta): one mug, which Alpha's numbers must not count.
	sendTouch("memberB", "touchmug0000001")
	// Requests: memberA asks memberA2 twice (one approved, one declined), memberA2 asks
	// memberA once (still open).
	for _, approve := range []bool{true, false} {
		r, err := transfer.Ask(app, who("memberA"), f.ID("memberA2"), 500, "please")
		if err != nil {
			t.Fatal(err)
		}
		if approve {
			_, err = transfer.Approve(app, who("memberA2"), r.ID)
		} else {
			_, err = transfer.Decline(app, who("memberA2"), r.ID)
		}
		if err != nil {
			t.Fatal(err)
		}
	}
	if _, err := transfer.Ask(app, who("memberA2"), f.ID("memberA"), 700, "me too"); err != nil {
		t.Fatal(err)
	}
	// Invites by managerA: two accepted this month, one accepted last month, one pending.
	invites, _ := app.FindCollectionByNameOrId("invites")
	for i, st := range []string{"accepted", "accepted", "accepted", "pending"} {
		r := core.NewRecord(invites)
		r.Load(map[string]any{"email": string(rune('a'+i)) + "@acme.com", "role": "member", "team": f.ID("alpha"),
			"status": st, "expires": time.Now().Add(time.Hour), "invited_by": f.ID("managerA")})
		if err := app.Save(r); err != nil {
			t.Fatal(err)
		}
		if i == 2 {
			run("UPDATE invites SET updated = {:t} WHERE id = {:id}", dbx.Params{"t": lastMonth, "id": r.Id})
		}
	}
	return app, now
}

func TestMemberActivity(t *testing.T) {
	f := testutil.Fixtures(t)
	app, month := statsApp(t)
	rows, err := stats.MemberActivity(app, f.ID("alpha"), month, time.UTC)
	if err != nil {
		t.Fatal(err)
	}
	type want struct {
		sends, pending, made, answered, invites int
		handedOut, spent, held, available       money.Cents
	}
	wants := map[string]want{
		// 100.00 granted; two mugs (20.00) and a pending hamper (30.00 held); +5.00 from memberA2.
		"memberA": {sends: 2, pending: 1, made: 2, answered: 0, invites: 0, handedOut: 10000, spent: 2000, held: 3000, available: 5500},
		// 50.00 granted; an approved hamper (30.00); gave 5.00 to memberA; last month's mug is not this month's.
		"memberA2": {sends: 1, pending: 0, made: 1, answered: 2, invites: 0, handedOut: 5000, spent: 3000, available: 500},
		"managerA": {invites: 2},
		"locked":   {},
	}
	if len(rows) != len(wants) {
		t.Errorf("got %d rows, want %d (Alpha's current members)", len(rows), len(wants))
	}
	for _, r := range rows {
		var key string
		for k := range wants {
			if f.ID(k) == r.ID {
				key = k
			}
		}
		w, ok := wants[key]
		if !ok {
			t.Errorf("unexpected row %s", r.Email)
			continue
		}
		got := want{r.Sends, r.PendingApprovals, r.RequestsMade, r.RequestsAnswered, r.InvitesAccepted, r.HandedOut, r.Spent, r.Held, r.Available}
		if got != w {
			t.Errorf("%s: got %+v, want %+v", key, got, w)
		}
		if !r.Balanced() {
			t.Errorf("%s: statement %+v does not balance", key, r.Statement)
		}
	}
	// The page adds the activity of the members it shows only: the same counts; a member who
	// left the team counts none.
	for i := range rows {
		one, err := stats.ActivityOf(app, []figures.Row{rows[i].Row}, month, time.UTC)
		if err != nil || len(one) != 1 || one[0] != rows[i] {
			t.Errorf("ActivityOf(%s) = %+v, %v; want %+v", rows[i].Email, one, err, rows[i])
		}
	}
	var former figures.Row
	for _, r := range rows {
		if r.Sends > 0 {
			former = r.Row
		}
	}
	former.Former = true
	if one, err := stats.ActivityOf(app, []figures.Row{former}, month, time.UTC); err != nil || one[0].Sends+one[0].RequestsMade+one[0].InvitesAccepted != 0 {
		t.Errorf("a member who left: %+v, %v; want no activity", one, err)
	}
}

func TestSendsPerTouch(t *testing.T) {
	f := testutil.Fixtures(t)
	app, month := statsApp(t)
	tests := []struct {
		name  string
		team  string
		month budget.Month
		want  []stats.TouchSends
	}{
		{"team Alpha this month: only sends that went out", f.ID("alpha"), month, []stats.TouchSends{
			{TouchID: "touchmug0000001", Name: "Mug", Sends: 2, Amount: 2000},
			{TouchID: "touchhamper0001", Name: "Hamper", Sends: 1, Amount: 3000}}},
		{"every team this month", "", month, []stats.TouchSends{
			{TouchID: "touchmug0000001", Name: "Mug", Sends: 3, Amount: 3000},
			{TouchID: "touchhamper0001", Name: "Hamper", Sends: 1, Amount: 3000}}},
		{"team Alpha last month", f.ID("alpha"), month.Prev(), []stats.TouchSends{
			{TouchID: "touchmug0000001", Name: "Mug", Sends: 1, Amount: 1000}}},
		{"team Beta last month: nothing", f.ID("beta"), month.Prev(), nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := stats.SendsPerTouch(app, tt.team, tt.month, time.UTC)
			if err != nil {
				t.Fatal(err)
			}
			if len(got) != len(tt.want) {
				t.Fatalf("got %+v, want %+v", got, tt.want)
			}
			for i := range got {
				if got[i] != tt.want[i] {
					t.Errorf("row %d: got %+v, want %+v", i, got[i], tt.want[i])
				}
			}
		})
	}
}

func TestTrendOfATeam(t *testing.T) {
	f := testutil.Fixtures(t)
	app, month := statsApp(t)
	got, err := figures.Trend(app, figures.Scope{Team: f.ID("alpha")}, month, 12, time.UTC)
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 12 || got[11].Month != month || got[10].Month != month.Prev() || got[0].Month >= got[1].Month {
		t.Fatalf("got months %v, want the 12 months ending %s, oldest first", got, month)
	}
	// Spent counts what went out (two mugs and the approved hamper); the pending hamper is
	// held; the rejected one came back (refunded) and is in neither.
	if got[11].HandedOut != 15000 || got[11].Spent != 5000 || got[11].Held != 3000 || got[11].Refunded != 3000 || got[11].Available != 6000 {
		t.Errorf("this month: got %+v, want handed out 150.00, spent 50.00, held 30.00, refunded 30.00, available 60.00", got[11])
	}
	if got[10].Spent != 1000 {
		t.Errorf("last month: got %+v, want spent 10.00 (memberA2's mug)", got[10])
	}
	for _, m := range got[:10] {
		if m.HandedOut != 0 || m.Spent != 0 {
			t.Errorf("%s: got %+v, want nothing", m.Month, m)
		}
	}
}

// The JSON reads the counts of a team's members by team (TeamCounts, beside the money), the
// page by the ids it shows (ActivityOf): both count the same people the same way, for a
// team, for the people without one, and none for a member who left.
func TestTeamCountsAreThoseOfEachMember(t *testing.T) {
	f := testutil.Fixtures(t)
	app, month := statsApp(t)
	invites, _ := app.FindCollectionByNameOrId("invites")
	r := core.NewRecord(invites)
	r.Load(map[string]any{"email": "new@acme.com", "role": "member", "status": "accepted",
		"expires": time.Now().Add(time.Hour), "invited_by": f.ID("owner")})
	if err := app.Save(r); err != nil {
		t.Fatal(err)
	}
	// memberA2 moves to Beta: a former member of Alpha with sends this month.
	if _, err := app.DB().NewQuery("UPDATE users SET team = {:beta} WHERE id = {:id}").
		Bind(dbx.Params{"beta": f.ID("beta"), "id": f.ID("memberA2")}).Execute(); err != nil {
		t.Fatal(err)
	}
	seen := 0
	for _, team := range []string{f.ID("alpha"), f.ID("beta"), figures.NoTeam} {
		rows, err := stats.MemberActivity(app, team, month, time.UTC)
		if err != nil {
			t.Fatal(err)
		}
		var money []figures.Row
		for _, r := range rows {
			money = append(money, r.Row)
		}
		each, err := stats.ActivityOf(app, money, month, time.UTC)
		if err != nil {
			t.Fatal(err)
		}
		for i := range rows {
			if rows[i] != each[i] {
				t.Errorf("team %s, %s: by team %+v, by id %+v", team, rows[i].Email, rows[i], each[i])
			}
			switch rows[i].ID {
			case f.ID("owner"):
				seen++
				if rows[i].InvitesAccepted != 1 {
					t.Errorf("the owner (no team) has %d accepted invites, want 1", rows[i].InvitesAccepted)
				}
			case f.ID("memberA2"):
				seen++
				if team == f.ID("alpha") && (!rows[i].Former || rows[i].Sends != 0) {
					t.Errorf("memberA2 left Alpha: %+v, want a former member with no activity", rows[i])
				}
				if team == f.ID("beta") && rows[i].Sends != 1 {
					t.Errorf("memberA2 in Beta: %d sends, want 1", rows[i].Sends)
				}
			}
		}
	}
	if seen != 3 {
		t.Errorf("saw the owner and memberA2 in %d rows, want 3 (no team; Alpha, former; Beta)", seen)
	}
}

// A renamed touch shows its name now; one whose row is gone (deleted with SQL) the name it had
// when sent. The company's month (read from idx_sends_sent_touch) and a team's count alike.
func TestSendsPerTouchNamesRenamedAndGoneTouches(t *testing.T) {
	f := testutil.Fixtures(t)
	app, month := statsApp(t)
	for _, q := range []string{"UPDATE touches SET name = 'Mug XL' WHERE id = 'touchmug0000001'",
		"DELETE FROM touches WHERE id = 'touchhamper0001'"} {
		if _, err := app.DB().NewQuery(q).Execute(); err != nil {
			t.Fatal(err)
		}
	}
	for team, want := range map[string][]stats.TouchSends{
		"": {{TouchID: "touchmug0000001", Name: "Mug XL", Sends: 3, Amount: 3000},
			{TouchID: "touchhamper0001", Name: "Hamper", Sends: 1, Amount: 3000}},
		f.ID("alpha"): {{TouchID: "touchmug0000001", Name: "Mug XL", Sends: 2, Amount: 2000},
			{TouchID: "touchhamper0001", Name: "Hamper", Sends: 1, Amount: 3000}},
	} {
		got, err := stats.SendsPerTouch(app, team, month, time.UTC)
		if err != nil {
			t.Fatal(err)
		}
		if !slices.Equal(got, want) {
			t.Errorf("team %q: got %+v, want %+v", team, got, want)
		}
	}
}

// TestSendsPerTouchReadsTheMonthFromAnIndex: the company's month of sends comes from
// idx_sends_month_touch alone (migration 1796630006), a team's from idx_sends_team, and
// neither from idx_sends_status (every send that ever went out).
func TestSendsPerTouchReadsTheMonthFromAnIndex(t *testing.T) {
	f := testutil.Fixtures(t)
	app := testutil.NewApp(t)
	defer app.Cleanup()
	for team, want := range map[string]string{
		"":            "COVERING INDEX idx_sends_month_touch (created>? AND created<?)",
		f.ID("alpha"): "idx_sends_team (team=? AND created>? AND created<?)",
	} {
		q, params := stats.SendsPerTouchQuery(app, team, "2026-11")
		if plan := testutil.QueryPlan(t, app, q, params); !strings.Contains(plan, want) {
			t.Errorf("team %q: plan %s; want %s", team, plan, want)
		}
	}
}
