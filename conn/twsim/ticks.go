package twsim

import (
	"math"
	"strconv"
	"strings"
	"time"

	"github.com/ibwatch/ibwatch/conn/twsim/market"

	"github.com/ibwatch/ibwatch/conn/wire"
)

// Tick types (live ids; delayedID maps them for market data types 3/4).
const (
	tBidSize   = 0
	tBid       = 1
	tAsk       = 2
	tAskSize   = 3
	tLast      = 4
	tLastSize  = 5
	tHigh      = 6
	tLow       = 7
	tVolume    = 8
	tClose     = 9
	tBidOpt    = 10
	tAskOpt    = 11
	tLastOpt   = 12
	tModelOpt  = 13
	tOpen      = 14
	tHistVol   = 23
	tImplVol   = 24
	tCallOI    = 27
	tPutOI     = 28
	tLastStamp = 45
)

// delayedID maps live tick ids to their delayed counterparts.
var delayedID = map[int]int{
	tBidSize: 69, tBid: 66, tAsk: 67, tAskSize: 70, tLast: 68, tLastSize: 71,
	tHigh: 72, tLow: 73, tVolume: 74, tClose: 75, tOpen: 76,
	tBidOpt: 80, tAskOpt: 81, tLastOpt: 82, tModelOpt: 83, tLastStamp: 88,
}

// delayedGeneric are the generic ticks TWS serves with delayed data.
var delayedGeneric = map[int]bool{101: true, 106: true, 165: true, 221: true, 232: true, 236: true, 258: true}

// bboExchange is the opaque exchange-set id in TICK_REQ_PARAMS.
const bboExchange = "9c0001"

// id returns the tick id to send for live tick t.
func (sb *sub) id(t int) int {
	if sb.delayed {
		if d, ok := delayedID[t]; ok {
			return d
		}
	}
	return t
}

// fmtNum formats a number the way the Go client writes floats.
func fmtNum(v float64) string {
	if math.IsNaN(v) || math.IsInf(v, 0) {
		return "-1"
	}
	return strconv.FormatFloat(v, 'f', -1, 64)
}

// flushLocked sends what changed since the last flush of sb (everything on
// the first): TICK_REQ_PARAMS and MARKET_DATA_TYPE first, then prices with
// sizes, sizes, volume, last timestamp, option computations and the
// requested generic ticks.
func (ss *session) flushLocked(sb *sub) {
	s := ss.s
	now := s.now()
	if !sb.started {
		if ss.version >= verTickReqParams {
			perms := 3
			if sb.delayed {
				perms = 0
			}
			ss.enqueueLocked(wire.Encode(wire.InTickReqParams, sb.reqID, sb.in.minTick(), bboExchange, perms))
		}
		ss.enqueueLocked(wire.Encode(wire.InMarketDataType, 1, sb.reqID, sb.mdType))
		sb.started = true
	}
	o := sb.in.opt
	if o == nil {
		q, ok := s.mkt.Quote(sb.in.stock.Symbol)
		if !ok {
			return
		}
		ss.quoteTicksLocked(sb, q)
		vol := sb.in.stock.Vol
		if sb.generic[106] {
			ss.genericLocked(sb, tImplVol, vol)
		}
		if sb.generic[104] && !sb.delayed {
			ss.genericLocked(sb, tHistVol, vol*0.92)
		}
		return
	}
	oq, ok := s.mkt.OptionQuote(*o, now)
	if !ok {
		return
	}
	q := oq.Quote
	ss.quoteTicksLocked(sb, q)
	for _, c := range []struct {
		t      int
		price  float64
		attrib int
	}{{tBidOpt, q.Bid, 1}, {tAskOpt, q.Ask, 1}, {tLastOpt, q.Last, 1}, {tModelOpt, oq.OptPrice, 0}} {
		comp := optComp{
			iv: sentinel(oq.IV, -1), delta: sentinel(oq.Delta, -2), optPrice: sentinel(c.price, -1),
			pvDiv: sentinel(oq.PvDiv, -1), gamma: sentinel(oq.Gamma, -2), vega: sentinel(oq.Vega, -2),
			theta: sentinel(oq.Theta, -2), undPrice: sentinel(oq.UndPrice, -1),
		}
		if c.price <= 0 && c.t != tModelOpt {
			comp.iv, comp.optPrice = -1, -1 // no price, nothing to imply a vol from
		}
		key := optCompKey(comp)
		if sb.last[c.t] == key {
			continue
		}
		sb.last[c.t] = key
		ss.enqueueLocked(optCompFields(ss.version, sb.reqID, sb.id(c.t), c.attrib, comp))
	}
	if sb.generic[101] {
		t := tCallOI
		if o.Right == 'P' {
			t = tPutOI
		}
		ss.sizeLocked(sb, t, oq.OpenInterest)
	}
}

