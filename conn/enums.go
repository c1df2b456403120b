package conn

import "fmt"

// State is the supervisor's connection state.
//
//	Idle → Connecting → Connected ⇄ Degraded
//	           ↓ ↑          ↓
//	         Backoff ←──────┘        any → Stopped (final)
type State int

// Connection states.
const (
	StateIdle State = iota
	StateConnecting
	StateConnected
	StateDegraded
	StateBackoff
	StateStopped
)

var stateNames = [...]string{"idle", "connecting", "connected", "degraded", "backoff", "stopped"}

// String returns the state's lower-case word, as shown and logged.
func (s State) String() string {
	if s >= 0 && int(s) < len(stateNames) {
		return stateNames[s]
	}
	return fmt.Sprintf("state(%d)", int(s))
}

// Up reports whether the API socket is usable (connected or degraded).
func (s State) Up() bool { return s == StateConnected || s == StateDegraded }

// MarshalText encodes the state as its word.
func (s State) MarshalText() ([]byte, error) { return []byte(s.String()), nil }

// UnmarshalText decodes a state word.
func (s *State) UnmarshalText(b []byte) error {
	for i, n := range stateNames {
		if n == string(b) {
			*s = State(i)
			return nil
		}
	}
	return fmt.Errorf("conn: unknown state %q", b)
}

// Cause says why a state changed. Every transition carries one.
type Cause int

// Causes of state changes.
const (
	CauseNone Cause = iota
	CauseStart
	CauseRefused
	CauseDialTimeout
	CauseDialError
	CauseHandshakeTimeout
	CauseAcceptedThenClosed
	CauseClosedByTWS
	CauseHeartbeatTimeout
	CauseClientIDInUse
	CausePortReset
	CauseLinkCrashed
	CauseLinkProtocol
	CauseForced
	CauseShutdown
	CauseReady        // NEXT_VALID_ID and the first heartbeat answered
	CauseIBLinkLost   // 1100
	CauseIBRestored   // 1101 / 1102
	CauseTWSNotLinked // 2110 for a new client: TWS not connected to IB
	CauseRetry        // backoff over, next attempt
	CauseProtocolError
	CauseLibrary
)

var causeKeys = [...]string{
	"", "start", "refused", "dial_timeout", "dial_error", "handshake_timeout",
	"accepted_then_closed", "closed_by_tws", "heartbeat_timeout", "client_id_in_use",
	"port_reset", "link_crashed", "link_protocol_error", "forced", "shutdown", "ready",
	"ib_link_lost", "ib_link_restored", "tws_not_linked", "retry", "protocol_error", "library",
}

var causeTexts = [...]string{
	"",
	"starting",
	"connection refused: TWS/Gateway is not running, still restarting, or the API port is wrong",
	"dial timed out: the host did not answer (firewall, wrong host, or machine asleep)",
	"could not open a socket to TWS",
	"TWS accepted the socket but did not answer: is it still starting, or is the 'accept incoming connection' dialog open?",
	"TWS accepted the socket and closed it before the handshake: is 127.0.0.1 in Trusted IPs, or is a relay (socat) in front of a Gateway that is down?",
	"TWS closed the connection",
	"no heartbeat reply in time: TWS is frozen or the link is half-open",
	"client id already in use: another program or a dead session still holds it",
	"TWS reset its API socket port",
	"the link process died",
	"the link process broke the protocol or stopped answering",
	"reconnect forced by user",
	"shutting down",
	"API session ready",
	"TWS lost its connection to IB's servers (1100)",
	"TWS restored its connection to IB's servers",
	"TWS is up but not connected to IB's servers (2110)",
	"retrying",
	"TWS sent data the client could not understand",
	"the client library failed",
}

// String returns the cause's stable machine key (used in JSON and metrics).
func (c Cause) String() string {
	if c >= 0 && int(c) < len(causeKeys) {
		return causeKeys[c]
	}
	return fmt.Sprintf("cause(%d)", int(c))
}

// Text returns a one-line explanation that tells the user what to check.
func (c Cause) Text() string {
	if c >= 0 && int(c) < len(causeTexts) {
		return causeTexts[c]
	}
	return c.String()
}

// MarshalText encodes the cause as its key.
func (c Cause) MarshalText() ([]byte, error) { return []byte(c.String()), nil }

// UnmarshalText decodes a cause key.
func (c *Cause) UnmarshalText(b []byte) error {
	for i, k := range causeKeys {
		if k == string(b) {
			*c = Cause(i)
			return nil
		}
	}
	return fmt.Errorf("conn: unknown cause %q", b)
}

// AllCauses lists every cause, for metrics labels and tables.
func AllCauses() []Cause {
	out := make([]Cause, 0, len(causeKeys)-1)
	for i := 1; i < len(causeKeys); i++ {
		out = append(out, Cause(i))
	}
	return out
}

// Severity grades events and TWS codes.
type Severity int

// Severities, from least to most serious.
const (
	SevInfo Severity = iota
	SevWarning
	SevError
	SevConnectivity
)

var sevNames = [...]string{"info", "warning", "error", "connectivity"}

// String returns the severity's word.
func (s Severity) String() string {
	if s >= 0 && int(s) < len(sevNames) {
		return sevNames[s]
	}
	return fmt.Sprintf("severity(%d)", int(s))
}

// MarshalText encodes the severity as its word.
func (s Severity) MarshalText() ([]byte, error) { return []byte(s.String()), nil }

// UnmarshalText decodes a severity word.
func (s *Severity) UnmarshalText(b []byte) error {
	for i, n := range sevNames {
		if n == string(b) {
			*s = Severity(i)
			return nil
		}
	}
	return fmt.Errorf("conn: unknown severity %q", b)
}
