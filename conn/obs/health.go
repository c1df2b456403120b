package obs

import (
	"encoding/json"
	"io"
	"net/http"
	"time"

	"github.com/prometheus/client_golang/prometheus/promhttp"

	"github.com/ibwatch/ibwatch/conn"
)

// Health is the /healthz answer.
//
// Healthy means the API session is Connected: HTTP 200. Every other state
// answers 503, Degraded included: the socket to TWS is up but TWS has lost
// IB's servers (1100/2110), so no data flows and orders could not reach the
// exchange. A health check is there to say "usable", and degraded is not.
type Health struct {
	Healthy bool       `json:"healthy"`
	State   conn.State `json:"state"`
	Since   time.Time  `json:"since"`
	Cause   conn.Cause `json:"cause"`
	// Reason explains an unhealthy state in a sentence.
	Reason    string    `json:"reason,omitempty"`
	Window    string    `json:"window,omitempty"` // expected maintenance window, if in one
	Addr      string    `json:"addr"`
	ClientID  int64     `json:"clientId"`
	Epoch     uint64    `json:"epoch"`
	NextRetry time.Time `json:"nextRetry,omitzero"`
	// UptimeSeconds is how long this ibwatch session has run.
	UptimeSeconds float64 `json:"uptimeSeconds"`
	// Availability is connected time over session time, not counting time
	// TWS refused connections (0..1).
	Availability float64        `json:"availability"`
	Counters     HealthCounters `json:"counters"`
	Version      string         `json:"version"`
}

// HealthCounters are the supervisor's counters in /healthz.
type HealthCounters struct {
	Connects         int64 `json:"connects"`
	Disconnects      int64 `json:"disconnects"`
	FailedAttempts   int64 `json:"failedAttempts"`
	Reconnects       int64 `json:"reconnects"`
	ForcedReconnects int64 `json:"forcedReconnects"`
	LinkRestarts     int64 `json:"linkRestarts"`
	Heartbeats       int64 `json:"heartbeats"`
	MissedHeartbeats int64 `json:"missedHeartbeats"`
	DroppedEvents    int64 `json:"droppedEvents"`
}

// Health reports the supervisor's health now (unhealthy before Attach).
func (e *Exporter) Health() Health {
	src := e.source()
	if src == nil {
		return Health{Reason: "starting", Version: Build().Version}
	}
	st, m := src.Status(), src.Metrics()
	h := Health{
		Healthy: st.State == conn.StateConnected,
		State:   st.State, Since: st.Since, Cause: st.Cause, Window: st.Window,
		Addr: st.Addr, ClientID: st.ClientID, Epoch: st.Epoch, NextRetry: st.NextRetry,
		UptimeSeconds: m.Uptime.Seconds(), Availability: m.Availability,
		Version: Build().Version,
		Counters: HealthCounters{
			Connects: m.Connects, FailedAttempts: m.FailedAttempts,
			Reconnects: m.Reconnects, ForcedReconnects: m.ForcedReconnects, LinkRestarts: m.LinkRestarts,
			Heartbeats: m.Heartbeats, MissedHeartbeats: m.MissedHeartbeats, DroppedEvents: m.DroppedEvents,
		},
	}
	for _, n := range m.Disconnects {
		h.Counters.Disconnects += n
	}
	if !h.Healthy {
		h.Reason = reason(st)
	}
	return h
}

func reason(st conn.Status) string {
	switch st.State {
	case conn.StateDegraded:
		return "degraded: " + st.Cause.Text()
	case conn.StateIdle, conn.StateConnecting:
		return "connecting to TWS at " + st.Addr
	case conn.StateStopped:
		return "stopped"
	}
	return st.Cause.Text()
}

// Handler serves /metrics (Prometheus text or protobuf), /healthz (JSON;
// 200 connected, 503 otherwise) and a short index on /.
func (e *Exporter) Handler() http.Handler {
	mux := http.NewServeMux()
	mux.Handle("GET /metrics", promhttp.HandlerFor(e.reg, promhttp.HandlerOpts{
		ErrorHandling:       promhttp.ContinueOnError,
		MaxRequestsInFlight: 4,
		Timeout:             10 * time.Second,
	}))
	mux.HandleFunc("GET /healthz", func(w http.ResponseWriter, _ *http.Request) {
		h := e.Health()
		w.Header().Set("Content-Type", "application/json")
		w.Header().Set("Cache-Control", "no-store")
		if h.Healthy {
			w.WriteHeader(http.StatusOK)
		} else {
			w.WriteHeader(http.StatusServiceUnavailable)
		}
		enc := json.NewEncoder(w)
		enc.SetIndent("", "  ")
		_ = enc.Encode(h)
	})
	mux.HandleFunc("GET /{$}", func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "text/plain; charset=utf-8")
		_, _ = io.WriteString(w, "ibwatch "+Build().Version+"\n\n/metrics  Prometheus metrics\n/healthz  JSON health: 200 while connected, 503 otherwise\n")
	})
	return mux
}
