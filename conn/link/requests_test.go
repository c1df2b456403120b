package link

import (
	"math"
	"strings"
	"testing"
	"time"

	"github.com/ibwatch/ibwatch/conn/internal/linkproto"
)

var aapl = linkproto.Contract{Symbol: "AAPL", SecType: "STK", Exchange: "SMART", Currency: "USD"}

// Requests go through the EClient's Req* calls and the answers come back
// through the wrapper as reports for the right attempt and request id.
func TestIntegrationDataRequestsRoundTrip(t *testing.T) {
	srv := startSim(t)
	p := startLink(t)
	connectReady(t, p, srv, 1, 1)

	// Contract details, with LongName repaired from the library's garbling.
	p.send(linkproto.ReqContractDetails{Attempt: 1, Req: 11, Contract: aapl})
	cd := waitFor(p, func(m linkproto.ContractData) bool { return m.Req == 11 }).Details
	waitFor(p, func(m linkproto.ContractDataEnd) bool { return m.Req == 11 })
	if cd.Contract.Symbol != "AAPL" || cd.Contract.ConID <= 0 {
		t.Fatalf("contract details %+v", cd)
	}
	if cd.LongName == "" || strings.HasPrefix(cd.LongName, "[") {
		t.Errorf("LongName %q: not repaired", cd.LongName)
	}
	t.Logf("AAPL: conId %d, long name %q, min tick %v", cd.Contract.ConID, cd.LongName, cd.MinTick)

	// Option chain parameters for the underlying.
	p.send(linkproto.ReqSecDefOptParams{Attempt: 1, Req: 12, Symbol: "AAPL", SecType: "STK", UnderConID: cd.Contract.ConID})
	sd := waitFor(p, func(m linkproto.SecDefOptParams) bool { return m.Req == 12 }).Params
	waitFor(p, func(m linkproto.SecDefOptParamsEnd) bool { return m.Req == 12 })
	if len(sd.Expirations) == 0 || len(sd.Strikes) == 0 || sd.UnderConID != cd.Contract.ConID {
		t.Fatalf("sec def params %+v", sd)
	}

	// Symbol search.
	p.send(linkproto.ReqMatchingSymbols{Attempt: 1, Req: 13, Pattern: "AAP"})
	ss := waitFor(p, func(m linkproto.SymbolSamples) bool { return m.Req == 13 })
	found := false
	for _, s := range ss.Samples {
		found = found || (s.Symbol == "AAPL" && s.ConID == cd.Contract.ConID)
	}
	if !found {
		t.Errorf("symbol samples %+v lack AAPL", ss.Samples)
	}

	// Streaming stock quotes, then cancel.
	p.send(linkproto.ReqMktData{Attempt: 1, Req: 14, Contract: aapl})
	tp := waitFor(p, func(m linkproto.TickPrice) bool { return m.Req == 14 && m.Price > 0 })
	waitFor(p, func(m linkproto.TickSize) bool { return m.Req == 14 })
	waitFor(p, func(m linkproto.MktDataType) bool { return m.Req == 14 && m.Type == linkproto.MDLive })
	t.Logf("AAPL tick %d price %v", tp.Tick, tp.Price)
	p.send(linkproto.CancelMktData{Attempt: 1, Req: 14})
	heartbeat(t, p, 1) // TWS handles requests in order: the cancel is done
	mark := p.mark()
	if _, ok := lookAfter(p, mark, 700*time.Millisecond, func(m linkproto.TickPrice) bool { return m.Req == 14 }); ok {
		t.Errorf("ticks for request 14 after its cancel was processed")
	}

	// An option: the strike goes out as a number, greeks come back.
	// Not every strike is listed for every expiry (TWS reports a cross
	// product): take a monthly expiry and a $10 strike near the money.
	exp, strike := "", 0.0
	for _, e := range sd.Expirations {
		if d := e[6:]; d >= "15" && d <= "21" {
			exp = e
			break
		}
	}
	for _, k := range sd.Strikes {
		if math.Mod(k, 10) == 0 && math.Abs(k-tp.Price) < math.Abs(strike-tp.Price) {
			strike = k
		}
	}
	if exp == "" || strike == 0 {
		t.Fatalf("no monthly expiry or $10 strike in %+v", sd)
	}
	opt := linkproto.Contract{Symbol: "AAPL", SecType: "OPT", Expiry: exp, Strike: strike, Right: "C", Multiplier: "100", Exchange: "SMART", Currency: "USD"}
	p.send(linkproto.ReqMktData{Attempt: 1, Req: 15, Contract: opt, Snapshot: true})
	to := waitFor(p, func(m linkproto.TickOption) bool { return m.Req == 15 && m.IV != nil && m.Delta != nil })
	waitFor(p, func(m linkproto.SnapshotEnd) bool { return m.Req == 15 })
	t.Logf("AAPL %s %v C: tick %d iv %v delta %v", exp, strike, to.Tick, *to.IV, *to.Delta)
	if *to.Delta <= 0 || *to.Delta >= 1 {
		t.Errorf("call delta %v outside (0,1)", *to.Delta)
	}

	// Delayed data mode reaches TWS and is reflected on the next request.
	p.send(linkproto.ReqMktDataType{Attempt: 1, Type: linkproto.MDDelayed})
	p.send(linkproto.ReqMktData{Attempt: 1, Req: 16, Contract: aapl, Snapshot: true})
	waitFor(p, func(m linkproto.MktDataType) bool { return m.Req == 16 })
	waitFor(p, func(m linkproto.SnapshotEnd) bool { return m.Req == 16 })

	if n := count[linkproto.Closed](p, nil); n != 0 {
		t.Errorf("attempt closed during requests")
	}
}
