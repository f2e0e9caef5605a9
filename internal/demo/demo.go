// Package demo loads realistic demo data through the same domain code the app uses
// (member.Create, ledger.Post), so demo balances obey every invariant.
package demo

import (
	"errors"
	"fmt"
	"math/rand/v2"
	"strings"
	"time"

	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/core"

	"teamfund/internal/company"
	"teamfund/internal/ledger"
	"teamfund/internal/member"
	"teamfund/internal/money"
	"teamfund/internal/send"
)

// ErrHasData is returned when teams already exist.
var ErrHasData = errors.New("this data folder already has teams")

// Options tune Load; Rand makes the data reproducible.
type Options struct {
	Password string
	Now      time.Time
	Rand     *rand.Rand
}

// Result counts what Load created.
type Result struct {
	Teams, Users, Touches, Sends, Entries int
	Logins                                []string
}

type teamSpec struct {
	name, description, mode string
	limit, cap, maxSend     money.Cents
	threshold               money.Cents
	leaveApproval           bool
	people                  []string // first is the manager
}

var teams = []teamSpec{
	{"Field Sales", "Account executives visiting customers in person.", "monthly", 50000, 150000, 20000, 15000, true,
		[]string{"Maya Fischer", "Jonas Becker", "Lena Hoffmann", "Tariq Haddad", "Sofia Rossi", "Noah Weber", "Amélie Laurent", "Kenji Sato"}},
	{"Inside Sales", "SDRs and BDRs booking meetings.", "monthly", 20000, 0, 8000, 0, false,
		[]string{"Priya Nair", "Lucas Martin", "Emma Schulz", "Oliver Brown", "Zoë Ørsted", "Mateo García", "Hannah Klein", "Ravi Patel", "Ingrid Berg", "Tom Walsh"}},
	{"Marketing", "Campaigns, events and gifting.", "one_time", 0, 0, 50000, 25000, false,
		[]string{"Chloé Dubois", "Felix Wagner", "Aisha Khan", "Liam O'Connor", "Yuki Tanaka", "Mila Novak"}},
	{"Partnerships", "Channel and alliance managers.", "monthly", 30000, 0, 0, 0, true,
		[]string{"David Cohen", "Sara Lindqvist", "Omar Farouk", "Julia Costa"}},
}

var touches = []struct {
	name, description, status string
	cost                      money.Cents
	inventory                 int // -1 = not tracked
	teams                     []int
}{
	{"Coffee gift card", "A coffee card with a handwritten note.", "active", 2500, -1, []int{0, 1, 2, 3}},
	{"Branded hoodie", "Soft hoodie with the company logo, shipped in 3 days.", "active", 6500, 40, []int{0, 2}},
	{"Wine & cheese box", "Premium gift box for closing deals.", "active", 18000, 12, []int{0, 3}},
	{"Conference pass", "Ticket to the annual industry conference.", "scheduled", 49000, 10, []int{2}},
	{"Book: The Challenger Sale", "Paperback, delivered by a local bookshop.", "active", 1800, -1, []int{1}},
	{"Summer BBQ kit", "Seasonal gift, campaign finished.", "completed", 9000, 0, []int{2}},
}

// Load creates the demo company (when the folder is empty), teams, users, touches, sends and ledger history.
func Load(app core.App, opt Options) (Result, error) {
	var res Result
	err := app.RunInTransaction(func(tx core.App) error {
		if n, _ := tx.CountRecords("teams"); n > 0 {
			return ErrHasData
		}
		owner, err := ensureCompany(tx, opt, &res)
		if err != nil {
			return err
		}
		teamIDs, err := createTeams(tx, &res)
		if err != nil {
			return err
		}
		people, err := createPeople(tx, opt, teamIDs, &res)
		if err != nil {
			return err
		}
		touchIDs, err := createTouches(tx, teamIDs, &res)
		if err != nil {
			return err
		}
		c, err := company.Load(tx)
		if err != nil {
			return err
		}
		now := opt.Now.In(c.Location())
		// Three months of history, written in time order so every balance-after reads right.
		for back := 2; back >= 0; back-- {
			start := time.Date(now.Year(), now.Month()-time.Month(back), 1, 8, 0, 0, 0, c.Location())
			if err := fundPeople(tx, owner, people, start, back == 2, opt, &res); err != nil {
				return err
			}
			end := start.AddDate(0, 1, -1)
			if back == 0 {
				end = now.Add(-time.Hour)
			}
			if err := createSends(tx, opt, touchIDs, people, start, end, &res); err != nil {
				return err
			}
		}
		return nil
	})
	return res, err
}

