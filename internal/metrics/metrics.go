// Package metrics holds the process's Prometheus metrics: the live layer's
// (sockets, subscriptions, events, refusals), HTTP, the database pool,
// SQL statements and River jobs, beside Go's own.
package metrics

import (
	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
)

// Registry is the one registry /metrics serves. Metrics are process-wide:
// tests that run several servers in one process share them.
var Registry = prometheus.NewRegistry()

// The live layer.
var (
	Sockets = prometheus.NewGauge(prometheus.GaugeOpts{
		Name: "otwarty_ws_sockets", Help: "Open WebSocket connections.",
	})
	Subscriptions = prometheus.NewGaugeVec(prometheus.GaugeOpts{
		Name: "otwarty_ws_subscriptions", Help: "Active GraphQL subscriptions by field.",
	}, []string{"field"})
	EventsDelivered = prometheus.NewCounterVec(prometheus.CounterOpts{
		Name: "otwarty_live_events_delivered_total", Help: "Events handed to subscriptions (fan-out), by field.",
	}, []string{"field"})
	Refusals = prometheus.NewCounterVec(prometheus.CounterOpts{
		Name: "otwarty_ws_refusals_total", Help: "WebSocket connections closed or operations refused by a limit or a check, by reason.",
	}, []string{"reason"})
	Resyncs = prometheus.NewCounter(prometheus.CounterOpts{
		Name: "otwarty_live_resyncs_total", Help: "Resync events sent to subscriptions after the listener reconnected.",
	})
)

func init() {
	Registry.MustRegister(
		collectors.NewGoCollector(),
		collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}),
		Sockets, Subscriptions, EventsDelivered, Refusals, Resyncs,
		httpRequests, httpDuration, statements, pools, river,
	)
}
