package twsim

import (
	"github.com/ibwatch/ibwatch/conn/wire"
)

// Message versions TWS puts in the version field of versioned messages.
// TICK_PRICE must be ≥3 for stoqey to read size and attributes.
const (
	verTickPrice   = 6
	verTickSize    = 6
	verTickGeneric = 6
	verTickString  = 6
	verOptCompOld  = 6 // TICK_OPTION_COMPUTATION below server version 156
	verErrMsg      = 2
)

// verTickReqParams is the first server version that sends TICK_REQ_PARAMS
// (it arrived with market rules in API 9.73).
const verTickReqParams = 126

// errFields returns ERR_MSG's fields at server version v.
//
//	<166:     4, 2, reqId, code, msg
//	166..193: 4, 2, reqId, code, msg, advancedOrderRejectJson
//	≥194:     4, reqId, code, msg, advancedOrderRejectJson, errorTimeMillis
func errFields(v int, reqID, code int64, msg string, atMillis int64) []byte {
	switch {
	case v >= wire.VerErrorTime:
		return wire.Encode(wire.InErrMsg, reqID, code, msg, "", atMillis)
	case v >= wire.VerAdvancedReject:
		return wire.Encode(wire.InErrMsg, verErrMsg, reqID, code, msg, "")
	default:
		return wire.Encode(wire.InErrMsg, verErrMsg, reqID, code, msg)
	}
}

// sendErrorLocked queues an ERR_MSG and counts it.
func (ss *session) sendErrorLocked(reqID, code int64, msg string) {
	s := ss.s
	ss.enqueueLocked(errFields(ss.version, reqID, code, msg, s.now().UnixMilli()))
	s.st.stats.ErrorsSent[code]++
}

// optCompFields returns TICK_OPTION_COMPUTATION at server version v. Values
// use the wire sentinels already (-1 / -2 for "not computed").
//
//	≥156: 21, reqId, tickType, tickAttrib, iv, delta, optPrice, pvDiv, gamma, vega, theta, undPrice
//	<156: 21, 6, reqId, tickType, iv, delta, optPrice, pvDiv, gamma, vega, theta, undPrice
func optCompFields(v int, reqID int64, tickType int, attrib int, c optComp) []byte {
	if v >= wire.VerPriceBasedVol {
		return wire.Encode(wire.InTickOptionComp, reqID, tickType, attrib,
			c.iv, c.delta, c.optPrice, c.pvDiv, c.gamma, c.vega, c.theta, c.undPrice)
	}
	return wire.Encode(wire.InTickOptionComp, verOptCompOld, reqID, tickType,
		c.iv, c.delta, c.optPrice, c.pvDiv, c.gamma, c.vega, c.theta, c.undPrice)
}

// optComp is one option computation as sent.
type optComp struct {
	iv, delta, optPrice, pvDiv, gamma, vega, theta, undPrice float64
}

// tickPriceFields: 1, 6, reqId, tickType, price, size, attrMask.
func tickPriceFields(reqID int64, tickType int, price float64, size string, mask int) []byte {
	return wire.Encode(wire.InTickPrice, verTickPrice, reqID, tickType, price, size, mask)
}

// tickSizeFields: 2, 6, reqId, tickType, size.
func tickSizeFields(reqID int64, tickType int, size string) []byte {
	return wire.Encode(wire.InTickSize, verTickSize, reqID, tickType, size)
}

// tickGenericFields: 45, 6, reqId, tickType, value.
func tickGenericFields(reqID int64, tickType int, v float64) []byte {
	return wire.Encode(wire.InTickGeneric, verTickGeneric, reqID, tickType, v)
}

// tickStringFields: 46, 6, reqId, tickType, value.
func tickStringFields(reqID int64, tickType int, v string) []byte {
	return wire.Encode(wire.InTickString, verTickString, reqID, tickType, v)
}
