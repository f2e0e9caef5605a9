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

// plainCreateRate is the baseline: PocketBase's own records API creating rows in a
// collection shaped like sends, with an auth rule, from 64 concurrent clients.
func plainCreateRate(e *env) (Result, float64, error) {
	d, err := openDataset(e.dir)
	if err != nil {
		return Result{}, 0, err
	}
	col := core.NewBaseCollection("bench_plain")
	col.Fields.Add(
		&core.TextField{Name: "recipient_name", Required: true},
		&core.EmailField{Name: "recipient_email", Required: true},
		&core.NumberField{Name: "cost", OnlyInt: true},
		&core.SelectField{Name: "status", MaxSelect: 1, Values: []string{"pending", "sent"}},
		&core.AutodateField{Name: "created", OnCreate: true},
	)
	col.CreateRule = types.Pointer("@request.auth.id != ''")
	if err := d.app.Save(col); err != nil {
		return Result{}, 0, err
	}
	if err := d.addUsers(64, member.RoleMember); err != nil {
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
		req, _ := http.NewRequest(http.MethodPost, s.url+"/api/collections/bench_plain/records",
			strings.NewReader(fmt.Sprintf(`{"recipient_name":"R %d","recipient_email":"r%d@example.com","cost":100,"status":"sent"}`, i, i)))
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
	res := Result{Workload: "plain PocketBase records create (baseline)", Size: fmt.Sprintf("%d creates, 64 clients", total),
		Rate: fmt.Sprintf("%.0f req/s, %s CPU/req", rate, cpuPer(s.cpuTime()-cpu0, total)), P50: lat.percentile(.5), P95: lat.percentile(.95), PeakRSS: s.peakRSS(),
		Check: fmt.Sprintf("%d ok", statuses[200])}
	res.Failed = statuses[200] != total
	return res, rate, nil
}
