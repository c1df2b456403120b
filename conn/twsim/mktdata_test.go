//go:build !race

package twsim

import (
	"math"
	"strings"
	"testing"
	"time"
)

// movingClock runs simulated time 100× faster than the wall clock, so the
// random walk moves between 20 ms ticks.
func near(a, b float64) bool { return math.Abs(a-b) < 1e-9 }

// TestStockSnapshotValues: with a frozen clock the snapshot carries exactly
// the market's quote.
func TestStockSnapshotValues(t *testing.T) {
	s := startSim(t, Config{})
	c := dial(t, s, 1)
	c.c.ReqMktData(1, stk("AAPL"), "", true, false, nil)
	c.r.wait(t, "snapshot end", isKindReq("snapend", 1))
	q, _ := s.Market().Quote("AAPL")
	if e := c.r.wait(t, "reqparams", isKindReq("reqparams", 1)); e.f != 0.01 || e.n != 3 {
		t.Errorf("TickReqParams %+v", e)
	}
	if e := c.r.wait(t, "mdtype", isKindReq("mdtype", 1)); e.n != 1 {
		t.Errorf("market data type %d", e.n)
	}
	for _, tc := range []struct {
		kind string
		tick int64
		want float64
	}{
		{"price", 1, q.Bid}, {"price", 2, q.Ask}, {"price", 4, q.Last}, {"price", 9, q.Close},
		{"price", 6, q.High}, {"price", 7, q.Low}, {"price", 14, q.Open},
		{"size", 0, q.BidSize}, {"size", 3, q.AskSize}, {"size", 5, q.LastSize}, {"size", 8, q.Volume},
	} {
		e := c.r.all(isTick(tc.kind, 1, tc.tick))
		if len(e) != 1 || !near(e[0].f, tc.want) {
			t.Errorf("%s tick %d: %v, want %v", tc.kind, tc.tick, e, tc.want)
		}
	}
	if n := s.State().Sessions[0].Lines; n != 0 {
		t.Errorf("%d lines after the snapshot", n)
	}
	c.c.ReqMktData(2, stk("AAPL"), "106", true, false, nil)
	e := c.r.wait(t, "321", isErr(2, 321))
	if e.text != "Error validating request.-'bQ' : cause - Snapshot market data subscription is not applicable to generic ticks" {
		t.Errorf("text %q", e.text)
	}
}

func TestStreamingAndCancel(t *testing.T) {
	s := startSim(t, Config{Now: movingClock()})
	c := dial(t, s, 1)
	c.c.ReqMktData(1, stk("SPY"), "106", false, false, nil)
	c.r.waitN(t, "streaming bid updates", 3, isTick("price", 1, 1))
	if e := c.r.wait(t, "implied vol", isTick("generic", 1, 24)); e.f <= 0 {
		t.Errorf("implied vol %v", e.f)
	}
	if n := s.State().Sessions[0].Lines; n != 1 {
		t.Errorf("%d lines", n)
	}
	c.c.CancelMktData(1)
	c.c.ReqCurrentTime() // a barrier: the cancel was processed before this
	c.r.wait(t, "CurrentTime", isKind("time"))
	n := len(c.r.all(isKindReq("price", 1)))
	quietN(t, c, "ticks after cancel", 200*time.Millisecond, n, isKindReq("price", 1))
	c.c.CancelMktData(1)
	if e := c.r.wait(t, "300", isErr(1, 300)); e.text != "Can't find EId with ticker Id:1" {
		t.Errorf("text %q", e.text)
	}
}

