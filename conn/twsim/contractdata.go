package twsim

import (
	"github.com/ibwatch/ibwatch/conn/twsim/market"
	"strings"
	"time"

	"github.com/ibwatch/ibwatch/conn/wire"
)

// Server versions that change CONTRACT_DATA (Go decoder.go:1260-1400).
const (
	verMdSizeMultiplier = 110
	verAggGroup         = 121
	verUnderlyingInfo   = 122
	verMarketRules      = 126
	verRealExpiration   = 134
	verStockType        = 152
	verFractionalSize   = 163
)

// orderTypes is what the simulator claims instruments support (ibwatch
// never orders; the field only has to look like TWS's).
const orderTypes = "ACTIVETIM,AD,ADJUST,ALERT,ALLOC,AVGCOST,BASKET,COND,CONDORDER,DAY,DEACT,DEACTDIS,DEACTEOD,GAT,GTC,GTD,GTT,HID,IOC,LIT,LMT,MIT,MKT,MTL,NGCOMB,NONALGO,OCA,REL,SCALE,SCALERST,SNAPMID,SNAPMKT,SNAPREL,STP,STPLMT,TRAIL,TRAILLIT,TRAILLMT,TRAILMIT,WHATIF"

// reqContractDataLocked answers REQ_CONTRACT_DATA (9): one CONTRACT_DATA per
// matching contract and CONTRACT_DATA_END, or 200 when nothing matches.
//
//	9, 8, reqId, conId, symbol, secType, expiry, strike, right, multiplier,
//	exchange, primaryExchange, currency, localSymbol, tradingClass,
//	includeExpired, secIdType, secId, [issuerId ≥176]
func (ss *session) reqContractDataLocked(f *fields) {
	f.int() // version
	reqID := f.int()
	c := readContract(f, true, true)
	f.bool() // includeExpired
	secIDType, secID := f.str(), f.str()
	today := ss.s.now()
	var found []instrument
	if secIDType == "" && secID == "" {
		found = ss.s.resolve(c, today)
	}
	if len(found) == 0 {
		ss.sendErrorLocked(reqID, 200, "No security definition has been found for the request")
		return
	}
	for _, in := range found {
		ss.enqueueLocked(ss.contractDataFields(reqID, in, c.exchange, today))
	}
	ss.enqueueLocked(wire.Encode(wire.InContractDataEnd, 1, reqID))
}

// contractDataFields encodes one CONTRACT_DATA at the session's version.
func (ss *session) contractDataFields(reqID int64, in instrument, exchange string, today time.Time) []byte {
	v := ss.version
	st := in.stock
	if exchange == "" {
		exchange = "SMART"
	}
	d := cdValues{
		symbol: st.Symbol, secType: "STK", exchange: exchange, currency: "USD",
		localSymbol: st.Symbol, marketName: "NMS", tradingClass: "NMS", conID: st.ConID,
		minTick: in.minTick(), validExchanges: strings.Join(stkExchanges, ","),
		longName: st.Name, primaryExch: st.PrimaryExch, industry: st.Industry,
		category: st.Category, subcategory: st.Category, aggGroup: 1,
		marketRules: ruleIDs(len(stkExchanges)), stockType: "COMMON",
		minSize: "0.0001", sizeIncrement: "0.0001", suggested: "100",
	}
	if st.Industry == "Funds" {
		d.stockType = "ETF"
	}
	if o := in.opt; o != nil {
		d.secType, d.expiry, d.lastTradeDate = "OPT", o.Expiry, o.Expiry
		d.strike, d.right = o.Strike, string(o.Right)
		d.localSymbol, d.marketName, d.tradingClass = o.LocalSymbol, o.TradingClass, o.TradingClass
		d.conID, d.multiplier = o.ConID, o.Multiplier
		d.validExchanges = strings.Join(optExchanges, ",")
		d.underConID, d.primaryExch = st.ConID, ""
		d.contractMonth, d.aggGroup = o.Expiry[:6], 2
		d.underSymbol, d.underSecType = st.Symbol, "STK"
		d.marketRules = ruleIDs(len(optExchanges))
		d.realExpiration, d.stockType = o.Expiry, ""
		d.minSize, d.sizeIncrement, d.suggested = "1", "1", "1"
	}
	hours := tradingHours(today)
	var b []byte
	add := func(vals ...any) {
		for _, x := range vals {
			b = wire.AppendField(b, x)
		}
	}
	add(wire.InContractData)
	if v < wire.VerSizeRules {
		add(8)
	}
	add(reqID, d.symbol, d.secType, d.expiry)
	if v >= wire.VerLastTradeDate {
		add(d.lastTradeDate)
	}
	add(d.strike, d.right, d.exchange, d.currency, d.localSymbol, d.marketName, d.tradingClass, d.conID, d.minTick)
	if v >= verMdSizeMultiplier && v < wire.VerSizeRules {
		add(1)
	}
	add(d.multiplier, orderTypes, d.validExchanges, 1, d.underConID, d.longName, d.primaryExch,
		d.contractMonth, d.industry, d.category, d.subcategory, "US/Eastern", hours.trading, hours.liquid,
		"", "", 0) // evRule, evMultiplier, secIdList count
	if v >= verAggGroup {
		add(d.aggGroup)
	}
	if v >= verUnderlyingInfo {
		add(d.underSymbol, d.underSecType)
	}
	if v >= verMarketRules {
		add(d.marketRules)
	}
	if v >= verRealExpiration {
		add(d.realExpiration)
	}
	if v >= verStockType {
		add(d.stockType)
	}
	if v == verFractionalSize {
		add(d.sizeIncrement) // sizeMinTick, 163 only
	}
	if v >= wire.VerSizeRules {
		add(d.minSize, d.sizeIncrement, d.suggested)
	}
	if v >= wire.VerIneligibility {
		add(0)
	}
	return b
}

