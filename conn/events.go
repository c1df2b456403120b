package conn

import (
	"fmt"
	"time"
)

// EventKind says what an Event is about.
type EventKind int

// Event kinds.
const (
	KindState     EventKind = iota // a state transition
	KindTWS                        // a message (code) from TWS or the client library
	KindHeartbeat                  // a heartbeat answered (RTT) or missed
	KindLink                       // the link process started, died or misbehaved
	KindData                       // a market-data subscription went stale, resumed or changed type
	KindApp                        // the dashboard itself: start, stop, user actions
)

var kindNames = [...]string{"state", "tws", "heartbeat", "link", "data", "app"}

// String returns the kind's word (used in JSON).
func (k EventKind) String() string {
	if k >= 0 && int(k) < len(kindNames) {
		return kindNames[k]
	}
	return fmt.Sprintf("kind(%d)", int(k))
}

// MarshalText encodes the kind as its word.
func (k EventKind) MarshalText() ([]byte, error) { return []byte(k.String()), nil }

// UnmarshalText decodes a kind word.
func (k *EventKind) UnmarshalText(b []byte) error {
	for i, n := range kindNames {
		if n == string(b) {
			*k = EventKind(i)
			return nil
		}
	}
	return fmt.Errorf("conn: unknown event kind %q", b)
}

// Event is one thing that happened, as consumers (TUI, headless JSON,
// journal) see it. Events carry full current values (State, Status), so a
// consumer that missed one is repaired by the next.
//
// The JSON form is the journal and headless line format.
type Event struct {
	Time     time.Time `json:"time"` // RFC 3339 with nanoseconds
	Kind     EventKind `json:"kind"`
	State    State     `json:"state"`
	Prev     State     `json:"prev,omitempty"` // for KindState
	Cause    Cause     `json:"cause,omitempty"`
	Code     int64     `json:"code,omitempty"`    // TWS code for KindTWS
	Message  string    `json:"message,omitempty"` // sanitised TWS text or our description
	Explain  string    `json:"explain,omitempty"` // catalogue explanation and action
	Severity Severity  `json:"severity"`
	Epoch    uint64    `json:"epoch"` // connection epoch: +1 at every successful connect
	ReqID    int64     `json:"reqId,omitempty"`
	Attempt  uint64    `json:"attempt,omitempty"`
	// Addr and ClientID say where the supervisor is connecting.
	Addr     string `json:"addr,omitempty"`
	ClientID int64  `json:"clientId,omitempty"`
	// NextRetry is when the next attempt starts (KindState into Backoff).
	NextRetry time.Time `json:"nextRetry,omitzero"`
	// Retry is set while the link retries refused dials by itself.
	Retry *RefusedRetry `json:"retry,omitempty"`
	// RTT is a heartbeat round trip (KindHeartbeat).
	RTT time.Duration `json:"rtt,omitempty"`
	// Latency is the detection latency on a loss, or the reconnection latency
	// (from loss to ready) on a recovery.
	Latency time.Duration `json:"latency,omitempty"`
	// Window names an expected maintenance window the event falls in
	// ("daily restart", "weekly re-login"), if any.
	Window string `json:"window,omitempty"`
	// Sub is the logical subscription handle for KindData.
	Sub uint64 `json:"sub,omitempty"`
}

// Farm kinds reported by TWS status codes 2103–2108, 2157, 2158.
const (
	FarmMarket = "market"
	FarmHist   = "historical"
	FarmSecDef = "secdef"
)

// Farm statuses.
const (
	FarmOK       = "ok"
	FarmBroken   = "broken"
	FarmInactive = "inactive"
)

// Farm is the last reported status of one TWS data farm.
type Farm struct {
	Name   string    `json:"name"`
	Kind   string    `json:"kind"`
	Status string    `json:"status"`
	Since  time.Time `json:"since"`
}

