package bench

import (
	"fmt"
	"net/http"
	"strings"

	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tools/types"

	"teamfund/internal/member"
)

// coldStart measures exec → first 200 from /api/health on a seeded folder, best of three.
func coldStart(e *env) ([]Result, error) {
	d, err := openDataset(e.dir)
	if err != nil {
		return nil, err
	}
	if err := d.addTeams(10, nil); err != nil {
		return nil, err
	}
	if err := d.addUsers(1000, member.RoleMember); err != nil {
		return nil, err
	}
	d.close()
	var best *server
	for range 3 {
		s, err := startServer(e.Binary, e.dir)
		if err != nil {
			return nil, err
		}
		s.stop()
		if best == nil || s.started < best.started {
			best = s
		}
	}
	return []Result{{Workload: "cold start to /api/health", Size: "1,000 users", Rate: best.started.Round(1e6).String()}}, nil
}

// plainCreateRate is a baseline: PocketBase's own records API creating rows, with an auth
// rule and no other rule, from 64 concurrent clients. With shape sendsShaped the collection
// is a copy of sends (the same fields, relations and indexes), i.e. what PocketBase alone
// writes for a send; minimalShaped is five plain fields without indexes.
func plainCreateRate(e *env, shape baselineShape) (Result, float64, error) {
	d, err := openDataset(e.dir)
	if err != nil {
		return Result{}, 0, err
	}
	if err := d.addTeams(1, nil); err != nil {
		return Result{}, 0, err
	}
	if err := d.addUsers(64, member.RoleMember); err != nil {
		return Result{}, 0, err
	}
	col, body, err := shape.create(d)
	if err != nil {
		return Result{}, 0, err
	}
	col.CreateRule = types.Pointer("@request.auth.id != ''")
	if err := d.app.Save(col); err != nil {
		return Result{}, 0, err
	}
	tokens := make([]string, len(d.users))
	for i, id := range d.users {
		if tokens[i], err = d.token(id); err != nil {
			return Result{}, 0, err
		}
	}
	d.close()
	s, err := startServer(e.Binary, e.dir)
	if err != nil {
		return Result{}, 0, err
	}
	defer s.stop()
	total := e.size(2000, 10000)
	s.resetPeakRSS()
	cpu0 := s.cpuTime()
	rate, lat, statuses, err := load(64, total, func(i int) (int, error) {
		req, _ := http.NewRequest(http.MethodPost, s.url+"/api/collections/"+col.Name+"/records", strings.NewReader(body(i)))
		req.Header.Set("Content-Type", "application/json")
		req.Header.Set("Authorization", tokens[i%len(tokens)])
		res, err := httpClient.Do(req)
		if err != nil {
			return 0, err
		}
		drain(res)
		return res.StatusCode, nil
	})
	if err != nil {
		return Result{}, 0, err
	}
	res := Result{Workload: "plain PocketBase records create, " + shape.name, Size: fmt.Sprintf("%d creates, 64 clients", total),
		Rate: fmt.Sprintf("%.0f req/s, %s CPU/req", rate, cpuPer(s.cpuTime()-cpu0, total)), P50: lat.percentile(.5), P95: lat.percentile(.95), PeakRSS: s.peakRSS(),
		Check: fmt.Sprintf("%d ok", statuses[200])}
	res.Failed = statuses[200] != total
	return res, rate, nil
}

// baselineShape is the collection a baseline creates rows in and the body of request i.
type baselineShape struct {
	name   string
	create func(d *dataset) (*core.Collection, func(i int) string, error)
}

var sendsShaped = baselineShape{"sends-shaped collection (baseline)", func(d *dataset) (*core.Collection, func(int) string, error) {
	sends, err := d.app.FindCollectionByNameOrId("sends")
	if err != nil {
		return nil, nil, err
	}
	col := core.NewBaseCollection("bench_sends")
	for _, f := range sends.Fields {
		if f.GetName() != "id" {
			col.Fields.Add(f)
		}
	}
	for _, idx := range sends.Indexes {
		col.Indexes = append(col.Indexes, strings.NewReplacer("idx_sends_", "idx_bench_sends_", "`sends`", "`bench_sends`").Replace(idx))
	}
	touches, err := d.app.FindCollectionByNameOrId("touches")
	if err != nil {
		return nil, nil, err
	}
	t := core.NewRecord(touches)
	t.Load(map[string]any{"name": "Coffee card", "cost": 100, "status": "active", "teams": d.teams})
	if err := d.app.Save(t); err != nil {
		return nil, nil, err
	}
	return col, func(i int) string {
		u := d.users[i%len(d.users)]
		return fmt.Sprintf(`{"touch":%q,"touch_name":"Coffee card","sender":%q,"sender_email":"%s@bench.test","team":%q,`+
			`"recipient_name":"Recipient %d","recipient_email":"r%d@example.com","cost":100,"status":"sent"}`, t.Id, u, u, d.teams[0], i, i)
	}, nil
}}

var minimalShaped = baselineShape{"minimal collection", func(d *dataset) (*core.Collection, func(int) string, error) {
	col := core.NewBaseCollection("bench_plain")
	col.Fields.Add(
		&core.TextField{Name: "recipient_name", Required: true},
		&core.EmailField{Name: "recipient_email", Required: true},
		&core.NumberField{Name: "cost", OnlyInt: true},
		&core.SelectField{Name: "status", MaxSelect: 1, Values: []string{"pending", "sent"}},
		&core.AutodateField{Name: "created", OnCreate: true},
	)
	return col, func(i int) string {
		return fmt.Sprintf(`{"recipient_name":"R %d","recipient_email":"r%d@example.com","cost":100,"status":"sent"}`, i, i)
	}, nil
}}
