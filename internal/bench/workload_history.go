package bench

import (
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/pocketbase/pocketbase/core"

	"teamfund/internal/budget"
	"teamfund/internal/ledger"
)

// historyPage is one page of the side menu (or a page it leads to) and its JSON twin, with
// the roles that see it.
type historyPage struct {
	label, path, json string
	roles             string // letters: o owner, m manager, e member
}

// historyPages lists every entry of the side menu (internal/web/nav.go's addNav calls: the
// dashboard, Teams, Users, Invites, Touches, Sends, Money, Approvals and its tabs, Usage,
// Ledger, Audit, Outbox, Webhooks, Settings, API keys), the pages one click away that grow
// with history (team page, money administration, team balances, touch assignments), the
// profile, and their /api/tf twins. {team} is the big team, {month} the current month,
// {prev} the one before (the overview and Usage of a whole month).
var historyPages = []historyPage{
	{"overview / dashboard", "/", "/api/tf/overview?month={month}", "om"},
	{"wallet (member dashboard)", "/", "/api/tf/money/me", "e"},
	{"overview, last month", "/?month={prev}", "/api/tf/overview?month={prev}", "om"},
	{"teams", "/teams", "/api/tf/teams", "ome"},
	{"team page", "/teams/{team}", "/api/tf/teams/{team}", "om"},
	{"users", "/users", "/api/tf/users", "om"},
	{"invites", "/invites", "/api/tf/invites", "om"},
	{"touches", "/touches", "/api/tf/touches", "ome"},
	{"touch assignments", "/touches/assignments", "", "om"},
	{"sends", "/sends", "/api/tf/sends", "ome"},
	{"money", "/money", "/api/tf/money/me", "ome"},
	{"money: team balances", "/money/team?team={team}", "", "om"},
	{"money admin", "/money/admin", "", "o"},
	{"approvals: sends", "/approvals/sends", "/api/tf/approvals/sends", "om"},
	{"approvals: money", "/approvals/money", "", "ome"},
	{"approvals: leave", "/approvals/leave", "/api/tf/leave-requests", "om"},
	{"usage", "/usage", "/api/tf/usage?month={month}", "om"},
	{"usage, last month", "/usage?month={prev}", "/api/tf/usage?month={prev}", "om"},
	{"ledger", "/ledger", "/api/tf/ledger", "ome"},
	{"audit", "/audit", "/api/tf/audit", "o"},
	{"outbox", "/outbox", "/api/tf/outbox", "o"},
	{"webhooks", "/webhooks", "/api/tf/webhooks", "o"},
	{"settings", "/settings", "/api/tf/settings", "o"},
	{"API keys", "/settings/api-keys", "/api/tf/api-keys", "o"},
	{"profile", "/profile", "/api/tf/me", "ome"},
}

// historyGoal is the p95 every page should stay under (issue 21, point 6).
const historyGoal = 50 * time.Millisecond

// historyWorkload grows a company to 10,000 users, 1,000,000 ledger entries and 200,000
// sends over 24 months (a tenth under --quick), checks the ledger's invariants, then starts
// the binary on it and times every page of the menu and its JSON twin as the owner, the
// manager of the biggest team and one of its members, one request at a time.
func historyWorkload(e *env) ([]Result, error) {
	sz := historySize{users: 10000, teams: 200, entries: 1000000, sends: 200000, months: 24}
	if e.Quick {
		sz = historySize{users: 1000, teams: 20, entries: 100000, sends: 20000, months: 24}
	}
	var who map[string]string
	var out []Result
	var tokens map[string]string
	var err error
	if e.Reuse != "" {
		who, tokens, err = reuseHistory(e)
	} else {
		who, tokens, out, err = growHistory(e, sz, time.Now())
	}
	if err != nil {
		return nil, err
	}
	s, err := startServer(e.Binary, e.dir)
	if err != nil {
		return nil, err
	}
	defer s.stop()
	loc, _ := time.LoadLocation(historyZone)
	month := budget.MonthOf(time.Now(), loc)
	subst := strings.NewReplacer("{team}", who["team"], "{month}", string(month), "{prev}", string(month.Prev()))
	n := e.size(5, 60)
	for _, role := range []string{"owner", "manager", "member"} {
		for _, p := range historyPages {
			if !strings.Contains(p.roles, map[string]string{"owner": "o", "manager": "m", "member": "e"}[role]) {
				continue
			}
			if e.Pages != "" && !contains(p.label+" "+p.path+" "+p.json, e.Pages) {
				continue
			}
			for _, path := range []string{p.path, p.json} {
				if path == "" {
					continue
				}
				r, err := timePage(s, tokens[role], subst.Replace(path), n)
				if err != nil {
					return nil, err
				}
				r.Workload = "history: " + p.label + " (" + role + ")"
				fmt.Fprintf(e.Out, "  %-40s %-8s %-45s p50 %s p95 %s %s\n", p.label, role, r.Size, ms(r.P50), ms(r.P95), r.Check)
				out = append(out, r)
			}
		}
	}
	return out, nil
}