func TestOptionMarketData(t *testing.T) {
	s := startSim(t, Config{})
	u := s.Universe()
	c := dial(t, s, 1)
	exp := u.Expirations("AAPL", fixedNow)[2]
	strikes := u.Strikes("AAPL", exp, fixedNow)
	for i, right := range []byte{'C', 'P'} {
		o, _ := u.Option("AAPL", exp, right, strikes[len(strikes)/2], fixedNow)
		req := int64(10 + i)
		c.c.ReqMktData(req, opt("AAPL", exp, string(right), o.Strike), "101", false, false, nil)
		oq, _ := s.Market().OptionQuote(o, fixedNow)
		for _, tick := range []int64{10, 11, 12, 13} {
			e := c.r.wait(t, "option computation", isTick("optcomp", req, tick))
			v := e.vals
			if !near(v[0], oq.IV) || !near(v[1], oq.Delta) || !near(v[4], oq.Gamma) || !near(v[5], oq.Vega) ||
				!near(v[6], oq.Theta) || !near(v[7], oq.UndPrice) || !near(v[3], oq.PvDiv) {
				t.Errorf("tick %d: %v, want %+v", tick, v, oq)
			}
		}
		if e := c.r.wait(t, "model price", isTick("optcomp", req, 13)); !near(e.vals[2], oq.OptPrice) {
			t.Errorf("model price %v, want %v", e.vals[2], oq.OptPrice)
		}
		oiTick := int64(27)
		if right == 'P' {
			oiTick = 28
		}
		if e := c.r.wait(t, "open interest", isTick("size", req, oiTick)); !near(e.f, oq.OpenInterest) {
			t.Errorf("open interest %v, want %v", e.f, oq.OpenInterest)
		}
		if e := c.r.wait(t, "bid", isTick("price", req, 1)); !near(e.f, oq.Bid) {
			t.Errorf("bid %v, want %v", e.f, oq.Bid)
		}
	}
	c.c.ReqMktData(20, opt("AAPL", exp, "C", 0), "", false, false, nil)
	c.r.wait(t, "200 for an ambiguous option", isErr(20, 200))
}

func TestDelayedData(t *testing.T) {
	s := startSim(t, Config{})
	u := s.Universe()
	roku, _ := u.Stock("ROKU")
	if roku.Live {
		t.Fatal("ROKU has a live subscription in the default universe")
	}
	c := dial(t, s, 1)
	c.c.ReqMktData(1, stk("ROKU"), "", false, false, nil)
	e := c.r.wait(t, "10089", isErr(1, 10089))
	if !strings.HasPrefix(e.text, "Requested market data requires additional subscription for API.") {
		t.Errorf("text %q", e.text)
	}
	if n := s.State().Sessions[0].Lines; n != 0 {
		t.Errorf("10089 left %d lines", n)
	}

	c.c.ReqMarketDataType(3)
	c.c.ReqMktData(2, stk("ROKU"), "", false, false, nil)
	c.r.wait(t, "10167", isErr(2, 10167))
	if e := c.r.wait(t, "mdtype", isKindReq("mdtype", 2)); e.n != 3 {
		t.Errorf("market data type %d, want 3", e.n)
	}
	q, _ := s.Market().Quote("ROKU")
	for _, tc := range []struct {
		kind string
		tick int64
		want float64
	}{{"price", 66, q.Bid}, {"price", 67, q.Ask}, {"price", 68, q.Last}, {"price", 75, q.Close}, {"size", 69, q.BidSize}, {"size", 74, q.Volume}} {
		if e := c.r.wait(t, "delayed tick", isTick(tc.kind, 2, tc.tick)); !near(e.f, tc.want) {
			t.Errorf("tick %d = %v, want %v", tc.tick, e.f, tc.want)
		}
	}
	// The delayed last timestamp is the trade's time, 15 minutes back.
	if e := c.r.wait(t, "delayed last timestamp", isTick("string", 2, 88)); e.text != itoa(q.LastTime.Add(-15*time.Minute).Unix()) {
		t.Errorf("tick 88 = %s, want the trade time %v less 15 minutes", e.text, q.LastTime)
	}
	if n := len(c.r.all(isTick("price", 2, 1))); n != 0 {
		t.Error("live bid sent for delayed data")
	}
	// Delayed option computations are 80-83.
	exp := u.Expirations("ROKU", fixedNow)[0]
	k := u.Strikes("ROKU", exp, fixedNow)
	c.c.ReqMktData(3, opt("ROKU", exp, "C", k[len(k)/2]), "101", false, false, nil)
	for _, tick := range []int64{80, 81, 82, 83} {
		c.r.wait(t, "delayed option computation", isTick("optcomp", 3, tick))
	}
	c.r.wait(t, "open interest with delayed data", isTick("size", 3, 27))
	// A live symbol still streams live data under type 3.
	c.c.ReqMktData(4, stk("AAPL"), "", false, false, nil)
	if e := c.r.wait(t, "mdtype", isKindReq("mdtype", 4)); e.n != 1 {
		t.Errorf("AAPL under type 3: market data type %d, want 1", e.n)
	}
	c.r.wait(t, "live bid", isTick("price", 4, 1))
}