// backdate gives rows just written by the demo the time they would have had.
//
// note: the only place that edits ledger rows, and only their timestamp: the data is
// fabricated, in a folder that had no teams, inside the transaction that wrote it.
func backdate(tx core.App, table, where string, params dbx.Params, at time.Time) error {
	params["at"] = at.UTC().Format("2006-01-02 15:04:05.000Z")
	set := "created = {:at}"
	if table == "sends" {
		set += ", updated = {:at}"
	}
	_, err := tx.DB().NewQuery("UPDATE " + table + " SET " + set + " WHERE " + where).Bind(params).Execute()
	return err
}

func ensureCompany(tx core.App, opt Options, res *Result) (*member.Member, error) {
	if company.IsSetUp(tx) {
		owners, err := tx.FindRecordsByFilter(member.Collection, "role = 'owner'", "", 1, 0)
		if err != nil || len(owners) == 0 {
			return nil, fmt.Errorf("finding the owner: %w", err)
		}
		owner := member.Wrap(owners[0])
		// The owner keeps the password chosen at setup; a demo admin gets the demo password,
		// so the printed logins include one for the company-wide pages.
		admin, err := member.Create(tx, member.NewUser{Email: "admin@northwind.example", Password: opt.Password,
			Name: "Adam Admin", Role: member.RoleAdmin})
		if err != nil {
			return nil, fmt.Errorf("creating the demo admin: %w", err)
		}
		res.Users++
		res.Logins = append(res.Logins, owner.Email()+" (owner; the password chosen at setup)", admin.Email()+" (admin)")
		return owner, nil
	}
	col, err := tx.FindCollectionByNameOrId(company.Collection)
	if err != nil {
		return nil, err
	}
	c := core.NewRecord(col)
	c.Load(map[string]any{"name": "Northwind Outreach", "currency": "EUR", "timezone": "Europe/Berlin",
		"invite_ttl_hours": company.DefaultInviteTTLHours, "domain": "northwind.example", "seat_limit": 60})
	if err := tx.Save(c); err != nil {
		return nil, err
	}
	owner, err := member.Create(tx, member.NewUser{Email: "owner@northwind.example", Password: opt.Password,
		Name: "Olivia Owner", Role: member.RoleOwner})
	if err != nil {
		return nil, err
	}
	admin, err := member.Create(tx, member.NewUser{Email: "admin@northwind.example", Password: opt.Password,
		Name: "Adam Admin", Role: member.RoleAdmin})
	if err != nil {
		return nil, err
	}
	res.Users += 2
	res.Logins = append(res.Logins, owner.Email()+" (owner)", admin.Email()+" (admin)")
	return owner, nil
}

func createTeams(tx core.App, res *Result) ([]string, error) {
	col, err := tx.FindCollectionByNameOrId("teams")
	if err != nil {
		return nil, err
	}
	var ids []string
	for _, t := range teams {
		r := core.NewRecord(col)
		r.Load(map[string]any{"name": t.name, "description": t.description, "budget_mode": t.mode,
			"monthly_limit": int64(t.limit), "month_rule": "rollover", "rollover_cap": int64(t.cap),
			"max_per_send": int64(t.maxSend), "approval_threshold": int64(t.threshold), "leave_needs_approval": t.leaveApproval})
		if err := tx.Save(r); err != nil {
			return nil, fmt.Errorf("team %s: %w", t.name, err)
		}
		ids = append(ids, r.Id)
		res.Teams++
	}
	return ids, nil
}

func emailOf(name string) string {
	r := strings.NewReplacer(" ", ".", "'", "", "é", "e", "ë", "e", "ø", "o", "Ø", "o", "í", "i", "á", "a")
	return strings.ToLower(r.Replace(name)) + "@northwind.example"
}

