package obs

import (
	"bytes"
	"slices"
	"strconv"
	"testing"

	dto "github.com/prometheus/client_model/go"
	"github.com/prometheus/common/expfmt"
	"github.com/prometheus/common/model"

	"github.com/ibwatch/ibwatch/conn"
)

// scrape GETs /metrics and parses it with Prometheus' own text parser.
func (r *rig) scrape() map[string]*dto.MetricFamily {
	r.t.Helper()
	code, body := r.get("/metrics")
	if code != 200 {
		r.t.Fatalf("/metrics: HTTP %d\n%s", code, body)
	}
	p := expfmt.NewTextParser(model.UTF8Validation)
	fams, err := p.TextToMetricFamilies(bytes.NewReader(body))
	if err != nil {
		r.t.Fatalf("/metrics does not parse: %v\n%s", err, body)
	}
	return fams
}

// sample finds the metric of family name whose labels include want.
func sample(t *testing.T, fams map[string]*dto.MetricFamily, name string, want ...string) *dto.Metric {
	t.Helper()
	f, ok := fams[name]
	if !ok {
		t.Fatalf("no metric family %s", name)
	}
next:
	for _, m := range f.GetMetric() {
		for i := 0; i+1 < len(want); i += 2 {
			found := false
			for _, l := range m.GetLabel() {
				if l.GetName() == want[i] && l.GetValue() == want[i+1] {
					found = true
				}
			}
			if !found {
				continue next
			}
		}
		return m
	}
	t.Fatalf("%s has no sample with labels %v", name, want)
	return nil
}

// value is a counter's or gauge's value.
func value(t *testing.T, fams map[string]*dto.MetricFamily, name string, labels ...string) float64 {
	t.Helper()
	m := sample(t, fams, name, labels...)
	if m.Counter != nil {
		return m.GetCounter().GetValue()
	}
	return m.GetGauge().GetValue()
}

func wantEq(t *testing.T, what string, got float64, want int64) {
	t.Helper()
	if got != float64(want) {
		t.Errorf("%s = %v, supervisor says %d", what, got, want)
	}
}

