package twsim

import (
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/ibwatch/ibwatch/conn/wire"
)

// Client → server message ids the simulator knows beyond wire's list.
const (
	outSetServerLogLevel = 14
	outReqManagedAccts   = 17
	outExerciseOptions   = 21
	outPlaceOrder        = wire.OutPlaceOrder
	outCancelOrder       = wire.OutCancelOrder
	outReqGlobalCancel   = wire.OutReqGlobalCancel
	verOrderContainer    = 145 // PLACE_ORDER loses its version field
	verCMETagging        = 192 // CANCEL_ORDER loses its version field
)

// requestNames names the requests the simulator answers with "not supported".
var requestNames = map[int]string{
	10: "reqMktDepth", 11: "cancelMktDepth", 12: "reqNewsBulletins", 13: "cancelNewsBulletins",
	18: "requestFA", 19: "replaceFA", 21: "exerciseOptions", 22: "reqScannerSubscription",
	23: "cancelScannerSubscription", 24: "reqScannerParameters", 52: "reqFundamentalData", 53: "cancelFundamentalData",
	54: "calculateImpliedVolatility", 55: "calculateOptionPrice", 56: "cancelCalculateImpliedVolatility",
	57: "cancelCalculateOptionPrice", 80: "reqFamilyCodes", 82: "reqMktDepthExchanges",
	83: "reqSmartComponents", 84: "reqNewsArticle", 85: "reqNewsProviders", 86: "reqHistoricalNews",
	88: "reqHistogramData", 91: "reqMarketRule", 96: "reqHistoricalTicks", 97: "reqTickByTickData",
	98: "cancelTickByTickData", 100: "reqWshMetaData", 102: "reqWshEventData", 104: "reqUserInfo",
}

// reqIDAt is where a request's id sits (index into the fields after the
// message id) for requests that carry one; missing → -1 is used.
var reqIDAt = map[int]int{
	10: 1, 11: 1, 22: 1, 23: 1, 52: 1, 53: 1, 54: 1, 55: 1,
	84: 0, 86: 0, 88: 0, 96: 0, 97: 0, 98: 0, 100: 0, 102: 0, 104: 0,
}

// handle serves one client frame. It returns false when the reader must
// stop (the session ended).
func (ss *session) handle(payload []byte) bool {
	s := ss.s
	fs := wire.Fields(payload)
	s.mu.Lock()
	defer s.mu.Unlock()
	if ss.ended {
		return false
	}
	if len(fs) == 0 {
		return true // TWS ignores empty frames
	}
	s.st.stats.Requests++
	id, err := strconv.Atoi(fs[0])
	if err != nil {
		ss.validationErrorLocked(-1, "ZZ", fmt.Sprintf("Unparsable message id %q", clip(fs[0])))
		return true
	}
	s.st.stats.ByMsgID[id]++
	if ss.closing() {
		return true // a close is queued: TWS no longer listens
	}
	if !ss.rateOKLocked() {
		return !ss.ended
	}
	f := newFields(fs[1:])
	if id == wire.OutStartAPI {
		ss.startAPILocked(f)
		return true
	}
	if !ss.ready {
		s.log.Debug("twsim: request before START_API ignored", "remote", ss.remote, "msgId", id)
		return true
	}
	ss.dispatchLocked(id, f)
	if f.bad != "" {
		s.log.Warn("twsim: malformed field read as 0", "remote", ss.remote, "msgId", id, "field", clip(f.bad))
	}
	return !ss.ended
}

