package link

import (
	"fmt"
	"strings"

	"github.com/scmhub/ibapi"

	"github.com/ibwatch/ibwatch/conn/internal/linkproto"
)

// Requests reach the EClient only through the attempt's sender goroutine:
// Req* calls block forever once TWS stops reading, and the command loop must
// stay free to answer pings and drops. ibwatch is read-only by construction:
// nothing in this package calls an order method of the EClient.

// request queues a data request for its attempt's sender. Requests for a
// stale, closed or not yet ready attempt are ignored (the parent only sends
// them after linkproto.Ready; a late one after a close is normal).
func (l *link) request(msg linkproto.Msg) {
	var a uint64
	var call func(*ibapi.EClient)
	switch m := msg.(type) {
	case *linkproto.ReqCurrentTime:
		a = m.Attempt
		call = func(ec *ibapi.EClient) { ec.ReqCurrentTime() }
	case *linkproto.ReqMktData:
		a = m.Attempt
		c := toIBContract(m.Contract)
		r, gen, snap := m.Req, noNUL(m.Generic), m.Snapshot
		call = func(ec *ibapi.EClient) { ec.ReqMktData(r, c, gen, snap, false, nil) }
	case *linkproto.CancelMktData:
		a = m.Attempt
		r := m.Req
		call = func(ec *ibapi.EClient) { ec.CancelMktData(r) }
	case *linkproto.ReqMktDataType:
		a = m.Attempt
		t := int64(m.Type)
		call = func(ec *ibapi.EClient) { ec.ReqMarketDataType(t) }
	case *linkproto.ReqContractDetails:
		a = m.Attempt
		c := toIBContract(m.Contract)
		r := m.Req
		call = func(ec *ibapi.EClient) { ec.ReqContractDetails(r, c) }
	case *linkproto.ReqSecDefOptParams:
		a = m.Attempt
		r, sym, exch, st, con := m.Req, noNUL(m.Symbol), noNUL(m.FutFopExch), noNUL(m.SecType), m.UnderConID
		call = func(ec *ibapi.EClient) { ec.ReqSecDefOptParams(r, sym, exch, st, con) }
	case *linkproto.ReqMatchingSymbols:
		a = m.Attempt
		r, pat := m.Req, noNUL(m.Pattern)
		call = func(ec *ibapi.EClient) { ec.ReqMatchingSymbols(r, pat) }
	default:
		// A report type sent as a command: the parent is confused.
		l.fatal(ExitBadCommand, fmt.Sprintf("unexpected command %T", msg))
		return
	}
	att := l.current(a)
	if att == nil || !att.ready.Load() {
		return
	}
	select {
	case att.sendq <- call:
	default:
		l.fatal(ExitFatal, "send queue full: TWS stopped reading")
	}
}

// sender makes the attempt's library calls in order, after Connect has
// returned. It ends when the attempt closes; a call stuck inside the library
// stays stuck until the process is replaced.
func (a *attempt) sender(ec *ibapi.EClient, connected <-chan struct{}) {
	defer a.l.recoverGoroutine("sender")
	select {
	case <-connected:
	case <-a.ctx.Done():
		return
	}
	for {
		select {
		case call := <-a.sendq:
			if a.isClosed() {
				return
			}
			call(ec)
		case <-a.ctx.Done():
			return
		}
	}
}

// toIBContract converts our contract for a request. Strike 0 means unset and
// goes out as an empty field. NUL bytes would break TWS's framing, so they
// are removed from every string.
func toIBContract(c linkproto.Contract) *ibapi.Contract {
	ic := ibapi.NewContract() // Strike = UNSET_FLOAT
	ic.ConID = c.ConID
	ic.Symbol = noNUL(c.Symbol)
	ic.SecType = noNUL(c.SecType)
	ic.LastTradeDateOrContractMonth = noNUL(c.Expiry)
	if c.Strike != 0 {
		ic.Strike = c.Strike
	}
	ic.Right = noNUL(c.Right)
	ic.Multiplier = noNUL(c.Multiplier)
	ic.Exchange = noNUL(c.Exchange)
	ic.PrimaryExchange = noNUL(c.PrimaryExch)
	ic.Currency = noNUL(c.Currency)
	ic.LocalSymbol = noNUL(c.LocalSymbol)
	ic.TradingClass = noNUL(c.TradingClass)
	return ic
}

func noNUL(s string) string {
	if strings.IndexByte(s, 0) < 0 {
		return s
	}
	return strings.ReplaceAll(s, "\x00", "")
}
