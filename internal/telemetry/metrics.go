package telemetry

import (
	"time"

	"github.com/pocketbase/pocketbase/core"
	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
)

// Metrics are one app's Prometheus metrics. Each app has its own registry (tests run many
// apps in one process); figures that live in the database (sends, money, allocation runs,
// queues) are read by SQL at scrape time, so they are right after a restart and when a
// teamfund command changed the data folder.
type Metrics struct {
	Registry      *prometheus.Registry
	Requests      *prometheus.HistogramVec
	LoginFailures *prometheus.CounterVec
	KeyDenials    *prometheus.CounterVec
}

const storeKey = "teamfund.metrics"

// For returns app's metrics, creating them on first use.
func For(app core.App) *Metrics {
	return app.Store().GetOrSet(storeKey, func() any { return newMetrics(app) }).(*Metrics)
}

func newMetrics(app core.App) *Metrics {
	m := &Metrics{
		Registry: prometheus.NewRegistry(),
		Requests: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name:    "teamfund_http_request_duration_seconds",
			Help:    "HTTP request latency by method, route pattern and status class.",
			Buckets: []float64{.005, .01, .025, .05, .1, .25, .5, 1, 2.5, 5, 10},
		}, []string{"method", "route", "status"}),
		LoginFailures: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "teamfund_login_failures_total",
			Help: "Refused sign-ins by way (page: the sign-in form; api: PocketBase's auth-with-password).",
		}, []string{"way"}),
		KeyDenials: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "teamfund_apikey_denied_total",
			Help: "Refused uses of existing API keys by reason (the audit log keeps one row per key, reason and minute).",
		}, []string{"reason"}),
	}
	m.Registry.MustRegister(m.Requests, m.LoginFailures, m.KeyDenials, &dbCollector{app: app},
		collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	return m
}

// dbCollector reads the figures kept in the database at scrape time.
type dbCollector struct{ app core.App }

var (
	sendsDesc = prometheus.NewDesc("teamfund_sends_total",
		"Sends by status: pending ones await a decision; sent, rejected and cancelled are decided.", []string{"status"}, nil)
	moneyDesc = prometheus.NewDesc("teamfund_money_moved_minor_units_total",
		"Sum of the absolute amounts of ledger entries by kind, in minor units of the company currency.", []string{"kind"}, nil)
	runsDesc = prometheus.NewDesc("teamfund_allocation_runs_total",
		"Months whose budget allocation has run.", nil, nil)
	queueDesc = prometheus.NewDesc("teamfund_queue_length",
		"Items waiting in a queue (outbox: mail not yet delivered or due for a retry; webhooks: pending deliveries).", []string{"queue"}, nil)
	ageDesc = prometheus.NewDesc("teamfund_queue_oldest_age_seconds",
		"Age of the oldest waiting item of a queue (0 when empty).", []string{"queue"}, nil)
	scrapeErrDesc = prometheus.NewDesc("teamfund_scrape_error",
		"1 when a database figure could not be read during this scrape.", []string{"figure"}, nil)
)

func (c *dbCollector) Describe(ch chan<- *prometheus.Desc) {
	for _, d := range []*prometheus.Desc{sendsDesc, moneyDesc, runsDesc, queueDesc, ageDesc, scrapeErrDesc} {
		ch <- d
	}
}

func (c *dbCollector) Collect(ch chan<- prometheus.Metric) {
	type row struct {
		Label string  `db:"label"`
		N     float64 `db:"n"`
	}
	// every known label is reported, as 0 until it happens, so that rate() and alerts
	// see a series from the start
	grouped := func(figure, sql string, desc *prometheus.Desc, labels []string) {
		var rows []row
		if err := c.app.DB().NewQuery(sql).All(&rows); err != nil {
			ch <- prometheus.MustNewConstMetric(scrapeErrDesc, prometheus.GaugeValue, 1, figure)
			return
		}
		n := make(map[string]float64, len(labels))
		for _, l := range labels {
			n[l] = 0
		}
		for _, r := range rows {
			n[r.Label] = r.N
		}
		for l, v := range n {
			ch <- prometheus.MustNewConstMetric(desc, prometheus.CounterValue, v, l)
		}
	}
	grouped("sends", "SELECT status AS label, COUNT(*) AS n FROM sends GROUP BY status", sendsDesc,
		[]string{"pending", "sent", "rejected", "cancelled"})
	grouped("money", "SELECT kind AS label, COALESCE(SUM(ABS(amount)), 0) AS n FROM ledger_entries GROUP BY kind", moneyDesc,
		[]string{"grant", "monthly", "return", "adjust", "transfer_in", "transfer_out", "spend", "refund"})
	var runs float64
	if err := c.app.DB().NewQuery("SELECT COUNT(*) FROM budget_runs").Row(&runs); err == nil {
		ch <- prometheus.MustNewConstMetric(runsDesc, prometheus.CounterValue, runs)
	}
	c.queue(ch, "outbox", `SELECT COUNT(*) AS n, COALESCE(MIN(created), '') AS oldest FROM outbox
		WHERE delivery = 'stored' OR (delivery = 'failed' AND next_attempt_at != '')`)
	c.queue(ch, "webhooks", `SELECT COUNT(*) AS n, COALESCE(MIN(created), '') AS oldest FROM webhook_deliveries WHERE status = 'pending'`)
}

// queue reports a queue's length and the age of its oldest item.
func (c *dbCollector) queue(ch chan<- prometheus.Metric, name, sql string) {
	var q struct {
		N      float64 `db:"n"`
		Oldest string  `db:"oldest"`
	}
	if err := c.app.DB().NewQuery(sql).One(&q); err != nil {
		ch <- prometheus.MustNewConstMetric(scrapeErrDesc, prometheus.GaugeValue, 1, name)
		return
	}
	age := 0.0
	if t, err := time.Parse("2006-01-02 15:04:05.000Z", q.Oldest); err == nil {
		age = time.Since(t).Seconds()
	}
	ch <- prometheus.MustNewConstMetric(queueDesc, prometheus.GaugeValue, q.N, name)
	ch <- prometheus.MustNewConstMetric(ageDesc, prometheus.GaugeValue, age, name)
}
