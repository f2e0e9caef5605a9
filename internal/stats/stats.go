// Package stats computes the team statistics that managers and admins read on the usage
// page: what each member did in a billing period and which touches were sent. Money comes
// from internal/figures (the one place that computes the money words); counts come from
// sends, money requests and invites.
package stats

import (
	"encoding/json"
	"fmt"
	"time"

	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/core"

	"teamfund/internal/budget"
	"teamfund/internal/figures"
	"teamfund/internal/ledger"
	"teamfund/internal/money"
)

// Activity is one member's money and activity in a billing period.
type Activity struct {
	figures.Row
	// Sends counts the member's sends made in the period that went out.
	Sends int `db:"sends" json:"sends"`
	// PendingApprovals counts the member's sends waiting for approval now.
	PendingApprovals int `db:"pending_approvals" json:"pending_approvals"`
	// RequestsMade counts money requests the member made in the period.
	RequestsMade int `db:"requests_made" json:"requests_made"`
	// RequestsAnswered counts money requests the member approved or declined in the period.
	RequestsAnswered int `db:"requests_answered" json:"requests_answered"`
	// InvitesAccepted counts invites the member sent that were accepted in the period.
	InvitesAccepted int `db:"invites_accepted" json:"invites_accepted"`
}

type counts struct {
	ID               string `db:"id"`
	Sends            int    `db:"sends"`
	PendingApprovals int    `db:"pending_approvals"`
	RequestsMade     int    `db:"requests_made"`
	RequestsAnswered int    `db:"requests_answered"`
	InvitesAccepted  int    `db:"invites_accepted"`
}

// countsSQL counts per member matching %s (current members); {:start} and {:end} bound
// the period. Each count reads an index range of the member (migration 1796630000 added the
// ones requests and invites lacked); the waiting sends are read once, from idx_sends_pending
// (few), not every send of each member.
const countsSQL = `SELECT u.id AS id,
	(SELECT COUNT(*) FROM sends s WHERE s.sender = u.id AND s.status = 'sent'
		AND s.created >= {:start} AND s.created < {:end}) AS sends,
	COALESCE(p.n, 0) AS pending_approvals,
	(SELECT COUNT(*) FROM money_requests r WHERE r.requester = u.id
		AND r.created >= {:start} AND r.created < {:end}) AS requests_made,
	(SELECT COUNT(*) FROM money_requests r WHERE r.giver = u.id AND r.status IN ('approved', 'declined')
		AND r.decided_at >= {:start} AND r.decided_at < {:end}) AS requests_answered,
	(SELECT COUNT(*) FROM invites i WHERE i.invited_by = u.id AND i.status = 'accepted'
		AND i.updated >= {:start} AND i.updated < {:end}) AS invites_accepted
	FROM users u LEFT JOIN (SELECT sender, COUNT(*) AS n FROM sends WHERE status = 'pending' GROUP BY sender) p
	ON p.sender = u.id
	WHERE %s`

// MemberActivity lists the members of teamID with their money (figures.MemberRows: current
// members, then those who left but had entries on the team in the month) and activity in
// month. The money and the counts are read at the same time (figures.ReadTogether).
func MemberActivity(app core.App, teamID string, month budget.Month, loc *time.Location) ([]Activity, error) {
	var usage []figures.Row
	var c Counts
	err := figures.ReadTogether(app, func() (err error) {
		usage, err = figures.MemberRows(app, teamID, figures.MonthPeriod(month, loc))
		return err
	}, func() (err error) {
		c, err = TeamCounts(app, teamID, month, loc)
		return err
	})
	if err != nil {
		return nil, err
	}
	return c.Of(usage), nil
}

// Counts are the activity counts of members in one month, by user id.
type Counts map[string]counts

// Of adds to members (rows of figures.MemberRows) their counts; those who left the team
// (Former) count none.
func (c Counts) Of(members []figures.Row) []Activity {
	out := make([]Activity, len(members))
	for i, u := range members {
		var n counts
		if !u.Former {
			n = c[u.ID]
		}
		out[i] = Activity{Row: u, Sends: n.Sends, PendingApprovals: n.PendingApprovals,
			RequestsMade: n.RequestsMade, RequestsAnswered: n.RequestsAnswered, InvitesAccepted: n.InvitesAccepted}
	}
	return out
}

