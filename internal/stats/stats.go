// Package stats computes the team statistics that managers and admins read on the usage
// page: what each member did in a billing period, the last months as a trend, and which
// touches were sent. Money comes from budget's usage (the ledger); counts come from sends,
// money requests and invites.
package stats

import (
	"time"

	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/core"

	"teamfund/internal/budget"
	"teamfund/internal/money"
)

// Activity is one member's money and activity in a billing period.
type Activity struct {
	budget.Usage
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

// countsSQL counts per current member of {:team}; {:start} and {:end} bound the period.
const countsSQL = `SELECT u.id AS id,
	(SELECT COUNT(*) FROM sends s WHERE s.sender = u.id AND s.status = 'sent'
		AND s.created >= {:start} AND s.created < {:end}) AS sends,
	(SELECT COUNT(*) FROM sends s WHERE s.sender = u.id AND s.status = 'pending') AS pending_approvals,
	(SELECT COUNT(*) FROM money_requests r WHERE r.requester = u.id
		AND r.created >= {:start} AND r.created < {:end}) AS requests_made,
	(SELECT COUNT(*) FROM money_requests r WHERE r.giver = u.id AND r.status IN ('approved', 'declined')
		AND r.decided_at >= {:start} AND r.decided_at < {:end}) AS requests_answered,
	(SELECT COUNT(*) FROM invites i WHERE i.invited_by = u.id AND i.status = 'accepted'
		AND i.updated >= {:start} AND i.updated < {:end}) AS invites_accepted
	FROM users u WHERE u.team = {:team}`

// MemberActivity lists every current member of teamID with their money (as in
// budget.MemberUsage) and activity in month, by name.
func MemberActivity(app core.App, teamID string, month budget.Month, loc *time.Location) ([]Activity, error) {
	usage, err := budget.MemberUsage(app, teamID, month, loc)
	if err != nil {
		return nil, err
	}
	var rows []counts
	err = app.DB().NewQuery(countsSQL).Bind(dbx.Params{"team": teamID,
		"start": stamp(month.Start(loc)), "end": stamp(month.End(loc))}).All(&rows)
	if err != nil {
		return nil, err
	}
	byID := make(map[string]counts, len(rows))
	for _, r := range rows {
		byID[r.ID] = r
	}
	out := make([]Activity, len(usage))
	for i, u := range usage {
		c := byID[u.UserID]
		out[i] = Activity{Usage: u, Sends: c.Sends, PendingApprovals: c.PendingApprovals,
			RequestsMade: c.RequestsMade, RequestsAnswered: c.RequestsAnswered, InvitesAccepted: c.InvitesAccepted}
	}
	return out, nil
}

// MonthTotal is the money of one team (or of every team) in one month of a trend.
type MonthTotal struct {
	Month     budget.Month `json:"month"`
	Allocated money.Cents  `json:"allocated"`
	Spent     money.Cents  `json:"spent"`
	Remaining money.Cents  `json:"remaining"`
}

// Trend is the money of teamID ("" for every team) in the n months that end with last,
// oldest first. Like the usage page it sums the team's current members.
func Trend(app core.App, teamID string, last budget.Month, n int, loc *time.Location) ([]MonthTotal, error) {
	out := make([]MonthTotal, n)
	m := last
	for i := n - 1; i >= 0; i-- {
		teams, err := budget.TeamUsage(app, teamID, m, loc)
		if err != nil {
			return nil, err
		}
		t := MonthTotal{Month: m}
		for _, u := range teams {
			t.Allocated += u.Allocated
			t.Spent += u.Spent
			t.Remaining += u.Remaining
		}
		out[i] = t
		m = m.Prev()
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
	where := "1 = 1"
	if teamID != "" {
		where = "s.team = {:team}"
	}
	var out []TouchSends
	err := app.DB().NewQuery(`SELECT COALESCE(s.touch, '') AS touch,
		COALESCE(MAX(t.name), MAX(s.touch_name), '') AS name, COUNT(*) AS sends, COALESCE(SUM(s.cost), 0) AS amount
		FROM sends s LEFT JOIN touches t ON t.id = s.touch
		WHERE s.status = 'sent' AND s.created >= {:start} AND s.created < {:end} AND ` + where + `
		GROUP BY CASE WHEN COALESCE(s.touch, '') != '' THEN s.touch ELSE 'gone:' || s.touch_name END
		ORDER BY sends DESC, name COLLATE NOCASE ASC`).
		Bind(dbx.Params{"team": teamID, "start": stamp(month.Start(loc)), "end": stamp(month.End(loc))}).All(&out)
	return out, err
}

// stamp formats t the way PocketBase stores datetimes, so string comparison orders them.
func stamp(t time.Time) string { return t.UTC().Format("2006-01-02 15:04:05.000Z") }