// TestFrozenData: types 2 and 4 stream like 1 and 3 while the market
// trades; while it is closed they send the last values once, marked frozen.
func TestFrozenData(t *testing.T) {
	s := startSim(t, Config{Now: movingClock()})
	c := dial(t, s, 1)
	c.c.ReqMarketDataType(2)
	c.c.ReqMktData(1, stk("AAPL"), "", false, false, nil)
	if e := c.r.wait(t, "mdtype", isKindReq("mdtype", 1)); e.n != 1 {
		t.Errorf("type 2 in trading hours: type %d, want 1", e.n)
	}
	c.r.waitN(t, "streaming bids", 2, isTick("price", 1, 1))

	sat := time.Date(2026, time.March, 14, 15, 0, 0, 0, time.UTC)
	t0 := time.Now()
	s2 := startSim(t, Config{Now: func() time.Time { return sat.Add(100 * time.Since(t0)) }})
	c2 := dial(t, s2, 1)
	c2.c.ReqMarketDataType(2)
	c2.c.ReqMktData(1, stk("AAPL"), "", false, false, nil)
	if e := c2.r.wait(t, "mdtype", isKindReq("mdtype", 1)); e.n != 2 {
		t.Errorf("type 2 on a Saturday: type %d, want 2", e.n)
	}
	c2.r.wait(t, "frozen bid", isTick("price", 1, 1))
	quietN(t, c2, "a second frozen bid", 300*time.Millisecond, 1, isTick("price", 1, 1))

	c2.c.ReqMarketDataType(4)
	c2.c.ReqMktData(2, stk("ROKU"), "", false, false, nil)
	c2.r.wait(t, "10167", isErr(2, 10167))
	if e := c2.r.wait(t, "mdtype", isKindReq("mdtype", 2)); e.n != 4 {
		t.Errorf("type %d, want 4", e.n)
	}
	c2.r.wait(t, "delayed frozen bid", isTick("price", 2, 66))
	quietN(t, c2, "a second delayed-frozen bid", 300*time.Millisecond, 1, isTick("price", 2, 66))
	// Type 1 on a Saturday: the last values, then nothing: nothing trades.
	c2.c.ReqMarketDataType(1)
	c2.c.ReqMktData(3, stk("MSFT"), "", false, false, nil)
	c2.r.wait(t, "closing bid", isTick("price", 3, 1))
	stamp := c2.r.wait(t, "last trade time", isTick("string", 3, 45))
	if want := "1773446400"; stamp.text != want { // Friday 13 March, 20:00 New York
		t.Errorf("last trade time %s, want %s (Friday's close of extended hours)", stamp.text, want)
	}
	quietN(t, c2, "a trade on a Saturday", 300*time.Millisecond, 1, isTick("string", 3, 45))
}

func TestMarketDataErrors(t *testing.T) {
	s := startSim(t, Config{MaxLines: 2})
	c := dial(t, s, 1)
	c.c.ReqMktData(1, stk("AAPL"), "", false, false, nil)
	c.c.ReqMktData(1, stk("MSFT"), "", false, false, nil)
	if e := c.r.wait(t, "322", isErr(1, 322)); e.text != "Error processing request.-'bR' : cause - Duplicate ticker id" {
		t.Errorf("text %q", e.text)
	}
	c.c.ReqMktData(2, stk("MSFT"), "", false, false, nil)
	c.c.ReqMktData(3, stk("NVDA"), "", false, false, nil)
	if e := c.r.wait(t, "101", isErr(3, 101)); e.text != "Max number of tickers has been reached" {
		t.Errorf("text %q", e.text)
	}
	c.c.ReqMktData(4, stk("NOSUCH"), "", false, false, nil)
	c.r.wait(t, "200", isErr(4, 200))
	c.c.CancelMktData(99)
	c.r.wait(t, "300", isErr(99, 300))
}