// TeamCounts reads the counts in month of teamID's current members (figures.NoTeam: the
// people without a team), the members figures.MemberRows lists as not Former.
func TeamCounts(app core.App, teamID string, month budget.Month, loc *time.Location) (Counts, error) {
	inTeam := "u.team = {:team}"
	if teamID == figures.NoTeam {
		inTeam = ledger.NoTeamSQL("COALESCE(u.team, '')")
	}
	return readCounts(app, inTeam, dbx.Params{"team": teamID}, month, loc)
}

// ActivityOf adds to members (rows of figures.MemberRows, e.g. the page of them shown) their
// activity in month; those who left the team count none.
func ActivityOf(app core.App, members []figures.Row, month budget.Month, loc *time.Location) ([]Activity, error) {
	var ids []string
	for _, m := range members {
		if !m.Former {
			ids = append(ids, m.ID)
		}
	}
	c := Counts{}
	if len(ids) > 0 {
		list, _ := json.Marshal(ids)
		var err error
		if c, err = readCounts(app, "u.id IN (SELECT value FROM json_each({:ids}))", dbx.Params{"ids": string(list)}, month, loc); err != nil {
			return nil, err
		}
	}
	return c.Of(members), nil
}

func readCounts(app core.App, who string, params dbx.Params, month budget.Month, loc *time.Location) (Counts, error) {
	params["start"], params["end"] = stamp(month.Start(loc)), stamp(month.End(loc))
	var rows []counts
	if err := app.DB().NewQuery(fmt.Sprintf(countsSQL, who)).Bind(params).All(&rows); err != nil {
		return nil, err
	}
	out := make(Counts, len(rows))
	for _, r := range rows {
		out[r.ID] = r
	}
	return out, nil
}

// TouchSends is how often one touch went out in a period, and what it cost.
type TouchSends struct {
	TouchID string      `db:"touch" json:"touch"`
	Name    string      `db:"name" json:"name"`
	Sends   int         `db:"sends" json:"sends"`
	Amount  money.Cents `db:"amount" json:"amount"`
}

// SendsPerTouch counts the sends of teamID ("" for every team) made in month that went
// out, per touch, most sent first. A deleted touch keeps the name it had when sent.
func SendsPerTouch(app core.App, teamID string, month budget.Month, loc *time.Location) ([]TouchSends, error) {
	var out []TouchSends
	err := sendsPerTouch(app, teamID, month, loc).All(&out)
	return out, err
}

// sendsPerTouch groups the sends first and only then joins each group to its touch (a
// lookup per touch, not per send). The company's month is read from idx_sends_month_touch
// alone (migration 1796630006), a team's through idx_sends_team (team, created). +s.status
// keeps SQLite off idx_sends_status, which holds every send that ever went out (65 ms on
// 200,000 sends).
func sendsPerTouch(app core.App, teamID string, month budget.Month, loc *time.Location) *dbx.Query {
	team := ""
	if teamID != "" {
		team = "AND s.team = {:team}"
	}
	return app.DB().NewQuery(`SELECT g.touch AS touch, COALESCE(t.name, g.touch_name, '') AS name, g.sends AS sends, g.amount AS amount
		FROM (SELECT COALESCE(s.touch, '') AS touch, MAX(s.touch_name) AS touch_name, COUNT(*) AS sends, COALESCE(SUM(s.cost), 0) AS amount
			FROM sends s WHERE +s.status = 'sent' ` + team + ` AND s.created >= {:start} AND s.created < {:end}
			GROUP BY CASE WHEN COALESCE(s.touch, '') != '' THEN s.touch ELSE 'gone:' || s.touch_name END) g
		LEFT JOIN touches t ON t.id = g.touch
		ORDER BY sends DESC, name COLLATE NOCASE ASC`).
		Bind(dbx.Params{"team": teamID, "start": stamp(month.Start(loc)), "end": stamp(month.End(loc))})
}

// stamp formats t the way PocketBase stores datetimes, so string comparison orders them.
func stamp(t time.Time) string { return t.UTC().Format("2006-01-02 15:04:05.000Z") }
