package tui

import (
	"fmt"
	"time"

	"github.com/ibwatch/ibwatch/conn"
)

// scenario is fixed data for one screen: the journal of the previous
// session, this session's events, and the supervisor's snapshot.
type scenario struct {
	history []conn.Event
	live    []conn.Event
	status  conn.Status
	metrics conn.Metrics
	// waitFor are texts that are all on screen once every event and the
	// first snapshot were handled.
	waitFor []string
}

const testAddr = "127.0.0.1:7497"

func stateEv(at time.Time, prev, to conn.State, cause conn.Cause, epoch uint64) conn.Event {
	sev := conn.SevInfo
	if to == conn.StateBackoff || to == conn.StateDegraded {
		sev = conn.SevConnectivity
	}
	return conn.Event{Time: at, Kind: conn.KindState, Prev: prev, State: to, Cause: cause, Severity: sev,
		Epoch: epoch, Addr: testAddr, ClientID: 17}
}

func twsEv(at time.Time, code int64, sev conn.Severity, msg, explain string, epoch uint64) conn.Event {
	return conn.Event{Time: at, Kind: conn.KindTWS, Code: code, Severity: sev, Message: msg, Explain: explain, Epoch: epoch}
}

func hbEv(at time.Time, rtt time.Duration, epoch uint64) conn.Event {
	return conn.Event{Time: at, Kind: conn.KindHeartbeat, RTT: rtt, Epoch: epoch}
}

// previousNight is the journal of the session that ran from Monday 10:00 to
// Tuesday 06:00: a daily TWS restart at 23:00 and a short IB outage at 02:17.
func previousNight() []conn.Event {
	mon := t0.Add(-22 * time.Hour)
	restart := time.Date(2025, 1, 13, 23, 0, 0, 0, time.UTC)
	outage := time.Date(2025, 1, 14, 2, 17, 0, 0, time.UTC)
	lost := stateEv(restart, conn.StateConnected, conn.StateBackoff, conn.CauseClosedByTWS, 1)
	lost.Latency, lost.Window = 2100*time.Millisecond, "daily restart"
	back := stateEv(restart.Add(4*time.Minute), conn.StateConnecting, conn.StateConnected, conn.CauseReady, 2)
	back.Latency = 4 * time.Minute
	refused := stateEv(restart.Add(20*time.Second), conn.StateConnecting, conn.StateBackoff, conn.CauseRefused, 1)
	refused.Attempt = 2
	return []conn.Event{
		stateEv(mon, conn.StateIdle, conn.StateConnecting, conn.CauseStart, 0),
		stateEv(mon.Add(time.Second), conn.StateConnecting, conn.StateConnected, conn.CauseReady, 1),
		twsEv(mon.Add(time.Second), 2104, conn.SevInfo, "Market data farm connection is OK:usfarm", "", 1),
		hbEv(mon.Add(time.Minute), 3*time.Millisecond, 1),
		lost,
		stateEv(restart.Add(10*time.Second), conn.StateBackoff, conn.StateConnecting, conn.CauseRetry, 1),
		refused,
		back,
		twsEv(outage, 1100, conn.SevConnectivity, "Connectivity between IB and Trader Workstation has been lost.",
			"TWS lost its link to IB's servers; data stops until 1101 or 1102.", 2),
		stateEv(outage, conn.StateConnected, conn.StateDegraded, conn.CauseIBLinkLost, 2),
		twsEv(outage.Add(2*time.Minute), 1102, conn.SevConnectivity,
			"Connectivity between IB and Trader Workstation has been restored - data maintained.",
			"Subscriptions survived; nothing to resend.", 2),
		stateEv(outage.Add(2*time.Minute), conn.StateDegraded, conn.StateConnected, conn.CauseIBRestored, 2),
		stateEv(t0.Add(-2*time.Hour), conn.StateConnected, conn.StateStopped, conn.CauseShutdown, 2),
	}
}

var okFarms = []conn.Farm{
	{Name: "usfarm", Kind: conn.FarmMarket, Status: conn.FarmOK},
	{Name: "ushmds", Kind: conn.FarmHist, Status: conn.FarmOK},
	{Name: "secdefnj", Kind: conn.FarmSecDef, Status: conn.FarmOK},
}

