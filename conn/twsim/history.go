package twsim

import (
	"fmt"
	"strings"
	"time"

	"github.com/ibwatch/ibwatch/conn/twsim/market"
	"github.com/ibwatch/ibwatch/conn/wire"
)

// Server versions that change the historical data messages.
const (
	verSyntRealtimeBars = 124 // HISTORICAL_DATA loses its version and hasGaps; keepUpToDate
	verHistoricalEnd    = 196 // the span moves from HISTORICAL_DATA to HISTORICAL_DATA_END
)

// TWS's historical data pacing: an identical request within 15 s, or more
// than 60 requests in 10 minutes, is a pacing violation (error 162).
const (
	histSameWindow = 15 * time.Second
	histRateWindow = 10 * time.Minute
	histRateMax    = 60
)

// whatName is how TWS names a bar kind in its 162 texts.
var whatName = map[market.What]string{
	market.Trades: "Trades", market.Midpoint: "Midpoint", market.BidBars: "Bid", market.AskBars: "Ask", market.BidAsk: "Bid_Ask",
}

// hmdsErr is the prefix of TWS's error 162 texts.
const hmdsErr = "Historical Market Data Service error message:"

// histSub is one keepUpToDate historical data request.
type histSub struct {
	in     instrument
	size   market.BarSize
	what   market.What
	rth    bool
	format int64
	last   string    // the last bar sent, to send only changes
	at     time.Time // wall time of the last update
}

// dispatchHistoryLocked serves the historical data requests; false for an
// id it does not handle.
func (ss *session) dispatchHistoryLocked(id int, f *fields) bool {
	switch id {
	case outReqHistoricalData:
		ss.reqHistoricalDataLocked(f)
	case outCancelHistoricalData:
		f.int() // version
		reqID := f.int()
		if _, ok := ss.hist[reqID]; ok {
			delete(ss.hist, reqID)
			ss.sendErrorLocked(reqID, 162, fmt.Sprintf("%sAPI historical data query cancelled: %d", hmdsErr, reqID))
		}
	case outReqHeadTimestamp:
		ss.reqHeadTimestampLocked(f)
	case outCancelHeadTimestamp:
		// answered at once: nothing to cancel
	case outReqRealTimeBars:
		ss.reqRealTimeBarsLocked(f)
	case outCancelRealTimeBars:
		f.int() // version
		delete(ss.rtb, f.int())
	default:
		return false
	}
	return true
}

// histFarmOKLocked reports whether historical data can be served: the IB
// link is up and the HMDS farm is not broken.
func (s *Server) histFarmOKLocked() bool {
	return s.st.ibLinkUp && s.st.farms[FarmHMDS] != FarmBroken
}

// canFlowHistLocked reports whether keepUpToDate updates may be sent.
func (s *Server) canFlowHistLocked() bool { return s.histFarmOKLocked() }

// reqHistoricalDataLocked answers REQ_HISTORICAL_DATA (20).
//
//	20, [version 6 ≤124], reqId, conId, symbol, secType, expiry, strike, right,
//	multiplier, exchange, primaryExchange, currency, localSymbol, tradingClass,
//	includeExpired, endDateTime, barSize, duration, useRTH, whatToShow,
//	formatDate, [BAG legs], [keepUpToDate ≥124], [chartOptions ≥70]
func (ss *session) reqHistoricalDataLocked(f *fields) {
	s := ss.s
	if ss.version <= verSyntRealtimeBars {
		f.int() // version
	}
	key := strings.Join(f.f[min(f.i+1, len(f.f)):], "\x00") // everything but the id
	reqID := f.int()
	c := readContract(f, true, true)
	f.bool() // includeExpired
	endStr, sizeStr, durStr := f.str(), f.str(), f.str()
	rth := f.bool()
	whatStr := strings.ToUpper(strings.TrimSpace(f.str()))
	format := f.int()
	if c.secType == "BAG" {
		ss.validationErrorLocked(reqID, "bX", "Combination (BAG) historical data is not supported by the simulator")
		return
	}
	keep := ss.version >= verSyntRealtimeBars && f.bool()
	tag := tagFor(outReqHistoricalData)
	if !ss.histPacingOKLocked(reqID, key) {
		return
	}
	size, ok := parseBarSize(sizeStr)
	if !ok {
		ss.validationErrorLocked(reqID, tag, "Historical data bar size setting is invalid: "+clipN(sizeStr))
		return
	}
	what, ok := whatToShow[whatStr]
	if !ok {
		ss.validationErrorLocked(reqID, tag, "Historical data type "+clipN(whatStr)+
			" is not supported by the simulator (TRADES, MIDPOINT, BID, ASK, BID_ASK)")
		return
	}
	if keep && strings.TrimSpace(endStr) != "" {
		ss.validationErrorLocked(reqID, tag, "End date not supported with live updates")
		return
	}
	now := s.now()
	end, err := parseEndTime(endStr, now)
	if err == nil {
		var from time.Time
		if from, err = parseDuration(durStr, end); err == nil {
			ss.histAnswerLocked(reqID, c, from, end, size, what, rth, format, keep)
			return
		}
	}
	ss.validationErrorLocked(reqID, tag, err.Error())
}

