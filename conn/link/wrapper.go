package link

import (
	"fmt"
	"strings"
	"unicode/utf8"

	"github.com/scmhub/ibapi"

	"github.com/ibwatch/ibwatch/conn/internal/linkproto"
)

// wrapper receives the callbacks of one attempt's EClient. It embeds the
// library's default Wrapper (whose methods only log, at levels our logger
// drops) and overrides what ibwatch uses.
//
// Callbacks run on several library goroutines (decoder, Connect caller,
// Req* callers, watcher). Every body recovers (a panic here would otherwise
// kill the process without a word), copies the data into a report and
// queues it: nothing blocks the decoder for long. Reports for a closed
// attempt are dropped by emit, so the library's 502/504/520 noise after a
// teardown never reaches the parent.
type wrapper struct {
	ibapi.Wrapper
	a *attempt
}

var _ ibapi.EWrapper = (*wrapper)(nil)

func (w *wrapper) guard(name string) {
	if r := recover(); r != nil {
		w.a.l.fatal(ExitFatal, fmt.Sprintf("panic in %s callback: %v", name, r))
	}
}

// NextValidID is the ready signal: the API session is up.
func (w *wrapper) NextValidID(reqID int64) {
	defer w.guard("NextValidID")
	if w.a.ready.CompareAndSwap(false, true) {
		w.a.emit(linkproto.Ready{Attempt: w.a.id, NextValidID: reqID})
	}
}

// ManagedAccounts forwards the account list, without empty entries.
func (w *wrapper) ManagedAccounts(accountsList []string) {
	defer w.guard("ManagedAccounts")
	accts := make([]string, 0, len(accountsList))
	for _, s := range accountsList {
		if s = strings.TrimSpace(s); s != "" {
			accts = append(accts, s)
		}
	}
	w.a.emit(linkproto.Accounts{Attempt: w.a.id, Accounts: accts})
}

// Error forwards TWS's codes and the library's own.
func (w *wrapper) Error(reqID ibapi.TickerID, errTime int64, errCode int64, errString string, advancedOrderRejectJson string) {
	defer w.guard("Error")
	w.a.emit(linkproto.TWSError{Attempt: w.a.id, Req: reqID, Code: errCode, Msg: clipText(errString),
		TimeMs: errTime, Advanced: clipText(advancedOrderRejectJson)})
}

// maxText bounds a text from TWS in a report: the parent shows one line of
// it anyway (conn.Sanitize cuts at 512 runes), and a multi-megabyte text
// would exceed the protocol's line limit and slow the heartbeat.
const maxText = 4 << 10

// clipText cuts s to at most maxText bytes on a UTF-8 boundary.
func clipText(s string) string {
	if len(s) <= maxText {
		return s
	}
	cut := maxText
	for cut > 0 && !utf8.RuneStart(s[cut]) {
		cut--
	}
	return s[:cut] + "…"
}

// CurrentTime answers the heartbeat.
func (w *wrapper) CurrentTime(t int64) {
	defer w.guard("CurrentTime")
	w.a.emit(linkproto.CurrentTime{Attempt: w.a.id, Unix: t})
}

// TickPrice forwards a price; unset or non-finite prices are skipped.
func (w *wrapper) TickPrice(reqID ibapi.TickerID, tickType ibapi.TickType, price float64, attrib ibapi.TickAttrib) {
	defer w.guard("TickPrice")
	if !usable(price) {
		return
	}
	attr := 0
	if attrib.CanAutoExecute {
		attr |= 1
	}
	if attrib.PastLimit {
		attr |= 2
	}
	if attrib.PreOpen {
		attr |= 4
	}
	w.a.emit(linkproto.TickPrice{Attempt: w.a.id, Req: reqID, Tick: int(tickType), Price: price, Attr: attr})
}

// TickSize forwards a size as float64; unset sizes are skipped.
func (w *wrapper) TickSize(reqID ibapi.TickerID, tickType ibapi.TickType, size ibapi.Decimal) {
	defer w.guard("TickSize")
	if size == ibapi.UNSET_DECIMAL {
		return
	}
	f := size.Float()
	if !usable(f) {
		return
	}
	w.a.emit(linkproto.TickSize{Attempt: w.a.id, Req: reqID, Tick: int(tickType), Size: f})
}

// TickOptionComputation forwards greeks; "not computed" values become nil.
func (w *wrapper) TickOptionComputation(reqID ibapi.TickerID, tickType ibapi.TickType, tickAttrib int64, impliedVol, delta, optPrice, pvDividend, gamma, vega, theta, undPrice float64) {
	defer w.guard("TickOptionComputation")
	w.a.emit(linkproto.TickOption{
		Attempt: w.a.id, Req: reqID, Tick: int(tickType), Attr: int(tickAttrib),
		IV: opt(impliedVol), Delta: opt(delta), OptPrice: opt(optPrice), PvDiv: opt(pvDividend),
		Gamma: opt(gamma), Vega: opt(vega), Theta: opt(theta), UndPrice: opt(undPrice),
	})
}

