package obs

import (
	"maps"
	"slices"
	"strconv"
	"strings"
	"sync"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/ibwatch/ibwatch/conn"
)

// maxUnknownCodes bounds the label values of TWS codes outside the
// catalogue. Codes come from TWS (untrusted): a misbehaving peer must not
// grow the series without limit. Later unknown codes count as code="other".
const maxUnknownCodes = 50

func desc(name, help string, labels ...string) *prometheus.Desc {
	return prometheus.NewDesc(name, help, labels, nil)
}

// Metric descriptions. Names follow the Prometheus conventions: an ibwatch_
// prefix, base units (seconds), _total for counters, _info for the build.
var (
	dBuild     = desc("ibwatch_build_info", "Build of the running ibwatch (always 1).", "version", "commit", "date", "goversion")
	dState     = desc("ibwatch_state", "Connection state: 1 for the current state, 0 for the others.", "state")
	dConnected = desc("ibwatch_connected", "1 while the API session is connected (not degraded, not reconnecting), else 0.")
	dSince     = desc("ibwatch_state_changed_timestamp_seconds", "Unix time of the last state change.")
	dEpoch     = desc("ibwatch_connection_epoch", "Connection epoch: increases by one at every successful connect.")
	dStart     = desc("ibwatch_start_time_seconds", "Unix time this ibwatch session started.")
	dConnects  = desc("ibwatch_connects_total", "Successful connects (API session ready).")
	dDisc      = desc("ibwatch_disconnects_total", "Connected sessions that ended, by cause.", "cause")
	dFailed    = desc("ibwatch_failed_attempts_total", "Connection attempts that failed before the session was ready.")
	dReconn    = desc("ibwatch_reconnects_total", "Successful connects after a lost session (automatic or forced).")
	dForced    = desc("ibwatch_forced_reconnects_total", `Reconnects requested by the user ("reconnect now").`)
	dIBC       = desc("ibwatch_ibc_commands_total", "Commands to IBC's command server by command and outcome: sent, then ok, error, unreachable or timeout; withheld when the restart budget was spent; manual (also counted as sent) and busy for commands asked by hand.", "command", "outcome")
	dLinks     = desc("ibwatch_link_restarts_total", "Link processes started after the first one.")
	dHB        = desc("ibwatch_heartbeats_total", "Heartbeats answered by TWS.")
	dHBMissed  = desc("ibwatch_heartbeats_missed_total", "Heartbeats TWS did not answer in time.")
	dTWS       = desc("ibwatch_tws_messages_total", "Messages (codes) from TWS and the client library, by code and severity.", "code", "severity")
	dEvents    = desc("ibwatch_events_total", "Events published by the supervisor, by severity.", "severity")
	dDropped   = desc("ibwatch_events_dropped_total", "Events dropped because a consumer was too slow.")
	dAvail     = desc("ibwatch_availability_ratio", "Time connected or degraded divided by session time, not counting time TWS refused connections (0..1).")
	dUpTime    = desc("ibwatch_connected_seconds_total", "Time spent connected or degraded.")
	dDegTime   = desc("ibwatch_degraded_seconds_total", "Time spent degraded (TWS up, its link to IB down).")
	dRefTime   = desc("ibwatch_refused_seconds_total", "Time TWS refused connections (not running or restarting).")
)

// collector reads the supervisor at scrape time.
type collector struct{ e *Exporter }

// Describe implements prometheus.Collector.
func (c *collector) Describe(ch chan<- *prometheus.Desc) {
	for _, d := range []*prometheus.Desc{dBuild, dState, dConnected, dSince, dEpoch, dStart, dConnects,
		dDisc, dFailed, dReconn, dForced, dIBC, dLinks, dHB, dHBMissed, dTWS, dEvents, dDropped,
		dAvail, dUpTime, dDegTime, dRefTime} {
		ch <- d
	}
}