func createPeople(tx core.App, opt Options, teamIDs []string, res *Result) ([]*member.Member, error) {
	var people []*member.Member
	for i, t := range teams {
		for j, name := range t.people {
			role := member.RoleMember
			if j == 0 {
				role = member.RoleManager
			}
			m, err := member.Create(tx, member.NewUser{Email: emailOf(name), Password: opt.Password, Name: name,
				Role: role, TeamID: teamIDs[i]})
			if err != nil {
				return nil, fmt.Errorf("user %s: %w", name, err)
			}
			if j == 1 {
				m.Set("record_visibility", member.VisibilityTeam)
				m.Set("may_export", true)
				if err := tx.Save(m); err != nil {
					return nil, err
				}
			}
			if j < 2 {
				res.Logins = append(res.Logins, fmt.Sprintf("%s (%s, %s)", m.Email(), role, t.name))
			}
			people = append(people, m)
			res.Users++
		}
	}
	return people, nil
}

// fundPeople pays the month starting at start: the monthly budget of monthly teams, and
// (first month only) a one-time campaign grant for the other teams.
func fundPeople(tx core.App, owner *member.Member, people []*member.Member, start time.Time, first bool, opt Options, res *Result) error {
	period := start.Format("2006-01")
	idx := 0
	for _, t := range teams {
		for range t.people {
			p := people[idx]
			idx++
			e := ledger.Entry{Account: p.Id, Amount: t.limit, Kind: ledger.KindMonthly, Reason: "Monthly budget " + start.Format("January 2006"), Period: period}
			if t.mode != "monthly" {
				if !first {
					continue
				}
				e = ledger.Entry{Account: p.Id, Amount: money.Cents(20000 + opt.Rand.IntN(4)*5000), Kind: ledger.KindGrant,
					Reason: "Q4 campaign budget", Actor: owner}
			}
			posted, err := ledger.Post(tx, e)
			if err != nil {
				return err
			}
			if err := backdate(tx, "ledger_entries", "id = {:id}", dbx.Params{"id": posted.ID}, start); err != nil {
				return err
			}
			res.Entries++
		}
	}
	return nil
}

func createTouches(tx core.App, teamIDs []string, res *Result) ([]string, error) {
	touchCol, err := tx.FindCollectionByNameOrId("touches")
	if err != nil {
		return nil, err
	}
	var refs []string
	for _, t := range touches {
		r := core.NewRecord(touchCol)
		var assigned []string
		for _, i := range t.teams {
			assigned = append(assigned, teamIDs[i])
		}
		r.Load(map[string]any{"name": t.name, "description": t.description, "cost": int64(t.cost), "status": t.status,
			"track_inventory": t.inventory >= 0, "inventory": max(t.inventory, 0), "teams": assigned})
		if err := tx.Save(r); err != nil {
			return nil, fmt.Errorf("touch %s: %w", t.name, err)
		}
		refs = append(refs, r.Id)
		res.Touches++
	}
	return refs, nil
}

// createSends lets about half of the people send a touch at a random time between from and to.
func createSends(tx core.App, opt Options, touchIDs []string, people []*member.Member, from, to time.Time, res *Result) error {
	recipients := []string{"Grace Hopper", "Alan Turing", "Ada Lovelace", "Linus Pauling", "Marie Curie", "Nikola Tesla", "Rosalind Franklin"}
	span := to.Sub(from)
	for _, p := range people {
		for range opt.Rand.IntN(2) {
			// send.Create applies every rule (assignment, status, inventory, limits, approval);
			// refused picks are simply skipped.
			touchID := touchIDs[opt.Rand.IntN(len(touchIDs))]
			who := recipients[opt.Rand.IntN(len(recipients))]
			s, err := send.Create(tx, p, send.Input{TouchID: touchID, RecipientName: who, RecipientEmail: emailOf(who)})
			if send.IsRefusal(err) {
				continue
			}
			if err != nil {
				return err
			}
			at := from.Add(time.Duration(opt.Rand.Int64N(int64(span))))
			for _, row := range []struct{ table, where string }{
				{"sends", "id = {:id}"}, {"ledger_entries", "ref = {:ref}"}, {"audit_log", "target_id = {:id}"},
			} {
				if err := backdate(tx, row.table, row.where, dbx.Params{"id": s.Id, "ref": s.Ref()}, at); err != nil {
					return err
				}
			}
			res.Sends++
			res.Entries++
		}
	}
	return nil
}
