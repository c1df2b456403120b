package conn

// phase is where the supervisor is in one connection attempt or session.
// It is the one source of truth for the connection state: the public State
// (Status, events, metrics) is derived from it by state, so the two cannot
// drift apart. Phases are finer than States: the four steps of an attempt
// are all Connecting, and a link retrying refused dials by itself is
// Backoff.
type phase int

const (
	phIdle      phase = iota
	phSpawn           // waiting for the link's hello
	phDial            // linkproto.Connect sent
	phRetrying        // TWS refuses: the link retries refused dials itself (linkproto.Connect.Retry)
	phHandshake       // TWS answered the hello; waiting for NEXT_VALID_ID
	phFirstHB         // ready; waiting for the first heartbeat reply
	phUp              // connected or degraded
	phBackoff
	phStopped
)

// state derives the public State from the phase (and, while up, whether
// TWS reported it is not linked to IB).
func (s *Supervisor) state() State {
	switch s.phase {
	case phIdle:
		return StateIdle
	case phSpawn, phDial, phHandshake, phFirstHB:
		return StateConnecting
	case phRetrying, phBackoff:
		return StateBackoff
	case phUp:
		if s.degraded {
			return StateDegraded
		}
		return StateConnected
	}
	return StateStopped
}