// growHistory seeds the company and checks its invariants (the first result row), and
// returns who the pages are timed as and their tokens.
func growHistory(e *env, sz historySize, now time.Time) (who, tokens map[string]string, out []Result, err error) {
	d, err := openDataset(e.dir)
	if err != nil {
		return nil, nil, nil, err
	}
	defer d.close()
	t0 := time.Now()
	who, counts, err := seedHistory(d, sz, now)
	if err != nil {
		return nil, nil, nil, err
	}
	seeded := time.Since(t0)
	fmt.Fprintf(e.Out, "  seeded in %s\n", seeded.Round(time.Millisecond))
	t0 = time.Now()
	check, failed, err := historyInvariants(d)
	if err != nil {
		return nil, nil, nil, err
	}
	fmt.Fprintf(e.Out, "  checked in %s: %s\n", time.Since(t0).Round(time.Millisecond), check)
	size := fmt.Sprintf("%d users, %d teams, %d entries, %d sends, %d money requests, %d months",
		sz.users, sz.teams, total(counts, "monthly", "grant", "adjust", "return", "transfer_in", "transfer_out", "spend", "refund"),
		counts["sends"], counts["requests"], sz.months)
	out = []Result{{Workload: "history: seed + invariants", Size: size, Rate: seeded.Round(time.Millisecond).String(), Check: check, Failed: failed}}
	tokens, err = historyTokens(d, who)
	return who, tokens, out, err
}

// reuseHistory copies the kept folder e.Reuse into the workload's folder (the server
// migrates and writes; the kept one stays as it was) and finds the same people the seed
// returns: the owner, the biggest team, its manager and one of its members.
func reuseHistory(e *env) (who, tokens map[string]string, err error) {
	if err := os.MkdirAll(e.dir, 0o755); err != nil {
		return nil, nil, err
	}
	for _, name := range []string{"data.db", "auxiliary.db"} {
		if err := copyFile(filepath.Join(e.Reuse, name), filepath.Join(e.dir, name)); err != nil {
			return nil, nil, err
		}
	}
	app := core.NewBaseApp(core.BaseAppConfig{DataDir: e.dir})
	if err := app.Bootstrap(); err != nil {
		return nil, nil, err
	}
	if err := app.RunAllMigrations(); err != nil {
		return nil, nil, err
	}
	d := &dataset{dir: e.dir, app: app, tokens: map[string]string{}}
	defer d.close()
	var row struct {
		Owner   string `db:"owner"`
		Team    string `db:"team"`
		Manager string `db:"manager"`
		Member  string `db:"member"`
	}
	err = d.app.DB().NewQuery(`SELECT
		(SELECT id FROM users WHERE role = 'owner' ORDER BY created LIMIT 1) AS owner,
		t.id AS team,
		(SELECT id FROM users WHERE team = t.id AND role = 'manager' ORDER BY created LIMIT 1) AS manager,
		(SELECT id FROM users WHERE team = t.id AND role = 'member' ORDER BY created LIMIT 1) AS member
		FROM teams t ORDER BY (SELECT COUNT(*) FROM users WHERE team = t.id) DESC LIMIT 1`).One(&row)
	if err != nil {
		return nil, nil, err
	}
	who = map[string]string{"owner": row.Owner, "manager": row.Manager, "member": row.Member, "team": row.Team}
	tokens, err = historyTokens(d, who)
	return who, tokens, err
}

