package twsim

import (
	"maps"
	"slices"
	"time"
)

// Snapshot is the simulator's ground truth at one instant: fault switches,
// open sessions, every fault applied so far and counters. It is
// JSON-encodable (GET /state).
type Snapshot struct {
	Listening       bool              `json:"listening"`
	ListenError     string            `json:"listenError,omitempty"`
	Addr            string            `json:"addr"`
	Port            int               `json:"port"`
	ServerVersion   int               `json:"serverVersion"` // the cap
	Stalled         bool              `json:"stalled"`
	Refusing        bool              `json:"refusing"`
	Restarting      bool              `json:"restarting"`
	HandshakeStall  bool              `json:"handshakeStall"`
	AcceptThenClose bool              `json:"acceptThenClose"`
	IBLinkUp        bool              `json:"ibLinkUp"`
	Latency         time.Duration     `json:"latency"`
	Farms           map[string]bool   `json:"farms"`      // true = OK
	FarmStates      map[string]string `json:"farmStates"` // ok, broken, inactive
	NextOrderID     int64             `json:"nextOrderId"`
	Sessions        []SessionInfo     `json:"sessions"`
	Faults          []FaultRecord     `json:"faults"`
	Stats           Stats             `json:"stats"`
}

// SessionInfo describes one open API socket.
type SessionInfo struct {
	ClientID      int64     `json:"clientId"` // -1 before START_API
	Remote        string    `json:"remote"`
	Since         time.Time `json:"since"`
	ServerVersion int       `json:"serverVersion"` // 0 before the handshake reply
	Ready         bool      `json:"ready"`         // START_API accepted (not a 326 victim)
	Lines         int       `json:"lines"`         // active market-data lines
	MktDataType   int       `json:"mktDataType"`
}

// FaultRecord is one fault as it took effect.
type FaultRecord struct {
	Time   time.Time `json:"time"`
	Fault  string    `json:"fault"`
	Detail string    `json:"detail,omitempty"`
}

// Stats counts what the simulator has seen and sent.
type Stats struct {
	Requests       int64           `json:"requests"` // frames received after the hello
	ByMsgID        map[int]int64   `json:"byMsgId"`
	ErrorsSent     map[int64]int64 `json:"errorsSent"` // ERR_MSG by code
	Accepted       int64           `json:"accepted"`   // TCP connections accepted
	HandshakesDone int64           `json:"handshakesDone"`
	Violations     int64           `json:"violations"` // pacing violations (error 100)
}

func newStats() Stats {
	return Stats{ByMsgID: map[int]int64{}, ErrorsSent: map[int64]int64{}}
}

// FarmState is the state of one data farm.
type FarmState int

// Farm states, as TWS reports them in its 210x/2157/2158 notices.
const (
	FarmOK FarmState = iota
	FarmBroken
	FarmInactive
)

// String returns "ok", "broken" or "inactive".
func (f FarmState) String() string {
	switch f {
	case FarmOK:
		return "ok"
	case FarmBroken:
		return "broken"
	case FarmInactive:
		return "inactive"
	}
	return "unknown"
}

// Farm names the simulator reports, in the order TWS lists them on connect.
const (
	FarmUSMarket = "usfarm"
	FarmUSOpt    = "usopt"
	FarmHMDS     = "ushmds"
	FarmSecDef   = "secdefnj"
)

var farmNames = []string{FarmUSMarket, FarmUSOpt, FarmHMDS, FarmSecDef}

// farmNotice returns the ERR_MSG code and text for a farm state.
func farmNotice(farm string, st FarmState) (int64, string) {
	switch farm {
	case FarmHMDS:
		switch st {
		case FarmBroken:
			return 2105, "HMDS data farm connection is broken:" + farm
		case FarmInactive:
			return 2107, "HMDS data farm connection is inactive but should be available upon demand." + farm
		}
		return 2106, "HMDS data farm connection is OK:" + farm
	case FarmSecDef:
		if st == FarmBroken {
			return 2157, "Sec-def data farm connection is broken:" + farm
		}
		return 2158, "Sec-def data farm connection is OK:" + farm
	}
	switch st {
	case FarmBroken:
		return 2103, "Market data farm connection is broken:" + farm
	case FarmInactive:
		return 2108, "Market data farm connection is inactive but should be available upon demand." + farm
	}
	return 2104, "Market data farm connection is OK:" + farm
}

// State returns a copy of the ground truth.
func (s *Server) State() Snapshot {
	s.mu.Lock()
	defer s.mu.Unlock()
	snap := Snapshot{
		Listening:       s.st.ln != nil,
		ListenError:     s.st.listenErr,
		Addr:            s.addrLocked(),
		Port:            s.st.port,
		ServerVersion:   s.cfg.ServerVersion,
		Stalled:         s.st.stalled,
		Refusing:        s.st.refusing,
		Restarting:      s.st.restarting,
		HandshakeStall:  s.st.hsStall,
		AcceptThenClose: s.st.acceptClose,
		IBLinkUp:        s.st.ibLinkUp,
		Latency:         s.st.latency,
		Farms:           map[string]bool{},
		FarmStates:      map[string]string{},
		NextOrderID:     s.st.orderID,
		Sessions:        []SessionInfo{},
		Faults:          append([]FaultRecord{}, s.st.faults...),
		Stats: Stats{
			Requests:       s.st.stats.Requests,
			ByMsgID:        maps.Clone(s.st.stats.ByMsgID),
			ErrorsSent:     maps.Clone(s.st.stats.ErrorsSent),
			Accepted:       s.st.stats.Accepted,
			HandshakesDone: s.st.stats.HandshakesDone,
			Violations:     s.st.stats.Violations,
		},
	}
	for f, st := range s.st.farms {
		snap.Farms[f] = st == FarmOK
		snap.FarmStates[f] = st.String()
	}
	ids := slices.Sorted(maps.Keys(s.st.sessions))
	for _, id := range ids {
		ss := s.st.sessions[id]
		snap.Sessions = append(snap.Sessions, SessionInfo{
			ClientID:      ss.clientID,
			Remote:        ss.remote,
			Since:         ss.since,
			ServerVersion: ss.version,
			Ready:         ss.ready,
			Lines:         ss.linesLocked(),
			MktDataType:   ss.mdType,
		})
	}
	return snap
}

// recordLocked appends a fault record and logs it.
func (s *Server) recordLocked(fault, detail string) {
	r := FaultRecord{Time: time.Now(), Fault: fault, Detail: detail}
	s.st.faults = append(s.st.faults, r)
	s.log.Info("twsim fault", "fault", fault, "detail", detail)
}
