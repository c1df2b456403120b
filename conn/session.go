package conn

import "time"

// session is what TWS told the supervisor about the current API session:
// facts shown in Status and flags that steer the state machine. reset
// clears the per-attempt facts before an attempt; clearFarms forgets the
// farms when a session ends.
type session struct {
	serverVersion int
	connTime      string
	accounts      []string
	mdType        MarketDataType // REQ_MKT_DATA_TYPE sent in this session
	lastAlive     time.Time      // last message from TWS in this session
	// degradedOnConnect is set by 2110 during the session's start: TWS is
	// up but not linked to IB, so the session comes up Degraded.
	degradedOnConnect bool
	// lastConnCode is the last connection-level code (request id -1) the
	// client library delivered this session: a close that names the same
	// code (326, 1300) is not logged twice.
	lastConnCode int64
	farms        map[string]Farm
	farmBlip     map[string]bool // farms that broke while IB was linked
	ibDown       bool            // between 1100 and 1101/1102
}

func newSession() session {
	return session{farms: map[string]Farm{}, farmBlip: map[string]bool{}}
}

// reset clears what belongs to one attempt (the farms outlive it until the
// session ends).
func (ss *session) reset() {
	ss.lastAlive = time.Time{}
	ss.degradedOnConnect = false
	ss.lastConnCode = 0
	ss.serverVersion, ss.connTime, ss.accounts = 0, "", nil
	ss.mdType = MDUnknown
}

// clearFarms forgets farm statuses and the IB link flag at a session's end.
func (ss *session) clearFarms() {
	ss.farms, ss.farmBlip, ss.ibDown = map[string]Farm{}, map[string]bool{}, false
}
