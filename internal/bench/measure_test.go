package bench

import (
	"testing"
	"time"
)

func TestPercentileIsTheNearestRank(t *testing.T) {
	ms := func(n ...int) *latencies {
		l := &latencies{}
		for _, v := range n {
			l.add(time.Duration(v) * time.Millisecond)
		}
		return l
	}
	twenty := ms(20, 19, 18, 17, 16, 15, 14, 13, 12, 11, 10, 9, 8, 7, 6, 5, 4, 3, 2, 1)
	hundred := &latencies{}
	for i := 100; i >= 1; i-- {
		hundred.add(time.Duration(i) * time.Millisecond)
	}
	for _, c := range []struct {
		l    *latencies
		p    float64
		want int
	}{
		{twenty, .95, 19}, // not the slowest of 20
		{twenty, .5, 10},
		{twenty, 1, 20},
		{hundred, .95, 95},
		{hundred, .5, 50},
		{ms(7), .95, 7},
		{ms(7), .01, 7},
	} {
		if got := c.l.percentile(c.p); got != time.Duration(c.want)*time.Millisecond {
			t.Errorf("p%.0f of %d = %s, want %d ms", 100*c.p, len(c.l.d), got, c.want)
		}
	}
	if got := (&latencies{}).percentile(.95); got != 0 {
		t.Errorf("p95 of nothing = %s", got)
	}
}