// dispatchLocked routes one request after START_API.
func (ss *session) dispatchLocked(id int, f *fields) {
	s := ss.s
	switch id {
	case wire.OutReqCurrentTime:
		ss.enqueueLocked(wire.Encode(wire.InCurrentTime, 1, s.now().Unix()))
	case wire.OutReqCurrentTimeMilli:
		if ss.version < wire.VerCurrentTimeMs {
			ss.unsupportedLocked(id, f)
			return
		}
		ss.enqueueLocked(wire.Encode(wire.InCurrentTimeMilli, s.now().UnixMilli()))
	case wire.OutReqIDs:
		ss.enqueueLocked(wire.Encode(wire.InNextValidID, 1, s.st.orderID))
	case outReqManagedAccts:
		ss.enqueueLocked(wire.Encode(wire.InManagedAccts, 1, strings.Join(s.cfg.Accounts, ",")))
	case outSetServerLogLevel:
		// accepted silently, as TWS does
	case wire.OutReqContractData:
		ss.reqContractDataLocked(f)
	case wire.OutReqSecDefOptParams:
		ss.reqSecDefOptParamsLocked(f)
	case wire.OutReqMatchingSymbols:
		ss.reqMatchingSymbolsLocked(f)
	case wire.OutReqMktData:
		ss.reqMktDataLocked(f)
	case wire.OutCancelMktData:
		ss.cancelMktDataLocked(f)
	case wire.OutReqMktDataType:
		ss.reqMktDataTypeLocked(f)
	case outPlaceOrder, outCancelOrder, outReqGlobalCancel, outExerciseOptions:
		ss.orderRejectedLocked(id, f)
	default:
		if !ss.dispatchAccountLocked(id, f) {
			ss.unsupportedLocked(id, f)
		}
	}
}

// closing reports whether a close is already queued for the session.
func (ss *session) closing() bool { return ss.closeQueued }

// rateOKLocked enforces TWS's message pacing: more than MaxMsgRate requests
// in one second is a violation, answered with error 100 (the request is
// dropped); the third violation ends the session.
func (ss *session) rateOKLocked() bool {
	s := ss.s
	limit := s.cfg.MaxMsgRate
	now := time.Now()
	if len(ss.rate) >= limit && now.Sub(ss.rate[len(ss.rate)-limit]) < time.Second {
		ss.violations++
		s.st.stats.Violations++
		ss.sendErrorLocked(-1, 100, fmt.Sprintf(
			"Max rate of messages per second has been exceeded:max=%d rec=%d (%d)", limit, limit+1, ss.violations))
		if ss.violations >= 3 {
			ss.closeAfterLocked(s.cfg.DupIDCloseDelay, "max message rate exceeded 3 times")
		}
		return false
	}
	ss.rate = append(ss.rate, now)
	if len(ss.rate) > 2*limit {
		ss.rate = append(ss.rate[:0], ss.rate[len(ss.rate)-limit:]...)
	}
	return true
}

// validationErrorLocked sends TWS's 321 "Error validating request".
func (ss *session) validationErrorLocked(reqID int64, tag, cause string) {
	ss.sendErrorLocked(reqID, 321, fmt.Sprintf("Error validating request.-'%s' : cause - %s", tag, cause))
}

// unsupportedLocked answers a request the simulator does not implement.
func (ss *session) unsupportedLocked(id int, f *fields) {
	name, ok := requestNames[id]
	if !ok {
		name = "Request " + strconv.Itoa(id)
	}
	reqID := int64(-1)
	if at, ok := reqIDAt[id]; ok && at >= 0 && at < len(f.f) {
		if v, err := strconv.ParseInt(f.f[at], 10, 64); err == nil {
			reqID = v
		}
	}
	ss.validationErrorLocked(reqID, tagFor(id), name+" is not supported by the simulator")
}

// orderRejectedLocked answers order messages: ibwatch never sends them, and
// the simulator behaves like a TWS whose API is in read-only mode.
func (ss *session) orderRejectedLocked(id int, f *fields) {
	reqID := int64(-1)
	switch {
	case id == outPlaceOrder && ss.version >= verOrderContainer,
		id == outCancelOrder && ss.version >= verCMETagging:
		reqID = f.int()
	case id == outPlaceOrder || id == outCancelOrder:
		f.skip(1)
		reqID = f.int()
	}
	ss.validationErrorLocked(reqID, tagFor(id), "The API interface is currently in Read-Only mode.")
}

// tagFor makes the two-letter request tag TWS puts in 321/322 texts.
func tagFor(id int) string {
	const letters = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
	return string([]byte{'b', letters[id%len(letters)]})
}

// clip shortens untrusted text for logs and error messages.
func clip(s string) string {
	const n = 40
	if len(s) > n {
		s = s[:n] + "..."
	}
	return strconv.Quote(s)
}
