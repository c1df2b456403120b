package obs

import (
	"sync"
	"sync/atomic"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"

	"github.com/ibwatch/ibwatch/conn"
)

// Source is what the exporter reads when it is scraped; *conn.Supervisor
// implements it. Both methods take the supervisor's lock briefly and never
// wait for TWS.
type Source interface {
	Status() conn.Status
	Metrics() conn.Metrics
}

// Histogram buckets, in seconds. RTT is a loopback round trip to TWS (well
// under a millisecond when idle, tens of milliseconds when TWS is busy);
// detection is bounded by heartbeat + timeout (10 s by default); a
// reconnection spans a backoff and, after a TWS restart, the restart itself.
var (
	rttBuckets       = []float64{.0005, .001, .0025, .005, .01, .025, .05, .1, .25, .5, 1, 2.5, 5}
	detectionBuckets = []float64{.01, .05, .1, .25, .5, 1, 2.5, 5, 10, 15, 30, 60}
	reconnectBuckets = []float64{.1, .25, .5, 1, 2.5, 5, 10, 30, 60, 120, 300, 900, 3600}
)

// Exporter turns a supervisor into Prometheus metrics and a health check.
// Create it before the supervisor (its Observe goes into conn.Config.OnEvent),
// then Attach the supervisor. It is safe for concurrent use.
type Exporter struct {
	reg *prometheus.Registry
	src atomic.Pointer[Source]

	rtt       prometheus.Histogram
	detection prometheus.Histogram
	reconnect prometheus.Histogram

	// lost is set when a session ends and cleared when the next one is
	// ready; only the publisher goroutine (Observe) touches it.
	lost atomic.Bool

	codesMu sync.Mutex
	codes   map[int64]bool // unknown TWS codes given their own label (≤ maxUnknownCodes)
}

// New returns an exporter with its registry: ibwatch's collector, the three
// latency histograms, and the Go and process collectors.
func New() *Exporter {
	e := &Exporter{
		reg:   prometheus.NewRegistry(),
		codes: map[int64]bool{},
		rtt: prometheus.NewHistogram(prometheus.HistogramOpts{
			Name:    "ibwatch_heartbeat_rtt_seconds",
			Help:    "Round trip of answered heartbeats (REQ_CURRENT_TIME) to TWS.",
			Buckets: rttBuckets,
		}),
		detection: prometheus.NewHistogram(prometheus.HistogramOpts{
			Name:    "ibwatch_detection_latency_seconds",
			Help:    "Time from a connection's actual loss (last sign of life, or the close) to ibwatch declaring it lost; user-forced reconnects are not counted.",
			Buckets: detectionBuckets,
		}),
		reconnect: prometheus.NewHistogram(prometheus.HistogramOpts{
			Name:    "ibwatch_reconnection_latency_seconds",
			Help:    "Time from declaring a connected session lost to the next session being ready.",
			Buckets: reconnectBuckets,
		}),
	}
	e.reg.MustRegister(
		&collector{e: e},
		e.rtt, e.detection, e.reconnect,
		collectors.NewGoCollector(),
		collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}),
	)
	return e
}

// Attach sets the supervisor the exporter reads. Before Attach, /metrics
// has only the build, Go and process metrics and /healthz answers 503.
func (e *Exporter) Attach(src Source) { e.src.Store(&src) }

func (e *Exporter) source() Source {
	if p := e.src.Load(); p != nil {
		return *p
	}
	return nil
}

// Registry returns the registry behind /metrics (tests gather from it).
func (e *Exporter) Registry() *prometheus.Registry { return e.reg }

// Observe feeds the histograms from one supervisor event. Use it as
// conn.Config.OnEvent: it runs on the supervisor's publisher goroutine and
// only does atomic updates, so it never blocks.
//
//   - heartbeat answered → RTT
//   - Connected/Degraded → Backoff (a lost session) → detection latency,
//     except when the user forced the reconnect (nothing was detected)
//   - → Connected with cause "ready" after a lost session → reconnection
//     latency (the same sessions conn.Metrics counts as Reconnects)
func (e *Exporter) Observe(ev conn.Event) {
	switch ev.Kind {
	case conn.KindHeartbeat:
		if ev.Cause != conn.CauseHeartbeatTimeout {
			e.rtt.Observe(ev.RTT.Seconds())
		}
	case conn.KindState:
		switch {
		case ev.State == conn.StateBackoff && ev.Prev.Up():
			e.lost.Store(true)
			if ev.Cause != conn.CauseForced {
				e.detection.Observe(e.detectLatency(ev).Seconds())
			}
		case ev.State == conn.StateConnected && ev.Cause == conn.CauseReady:
			if e.lost.Swap(false) {
				e.reconnect.Observe(ev.Latency.Seconds())
			}
		}
	}
}

// detectLatency is the loss event's detection latency. The supervisor
// records it in its metrics before it publishes the loss, but (conn/attempt.go
// lose) does not yet stamp it on the Backoff event; until it does, read the
// value it just recorded. Losses are rare and a Metrics snapshot takes
// microseconds, so Observe stays quick.
func (e *Exporter) detectLatency(ev conn.Event) time.Duration {
	if ev.Latency > 0 {
		return ev.Latency
	}
	if src := e.source(); src != nil {
		return src.Metrics().DetectLast
	}
	return 0
}