// connectedStart is this session's start: up since 07:00:02.
func connectedStart() []conn.Event {
	s := t0.Add(-time.Hour)
	evs := []conn.Event{
		stateEv(s, conn.StateIdle, conn.StateConnecting, conn.CauseStart, 2),
		stateEv(s.Add(2*time.Second), conn.StateConnecting, conn.StateConnected, conn.CauseReady, 3),
		twsEv(s.Add(2*time.Second), 2104, conn.SevInfo, "Market data farm connection is OK:usfarm", "", 3),
		twsEv(s.Add(2*time.Second), 2106, conn.SevInfo, "HMDS data farm connection is OK:ushmds", "", 3),
		twsEv(s.Add(2*time.Second), 2158, conn.SevInfo, "Sec-def data farm connection is OK:secdefnj", "", 3),
	}
	for i := 0; i < 40; i++ {
		rtt := time.Duration(2000+(i*7919)%1800) * time.Microsecond
		if i == 31 {
			rtt = 9 * time.Millisecond
		}
		evs = append(evs, hbEv(s.Add(time.Duration(i+1)*time.Minute), rtt, 3))
	}
	// Heartbeats are not logged; this last, logged event tells the tests
	// that everything before it was handled.
	return append(evs, conn.Event{Time: s.Add(41 * time.Minute), Kind: conn.KindData, Severity: conn.SevInfo,
		Message: "3 subscriptions live", Epoch: 3})
}

func baseStatus(state conn.State, since time.Time, cause conn.Cause) conn.Status {
	return conn.Status{State: state, Since: since, Cause: cause, Epoch: 3, Addr: testAddr, ClientID: 17,
		ServerVersion: 178, Accounts: []string{"DU1234567"}, Farms: okFarms,
		NextRestart: time.Date(2025, 1, 14, 23, 0, 0, 0, time.UTC),
		NextRelogin: time.Date(2025, 1, 19, 1, 0, 0, 0, time.UTC)}
}

func baseMetrics() conn.Metrics {
	return conn.Metrics{Start: t0.Add(-time.Hour), Uptime: time.Hour, Connects: 1, Availability: 0.9994,
		RTTLast: 2800 * time.Microsecond, RTTP50: 2500 * time.Microsecond, RTTP99: 9 * time.Millisecond,
		Disconnects: map[conn.Cause]int64{}, Heartbeats: 40}
}

func connectedScenario() scenario {
	return scenario{
		history: previousNight(),
		live:    connectedStart(),
		status:  baseStatus(conn.StateConnected, t0.Add(-time.Hour+2*time.Second), conn.CauseReady),
		metrics: baseMetrics(),
		waitFor: []string{"3 subscriptions live", "CONNECTED", "99.94%"},
	}
}

func backoffScenario() scenario {
	live := connectedStart()
	miss := conn.Event{Kind: conn.KindHeartbeat, Severity: conn.SevWarning, Cause: conn.CauseHeartbeatTimeout,
		Message: "heartbeat missed", Epoch: 3}
	m1, m2 := miss, miss
	m1.Time, m2.Time = t0.Add(-46*time.Second), t0.Add(-43*time.Second)
	lost := stateEv(t0.Add(-40*time.Second), conn.StateConnected, conn.StateBackoff, conn.CauseHeartbeatTimeout, 3)
	lost.Latency, lost.Attempt, lost.NextRetry = 6200*time.Millisecond, 1, t0.Add(-39*time.Second)
	retry := stateEv(t0.Add(-39*time.Second), conn.StateBackoff, conn.StateConnecting, conn.CauseRetry, 3)
	retry.Attempt = 1
	hs := stateEv(t0.Add(-30*time.Second), conn.StateConnecting, conn.StateBackoff, conn.CauseHandshakeTimeout, 3)
	hs.Attempt, hs.NextRetry = 2, t0.Add(12*time.Second)
	live = append(live, m1, m2, lost, retry, hs)
	st := baseStatus(conn.StateBackoff, t0.Add(-30*time.Second), conn.CauseHandshakeTimeout)
	st.Attempt, st.NextRetry = 2, t0.Add(12*time.Second)
	met := baseMetrics()
	met.Availability = 0.9881
	met.Disconnects[conn.CauseHeartbeatTimeout] = 1
	met.FailedAttempts = 1
	met.DetectLast, met.DetectMax = 6200*time.Millisecond, 6200*time.Millisecond
	met.MissedHeartbeats = 2
	return scenario{history: previousNight(), live: live, status: st, metrics: met,
		waitFor: []string{"backoff: TWS accepted", "BACKOFF", "98.8%", "in 12s"}}
}