// TestMetricsMatchSupervisorAfterFaults drives a real supervisor through a
// stall, a hard drop, an IB link loss, a forced reconnect and unusual TWS
// codes, then checks every exported counter against Supervisor.Metrics.
func TestMetricsMatchSupervisorAfterFaults(t *testing.T) {
	r := newRig(t, nil)
	r.waitState(0, conn.StateConnected, conn.CauseReady)
	fams := r.scrape()
	if value(t, fams, "ibwatch_state", "state", "connected") != 1 || value(t, fams, "ibwatch_connected") != 1 {
		t.Fatal("connected supervisor not exported as connected")
	}

	m := r.mark()
	r.sim.SetStall(true) // frozen TWS: only missed heartbeats can tell
	r.waitState(m, conn.StateBackoff, conn.CauseHeartbeatTimeout)
	r.sim.SetStall(false)
	r.waitState(m, conn.StateConnected, conn.CauseReady)

	m = r.mark()
	r.sim.Drop()
	r.waitState(m, conn.StateBackoff, conn.CauseNone)
	r.waitState(m, conn.StateConnected, conn.CauseReady)

	m = r.mark()
	r.sim.IBLinkLost()
	r.waitState(m, conn.StateDegraded, conn.CauseIBLinkLost)
	fams = r.scrape()
	if value(t, fams, "ibwatch_state", "state", "degraded") != 1 || value(t, fams, "ibwatch_connected") != 0 {
		t.Error("degraded supervisor not exported as degraded and not connected")
	}
	r.sim.IBLinkRestored(false)
	r.waitState(m, conn.StateConnected, conn.CauseIBRestored)

	m = r.mark()
	r.sup.ReconnectNow()
	r.waitState(m, conn.StateBackoff, conn.CauseForced)
	r.waitState(m, conn.StateConnected, conn.CauseReady)

	m = r.mark()
	r.sim.Inject(-1, 2119, "Market data farm is connecting:usfarm")
	r.sim.Inject(-1, 9931, "a code nobody documented")
	r.waitFor("codes 2119 and 9931", func(evs []conn.Event) bool {
		seen := map[int64]bool{}
		for _, ev := range evs[m:] {
			seen[ev.Code] = true
		}
		return seen[2119] && seen[9931]
	})

	// Stop: the counters are final and every event went through Observe.
	r.stopSupervisor()
	met := r.sup.Metrics()
	fams = r.scrape()
	availAfter := r.sup.Metrics().Availability // uptime still grows: availability only falls

	if value(t, fams, "ibwatch_state", "state", "stopped") != 1 {
		t.Error("stopped supervisor not exported as stopped")
	}
	wantEq(t, "connects", value(t, fams, "ibwatch_connects_total"), met.Connects)
	var lost, notDetected int64
	for _, c := range disconnectCauses(met.Disconnects) {
		wantEq(t, "disconnects{"+c.String()+"}", value(t, fams, "ibwatch_disconnects_total", "cause", c.String()), met.Disconnects[c])
	}
	for c, n := range met.Disconnects {
		if n != 0 && !slices.Contains(disconnectCauses(met.Disconnects), c) {
			t.Errorf("disconnects{%s} = %d is not exported", c, n)
		}
		lost += n
	}
	notDetected = met.Disconnects[conn.CauseForced] + met.Disconnects[conn.CauseShutdown]
	if met.Disconnects[conn.CauseHeartbeatTimeout] < 1 || met.Disconnects[conn.CauseForced] != 1 || met.Disconnects[conn.CauseShutdown] != 1 {
		t.Errorf("the faults did not all register: %v", met.Disconnects)
	}
	wantEq(t, "failed attempts", value(t, fams, "ibwatch_failed_attempts_total"), met.FailedAttempts)
	wantEq(t, "reconnects", value(t, fams, "ibwatch_reconnects_total"), met.Reconnects)
	wantEq(t, "forced reconnects", value(t, fams, "ibwatch_forced_reconnects_total"), met.ForcedReconnects)
	wantEq(t, "link restarts", value(t, fams, "ibwatch_link_restarts_total"), met.LinkRestarts)
	wantEq(t, "heartbeats", value(t, fams, "ibwatch_heartbeats_total"), met.Heartbeats)
	wantEq(t, "missed heartbeats", value(t, fams, "ibwatch_heartbeats_missed_total"), met.MissedHeartbeats)
	wantEq(t, "dropped events", value(t, fams, "ibwatch_events_dropped_total"), met.DroppedEvents)
	if met.Reconnects < 3 || met.ForcedReconnects != 1 || met.LinkRestarts < 1 || met.DroppedEvents != 0 {
		t.Errorf("unexpected supervisor counters: %+v", met)
	}
	for code, n := range met.ByCode {
		sev := conn.LookupCode(code).Severity.String()
		wantEq(t, "tws_messages{"+strconv.FormatInt(code, 10)+"}", value(t, fams, "ibwatch_tws_messages_total", "code", strconv.FormatInt(code, 10), "severity", sev), n)
	}
	if met.ByCode[2119] < 1 || met.ByCode[9931] != 1 || met.ByCode[1100] != 1 {
		t.Errorf("codes not counted: %v", met.ByCode)
	}
	for s, n := range met.BySeverity {
		wantEq(t, "events{"+s.String()+"}", value(t, fams, "ibwatch_events_total", "severity", s.String()), n)
	}
	if got := value(t, fams, "ibwatch_availability_ratio"); got > met.Availability || got < availAfter || got <= 0 {
		t.Errorf("availability %v, supervisor %v before the scrape and %v after", got, met.Availability, availAfter)
	}

	// Histograms, built from the events, agree with the counters.
	hist := func(name string) *dto.Histogram { return sample(t, fams, name).GetHistogram() }
	wantEq(t, "rtt observations", float64(hist("ibwatch_heartbeat_rtt_seconds").GetSampleCount()), met.Heartbeats)
	wantEq(t, "detections", float64(hist("ibwatch_detection_latency_seconds").GetSampleCount()), lost-notDetected)
	wantEq(t, "reconnections", float64(hist("ibwatch_reconnection_latency_seconds").GetSampleCount()), met.Reconnects)
	// A stall is detected no sooner than the heartbeat timeout (400 ms).
	if s := hist("ibwatch_detection_latency_seconds").GetSampleSum(); s < 0.4 {
		t.Errorf("detection latency sum %v s is below one heartbeat timeout", s)
	}

	b := sample(t, fams, "ibwatch_build_info")
	if b.GetGauge().GetValue() != 1 || len(b.GetLabel()) != 4 {
		t.Errorf("build info = %v", b)
	}
	for _, name := range []string{"go_goroutines", "process_start_time_seconds"} {
		if _, ok := fams[name]; !ok {
			t.Errorf("no %s: Go and process collectors missing", name)
		}
	}
}
