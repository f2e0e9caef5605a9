package bench

import (
	"fmt"
	"strings"

	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tools/security"
	"github.com/pocketbase/pocketbase/tools/types"
	"golang.org/x/crypto/bcrypt"

	"teamfund/internal/member"
	_ "teamfund/pb_migrations"
)

// Password of every seeded user.
const Password = "bench-password"

// dataset is a seeded data folder, closed before the server starts on it.
type dataset struct {
	dir    string
	app    *core.BaseApp
	owner  string            // owner id
	teams  []string          // team ids
	users  []string          // member ids, in team order
	tokens map[string]string // user id → auth token
}

func openDataset(dir string) (*dataset, error) {
	app := core.NewBaseApp(core.BaseAppConfig{DataDir: dir})
	if err := app.Bootstrap(); err != nil {
		return nil, err
	}
	if err := app.RunAllMigrations(); err != nil {
		return nil, err
	}
	d := &dataset{dir: dir, app: app, tokens: map[string]string{}}
	err := app.RunInTransaction(func(tx core.App) error {
		col, err := tx.FindCollectionByNameOrId("company")
		if err != nil {
			return err
		}
		c := core.NewRecord(col)
		c.Load(map[string]any{"name": "Bench Co", "currency": "USD", "timezone": "UTC", "invite_ttl_hours": 168, "domain": "bench.test"})
		if err := tx.Save(c); err != nil {
			return err
		}
		owner, err := member.Create(tx, member.NewUser{Email: "owner@bench.test", Password: Password, Name: "Owner", Role: member.RoleOwner})
		if err != nil {
			return err
		}
		d.owner = owner.Id
		return nil
	})
	return d, err
}

// reopen opens an existing data folder to check what a workload left behind.
func reopen(dir string) (*dataset, error) {
	app := core.NewBaseApp(core.BaseAppConfig{DataDir: dir})
	if err := app.Bootstrap(); err != nil {
		return nil, err
	}
	return &dataset{dir: dir, app: app, tokens: map[string]string{}}, nil
}

// close releases the data folder so the server process can own it.
func (d *dataset) close() { d.app.ResetBootstrapState() }

// addTeams creates n teams with the given settings.
func (d *dataset) addTeams(n int, settings map[string]any) error {
	return d.app.RunInTransaction(func(tx core.App) error {
		col, err := tx.FindCollectionByNameOrId("teams")
		if err != nil {
			return err
		}
		for i := range n {
			r := core.NewRecord(col)
			r.Load(map[string]any{"name": fmt.Sprintf("Team %03d", i), "budget_mode": "one_time", "month_rule": "rollover"})
			r.Load(settings)
			if err := tx.Save(r); err != nil {
				return err
			}
			d.teams = append(d.teams, r.Id)
		}
		return nil
	})
}

// addUsers inserts n members spread over the teams with plain SQL (one shared bcrypt hash),
// because creating 100,000 users one bcrypt at a time would take hours.
func (d *dataset) addUsers(n int, role member.Role) error {
	hash, err := bcrypt.GenerateFromPassword([]byte(Password), bcrypt.MinCost)
	if err != nil {
		return err
	}
	first := []string{"Anna", "Ben", "Chloe", "David", "Emma", "Felix", "Grace", "Hugo", "Iris", "Jonas", "Kira", "Liam"}
	now := types.NowDateTime().String()
	return d.app.RunInTransaction(func(tx core.App) error {
		const batch = 500
		for start := 0; start < n; start += batch {
			var sb strings.Builder
			params := dbx.Params{"hash": string(hash), "now": now, "role": string(role)}
			sb.WriteString("INSERT INTO users (id, email, password, tokenKey, verified, emailVisibility, name, avatar, role, team, status, balance, may_export, record_visibility, phone, created, updated) VALUES ")
			for i := start; i < min(n, start+batch); i++ {
				if i > start {
					sb.WriteString(",")
				}
				id := security.RandomStringWithAlphabet(15, "abcdefghijklmnopqrstuvwxyz0123456789")
				team := ""
				if len(d.teams) > 0 {
					team = d.teams[i%len(d.teams)]
				}
				k := fmt.Sprint(i)
				params["id"+k] = id
				params["e"+k] = fmt.Sprintf("user%06d@bench.test", i)
				params["t"+k] = security.RandomString(50)
				params["n"+k] = fmt.Sprintf("%s User%06d", first[i%len(first)], i)
				params["team"+k] = team
				fmt.Fprintf(&sb, "({:id%[1]s}, {:e%[1]s}, {:hash}, {:t%[1]s}, 1, 0, {:n%[1]s}, '', {:role}, {:team%[1]s}, 'active', 0, 0, 'own', '', {:now}, {:now})", k)
				d.users = append(d.users, id)
			}
			if _, err := tx.DB().NewQuery(sb.String()).Bind(params).Execute(); err != nil {
				return err
			}
		}
		return nil
	})
}

// token returns an auth token for user id (valid for the server, which shares the data folder).
func (d *dataset) token(id string) (string, error) {
	if t, ok := d.tokens[id]; ok {
		return t, nil
	}
	r, err := d.app.FindRecordById(member.Collection, id)
	if err != nil {
		return "", err
	}
	t, err := r.NewAuthToken()
	if err != nil {
		return "", err
	}
	d.tokens[id] = t
	return t, nil
}
