package twsim

import (
	"math"
	"slices"
	"strconv"
	"strings"

	"github.com/ibwatch/ibwatch/conn/twsim/market"
)

// Server → client message ids of the account, order and history answers
// (the same at every classic server version).
const (
	inAcctValue          = 6
	inPortfolioValue     = 7
	inAcctUpdateTime     = 8
	inHistoricalData     = 17
	inOpenOrderEnd       = 53
	inAcctDownloadEnd    = 54
	inExecutionDataEnd   = 55
	inPositionData       = 61
	inPositionEnd        = 62
	inAccountSummary     = 63
	inAccountSummaryEnd  = 64
	inPositionMulti      = 71
	inPositionMultiEnd   = 72
	inAccountUpdateMulti = 73
	inAcctUpdateMultiEnd = 74
	inHeadTimestamp      = 88
	inHistoricalUpdate   = 90
	inPnL                = 94
	inPnLSingle          = 95
	inCompletedOrdersEnd = 102
	inHistoricalDataEnd  = 108
)

// Server versions that change the PnL messages.
const (
	verUnrealizedPnL = 129 // PNL and PNL_SINGLE gain unrealizedPnL
	verRealizedPnL   = 135 // and realizedPnL
)

// held is one holding valued at the current market.
type held struct {
	Holding
	st     market.Stock
	price  float64 // last trade, or the mid before the first trade
	value  float64 // qty × price
	unreal float64 // qty × (price − avgCost)
	daily  float64 // qty × (price − previous close)
}

// valuation is the account valued at the current market. Margin follows a
// simple Reg T style rule: 25 % of the gross position value for both the
// initial and the maintenance requirement, buying power four times the
// available funds.
type valuation struct {
	cash, gross, netLiq, unreal, daily float64
	initMargin, availFunds, excessLiq  float64
	buyingPower, cushion               float64
	pos                                []held
}

// valueLocked values the portfolio at the market's current quotes.
func (s *Server) valueLocked() valuation {
	p := s.st.portfolio
	v := valuation{cash: p.Cash}
	for _, h := range p.Holdings {
		st, ok := s.uni.Stock(h.Symbol)
		q, qok := s.mkt.Quote(h.Symbol)
		if !ok || !qok {
			continue
		}
		price := q.Last
		if price <= 0 {
			price = (q.Bid + q.Ask) / 2
		}
		x := held{Holding: h, st: st, price: price, value: h.Qty * price,
			unreal: h.Qty * (price - h.AvgCost), daily: h.Qty * (price - q.Close)}
		v.pos = append(v.pos, x)
		v.gross += math.Abs(x.value)
		v.netLiq += x.value
		v.unreal += x.unreal
		v.daily += x.daily
	}
	v.netLiq += v.cash
	v.initMargin = 0.25 * v.gross
	v.availFunds = v.netLiq - v.initMargin
	v.excessLiq = v.availFunds
	v.buyingPower = max(4*v.availFunds, 0)
	if v.netLiq != 0 {
		v.cushion = v.excessLiq / v.netLiq
	}
	return v
}

// money formats an amount as TWS does in account values ("1234.56").
func money(x float64) string {
	if math.IsNaN(x) || math.IsInf(x, 0) {
		return "0.00"
	}
	return strconv.FormatFloat(x, 'f', 2, 64)
}

// acctRow is one account value: key, value, currency ("" for text values).
type acctRow struct{ key, val, cur string }