// Collect implements prometheus.Collector.
func (c *collector) Collect(ch chan<- prometheus.Metric) {
	b := Build()
	ch <- prometheus.MustNewConstMetric(dBuild, prometheus.GaugeValue, 1, b.Version, b.Commit, b.Date, b.GoVersion)
	src := c.e.source()
	if src == nil {
		return
	}
	st, m := src.Status(), src.Metrics()
	gauge := func(d *prometheus.Desc, v float64, l ...string) {
		ch <- prometheus.MustNewConstMetric(d, prometheus.GaugeValue, v, l...)
	}
	counter := func(d *prometheus.Desc, v float64, l ...string) {
		ch <- prometheus.MustNewConstMetric(d, prometheus.CounterValue, v, l...)
	}
	for s := conn.StateIdle; s <= conn.StateStopped; s++ {
		gauge(dState, b2f(st.State == s), s.String())
	}
	gauge(dConnected, b2f(st.State == conn.StateConnected))
	gauge(dSince, unix(st.Since.UnixNano()))
	gauge(dEpoch, float64(st.Epoch))
	gauge(dStart, unix(m.Start.UnixNano()))
	counter(dConnects, float64(m.Connects))
	for _, cause := range disconnectCauses(m.Disconnects) {
		counter(dDisc, float64(m.Disconnects[cause]), cause.String())
	}
	counter(dFailed, float64(m.FailedAttempts))
	counter(dReconn, float64(m.Reconnects))
	counter(dForced, float64(m.ForcedReconnects))
	for _, k := range slices.Sorted(maps.Keys(m.Remedies)) {
		if cmd, outcome, ok := strings.Cut(k, "/"); ok {
			counter(dIBC, float64(m.Remedies[k]), cmd, outcome)
		}
	}
	counter(dLinks, float64(m.LinkRestarts))
	counter(dHB, float64(m.Heartbeats))
	counter(dHBMissed, float64(m.MissedHeartbeats))
	for _, kv := range c.e.codeSeries(m.ByCode) {
		counter(dTWS, float64(kv.n), kv.code, kv.sev)
	}
	for s := conn.SevInfo; s <= conn.SevConnectivity; s++ {
		counter(dEvents, float64(m.BySeverity[s]), s.String())
	}
	counter(dDropped, float64(m.DroppedEvents))
	gauge(dAvail, m.Availability)
	counter(dUpTime, m.ConnectedTime.Seconds())
	counter(dDegTime, m.DegradedTime.Seconds())
	counter(dRefTime, m.RefusedTime.Seconds())
}

// knownCodes is the catalogue's codes as a set.
var knownCodes = sync.OnceValue(func() map[int64]bool {
	set := map[int64]bool{}
	for _, c := range conn.KnownCodes() {
		set[c] = true
	}
	return set
})

// notEnding are causes of transitions that never end a session; they get
// no ibwatch_disconnects_total series unless one is ever counted.
var notEnding = map[conn.Cause]bool{
	conn.CauseStart: true, conn.CauseReady: true, conn.CauseRetry: true,
	conn.CauseIBLinkLost: true, conn.CauseIBRestored: true, conn.CauseTWSNotLinked: true,
}

// disconnectCauses lists every cause that can end a session (so each
// series exists from the start, at 0) plus any other the map counts.
func disconnectCauses(disc map[conn.Cause]int64) []conn.Cause {
	var out []conn.Cause
	for _, c := range conn.AllCauses() {
		if !notEnding[c] || disc[c] != 0 {
			out = append(out, c)
		}
	}
	return out
}

type codeCount struct {
	code, sev string
	n         int64
}

// codeSeries turns the per-code counts into label values. A code's
// severity is the catalogue's (conn.LookupCode), which is also what the
// supervisor stamped on the event. Unknown codes get their own label until
// maxUnknownCodes of them have been seen; once admitted a code keeps its
// label, so no series ever moves (counters stay monotonic).
func (e *Exporter) codeSeries(byCode map[int64]int64) []codeCount {
	e.codesMu.Lock()
	defer e.codesMu.Unlock()
	other := map[string]int64{}
	var out []codeCount
	for _, code := range slices.Sorted(maps.Keys(byCode)) {
		info := conn.LookupCode(code)
		known := knownCodes()[code]
		if !known && !e.codes[code] && len(e.codes) < maxUnknownCodes {
			e.codes[code] = true
		}
		sev := info.Severity.String()
		if known || e.codes[code] {
			out = append(out, codeCount{strconv.FormatInt(code, 10), sev, byCode[code]})
		} else {
			other[sev] += byCode[code]
		}
	}
	for _, sev := range slices.Sorted(maps.Keys(other)) {
		out = append(out, codeCount{"other", sev, other[sev]})
	}
	return out
}

func b2f(b bool) float64 {
	if b {
		return 1
	}
	return 0
}

func unix(ns int64) float64 { return float64(ns) / 1e9 }
