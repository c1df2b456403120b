//go:build !race

package twsim

import (
	"strconv"
	"testing"
	"time"

	"github.com/scmhub/ibapi"
)

// TestHistoricalDataClient: the real client gets bars at every negotiated
// version; the last bar closes at the streamed last price, and the previous
// session's daily bar at the quote's close.
func TestHistoricalDataClient(t *testing.T) {
	for _, v := range []int{100, 176, 193, 200} {
		t.Run(strconv.Itoa(v), func(t *testing.T) {
			s := startSim(t, Config{ServerVersion: v})
			c := dial(t, s, 1)
			c.c.ReqHistoricalData(1, stk("AAPL"), "", "1 D", "5 mins", "TRADES", true, 1, false, nil)
			c.c.ReqHistoricalData(2, stk("AAPL"), "", "1 M", "1 day", "MIDPOINT", true, 2, false, nil)
			c.c.ReqHistoricalData(3, stk("AAPL"), "", "1800 S", "1 secs", "BID_ASK", false, 2, false, nil)
			c.r.wait(t, "end 1", isKindReq("histend", 1))
			c.r.wait(t, "end 2", isKindReq("histend", 2))
			c.r.wait(t, "end 3", isKindReq("histend", 3))
			q, _ := s.Market().Quote("AAPL")
			bars := c.r.all(isKindReq("hist", 1))
			if len(bars) != 19 { // 09:30 to 11:00 (the bar in progress at 11:04)
				t.Errorf("%d five-minute bars", len(bars))
			}
			last := bars[len(bars)-1].bar
			if last.Close != q.Last || last.Date != "20260311 11:00:00 US/Eastern" || last.Volume.Float() <= 0 {
				t.Errorf("last bar %+v (volume %s), stream last %v", last, last.Volume, q.Last)
			}
			days := c.r.all(isKindReq("hist", 2))
			if n := len(days); n < 19 || n > 23 {
				t.Errorf("%d daily bars in a month", n)
			}
			if prev := days[len(days)-2].bar; prev.Date != "20260310" || prev.Volume.Float() != -1 {
				t.Errorf("previous session bar %+v", prev)
			}
			secs := c.r.all(isKindReq("hist", 3))
			if n := len(secs); n != 1800 {
				t.Errorf("%d one-second bars in 1800 S", n)
			}
			if _, err := strconv.ParseInt(secs[0].bar.Date, 10, 64); err != nil {
				t.Errorf("formatDate 2 gave %q", secs[0].bar.Date)
			}
			if errs := c.r.all(func(e ev) bool { return e.kind == "err" && e.req > 0 }); len(errs) > 0 {
				t.Errorf("errors: %s", errTexts(errs))
			}
		})
	}
}

// TestHistoricalKeepUpToDate: with a clock that moves through a trading
// morning, a keepUpToDate request gets HISTORICAL_DATA_UPDATE for the bar
// in progress, and cancelling it ends them with TWS's 162 notice.
func TestHistoricalKeepUpToDate(t *testing.T) {
	t0 := time.Now()
	s := startSim(t, Config{Now: func() time.Time { return fixedNow.Add(30 * time.Since(t0)) }})
	c := dial(t, s, 1)
	c.c.ReqHistoricalData(7, stk("MSFT"), "", "3600 S", "1 min", "TRADES", true, 1, true, nil)
	c.r.wait(t, "bars", isKindReq("histend", 7))
	upd := c.r.waitN(t, "two updates", 2, isKindReq("histupd", 7))
	if b := upd[1].bar; b.Close <= 0 || b.High < b.Low || b.Date[:8] != "20260311" {
		t.Errorf("update %+v", b)
	}
	c.c.CancelHistoricalData(7)
	e := c.r.wait(t, "cancel notice", isErr(7, 162))
	if e.text != hmdsErr+"API historical data query cancelled: 7" {
		t.Errorf("cancel notice %q", e.text)
	}
}

func (w wrap) RealtimeBar(req int64, at int64, o, h, l, c float64, vol, wap ibapi.Decimal, count int64) {
	w.r.add(ev{kind: "rtbar", req: req, n: at, vals: []float64{o, h, l, c, vol.Float()}})
}

// TestRealTimeBarsClient: the real client decodes real-time bars whose
// prices stay within the streamed day's range.
func TestRealTimeBarsClient(t *testing.T) {
	s := startSim(t, Config{Now: movingClock()})
	c := dial(t, s, 1)
	c.c.ReqRealTimeBars(4, stk("MSFT"), 5, "TRADES", false, nil)
	bars := c.r.waitN(t, "three real-time bars", 3, isKindReq("rtbar", 4))
	q, _ := s.Market().Quote("MSFT")
	for _, b := range bars {
		if b.vals[1] < b.vals[2] || b.vals[2] < q.Low-1 || b.vals[1] > q.High+1 {
			t.Errorf("bar %v outside the day's range %v..%v", b.vals, q.Low, q.High)
		}
	}
	c.c.CancelRealTimeBars(4)
}

// TestOptionHistoricalData: option bars are the stock's path repriced:
// regular hours only, and the bar in progress near the streamed quote.
func TestOptionHistoricalData(t *testing.T) {
	s := startSim(t, Config{})
	c := dial(t, s, 1)
	u := s.Universe()
	exp := u.Expirations("AAPL", fixedNow)[2]
	ks := u.Strikes("AAPL", exp, fixedNow)
	o, _ := u.Option("AAPL", exp, 'C', ks[len(ks)/2], fixedNow)
	k := opt("AAPL", exp, "C", o.Strike)
	c.c.ReqHistoricalData(1, k, "", "2 D", "30 mins", "TRADES", false, 1, false, nil)
	c.r.wait(t, "option bars", isKindReq("histend", 1))
	bars := c.r.all(isKindReq("hist", 1))
	if len(bars) != 13+4 { // Tuesday 09:30..15:30, Wednesday 09:30..11:00
		t.Errorf("%d half-hour option bars", len(bars))
	}
	oq, _ := s.Market().OptionQuote(o, fixedNow)
	if last := bars[len(bars)-1].bar; last.Close < oq.Bid-0.5 || last.Close > oq.Ask+0.5 || last.Volume.Float() < 0 {
		t.Errorf("last option bar %+v vs quote %v/%v", last, oq.Bid, oq.Ask)
	}
	if errs := c.r.all(isKind("err")); len(errs) > 0 && errs[len(errs)-1].req > 0 {
		t.Errorf("errors: %s", errTexts(errs))
	}
}