// sentinel replaces a value that cannot be sent with TWS's "not computed".
func sentinel(v, unset float64) float64 {
	if math.IsNaN(v) || math.IsInf(v, 0) {
		return unset
	}
	return v
}

func optCompKey(c optComp) string {
	return strings.Join([]string{fmtNum(c.iv), fmtNum(c.delta), fmtNum(c.optPrice), fmtNum(c.pvDiv),
		fmtNum(c.gamma), fmtNum(c.vega), fmtNum(c.theta), fmtNum(c.undPrice)}, "|")
}

// delayedBy is how old delayed data is: its last timestamp (tick 88) is
// the trade time this much earlier, as TWS's 15-minute delayed feed shows.
const delayedBy = 15 * time.Minute

// quoteTicksLocked sends the default price and size ticks that changed, and
// the last trade's time (tick 45, or 88 delayed) when a trade printed.
func (ss *session) quoteTicksLocked(sb *sub, q market.Quote) {
	ss.priceLocked(sb, tBid, q.Bid, tBidSize, q.BidSize)
	ss.priceLocked(sb, tAsk, q.Ask, tAskSize, q.AskSize)
	ss.priceLocked(sb, tLast, q.Last, tLastSize, q.LastSize)
	ss.priceLocked(sb, tHigh, q.High, -1, 0)
	ss.priceLocked(sb, tLow, q.Low, -1, 0)
	ss.priceLocked(sb, tClose, q.Close, -1, 0)
	ss.priceLocked(sb, tOpen, q.Open, -1, 0)
	ss.sizeLocked(sb, tVolume, q.Volume)
	at := q.LastTime
	if sb.delayed {
		at = at.Add(-delayedBy)
	}
	if stamp := strconv.FormatInt(at.Unix(), 10); q.Last > 0 && !at.IsZero() && sb.last[tLastStamp] != stamp {
		sb.last[tLastStamp] = stamp
		ss.enqueueLocked(tickStringFields(sb.reqID, sb.id(tLastStamp), stamp))
	}
}

// priceLocked sends TICK_PRICE when the price changed (carrying the size),
// or TICK_SIZE when only the size changed. sizeT < 0: no size tick.
func (ss *session) priceLocked(sb *sub, t int, price float64, sizeT int, size float64) {
	ps, zs := fmtNum(price), fmtNum(size)
	if sizeT < 0 {
		zs = "0"
	}
	if sb.last[t] != ps {
		sb.last[t] = ps
		if sizeT >= 0 {
			sb.last[sizeT] = zs
		}
		ss.enqueueLocked(tickPriceFields(sb.reqID, sb.id(t), price, zs, 0))
		return
	}
	if sizeT >= 0 && sb.last[sizeT] != zs {
		sb.last[sizeT] = zs
		ss.enqueueLocked(tickSizeFields(sb.reqID, sb.id(sizeT), zs))
	}
}

// sizeLocked sends TICK_SIZE when the value changed.
func (ss *session) sizeLocked(sb *sub, t int, v float64) {
	vs := fmtNum(v)
	if sb.last[t] == vs {
		return
	}
	sb.last[t] = vs
	ss.enqueueLocked(tickSizeFields(sb.reqID, sb.id(t), vs))
}

// genericLocked sends TICK_GENERIC when the value changed.
func (ss *session) genericLocked(sb *sub, t int, v float64) {
	vs := fmtNum(v)
	if sb.last[t] == vs {
		return
	}
	sb.last[t] = vs
	ss.enqueueLocked(tickGenericFields(sb.reqID, t, v))
}