// accountRows lists the account values reqAccountUpdates, the account
// summary and reqAccountUpdatesMulti report, in TWS's key names.
func (v valuation) accountRows(account string) []acctRow {
	m := func(k string, x float64) acctRow { return acctRow{k, money(x), "USD"} }
	return []acctRow{
		{"AccountCode", account, ""},
		{"AccountReady", "true", ""},
		{"AccountType", "INDIVIDUAL", ""},
		m("AvailableFunds", v.availFunds),
		m("BuyingPower", v.buyingPower),
		m("CashBalance", v.cash),
		{"Currency", "USD", "USD"},
		m("Cushion", v.cushion),
		{"DayTradesRemaining", "-1", ""},
		m("EquityWithLoanValue", v.netLiq),
		m("ExcessLiquidity", v.excessLiq),
		m("FullAvailableFunds", v.availFunds),
		m("FullExcessLiquidity", v.excessLiq),
		m("FullInitMarginReq", v.initMargin),
		m("FullMaintMarginReq", v.initMargin),
		m("GrossPositionValue", v.gross),
		m("InitMarginReq", v.initMargin),
		m("MaintMarginReq", v.initMargin),
		m("NetLiquidation", v.netLiq),
		m("RealizedPnL", 0),
		m("SettledCash", v.cash),
		m("StockMarketValue", v.netLiq-v.cash),
		m("TotalCashBalance", v.cash),
		m("TotalCashValue", v.cash),
		m("UnrealizedPnL", v.unreal),
	}
}

// summaryTags are the tags reqAccountSummary knows ("All" expands to them).
var summaryTags = []string{
	"AccountType", "NetLiquidation", "TotalCashValue", "SettledCash", "AccruedCash", "BuyingPower",
	"EquityWithLoanValue", "PreviousDayEquityWithLoanValue", "GrossPositionValue", "RegTEquity", "RegTMargin",
	"SMA", "InitMarginReq", "MaintMarginReq", "AvailableFunds", "ExcessLiquidity", "Cushion",
	"FullInitMarginReq", "FullMaintMarginReq", "FullAvailableFunds", "FullExcessLiquidity",
	"LookAheadNextChange", "LookAheadInitMarginReq", "LookAheadMaintMarginReq", "LookAheadAvailableFunds",
	"LookAheadExcessLiquidity", "HighestSeverity", "DayTradesRemaining", "Leverage",
}

// summaryValue returns one account summary tag's value and currency; ok is
// false for a tag the simulator does not know (TWS skips those too).
func (v valuation) summaryValue(tag string) (val, cur string, ok bool) {
	m := func(x float64) (string, string, bool) { return money(x), "USD", true }
	switch tag {
	case "AccountType":
		return "INDIVIDUAL", "", true
	case "NetLiquidation", "EquityWithLoanValue", "PreviousDayEquityWithLoanValue", "RegTEquity":
		return m(v.netLiq)
	case "TotalCashValue", "SettledCash":
		return m(v.cash)
	case "AccruedCash", "LookAheadNextChange":
		return m(0)
	case "BuyingPower":
		return m(v.buyingPower)
	case "GrossPositionValue":
		return m(v.gross)
	case "RegTMargin", "InitMarginReq", "MaintMarginReq", "FullInitMarginReq", "FullMaintMarginReq",
		"LookAheadInitMarginReq", "LookAheadMaintMarginReq":
		return m(v.initMargin)
	case "SMA", "AvailableFunds", "FullAvailableFunds", "LookAheadAvailableFunds":
		return m(v.availFunds)
	case "ExcessLiquidity", "FullExcessLiquidity", "LookAheadExcessLiquidity":
		return m(v.excessLiq)
	case "Cushion":
		return money(v.cushion), "", true
	case "Leverage":
		if v.netLiq == 0 {
			return "0", "", true
		}
		return money(v.gross / v.netLiq), "", true
	case "HighestSeverity":
		return "0", "", true
	case "DayTradesRemaining":
		return "-1", "", true
	}
	return "", "", false
}

// expandTags turns reqAccountSummary's tag list into known tags, in order,
// without repeats; "$LEDGER..." asks for currency rows, answered with the
// cash and net liquidation values.
func expandTags(list string) []string {
	var out []string
	for _, t := range strings.Split(list, ",") {
		t = strings.TrimSpace(t)
		switch {
		case t == "":
			continue
		case strings.EqualFold(t, "All"):
			out = append(out, summaryTags...)
		case strings.HasPrefix(strings.ToUpper(t), "$LEDGER"):
			out = append(out, "TotalCashValue", "NetLiquidation")
		case slices.Contains(summaryTags, t):
			out = append(out, t)
		}
	}
	seen := map[string]bool{}
	return slices.DeleteFunc(out, func(t string) bool {
		dup := seen[t]
		seen[t] = true
		return dup
	})
}