// TestDataStopsWithLinkAndFarm: no ticks while the IB link is down or the
// farm is broken; 1102 resumes, 1101 forgets the subscriptions.
func TestDataStopsWithLinkAndFarm(t *testing.T) {
	s := startSim(t, Config{Now: movingClock()})
	c := dial(t, s, 1)
	count := func() int { return len(c.r.all(isKindReq("price", 1))) }
	barrier := func() {
		n := len(c.r.all(isKind("time")))
		c.c.ReqCurrentTime()
		c.r.waitN(t, "CurrentTime", n+1, isKind("time"))
	}
	c.c.ReqMktData(1, stk("SPY"), "", false, false, nil)
	c.r.waitN(t, "ticks", 3, isTick("price", 1, 1))

	s.IBLinkLost()
	barrier()
	quietN(t, c, "ticks while the link is down", 200*time.Millisecond, count(), isKindReq("price", 1))
	s.IBLinkRestored(true)
	c.r.waitN(t, "ticks after 1102", count()+2, isKindReq("price", 1))

	s.SetFarm("usfarm", false)
	barrier()
	quietN(t, c, "ticks while usfarm is broken", 200*time.Millisecond, count(), isKindReq("price", 1))
	s.SetFarm("usfarm", true)
	c.r.waitN(t, "ticks after 2104", count()+2, isKindReq("price", 1))

	s.IBLinkLost()
	s.IBLinkRestored(false)
	c.r.wait(t, "1101", isErr(-1, 1101))
	if n := s.State().Sessions[0].Lines; n != 0 {
		t.Errorf("%d lines after 1101", n)
	}
	barrier()
	quietN(t, c, "ticks after 1101", 200*time.Millisecond, count(), isKindReq("price", 1))
	c.c.ReqMktData(1, stk("SPY"), "", false, false, nil) // the same id is free again
	c.r.waitN(t, "ticks after resubscribing", count()+1, isKindReq("price", 1))
}

func TestRateLimit(t *testing.T) {
	s := startSim(t, Config{})
	c := dial(t, s, 1)
	for range 60 {
		c.c.ReqCurrentTime()
	}
	c.r.waitN(t, "three 100s", 3, isErr(-1, 100))
	c.waitClosed()
	if v := s.State().Stats.Violations; v != 3 {
		t.Errorf("%d violations", v)
	}
}

// TestMarketDataVersions: the version-dependent layouts (regulatory
// snapshot flag from 114, TICK_OPTION_COMPUTATION's version field below
// 156, TICK_REQ_PARAMS from 126) decode in the Go client.
func TestMarketDataVersions(t *testing.T) {
	for _, v := range []int{110, 155, 156, 176, 193, 200} {
		t.Run(itoa(int64(v)), func(t *testing.T) {
			s := startSim(t, Config{ServerVersion: v})
			u := s.Universe()
			c := dial(t, s, 1)
			c.c.ReqMktData(1, stk("MSFT"), "", true, false, nil)
			c.r.wait(t, "snapshot end", isKindReq("snapend", 1))
			q, _ := s.Market().Quote("MSFT")
			if e := c.r.wait(t, "bid", isTick("price", 1, 1)); !near(e.f, q.Bid) {
				t.Errorf("bid %v, want %v", e.f, q.Bid)
			}
			if got := len(c.r.all(isKindReq("reqparams", 1))); (got == 1) != (v >= verTickReqParams) {
				t.Errorf("%d TickReqParams at %d", got, v)
			}
			exp := u.Expirations("MSFT", fixedNow)[1]
			k := u.Strikes("MSFT", exp, fixedNow)
			o, _ := u.Option("MSFT", exp, 'C', k[len(k)/2], fixedNow)
			oq, _ := s.Market().OptionQuote(o, fixedNow)
			c.c.ReqMktData(2, opt("MSFT", exp, "C", o.Strike), "", true, false, nil)
			c.r.wait(t, "option snapshot end", isKindReq("snapend", 2))
			e := c.r.wait(t, "model", isTick("optcomp", 2, 13))
			if !near(e.vals[0], oq.IV) || !near(e.vals[2], oq.OptPrice) || !near(e.vals[6], oq.Theta) || !near(e.vals[7], oq.UndPrice) {
				t.Errorf("model computation %v, want %+v", e.vals, oq)
			}
		})
	}
}

// TestSnapshotWait: a configured wait delays TICK_SNAPSHOT_END (real TWS
// waits ~11 s) while the values come at once.
func TestSnapshotWait(t *testing.T) {
	const wait = 150 * time.Millisecond
	s := startSim(t, Config{SnapshotWait: wait})
	c := dial(t, s, 1)
	start := time.Now()
	c.c.ReqMktData(1, stk("AAPL"), "", true, false, nil)
	c.r.wait(t, "bid", isTick("price", 1, 1))
	if n := s.State().Sessions[0].Lines; n != 1 {
		t.Errorf("%d lines while the snapshot is open", n)
	}
	c.r.wait(t, "snapshot end", isKindReq("snapend", 1))
	if d := time.Since(start); d < wait {
		t.Errorf("snapshot ended after %v, want ≥ %v", d, wait)
	}
}
