package bench

import (
	"fmt"
	"net/http"
	"strings"

	"github.com/pocketbase/pocketbase/core"

	"teamfund/internal/ledger"
	"teamfund/internal/member"
	"teamfund/internal/money"
)

// concurrentSends drives 64 clients sending touches through /api/tf/sends with full
// enforcement: 16 members share balances (4 clients each), every 4th request uses a
// touch with limited inventory. It reports req/s next to the plain PocketBase create
// baseline measured in the same run, and checks overspend and oversell.
func concurrentSends(e *env) ([]Result, error) {
	base, baseRate, err := plainCreateRate(&env{Options: e.Options, dir: e.dir + "-baseline"}, sendsShaped)
	if err != nil {
		return nil, err
	}
	minimal, minimalRate, err := plainCreateRate(&env{Options: e.Options, dir: e.dir + "-minimal"}, minimalShaped)
	if err != nil {
		return nil, err
	}
	const clients, members, cost = 64, 16, 100
	total := e.size(2000, 10000)
	inventory := total / 8 // half of the limited-touch requests must be refused
	perMember := money.Cents(cost * total / members * 9 / 10)

	d, err := openDataset(e.dir)
	if err != nil {
		return nil, err
	}
	if err := d.addTeams(4, nil); err != nil {
		return nil, err
	}
	if err := d.addUsers(members, member.RoleMember); err != nil {
		return nil, err
	}
	tokens := make([]string, members)
	for i, id := range d.users {
		if _, err := ledger.Post(d.app, ledger.Entry{Account: id, Amount: perMember, Kind: ledger.KindGrant, Reason: "bench"}); err != nil {
			return nil, err
		}
		if tokens[i], err = d.token(id); err != nil {
			return nil, err
		}
	}
	touchCol, err := d.app.FindCollectionByNameOrId("touches")
	if err != nil {
		return nil, err
	}
	var touchIDs []string
	for _, t := range []map[string]any{
		{"name": "Unlimited coffee card", "cost": cost, "status": "active", "teams": d.teams},
		{"name": "Limited hoodie", "cost": cost, "status": "active", "teams": d.teams, "track_inventory": true, "inventory": inventory},
	} {
		r := core.NewRecord(touchCol)
		r.Load(t)
		if err := d.app.Save(r); err != nil {
			return nil, err
		}
		touchIDs = append(touchIDs, r.Id)
	}
	d.close()

	s, err := startServer(e.Binary, e.dir)
	if err != nil {
		return nil, err
	}
	s.resetPeakRSS()
	cpu0 := s.cpuTime()
	rate, lat, statuses, err := load(clients, total, func(i int) (int, error) {
		touch := touchIDs[0]
		if i%4 == 0 {
			touch = touchIDs[1]
		}
		body := fmt.Sprintf(`{"touch":%q,"recipient_name":"Recipient %d","recipient_email":"r%d@example.com"}`, touch, i, i)
		req, _ := http.NewRequest(http.MethodPost, s.url+"/api/tf/sends", strings.NewReader(body))
		req.Header.Set("Content-Type", "application/json")
		req.Header.Set("Authorization", tokens[i%members])
		res, err := httpClient.Do(req)
		if err != nil {
			return 0, err
		}
		drain(res)
		return res.StatusCode, nil
	})
	rss := s.peakRSS()
	cpu := s.cpuTime() - cpu0
	s.stop()
	if err != nil {
		return nil, err
	}
	check, failed, err := checkSends(e.dir, touchIDs[1], inventory)
	if err != nil {
		return nil, err
	}
	if statuses[http.StatusInternalServerError] > 0 {
		failed = true
		check += fmt.Sprintf(", %d server errors", statuses[http.StatusInternalServerError])
	}
	res := Result{Workload: "concurrent sends, full enforcement", Size: fmt.Sprintf("%d requests, 64 clients", total),
		Rate: fmt.Sprintf("%.0f req/s (%.0f%% of baseline, %.0f%% of minimal), %s CPU/req", rate, 100*rate/baseRate, 100*rate/minimalRate, cpuPer(cpu, total)), P50: lat.percentile(.5), P95: lat.percentile(.95),
		PeakRSS: rss, Check: fmt.Sprintf("%d created, %s", statuses[http.StatusCreated], check), Failed: failed}
	return []Result{base, minimal, res}, nil
}

// checkSends verifies the money and inventory invariants after the burst.
func checkSends(dir, limitedTouch string, inventory int) (string, bool, error) {
	d, err := reopen(dir)
	if err != nil {
		return "", false, err
	}
	defer d.close()
	bad, err := ledger.Reconcile(d.app)
	if err != nil {
		return "", false, err
	}
	var row struct {
		Sold      int   `db:"sold"`
		Left      int   `db:"left"`
		Spent     int64 `db:"spent"`
		SendsCost int64 `db:"sends_cost"`
	}
	err = d.app.DB().NewQuery(`SELECT
		(SELECT COUNT(*) FROM sends WHERE touch = {:t} AND status IN ('sent', 'pending')) AS sold,
		(SELECT inventory FROM touches WHERE id = {:t}) AS left,
		(SELECT -COALESCE(SUM(amount), 0) FROM ledger_entries WHERE kind IN ('spend', 'refund')) AS spent,
		(SELECT COALESCE(SUM(cost), 0) FROM sends WHERE status IN ('sent', 'pending')) AS sends_cost`).
		Bind(map[string]any{"t": limitedTouch}).One(&row)
	if err != nil {
		return "", false, err
	}
	overspend := len(bad)
	if row.Spent != row.SendsCost {
		overspend++
	}
	oversell := max(0, row.Sold-inventory)
	if row.Left < 0 {
		oversell++
	}
	return fmt.Sprintf("overspend %d, oversell %d", overspend, oversell), overspend+oversell > 0, nil
}
