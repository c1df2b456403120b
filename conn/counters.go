package conn

import (
	"maps"
	"slices"
	"sync"
	"time"

	"github.com/ibwatch/ibwatch/conn/ibc"
)

// The counters behind Supervisor.Metrics, kept by the supervisor goroutine.
// (Package conn/obs is what exports them: Prometheus /metrics and /healthz.)

// rttWindow is how many recent heartbeat RTTs the quantiles cover.
const rttWindow = 1024

// counters holds the counters behind Metrics. It is guarded by the
// supervisor's mutex: the supervisor goroutine writes through with, readers
// take a snapshot.
type counters struct {
	start      time.Time
	connects   int64
	reconnects int64
	forced     int64
	failedN    int64
	linkStarts int64
	disc       map[Cause]int64

	upSince, degSince  time.Time
	upTotal, degTotal  time.Duration
	refusedSince       time.Time
	refusedTotal       time.Duration
	rtts               [rttWindow]time.Duration
	rttN               int
	rttLast            time.Duration
	heartbeats         int64
	missedHB           int64
	detectLast, detMax time.Duration
	reconnLast, recMax time.Duration
	bySev              map[Severity]int64
	byCode             map[int64]int64
	dropped            int64
	remedies           map[string]int64 // "COMMAND/outcome" (remedy.go)
}

func (m *counters) init(now time.Time) {
	m.start = now
	m.disc = map[Cause]int64{}
	m.bySev = map[Severity]int64{}
	m.byCode = map[int64]int64{}
	m.remedies = map[string]int64{}
}

// remedy counts an IBC command sent, answered or withheld, by outcome.
func (m *counters) remedy(cmd ibc.Command, outcome string) {
	m.remedies[string(cmd)+"/"+outcome]++
}

// with runs f with the lock held.
func (m *counters) with(l *sync.Mutex, f func(*counters)) {
	l.Lock()
	defer l.Unlock()
	f(m)
}

func (m *counters) snapshotConnects(l *sync.Mutex) int64 {
	l.Lock()
	defer l.Unlock()
	return m.connects
}

func (m *counters) stateChange(now time.Time, from, to State) {
	if from == StateConnected && !m.upSince.IsZero() {
		m.upTotal += now.Sub(m.upSince)
		m.upSince = time.Time{}
	}
	if from == StateDegraded && !m.degSince.IsZero() {
		m.degTotal += now.Sub(m.degSince)
		m.degSince = time.Time{}
	}
	switch to {
	case StateConnected:
		m.upSince = now
		m.endRefused(now)
	case StateDegraded:
		m.degSince = now
		m.endRefused(now)
	case StateStopped:
		m.endRefused(now)
	}
}

func (m *counters) endRefused(now time.Time) {
	if !m.refusedSince.IsZero() {
		m.refusedTotal += now.Sub(m.refusedSince)
		m.refusedSince = time.Time{}
	}
}

// tcpUp: TWS accepted a socket, so it is not down.
func (m *counters) tcpUp(now time.Time) { m.endRefused(now) }

func (m *counters) failed(now time.Time, cause Cause) {
	m.failedN++
	if cause == CauseRefused {
		if m.refusedSince.IsZero() {
			m.refusedSince = now
		}
	} else {
		m.endRefused(now)
	}
}

func (m *counters) lost(now time.Time, cause Cause, detect time.Duration) {
	m.disc[cause]++
	if cause == CauseForced || cause == CauseShutdown {
		return // the user ended the session: nothing was detected
	}
	m.detectLast = detect
	m.detMax = max(m.detMax, detect)
}

func (m *counters) up(now time.Time, reconn time.Duration, hadLoss bool) {
	m.connects++
	m.endRefused(now)
	if hadLoss {
		m.reconnects++
		m.reconnLast = reconn
		m.recMax = max(m.recMax, reconn)
	}
}

func (m *counters) heartbeat(rtt time.Duration) {
	m.heartbeats++
	m.rttLast = rtt
	m.rtts[m.rttN%rttWindow] = rtt
	m.rttN++
}

func (m *counters) event(ev Event) {
	m.bySev[ev.Severity]++
	if ev.Kind == KindTWS && ev.Code != 0 {
		m.byCode[ev.Code]++
	}
}

// snapshot computes Metrics at now.
func (m *counters) snapshot(now time.Time) Metrics {
	out := Metrics{
		Start: m.start, Uptime: now.Sub(m.start),
		Connects: m.connects, Disconnects: maps.Clone(m.disc), FailedAttempts: m.failedN,
		Reconnects: m.reconnects, ForcedReconnects: m.forced, LinkRestarts: max(m.linkStarts-1, 0),
		ConnectedTime: m.upTotal, DegradedTime: m.degTotal, RefusedTime: m.refusedTotal,
		RTTLast: m.rttLast, DetectLast: m.detectLast, DetectMax: m.detMax,
		ReconnLast: m.reconnLast, ReconnMax: m.recMax,
		BySeverity: maps.Clone(m.bySev), ByCode: maps.Clone(m.byCode),
		DroppedEvents: m.dropped, Heartbeats: m.heartbeats, MissedHeartbeats: m.missedHB,
		Remedies: maps.Clone(m.remedies),
	}
	if !m.upSince.IsZero() {
		out.ConnectedTime += now.Sub(m.upSince)
	}
	if !m.degSince.IsZero() {
		out.DegradedTime += now.Sub(m.degSince)
	}
	if !m.refusedSince.IsZero() {
		out.RefusedTime += now.Sub(m.refusedSince)
	}
	if base := out.Uptime - out.RefusedTime; base > 0 {
		out.Availability = min(float64(out.ConnectedTime)/float64(base), 1)
	}
	n := min(m.rttN, rttWindow)
	if n > 0 {
		w := slices.Clone(m.rtts[:n])
		slices.Sort(w)
		out.RTTP50 = w[(n-1)/2]
		out.RTTP99 = w[min(n-1, (n*99+99)/100-1)]
	}
	return out
}

// Metrics returns a snapshot of the supervisor's counters.
func (s *Supervisor) Metrics() Metrics {
	now := s.cfg.Now()
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.met.snapshot(now)
}