func degradedScenario() scenario {
	live := connectedStart()
	at := t0.Add(-5 * time.Minute)
	live = append(live,
		twsEv(at, 1100, conn.SevConnectivity, "Connectivity between IB and Trader Workstation has been lost.",
			"TWS lost its link to IB's servers; data stops until 1101 or 1102.", 3),
		stateEv(at, conn.StateConnected, conn.StateDegraded, conn.CauseIBLinkLost, 3),
		twsEv(at.Add(time.Second), 2103, conn.SevWarning, "Market data farm connection is broken:usfarm",
			"Quotes from this farm stop; TWS reconnects it by itself.", 3),
	)
	st := baseStatus(conn.StateDegraded, at, conn.CauseIBLinkLost)
	st.Farms = []conn.Farm{
		{Name: "usfarm", Kind: conn.FarmMarket, Status: conn.FarmBroken},
		{Name: "ushmds", Kind: conn.FarmHist, Status: conn.FarmInactive},
		{Name: "secdefnj", Kind: conn.FarmSecDef, Status: conn.FarmOK},
	}
	met := baseMetrics()
	met.Availability = 0.9999
	met.DegradedTime = 5 * time.Minute
	return scenario{history: previousNight(), live: live, status: st, metrics: met,
		waitFor: []string{"farm connection is broken", "DEGRADED", "99.99%"}}
}

// longLogEvents is a busy session: n TWS messages of every severity.
func longLogEvents(n int, from time.Time, step time.Duration) []conn.Event {
	kinds := []struct {
		code    int64
		sev     conn.Severity
		msg     string
		explain string
	}{
		{2104, conn.SevInfo, "Market data farm connection is OK:usfarm", ""},
		{10167, conn.SevWarning, "Requested market data is not subscribed. Displaying delayed market data.", "No live subscription for this exchange: quotes are 15 min late."},
		{354, conn.SevError, "Requested market data is not subscribed.", "Subscribe in Account Management, or use delayed data."},
		{2108, conn.SevInfo, "Market data farm connection is inactive but should be available upon demand.:usfarm", ""},
		{1100, conn.SevConnectivity, "Connectivity between IB and Trader Workstation has been lost.", "TWS lost its link to IB's servers; data stops until 1101 or 1102."},
		{1102, conn.SevConnectivity, "Connectivity between IB and Trader Workstation has been restored - data maintained.", "Subscriptions survived; nothing to resend."},
	}
	out := make([]conn.Event, 0, n)
	for i := 0; i < n; i++ {
		k := kinds[i%len(kinds)]
		ev := twsEv(from.Add(time.Duration(i)*step), k.code, k.sev, fmt.Sprintf("%s #%d", k.msg, i), k.explain, 3)
		ev.ReqID = int64(i)
		out = append(out, ev)
	}
	return out
}

func longLogScenario() scenario {
	live := connectedStart()
	live = append(live, longLogEvents(300, t0.Add(-50*time.Minute), 9*time.Second)...)
	live = append(live, twsEv(t0.Add(-10*time.Second), 2158, conn.SevInfo, "burst over", "", 3))
	return scenario{history: previousNight(), live: live,
		status:  baseStatus(conn.StateConnected, t0.Add(-time.Hour+2*time.Second), conn.CauseReady),
		metrics: baseMetrics(),
		waitFor: []string{"burst over", "99.94%"}}
}