func historyTokens(d *dataset, who map[string]string) (map[string]string, error) {
	tokens := map[string]string{}
	for _, role := range []string{"owner", "manager", "member"} {
		t, err := d.token(who[role])
		if err != nil {
			return nil, err
		}
		tokens[role] = t
	}
	return tokens, nil
}

func copyFile(from, to string) error {
	in, err := os.Open(from)
	if err != nil {
		return err
	}
	defer in.Close()
	out, err := os.Create(to)
	if err != nil {
		return err
	}
	if _, err := io.Copy(out, in); err != nil {
		out.Close()
		return err
	}
	return out.Close()
}

// timePage requests path n times (after one unmeasured request) from one client, as a
// page with the session cookie or, under /api/, with the token in Authorization.
func timePage(s *server, token, path string, n int) (Result, error) {
	lat := &latencies{}
	bad := 0
	status := 0
	for i := range n + 1 {
		req, _ := http.NewRequest(http.MethodGet, s.url+path, nil)
		if strings.HasPrefix(path, "/api/") {
			req.Header.Set("Authorization", token)
		} else {
			req.Header.Set("Cookie", "tf_session="+token)
		}
		t0 := time.Now()
		res, err := httpClient.Do(req)
		if err != nil {
			return Result{}, err
		}
		drain(res)
		if i > 0 {
			lat.add(time.Since(t0))
		}
		if res.StatusCode != http.StatusOK {
			bad++
			status = res.StatusCode
		}
	}
	r := Result{Size: path, Rate: fmt.Sprintf("%d requests", n), P50: lat.percentile(.5), P95: lat.percentile(.95), Check: "200"}
	if bad > 0 {
		r.Check, r.Failed = fmt.Sprintf("HTTP %d ×%d", status, bad), true
	}
	if r.P95 > historyGoal {
		r.Check += ", OVER the 50 ms p95 goal"
	}
	return r, nil
}

// historyInvariants checks what the seed wrote: every balance is the sum of its entries and
// none is negative (ledger.Reconcile), every entry's balance_after is the running sum of its
// account in the order written, every send has one debit and every rejected or cancelled
// send one refund.
func historyInvariants(d *dataset) (string, bool, error) {
	mismatches, err := ledger.Reconcile(d.app)
	if err != nil {
		return "", false, err
	}
	var row struct {
		BadAfter   int `db:"bad_after"`
		Negative   int `db:"negative"`
		NoDebit    int `db:"no_debit"`
		BadRefunds int `db:"bad_refunds"`
	}
	err = d.app.DB().NewQuery(`SELECT
		(SELECT COUNT(*) FROM (SELECT balance_after, SUM(amount) OVER (PARTITION BY account ORDER BY rowid) AS running
			FROM ledger_entries) WHERE running != balance_after) AS bad_after,
		(SELECT COUNT(*) FROM ledger_entries WHERE balance_after < 0) AS negative,
		(SELECT COUNT(*) FROM sends s WHERE (SELECT COUNT(*) FROM ledger_entries l WHERE l.ref = 'send:' || s.id AND l.kind = 'spend') != 1) AS no_debit,
		(SELECT COUNT(*) FROM sends s WHERE (SELECT COUNT(*) FROM ledger_entries l WHERE l.ref = 'send:' || s.id AND l.kind = 'refund')
			!= (s.status IN ('rejected', 'cancelled'))) AS bad_refunds`).One(&row)
	if err != nil {
		return "", false, err
	}
	check := fmt.Sprintf("balance ≠ Σ ledger or negative: %d, balance_after wrong: %d, negative: %d, sends without one debit: %d, refunds wrong: %d",
		len(mismatches), row.BadAfter, row.Negative, row.NoDebit, row.BadRefunds)
	return check, len(mismatches)+row.BadAfter+row.Negative+row.NoDebit+row.BadRefunds > 0, nil
}

func total(counts map[string]int, keys ...string) int {
	n := 0
	for _, k := range keys {
		n += counts[k]
	}
	return n
}
