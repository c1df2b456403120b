package twsim

import (
	"slices"
	"strings"
	"time"

	"github.com/ibwatch/ibwatch/conn/twsim/market"
	"github.com/ibwatch/ibwatch/conn/wire"
)

// Client → server request ids of the account, order and history requests.
const (
	outReqOpenOrders          = 5
	outReqAcctData            = 6
	outReqExecutions          = 7
	outReqAutoOpenOrders      = 15
	outReqAllOpenOrders       = 16
	outReqHistoricalData      = 20
	outCancelHistoricalData   = 25
	outReqPositions           = 61
	outReqAccountSummary      = 62
	outCancelAccountSummary   = 63
	outCancelPositions        = 64
	outReqPositionsMulti      = 74
	outCancelPositionsMulti   = 75
	outReqAcctUpdatesMulti    = 76
	outCancelAcctUpdatesMulti = 77
	outReqHeadTimestamp       = 87
	outCancelHeadTimestamp    = 90
	outReqPnL                 = 92
	outCancelPnL              = 93
	outReqPnLSingle           = 94
	outCancelPnLSingle        = 95
	outReqCompletedOrders     = 99
)

// accountUpdateEvery is how often TWS repeats account values and portfolio
// rows to a reqAccountUpdates subscriber when nothing else triggers them.
const accountUpdateEvery = 3 * time.Minute

// dispatchAccountLocked serves the account, order and history requests; it
// reports false for an id it does not handle.
func (ss *session) dispatchAccountLocked(id int, f *fields) bool {
	switch id {
	case outReqPositions:
		ss.posSub = true
		ss.positionsLocked()
	case outCancelPositions:
		ss.posSub = false
	case outReqAcctData:
		ss.reqAccountUpdatesLocked(f)
	case outReqAcctUpdatesMulti:
		ss.reqAccountUpdatesMultiLocked(f)
	case outReqAccountSummary:
		ss.reqAccountSummaryLocked(f)
	case outReqPositionsMulti:
		ss.reqPositionsMultiLocked(f)
	case outReqExecutions:
		f.int() // version
		ss.enqueueLocked(wire.Encode(inExecutionDataEnd, 1, f.int()))
	case outReqOpenOrders, outReqAllOpenOrders:
		ss.enqueueLocked(wire.Encode(inOpenOrderEnd, 1)) // no open orders: the API is read-only
	case outReqCompletedOrders:
		ss.enqueueLocked(wire.Encode(inCompletedOrdersEnd))
	case outReqAutoOpenOrders:
		// Binds future TWS orders to client 0; there are none, so TWS
		// sends nothing.
	case outReqPnL:
		reqID := f.int()
		ss.pnl[reqID] = &pnlSub{}
		ss.pnlUpdateLocked(reqID, time.Now())
	case outReqPnLSingle:
		reqID := f.int()
		f.skip(2) // account, modelCode
		ss.pnl[reqID] = &pnlSub{conID: f.int()}
		ss.pnlUpdateLocked(reqID, time.Now())
	case outCancelPnL, outCancelPnLSingle:
		delete(ss.pnl, f.int())
	case outCancelAcctUpdatesMulti, outCancelPositionsMulti, outCancelAccountSummary:
		// one-shot answers here: nothing left to stop
	default:
		return ss.dispatchHistoryLocked(id, f)
	}
	return true
}

// positionsLocked answers reqPositions: one POSITION per holding and
// account, then POSITION_END.
//
//	61, 3, account, conId, symbol, secType, expiry, strike, right, multiplier,
//	exchange, currency, localSymbol, tradingClass, position, avgCost
func (ss *session) positionsLocked() {
	v := ss.s.valueLocked()
	for _, acct := range ss.s.cfg.Accounts {
		for _, h := range v.pos {
			ss.enqueueLocked(positionFields(acct, h.st, h.Qty, h.AvgCost))
		}
	}
	ss.enqueueLocked(wire.Encode(inPositionEnd, 1))
}

// positionFields encodes one POSITION of a stock.
func positionFields(acct string, st market.Stock, qty, cost float64) []byte {
	return wire.Encode(inPositionData, 3, acct, st.ConID, st.Symbol, "STK", "", 0, "", "",
		st.PrimaryExch, "USD", st.Symbol, "NMS", qty, cost)
}

// portfolioChangedLocked tells subscribers about a new portfolio: a
// POSITION per holding (position 0 for one that is gone) to reqPositions
// subscribers, a fresh round to reqAccountUpdates subscribers.
func (ss *session) portfolioChangedLocked(old []Holding) {
	if ss.posSub {
		v := ss.s.valueLocked()
		kept := map[string]bool{}
		for _, h := range v.pos {
			kept[h.Symbol] = true
		}
		for _, acct := range ss.s.cfg.Accounts {
			for _, h := range v.pos {
				ss.enqueueLocked(positionFields(acct, h.st, h.Qty, h.AvgCost))
			}
			for _, h := range old {
				if st, ok := ss.s.uni.Stock(h.Symbol); ok && !kept[h.Symbol] {
					ss.enqueueLocked(positionFields(acct, st, 0, 0))
				}
			}
		}
	}
	if ss.acctSub != "" {
		ss.accountUpdatesLocked(time.Now())
	}
}

// accountFor returns the account a request names: "" means the first.
func (ss *session) accountFor(name string) (string, bool) {
	name = strings.TrimSpace(name)
	if name == "" {
		return ss.s.cfg.Accounts[0], true
	}
	return name, slices.Contains(ss.s.cfg.Accounts, name)
}

