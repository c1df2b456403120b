package twsim

import (
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/ibwatch/ibwatch/conn/wire"
)

// Market data types (REQ_MKT_DATA_TYPE / MARKET_DATA_TYPE).
const (
	mdLive          = 1
	mdFrozen        = 2
	mdDelayed       = 3
	mdDelayedFrozen = 4
)

// verRegulatorySnapshot is the first version whose REQ_MKT_DATA carries the
// regulatorySnapshot flag (MIN_SERVER_VER_REQ_SMART_COMPONENTS).
const verRegulatorySnapshot = 114

// sub is one market-data request (a "line" while it lasts).
type sub struct {
	reqID    int64
	in       instrument
	snapshot bool
	frozen   bool // types 2 and 4: values once, then nothing
	delayed  bool // tick ids 66-76 / 80-83 / 88
	mdType   int  // type delivered (MARKET_DATA_TYPE)
	generic  map[int]bool
	started  bool      // TICK_REQ_PARAMS, MARKET_DATA_TYPE and first values sent
	snapEnd  time.Time // wall time a snapshot may end
	last     map[int]string
}

// linesLocked counts the session's active market-data lines.
func (ss *session) linesLocked() int { return len(ss.subs) }

// reqMktDataLocked answers REQ_MKT_DATA (1).
//
//	1, 11, reqId, conId, symbol, secType, expiry, strike, right, multiplier,
//	exchange, primaryExchange, currency, localSymbol, tradingClass,
//	[BAG legs], deltaNeutral, [dn conId, delta, price], genericTickList,
//	snapshot, [regulatorySnapshot ≥114], mktDataOptions
func (ss *session) reqMktDataLocked(f *fields) {
	s := ss.s
	f.int() // version
	reqID := f.int()
	c := readContract(f, true, true)
	if c.secType == "BAG" {
		ss.validationErrorLocked(reqID, "bQ", "Combination (BAG) market data is not supported by the simulator")
		return
	}
	if f.bool() { // delta neutral
		f.skip(3)
	}
	generic := strings.TrimSpace(f.str())
	snapshot := f.bool()
	if ss.version >= verRegulatorySnapshot && f.bool() {
		snapshot = true
	}
	if _, dup := ss.subs[reqID]; dup {
		ss.sendErrorLocked(reqID, 322, "Error processing request.-'bR' : cause - Duplicate ticker id")
		return
	}
	if snapshot && generic != "" {
		ss.validationErrorLocked(reqID, "bQ", "Snapshot market data subscription is not applicable to generic ticks")
		return
	}
	ticks, bad := parseGeneric(generic)
	if bad != "" {
		ss.validationErrorLocked(reqID, "bO", "Invalid generic tick type "+clip(bad))
		return
	}
	found := s.resolve(c, s.now())
	if len(found) != 1 {
		if len(found) > 1 {
			ss.sendErrorLocked(reqID, 200, "The contract description specified for "+c.symbol+" is ambiguous.")
		} else {
			ss.sendErrorLocked(reqID, 200, "No security definition has been found for the request")
		}
		return
	}
	if len(ss.subs) >= s.cfg.MaxLines {
		ss.sendErrorLocked(reqID, 101, "Max number of tickers has been reached")
		return
	}
	in := found[0]
	sb := &sub{reqID: reqID, in: in, snapshot: snapshot, generic: ticks, last: map[int]string{}}
	live := in.stock.Live
	// Types 2 and 4 freeze only while the instrument does not trade: in
	// trading hours TWS streams as for types 1 and 3 and says so in
	// MARKET_DATA_TYPE.
	frozen := (ss.mdType == mdFrozen || ss.mdType == mdDelayedFrozen) && !in.trading(s.now())
	switch ss.mdType {
	case mdLive, mdFrozen:
		if !live {
			ss.sendErrorLocked(reqID, 10089, "Requested market data requires additional subscription for API. "+
				"See link in 'Market Data Connections' dialog for more details.Delayed market data is available."+
				in.stock.Symbol+" "+in.stock.PrimaryExch+"/TOP/ALL")
			return
		}
	case mdDelayed, mdDelayedFrozen:
		if !live {
			ss.sendErrorLocked(reqID, 10167, "Requested market data is not subscribed. Displaying delayed market data.")
			sb.delayed = true
		}
	}
	sb.frozen = frozen
	switch {
	case sb.delayed && frozen:
		sb.mdType = mdDelayedFrozen
	case sb.delayed:
		sb.mdType = mdDelayed
	case frozen:
		sb.mdType = mdFrozen
	default:
		sb.mdType = mdLive
	}
	if snapshot {
		sb.snapEnd = time.Now().Add(s.cfg.SnapshotWait)
	}
	ss.subs[reqID] = sb
	if s.canFlowLocked(sb) {
		ss.flushLocked(sb)
	}
	ss.maybeEndSnapshotLocked(sb, time.Now())
}

// parseGeneric parses "100,101,106"; it returns the first malformed entry.
func parseGeneric(list string) (map[int]bool, string) {
	out := map[int]bool{}
	for _, p := range strings.Split(list, ",") {
		p = strings.TrimSpace(p)
		if p == "" {
			continue
		}
		n, err := strconv.Atoi(p)
		if err != nil || n < 0 || n > 1000 {
			return nil, p
		}
		out[n] = true
	}
	return out, ""
}

// cancelMktDataLocked answers CANCEL_MKT_DATA (2): silence, or 300 for an
// unknown id.
func (ss *session) cancelMktDataLocked(f *fields) {
	f.int() // version: Go sends 2, stoqey 1
	reqID := f.int()
	if _, ok := ss.subs[reqID]; !ok {
		ss.sendErrorLocked(reqID, 300, fmt.Sprintf("Can't find EId with ticker Id:%d", reqID))
		return
	}
	delete(ss.subs, reqID)
}

// reqMktDataTypeLocked handles REQ_MKT_DATA_TYPE (59): it applies to later
// requests; TWS sends no direct reply.
func (ss *session) reqMktDataTypeLocked(f *fields) {
	f.int() // version
	t := f.int()
	if t < mdLive || t > mdDelayedFrozen {
		ss.validationErrorLocked(-1, "bS", fmt.Sprintf("Invalid market data type %d", t))
		return
	}
	ss.mdType = int(t)
}

// canFlowLocked reports whether data for sb can be sent now: the IB link
// is up and the instrument's farm is not broken.
func (s *Server) canFlowLocked(sb *sub) bool {
	return s.st.ibLinkUp && s.st.farms[sb.in.farm()] != FarmBroken
}

// maybeEndSnapshotLocked ends a snapshot once its data went out (or could
// not) and its wait is over.
func (ss *session) maybeEndSnapshotLocked(sb *sub, now time.Time) {
	if !sb.snapshot || now.Before(sb.snapEnd) {
		return
	}
	if !sb.started && ss.s.canFlowLocked(sb) {
		return // data first
	}
	if !sb.started && now.Sub(sb.snapEnd) < ss.s.cfg.TickInterval {
		return // give a blocked farm one tick before giving up
	}
	ss.enqueueLocked(wire.Encode(wire.InTickSnapshotEnd, 1, sb.reqID))
	delete(ss.subs, sb.reqID)
}
