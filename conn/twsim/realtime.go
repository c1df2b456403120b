package twsim

import (
	"maps"
	"slices"
	"strings"
	"time"

	"github.com/ibwatch/ibwatch/conn/twsim/market"
	"github.com/ibwatch/ibwatch/conn/wire"
)

// Real-time bar request and answer ids.
const (
	outReqRealTimeBars    = 50
	outCancelRealTimeBars = 51
	inRealTimeBars        = 50
)

// realTimeBarLen is the only bar length TWS serves for real-time bars.
const realTimeBarLen = 5 * time.Second

// rtbSub is one reqRealTimeBars subscription.
type rtbSub struct {
	in   instrument
	what market.What
	rth  bool
	sent int64 // start of the last bar sent (Unix seconds)
}

// reqRealTimeBarsLocked answers REQ_REAL_TIME_BARS (50): a 5-second bar
// every 5 seconds while the stock trades (regular hours only with useRTH).
//
//	50, 3, reqId, conId, symbol, secType, expiry, strike, right, multiplier,
//	exchange, primaryExchange, currency, localSymbol, tradingClass, barSize,
//	whatToShow, useRTH, [options]
func (ss *session) reqRealTimeBarsLocked(f *fields) {
	f.int() // version
	reqID := f.int()
	c := readContract(f, true, true)
	size := f.int()
	whatStr := strings.ToUpper(strings.TrimSpace(f.str()))
	rth := f.bool()
	tag := tagFor(outReqRealTimeBars)
	what, ok := whatToShow[whatStr]
	switch {
	case size != 5:
		ss.validationErrorLocked(reqID, tag, "Invalid bar size: real-time bars are 5 seconds")
		return
	case !ok || what == market.BidAsk:
		ss.validationErrorLocked(reqID, tag, "Real-time bars type "+clipN(whatStr)+" is invalid (TRADES, MIDPOINT, BID, ASK)")
		return
	}
	if _, dup := ss.rtb[reqID]; dup {
		ss.sendErrorLocked(reqID, 322, "Error processing request.-'bR' : cause - Duplicate ticker id")
		return
	}
	in, ok := ss.histInstrumentLocked(reqID, c)
	if !ok {
		return
	}
	cur := ss.s.now().Unix() / 5 * 5
	ss.rtb[reqID] = &rtbSub{in: in, what: what, rth: rth, sent: cur - 5}
}

// realTimeBarsLocked sends every subscription's bars that completed since
// the last round.
//
//	50, 3, reqId, time, open, high, low, close, volume, wap, count
func (ss *session) realTimeBarsLocked() {
	if len(ss.rtb) == 0 || !ss.s.histFarmOKLocked() {
		return
	}
	now := ss.s.now()
	done := now.Unix()/5*5 - 5 // start of the last completed bar
	size := market.BarSize{Unit: market.Fixed, Len: realTimeBarLen}
	for _, id := range slices.Sorted(maps.Keys(ss.rtb)) {
		r := ss.rtb[id]
		if r.sent >= done {
			continue
		}
		from := time.Unix(max(r.sent+5, done-60), 0) // a client that fell behind gets the last minute
		bars := ss.s.barsFor(r.in, from, time.Unix(done+5, 0), size, r.what, r.rth)
		for _, b := range bars {
			ss.enqueueLocked(wire.Encode(inRealTimeBars, 3, id, b.Time.Unix(), b.Open, b.High, b.Low, b.Close,
				b.Volume, b.WAP, b.Count))
		}
		r.sent = done
	}
}