// histAnswerLocked resolves the contract and sends the bars.
func (ss *session) histAnswerLocked(reqID int64, c contractSpec, from, end time.Time, size market.BarSize,
	what market.What, rth bool, format int64, keep bool) {
	s := ss.s
	in, ok := ss.histInstrumentLocked(reqID, c)
	if !ok {
		return
	}
	if end.Sub(from) > maxSpan(size) {
		ss.sendErrorLocked(reqID, 162, hmdsErr+"Time length exceed max.")
		return
	}
	bars := s.barsFor(in, from, end, size, what, rth)
	if len(bars) == 0 {
		// A span with no trading in it (a weekend, the night): TWS answers
		// with this error instead of an empty list.
		name := in.stock.Symbol
		if in.opt != nil {
			name = in.opt.LocalSymbol
		}
		ss.sendErrorLocked(reqID, 162, hmdsErr+"HMDS query returned no data: "+name+"@SMART "+whatName[what])
		return
	}
	ss.enqueueLocked(ss.histDataFields(reqID, bars, size, format, spanDate(from), spanDate(end)))
	if ss.version >= verHistoricalEnd {
		ss.enqueueLocked(wire.Encode(inHistoricalDataEnd, reqID, spanDate(from), spanDate(end)))
	}
	if keep {
		ss.hist[reqID] = &histSub{in: in, size: size, what: what, rth: rth, format: format, at: time.Now()}
		if len(bars) > 0 {
			ss.hist[reqID].last = barKeyText(bars[len(bars)-1])
		}
	}
}

// histInstrumentLocked resolves a historical data, head timestamp or
// real-time bars contract: a stock with a live data subscription, or an
// option on one, while the HMDS farm is up.
func (ss *session) histInstrumentLocked(reqID int64, c contractSpec) (instrument, bool) {
	s := ss.s
	found := s.resolve(c, s.now())
	switch {
	case len(found) == 0:
		ss.sendErrorLocked(reqID, 200, "No security definition has been found for the request")
	case len(found) > 1:
		ss.sendErrorLocked(reqID, 200, "The contract description specified for "+c.symbol+" is ambiguous.")
	case !s.histFarmOKLocked():
		ss.sendErrorLocked(reqID, 162, hmdsErr+"HMDS data farm connection is broken:"+FarmHMDS)
	case !found[0].stock.Live:
		kind := "STK"
		if found[0].opt != nil {
			kind = "OPT"
		}
		ss.sendErrorLocked(reqID, 162, hmdsErr+"No market data permissions for "+found[0].stock.PrimaryExch+" "+kind)
	default:
		return found[0], true
	}
	return instrument{}, false
}

// barsFor returns a stock's or an option's bars (options: regular hours).
func (s *Server) barsFor(in instrument, from, to time.Time, size market.BarSize, what market.What, rth bool) []market.Bar {
	if in.opt != nil {
		b, _ := s.mkt.OptionBars(*in.opt, from, to, size, what)
		return b
	}
	b, _ := s.mkt.Bars(in.stock.Symbol, from, to, size, what, rth)
	return b
}

// histPacingOKLocked applies TWS's historical data pacing; a violation is
// answered with 162 and the request dropped.
func (ss *session) histPacingOKLocked(reqID int64, key string) bool {
	st := &ss.s.st
	now := time.Now()
	for k, t := range st.histSeen {
		if now.Sub(t) >= histSameWindow {
			delete(st.histSeen, k)
		}
	}
	n := 0
	for _, t := range st.histTimes {
		if now.Sub(t) < histRateWindow {
			st.histTimes[n] = t
			n++
		}
	}
	st.histTimes = st.histTimes[:n]
	if _, dup := st.histSeen[key]; dup || len(st.histTimes) >= histRateMax {
		ss.sendErrorLocked(reqID, 162, hmdsErr+"Historical data request pacing violation")
		return false
	}
	st.histSeen[key] = now
	st.histTimes = append(st.histTimes, now)
	return true
}

// barKeyText identifies a bar's values, to send an update only on change.
func barKeyText(b market.Bar) string { return fmt.Sprint(b) }

// histUpdateLocked sends HISTORICAL_DATA_UPDATE for a keepUpToDate request
// when its current bar changed (at most once a second).
//
//	90, reqId, barCount, date, open, close, high, low, wap, volume
func (ss *session) histUpdateLocked(reqID int64) {
	h := ss.hist[reqID]
	wall := time.Now()
	if h == nil || wall.Sub(h.at) < time.Second {
		return
	}
	now := ss.s.now()
	from := now.Add(-h.size.Len)
	if h.size.Unit != market.Fixed {
		from = now.AddDate(0, 0, -1)
	}
	bars := ss.s.barsFor(h.in, from, now.Add(time.Second), h.size, h.what, h.rth)
	if len(bars) == 0 {
		return
	}
	b := bars[len(bars)-1]
	if k := barKeyText(b); k != h.last {
		h.last, h.at = k, wall
		ss.enqueueLocked(wire.Encode(inHistoricalUpdate, reqID, b.Count, barDate(b.Time, h.size, h.format),
			b.Open, b.Close, b.High, b.Low, b.WAP, b.Volume))
	}
}