// Status is the supervisor's current view of the connection, copied out for
// consumers. Only the supervisor goroutine builds it.
type Status struct {
	State     State     `json:"state"`
	Since     time.Time `json:"since"`
	Cause     Cause     `json:"cause"`
	Epoch     uint64    `json:"epoch"`
	Addr      string    `json:"addr"`
	ClientID  int64     `json:"clientId"`
	Attempt   uint64    `json:"attempt"`
	NextRetry time.Time `json:"nextRetry,omitzero"`
	// Retry is set while the link retries refused dials by itself (TWS
	// has refused several attempts in a row). NextRetry is then only as
	// fresh as the link's last report (every 3 LinkPingIntervals).
	Retry *RefusedRetry `json:"retry,omitempty"`
	// ServerVersion and ConnTime are from the last handshake.
	ServerVersion int      `json:"serverVersion,omitempty"`
	ConnTime      string   `json:"connTime,omitempty"`
	Accounts      []string `json:"accounts,omitempty"`
	Farms         []Farm   `json:"farms,omitempty"`
	// Window is the maintenance window we are in now, if any.
	Window string `json:"window,omitempty"`
	// NextRestart and NextRelogin are the next expected TWS auto-restart and
	// weekly re-login, when configured.
	NextRestart time.Time `json:"nextRestart,omitzero"`
	NextRelogin time.Time `json:"nextRelogin,omitzero"`
}

// RefusedRetry is how refused dials are being retried: on the fast path
// (every Fast until FastUntil), then at most Every apart (the backoff cap,
// without jitter). The schedule is fixed for the outage, so a consumer can
// show it instead of a countdown that restarts every few seconds.
type RefusedRetry struct {
	Every     time.Duration `json:"every"`
	Fast      time.Duration `json:"fast,omitempty"`
	FastUntil time.Time     `json:"fastUntil,omitzero"`
}

// Metrics is a snapshot of the supervisor's counters.
type Metrics struct {
	Start            time.Time       `json:"start"`
	Uptime           time.Duration   `json:"uptime"` // session uptime (since Start)
	Connects         int64           `json:"connects"`
	Disconnects      map[Cause]int64 `json:"disconnects"` // by cause
	FailedAttempts   int64           `json:"failedAttempts"`
	Reconnects       int64           `json:"reconnects"`       // successful connects after a loss
	ForcedReconnects int64           `json:"forcedReconnects"` // "reconnect now" requests
	LinkRestarts     int64           `json:"linkRestarts"`
	ConnectedTime    time.Duration   `json:"connectedTime"` // total time connected or degraded
	DegradedTime     time.Duration   `json:"degradedTime"`
	RefusedTime      time.Duration   `json:"refusedTime"` // time TWS refused connections (TWS down)
	// Availability is ConnectedTime / (Uptime − RefusedTime), 0..1.
	Availability     float64            `json:"availability"`
	RTTLast          time.Duration      `json:"rttLast"`
	RTTP50           time.Duration      `json:"rttP50"`
	RTTP99           time.Duration      `json:"rttP99"`
	DetectLast       time.Duration      `json:"detectLast"`
	DetectMax        time.Duration      `json:"detectMax"`
	ReconnLast       time.Duration      `json:"reconnLast"`
	ReconnMax        time.Duration      `json:"reconnMax"`
	BySeverity       map[Severity]int64 `json:"bySeverity"`
	ByCode           map[int64]int64    `json:"byCode"`
	DroppedEvents    int64              `json:"droppedEvents"`
	Heartbeats       int64              `json:"heartbeats"`
	MissedHeartbeats int64              `json:"missedHeartbeats"`
	// Remedies counts IBC commands by "COMMAND/outcome": sent, then ok,
	// error (IBC answered ERROR), unreachable or timeout; withheld when
	// the restart budget was spent; manual (also sent) and busy for
	// commands asked by hand (AskIBC).
	Remedies map[string]int64 `json:"remedies,omitempty"`
}
