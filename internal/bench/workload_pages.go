package bench

import (
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"time"

	"teamfund/internal/member"
)

// usersPage seeds 10,000 users and requests the Users page as an HTMX fragment with
// filters and a search, from 8 concurrent clients.
func usersPage(e *env) ([]Result, error) {
	const n = 10000
	d, err := openDataset(e.dir)
	if err != nil {
		return nil, err
	}
	if err := d.addTeams(20, nil); err != nil {
		return nil, err
	}
	if err := d.addUsers(n, member.RoleMember); err != nil {
		return nil, err
	}
	token, err := d.token(d.owner)
	if err != nil {
		return nil, err
	}
	teams := d.teams
	d.close()
	s, err := startServer(e.Binary, e.dir)
	if err != nil {
		return nil, err
	}
	defer s.stop()
	searches := []string{"anna", "user0012", "ben", "", "grace", "user009", "kira", "liam@"}
	total := e.size(400, 2000)
	var out []Result
	// One client shows the latency a manager clicking through the filters gets; eight
	// clients sending without pause measure the page under load, where each request also
	// waits for the others on two cores.
	for _, clients := range []int{1, 8} {
		s.resetPeakRSS()
		rate, lat, statuses, err := load(clients, total, func(i int) (int, error) {
			q := url.Values{"q": {searches[i%len(searches)]}, "status": {"active"}, "role": {"member"}}
			if i%2 == 0 {
				q.Set("team", teams[i%len(teams)])
			}
			if i%5 == 0 {
				q.Set("page", "3")
			}
			req, _ := http.NewRequest(http.MethodGet, s.url+"/users?"+q.Encode(), nil)
			req.Header.Set("Cookie", "tf_session="+token)
			req.Header.Set("HX-Request", "true") // what htmx sends for the filter form
			req.Header.Set("HX-Target", "user-table")
			res, err := httpClient.Do(req)
			if err != nil {
				return 0, err
			}
			drain(res)
			return res.StatusCode, nil
		})
		if err != nil {
			return nil, err
		}
		out = append(out, Result{Workload: "users page, filter + search (HTMX fragment)", Size: fmt.Sprintf("%d users, %d requests, %d client%s", n, total, clients, map[bool]string{true: "s"}[clients > 1]),
			Rate: fmt.Sprintf("%.0f req/s", rate), P50: lat.percentile(.5), P95: lat.percentile(.95), PeakRSS: s.peakRSS(),
			Check: fmt.Sprintf("%d ok", statuses[200]), Failed: statuses[200] != total})
	}
	return out, nil
}

// inviteCSV previews and then imports a 10,000-row CSV through the JSON API.
func inviteCSV(e *env) ([]Result, error) {
	const n = 10000
	d, err := openDataset(e.dir)
	if err != nil {
		return nil, err
	}
	if err := d.addTeams(20, nil); err != nil {
		return nil, err
	}
	token, err := d.token(d.owner)
	if err != nil {
		return nil, err
	}
	d.close()
	var csv strings.Builder
	csv.WriteString("email,name,role,team\r\n")
	for i := range n {
		fmt.Fprintf(&csv, "Invitee%05d@Bench.test,\"Invitee, %d\",member,Team %03d\r\n", i, i, i%20)
	}
	body := csv.String()
	s, err := startServer(e.Binary, e.dir)
	if err != nil {
		return nil, err
	}
	defer s.stop()
	var out []Result
	for _, step := range []string{"preview", "import"} {
		s.resetPeakRSS()
		t0 := time.Now()
		req, _ := http.NewRequest(http.MethodPost, s.url+"/api/tf/invites/"+step, strings.NewReader(body))
		req.Header.Set("Content-Type", "text/csv")
		req.Header.Set("Authorization", token)
		res, err := httpClient.Do(req)
		if err != nil {
			return nil, err
		}
		msg, _ := io.ReadAll(io.LimitReader(res.Body, 300))
		drain(res)
		elapsed := time.Since(t0)
		r := Result{Workload: "invite CSV " + step, Size: fmt.Sprintf("%d rows", n), Rate: elapsed.Round(time.Millisecond).String(),
			PeakRSS: s.peakRSS(), Check: fmt.Sprintf("HTTP %d", res.StatusCode)}
		if res.StatusCode != http.StatusOK {
			r.Failed = true
			r.Check += " " + string(msg)
		}
		out = append(out, r)
	}
	dd, err := reopen(e.dir)
	if err != nil {
		return nil, err
	}
	defer dd.close()
	pending, err := dd.app.CountRecords("invites")
	if err != nil {
		return nil, err
	}
	out[1].Check += fmt.Sprintf(", %d invites written", pending)
	if pending != n {
		out[1].Failed = true
	}
	return out, nil
}

// ledgerExport exports 10,000 and 100,000 ledger rows as CSV and XLSX, showing that the
// server's peak memory does not grow with the row count.
func ledgerExport(e *env) ([]Result, error) {
	sizes := []int{10000, e.size(30000, 100000)}
	var out []Result
	for _, rows := range sizes {
		dir := fmt.Sprintf("%s-%d", e.dir, rows)
		d, err := openDataset(dir)
		if err != nil {
			return nil, err
		}
		if err := d.addUsers(1, member.RoleMember); err != nil {
			return nil, err
		}
		if _, err := d.app.DB().NewQuery(`WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < {:rows})
			INSERT INTO ledger_entries (id, account, user_email, team, amount, kind, reason, actor, actor_email, period, balance_after, ref, created)
			SELECT printf('l%014d', i), {:acct}, 'user000000@bench.test', '', 100, 'grant', 'Budget row ' || i, '', '', '', 100 * i, '', strftime('%Y-%m-%d %H:%M:%fZ')
			FROM n`).Bind(map[string]any{"rows": rows, "acct": d.users[0]}).Execute(); err != nil {
			return nil, err
		}
		token, err := d.token(d.owner)
		if err != nil {
			return nil, err
		}
		d.close()
		s, err := startServer(e.Binary, dir)
		if err != nil {
			return nil, err
		}
		for _, format := range []string{"csv", "xlsx"} {
			s.resetPeakRSS()
			t0 := time.Now()
			req, _ := http.NewRequest(http.MethodGet, s.url+"/api/tf/export/ledger."+format, nil)
			req.Header.Set("Authorization", token)
			res, err := httpClient.Do(req)
			if err != nil {
				s.stop()
				return nil, err
			}
			size, _ := io.Copy(io.Discard, res.Body)
			res.Body.Close()
			out = append(out, Result{Workload: "ledger export " + strings.ToUpper(format), Size: fmt.Sprintf("%d rows", rows),
				Rate: time.Since(t0).Round(time.Millisecond).String(), PeakRSS: s.peakRSS(),
				Check: fmt.Sprintf("HTTP %d, %.1f MB", res.StatusCode, float64(size)/(1<<20)), Failed: res.StatusCode != http.StatusOK})
		}
		s.stop()
	}
	return out, nil
}