// cdValues are the CONTRACT_DATA fields that vary by instrument.
type cdValues struct {
	symbol, secType, expiry, lastTradeDate, right, exchange, currency string
	localSymbol, marketName, tradingClass, multiplier, validExchanges string
	longName, primaryExch, contractMonth, industry, category          string
	subcategory, underSymbol, underSecType, marketRules               string
	realExpiration, stockType, minSize, sizeIncrement, suggested      string
	strike, minTick                                                   float64
	conID, underConID                                                 int64
	aggGroup                                                          int
}

// ruleIDs repeats market rule 26 once per exchange, as TWS lists them.
func ruleIDs(n int) string {
	return strings.TrimSuffix(strings.Repeat("26,", n), ",")
}

// hoursText is TWS's trading/liquid hours strings.
type hoursText struct{ trading, liquid string }

// tradingHours lists today and the next two days in TWS's format,
// "20260115:0400-20260115:2000;...", weekends CLOSED.
func tradingHours(today time.Time) hoursText {
	d := today.In(market.Eastern())
	var tr, lq []string
	for i := range 3 {
		day := d.AddDate(0, 0, i)
		ds := day.Format("20060102")
		if wd := day.Weekday(); wd == time.Saturday || wd == time.Sunday {
			tr = append(tr, ds+":CLOSED")
			lq = append(lq, ds+":CLOSED")
			continue
		}
		tr = append(tr, ds+":0400-"+ds+":2000")
		lq = append(lq, ds+":0930-"+ds+":1600")
	}
	return hoursText{strings.Join(tr, ";"), strings.Join(lq, ";")}
}

// reqSecDefOptParamsLocked answers REQ_SEC_DEF_OPT_PARAMS (78) with one
// SECURITY_DEFINITION_OPTION_PARAMETER per exchange (SMART included), all
// expirations and the union of strikes over them, then the END.
//
//	78, reqId, underlyingSymbol, futFopExchange, underlyingSecType, underlyingConId
func (ss *session) reqSecDefOptParamsLocked(f *fields) {
	reqID := f.int()
	symbol := strings.ToUpper(strings.TrimSpace(f.str()))
	exch := strings.ToUpper(strings.TrimSpace(f.str()))
	secType := strings.ToUpper(strings.TrimSpace(f.str()))
	conID := f.int()
	st, ok := ss.s.uni.Stock(symbol)
	if !ok || (conID != 0 && conID != st.ConID) || (secType != "" && secType != "STK") {
		ss.sendErrorLocked(reqID, 200, "No security definition has been found for the request")
		return
	}
	today := ss.s.now()
	exps := ss.s.uni.Expirations(st.Symbol, today)
	strikes := ss.s.uni.AllStrikes(st.Symbol, today)
	for _, ex := range optExchanges {
		if exch != "" && ex != exch {
			continue
		}
		var b []byte
		for _, x := range []any{wire.InSecDefOptParam, reqID, ex, st.ConID, st.Symbol, "100", len(exps)} {
			b = wire.AppendField(b, x)
		}
		for _, e := range exps {
			b = wire.AppendField(b, e)
		}
		b = wire.AppendField(b, len(strikes))
		for _, k := range strikes {
			b = wire.AppendField(b, k)
		}
		ss.enqueueLocked(b)
	}
	ss.enqueueLocked(wire.Encode(wire.InSecDefOptEnd, reqID))
}

// derivTypes are the derivative sec types TWS lists for a US stock.
var derivTypes = []string{"CFD", "OPT", "IOPT", "WAR", "BAG"}

// reqMatchingSymbolsLocked answers REQ_MATCHING_SYMBOLS (81) with
// SYMBOL_SAMPLES: at most 16 rows; description and issuerId from 176.
//
//	79, reqId, n, (conId, symbol, secType, primaryExch, currency, nDeriv, deriv..., [description, issuerId])×n
func (ss *session) reqMatchingSymbolsLocked(f *fields) {
	reqID := f.int()
	pattern := f.str()
	rows := ss.s.uni.Match(pattern)
	if len(rows) > 16 {
		rows = rows[:16]
	}
	var b []byte
	b = wire.AppendField(b, wire.InSymbolSamples)
	b = wire.AppendField(b, reqID)
	b = wire.AppendField(b, len(rows))
	for _, st := range rows {
		for _, x := range []any{st.ConID, st.Symbol, "STK", st.PrimaryExch, "USD", len(derivTypes)} {
			b = wire.AppendField(b, x)
		}
		for _, d := range derivTypes {
			b = wire.AppendField(b, d)
		}
		if ss.version >= wire.VerBondIssuerID {
			b = wire.AppendField(b, st.Name)
			b = wire.AppendField(b, "")
		}
	}
	ss.enqueueLocked(b)
}
