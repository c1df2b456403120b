package twsim

import (
	"strings"
	"time"

	"github.com/ibwatch/ibwatch/conn/twsim/market"
	"github.com/ibwatch/ibwatch/conn/wire"
)

// histDataFields encodes HISTORICAL_DATA at the session's version.
//
//	<124:     17, 3, reqId, start, end, n, (date, o, h, l, c, volume, wap, hasGaps, count)×n
//	124..195: 17, reqId, start, end, n, (date, o, h, l, c, volume, wap, count)×n
//	≥196:     17, reqId, n, (date, o, h, l, c, volume, wap, count)×n  (+ HISTORICAL_DATA_END)
func (ss *session) histDataFields(reqID int64, bars []market.Bar, size market.BarSize, format int64, start, end string) []byte {
	v := ss.version
	b := wire.Encode(inHistoricalData)
	if v < verSyntRealtimeBars {
		b = wire.AppendField(b, 3)
	}
	b = wire.AppendField(b, reqID)
	if v < verHistoricalEnd {
		b = wire.AppendField(wire.AppendField(b, start), end)
	}
	b = wire.AppendField(b, len(bars))
	for _, x := range bars {
		for _, fv := range []any{barDate(x.Time, size, format), x.Open, x.High, x.Low, x.Close, x.Volume, x.WAP} {
			b = wire.AppendField(b, fv)
		}
		if v < verSyntRealtimeBars {
			b = wire.AppendField(b, "false") // hasGaps
		}
		b = wire.AppendField(b, x.Count)
	}
	return b
}

// reqHeadTimestampLocked answers REQ_HEAD_TIMESTAMP (87): the simulator's
// history starts 20 years before the market started.
//
//	87, reqId, conId, symbol, secType, expiry, strike, right, multiplier,
//	exchange, primaryExchange, currency, localSymbol, tradingClass,
//	includeExpired, useRTH, whatToShow, formatDate
//	88, reqId, headTimestamp ("yyyyMMdd-HH:mm:ss" UTC, or epoch seconds)
func (ss *session) reqHeadTimestampLocked(f *fields) {
	reqID := f.int()
	c := readContract(f, true, true)
	f.bool() // includeExpired
	f.bool() // useRTH
	what := strings.ToUpper(strings.TrimSpace(f.str()))
	format := f.int()
	if _, ok := whatToShow[what]; !ok {
		ss.validationErrorLocked(reqID, tagFor(outReqHeadTimestamp), "Historical data type "+clipN(what)+" is not supported by the simulator")
		return
	}
	if _, ok := ss.histInstrumentLocked(reqID, c); !ok {
		return
	}
	head := ss.s.histHead()
	text := head.UTC().Format("20060102-15:04:05")
	if format == 2 {
		text = itoa(head.Unix())
	}
	ss.enqueueLocked(wire.Encode(inHeadTimestamp, reqID, text))
}

// histHead is where the simulated history starts: the regular open of the
// first trading day of the year 20 years before the market started.
func (s *Server) histHead() time.Time {
	y := s.mkt.Start().In(market.Eastern()).Year() - 20
	d := time.Date(y, time.January, 2, 9, 30, 0, 0, market.Eastern())
	for !market.IsRegular(d) {
		d = d.AddDate(0, 0, 1)
	}
	return d
}