// TickGeneric forwards a generic tick (e.g. implied volatility 24).
func (w *wrapper) TickGeneric(reqID ibapi.TickerID, tickType ibapi.TickType, value float64) {
	defer w.guard("TickGeneric")
	if !usable(value) {
		return
	}
	w.a.emit(linkproto.TickGeneric{Attempt: w.a.id, Req: reqID, Tick: int(tickType), Value: value})
}

// TickString forwards a string tick (e.g. last timestamp 45).
func (w *wrapper) TickString(reqID ibapi.TickerID, tickType ibapi.TickType, value string) {
	defer w.guard("TickString")
	w.a.emit(linkproto.TickString{Attempt: w.a.id, Req: reqID, Tick: int(tickType), Value: value})
}

// TickReqParams forwards the minimum tick and BBO exchange of a subscription.
func (w *wrapper) TickReqParams(tickerID ibapi.TickerID, minTick float64, bboExchange string, snapshotPermissions int64) {
	defer w.guard("TickReqParams")
	w.a.emit(linkproto.TickReqParams{Attempt: w.a.id, Req: tickerID, MinTick: finite(minTick), BBOExchange: bboExchange, Permissions: snapshotPermissions})
}

// MarketDataType forwards the data mode TWS uses for one subscription.
func (w *wrapper) MarketDataType(reqID int64, marketDataType int64) {
	defer w.guard("MarketDataType")
	w.a.emit(linkproto.MktDataType{Attempt: w.a.id, Req: reqID, Type: linkproto.MarketDataType(marketDataType)})
}

// TickSnapshotEnd ends a snapshot request.
func (w *wrapper) TickSnapshotEnd(reqID int64) {
	defer w.guard("TickSnapshotEnd")
	w.a.emit(linkproto.SnapshotEnd{Attempt: w.a.id, Req: reqID})
}

// ContractDetails forwards one contract row.
func (w *wrapper) ContractDetails(reqID int64, cd *ibapi.ContractDetails) {
	defer w.guard("ContractDetails")
	if cd == nil { // possible in protobuf mode
		return
	}
	w.a.emit(linkproto.ContractData{Attempt: w.a.id, Req: reqID, Details: fromIBDetails(cd, w.a.version)})
}

// ContractDetailsEnd ends a contract details request.
func (w *wrapper) ContractDetailsEnd(reqID int64) {
	defer w.guard("ContractDetailsEnd")
	w.a.emit(linkproto.ContractDataEnd{Attempt: w.a.id, Req: reqID})
}

// SecurityDefinitionOptionParameter forwards one option-chain row.
func (w *wrapper) SecurityDefinitionOptionParameter(reqID int64, exchange string, underlyingConID int64, tradingClass string, multiplier string, expirations []string, strikes []float64) {
	defer w.guard("SecurityDefinitionOptionParameter")
	p := linkproto.OptionParams{
		Exchange: exchange, UnderConID: underlyingConID, TradingClass: tradingClass, Multiplier: multiplier,
		Expirations: append([]string{}, expirations...),
		Strikes:     make([]float64, 0, len(strikes)),
	}
	for _, s := range strikes {
		if usable(s) {
			p.Strikes = append(p.Strikes, s)
		}
	}
	w.a.emit(linkproto.SecDefOptParams{Attempt: w.a.id, Req: reqID, Params: p})
}

// SecurityDefinitionOptionParameterEnd ends an option-chain request.
func (w *wrapper) SecurityDefinitionOptionParameterEnd(reqID int64) {
	defer w.guard("SecurityDefinitionOptionParameterEnd")
	w.a.emit(linkproto.SecDefOptParamsEnd{Attempt: w.a.id, Req: reqID})
}

// SymbolSamples forwards a symbol search answer.
func (w *wrapper) SymbolSamples(reqID int64, contractDescriptions []ibapi.ContractDescription) {
	defer w.guard("SymbolSamples")
	out := make([]linkproto.SymbolSample, 0, len(contractDescriptions))
	for _, d := range contractDescriptions {
		out = append(out, linkproto.SymbolSample{
			ConID: d.Contract.ConID, Symbol: d.Contract.Symbol, SecType: d.Contract.SecType,
			PrimaryExch: d.Contract.PrimaryExchange, Currency: d.Contract.Currency,
			Derivatives: append([]string(nil), d.DerivativeSecTypes...),
			Description: d.Contract.Description,
		})
	}
	w.a.emit(linkproto.SymbolSamples{Attempt: w.a.id, Req: reqID, Samples: out})
}

// ConnectionClosed is informational: the relay has normally reported the
// close already (it sees TWS's EOF first, or caused the close itself). If it
// has not, the library closed on its own and that is the report.
func (w *wrapper) ConnectionClosed() {
	defer w.guard("ConnectionClosed")
	if !w.a.isClosed() {
		w.a.finish(linkproto.Closed{Cause: linkproto.CauseLibrary, Detail: "client library closed the connection"})
	}
}

// ConnectAck needs no report: linkproto.Handshake and linkproto.Ready bracket it.
func (w *wrapper) ConnectAck() {}