// reqAccountUpdatesLocked answers reqAccountUpdates (6, 2, subscribe,
// account): account values, portfolio rows, the update time and
// ACCT_DOWNLOAD_END; TWS repeats the values every three minutes while
// subscribed.
func (ss *session) reqAccountUpdatesLocked(f *fields) {
	f.int() // version
	sub := f.bool()
	acct, ok := ss.accountFor(f.str())
	if !sub {
		ss.acctSub = ""
		return
	}
	if !ok {
		ss.validationErrorLocked(-1, tagFor(outReqAcctData), "Invalid account code "+clip(acct))
		return
	}
	ss.acctSub = acct
	ss.accountUpdatesLocked(time.Now())
	ss.enqueueLocked(wire.Encode(inAcctDownloadEnd, 1, acct))
}

// accountUpdatesLocked sends one round of account values and portfolio rows.
//
//	6, 2, key, value, currency, account
//	7, 8, conId, symbol, secType, expiry, strike, right, multiplier, primaryExch,
//	currency, localSymbol, tradingClass, position, marketPrice, marketValue,
//	averageCost, unrealizedPNL, realizedPNL, account
//	8, 1, HH:mm
func (ss *session) accountUpdatesLocked(wall time.Time) {
	s := ss.s
	acct := ss.acctSub
	v := s.valueLocked()
	for _, r := range v.accountRows(acct) {
		ss.enqueueLocked(wire.Encode(inAcctValue, 2, r.key, r.val, r.cur, acct))
	}
	for _, h := range v.pos {
		ss.enqueueLocked(wire.Encode(inPortfolioValue, 8, h.st.ConID, h.Symbol, "STK", "", 0, "", "",
			h.st.PrimaryExch, "USD", h.Symbol, "NMS", h.Qty, h.price, round2(h.value), h.AvgCost,
			round2(h.unreal), 0, acct))
	}
	ss.enqueueLocked(wire.Encode(inAcctUpdateTime, 1, s.now().In(market.Eastern()).Format("15:04")))
	ss.acctAt = wall
}

// reqAccountUpdatesMultiLocked answers reqAccountUpdatesMulti (76, 1,
// reqId, account, modelCode, ledgerAndNLV) with ACCOUNT_UPDATE_MULTI rows
// and the end. ledgerAndNLV keeps only cash and net liquidation.
//
//	73, 1, reqId, account, modelCode, key, value, currency
func (ss *session) reqAccountUpdatesMultiLocked(f *fields) {
	f.int() // version
	reqID := f.int()
	name, model := strings.TrimSpace(f.str()), f.str()
	ledger := f.bool()
	accts := ss.s.cfg.Accounts
	if name != "" && !strings.EqualFold(name, "All") {
		if !slices.Contains(accts, name) {
			ss.validationErrorLocked(reqID, tagFor(outReqAcctUpdatesMulti), "Invalid account code "+clip(name))
			return
		}
		accts = []string{name}
	}
	v := ss.s.valueLocked()
	for _, acct := range accts {
		for _, r := range v.accountRows(acct) {
			if ledger && r.key != "TotalCashBalance" && r.key != "NetLiquidation" && r.key != "CashBalance" {
				continue
			}
			ss.enqueueLocked(wire.Encode(inAccountUpdateMulti, 1, reqID, acct, model, r.key, r.val, r.cur))
		}
	}
	ss.enqueueLocked(wire.Encode(inAcctUpdateMultiEnd, 1, reqID))
}

// reqAccountSummaryLocked answers reqAccountSummary (62, 1, reqId, group,
// tags): one row per account and known tag, then the end.
//
//	63, 1, reqId, account, tag, value, currency
func (ss *session) reqAccountSummaryLocked(f *fields) {
	f.int() // version
	reqID := f.int()
	f.str() // group: "All" or an FA group; every account is reported
	tags := expandTags(f.str())
	v := ss.s.valueLocked()
	for _, acct := range ss.s.cfg.Accounts {
		for _, t := range tags {
			if val, cur, ok := v.summaryValue(t); ok {
				ss.enqueueLocked(wire.Encode(inAccountSummary, 1, reqID, acct, t, val, cur))
			}
		}
	}
	ss.enqueueLocked(wire.Encode(inAccountSummaryEnd, 1, reqID))
}

// reqPositionsMultiLocked answers reqPositionsMulti (74, 1, reqId, account,
// modelCode).
//
//	71, 1, reqId, account, conId, symbol, secType, expiry, strike, right,
//	multiplier, exchange, currency, localSymbol, tradingClass, position,
//	avgCost, modelCode
func (ss *session) reqPositionsMultiLocked(f *fields) {
	f.int() // version
	reqID := f.int()
	name, model := strings.TrimSpace(f.str()), f.str()
	accts := ss.s.cfg.Accounts
	if name != "" && !strings.EqualFold(name, "All") {
		accts = slices.DeleteFunc(slices.Clone(accts), func(a string) bool { return a != name })
	}
	v := ss.s.valueLocked()
	for _, acct := range accts {
		for _, h := range v.pos {
			ss.enqueueLocked(wire.Encode(inPositionMulti, 1, reqID, acct, h.st.ConID, h.Symbol, "STK", "", 0, "", "",
				h.st.PrimaryExch, "USD", h.Symbol, "NMS", h.Qty, h.AvgCost, model))
		}
	}
	ss.enqueueLocked(wire.Encode(inPositionMultiEnd, 1, reqID))
}
