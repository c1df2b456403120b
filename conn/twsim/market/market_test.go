package market

import (
	"math"
	"sync"
	"testing"
	"time"
)

// marketStart is 10:00 New York on a Monday.
var marketStart = time.Date(2026, 11, 2, 15, 0, 0, 0, time.UTC)

// stepTimes is an irregular schedule over a day and a half, crossing the
// close, a New York midnight and the next open.
func stepTimes() []time.Time {
	var out []time.Time
	t := marketStart
	for i := 0; i < 400; i++ {
		t = t.Add(time.Duration(1+i%7) * 17 * time.Minute / 7)
		out = append(out, t)
	}
	return out
}

// snapshot is every quote of a market, stocks and a few options.
func snapshot(t *testing.T, m *Market, now time.Time) []any {
	t.Helper()
	var out []any
	for _, s := range m.Universe().Stocks() {
		q, ok := m.Quote(s.Symbol)
		if !ok {
			t.Fatalf("no quote for %s", s.Symbol)
		}
		out = append(out, q)
	}
	for _, sym := range []string{"AAPL", "SPY", "HVLN"} {
		ex := m.Universe().Expirations(sym, now)[1]
		s, _ := m.Universe().Stock(sym)
		o, ok := m.Universe().Option(sym, ex, 'P', m.Universe().Strikes(sym, ex, now)[3], now)
		if !ok {
			t.Fatalf("%s %s option missing", s.Symbol, ex)
		}
		q, _ := m.OptionQuote(o, now)
		out = append(out, q)
	}
	return out
}

func TestMarketIsDeterministic(t *testing.T) {
	a := NewMarket(Default(), 7, marketStart)
	b := NewMarket(Default(), 7, marketStart)
	c := NewMarket(Default(), 8, marketStart)
	differs := false
	for _, now := range stepTimes() {
		a.Step(now)
		b.Step(now)
		c.Step(now)
		sa, sb, sc := snapshot(t, a, now), snapshot(t, b, now), snapshot(t, c, now)
		for i := range sa {
			if sa[i] != sb[i] {
				t.Fatalf("%v: same seed, different quote %d: %+v vs %+v", now, i, sa[i], sb[i])
			}
			differs = differs || sa[i] != sc[i]
		}
	}
	if !differs {
		t.Fatal("seeds 7 and 8 gave identical markets")
	}
}

func TestRandomWalkHasTheStocksVolatility(t *testing.T) {
	m := NewMarket(Default(), 1, marketStart)
	prev := map[string]float64{}
	sums := map[string][2]float64{}
	const n, dt = 4000, time.Hour
	now := marketStart
	for i := 0; i < n; i++ {
		now = now.Add(dt)
		m.Step(now)
		m.mu.Lock()
		for j, e := range m.u.entries {
			if e.Deal != nil {
				continue
			}
			mid := m.st[j].mid
			if p, ok := prev[e.Symbol]; ok {
				r := math.Log(mid / p)
				s := sums[e.Symbol]
				sums[e.Symbol] = [2]float64{s[0] + r, s[1] + r*r}
			}
			prev[e.Symbol] = mid
		}
		m.mu.Unlock()
	}
	years := dt.Seconds() / secondsPerYear
	for sym, s := range sums {
		mean := s[0] / (n - 1)
		vol := math.Sqrt((s[1]/(n-1) - mean*mean) / years) // annualised
		want := Default().entries[Default().bySym[sym]].Vol
		if math.Abs(vol/want-1) > 0.08 {
			t.Errorf("%s: realised vol %.3f, want about %.3f", sym, vol, want)
		}
	}
}

func TestDealStocksTradeBelowTheDealPrice(t *testing.T) {
	m := NewMarket(Default(), 3, marketStart)
	now := marketStart
	for i := 0; i < 24*60; i++ { // two months, half-hourly
		now = now.Add(30 * time.Minute)
		m.Step(now)
		for _, s := range m.Universe().Stocks() {
			if s.Deal == nil {
				continue
			}
			q, _ := m.Quote(s.Symbol)
			spread := s.Deal.Price/q.Last - 1
			if spread <= 0 || spread > 0.09 {
				t.Fatalf("%v %s: last %.2f vs deal %.2f (spread %.2f%%)", now, s.Symbol, q.Last, s.Deal.Price, 100*spread)
			}
		}
	}
	// Overdue deals trade just under the deal price, never through it.
	late := time.Date(2027, 9, 1, 14, 0, 0, 0, time.UTC)
	m2 := NewMarket(Default(), 3, late)
	for i := 1; i <= 24*14; i++ {
		m2.Step(late.Add(time.Duration(i) * time.Hour))
		for _, s := range m2.Universe().Stocks() {
			if q, _ := m2.Quote(s.Symbol); s.Deal != nil && (q.Ask > s.Deal.Price || q.Last < 0.96*s.Deal.Price) {
				t.Fatalf("%s overdue: %.2f/%.2f vs deal %.2f", s.Symbol, q.Bid, q.Ask, s.Deal.Price)
			}
		}
	}
	// Two months on, spreads have narrowed as the closing dates came nearer.
	for _, s := range m.Universe().Stocks() {
		if s.Deal == nil {
			continue
		}
		q, _ := m.Quote(s.Symbol)
		if q.Last <= s.Price*1.001 {
			t.Errorf("%s: %.2f after two months, started at %.2f: the spread did not narrow", s.Symbol, q.Last, s.Price)
		}
	}
}

func TestStockQuotesLookReal(t *testing.T) {
	m := NewMarket(Default(), 11, marketStart)
	prevVol := map[string]float64{}
	var prevDay time.Time
	maxVol := 0.0
	for _, now := range stepTimes() {
		m.Step(now)
		day := dayOf(now.In(Eastern()))
		for _, s := range m.Universe().Stocks() {
			q, _ := m.Quote(s.Symbol)
			spreadC := math.Round((q.Ask - q.Bid) * 100)
			if !(q.Bid > 0 && spreadC >= 1) || (s.Symbol == "AAPL" && spreadC > 2) {
				t.Fatalf("%s: bid %.2f ask %.2f", s.Symbol, q.Bid, q.Ask)
			}
			if q.Last != q.Bid && q.Last != q.Ask {
				t.Fatalf("%s: last %.2f is neither bid nor ask", s.Symbol, q.Last)
			}
			if !(q.Low <= q.Last && q.Last <= q.High && q.Low <= q.Open && q.Open <= q.High) {
				t.Fatalf("%s: %+v: range does not hold open and last", s.Symbol, q)
			}
			for _, size := range []float64{q.BidSize, q.AskSize, q.LastSize, q.Volume} {
				if size < 0 || math.Mod(size, 100) != 0 {
					t.Fatalf("%s: sizes not in round lots: %+v", s.Symbol, q)
				}
			}
			if day.Equal(prevDay) && q.Volume < prevVol[s.Symbol] {
				t.Fatalf("%s: volume fell from %v to %v within a day", s.Symbol, prevVol[s.Symbol], q.Volume)
			}
			if !day.Equal(prevDay) && !prevDay.IsZero() && q.Volume > prevVol[s.Symbol] {
				t.Fatalf("%s: volume did not restart on a new day", s.Symbol)
			}
			prevVol[s.Symbol] = q.Volume
			if s.Symbol == "AAPL" {
				maxVol = max(maxVol, q.Volume)
			}
		}
		prevDay = day
	}
	// AAPL trades about 50 million shares a day.
	if maxVol < 25e6 || maxVol > 100e6 {
		t.Fatalf("AAPL peak daily volume %v", maxVol)
	}
	if q, _ := m.Quote("AAPL"); q.Close == 265 {
		t.Fatal("after the day rolled the previous close is still the reference price")
	}
	if _, ok := m.Quote("ZZZZ"); ok {
		t.Fatal("quote for an unknown symbol")
	}
}

func TestStepBackwardsChangesNothing(t *testing.T) {
	m := NewMarket(Default(), 5, marketStart)
	m.Step(marketStart.Add(time.Minute))
	before, _ := m.Quote("TSLA")
	m.Step(marketStart)
	m.Step(marketStart.Add(time.Minute))
	after, _ := m.Quote("TSLA")
	if before != after || !m.Time().Equal(marketStart.Add(time.Minute)) {
		t.Fatalf("stepping back moved the market: %+v -> %+v", before, after)
	}
}

func TestMarketConcurrentUse(t *testing.T) {
	m := NewMarket(nil, 9, marketStart)
	u := m.Universe()
	o, _ := u.Option("SPY", u.Expirations("SPY", marketStart)[2], 'C', 690, marketStart)
	var wg sync.WaitGroup
	wg.Go(func() {
		for i := 1; i <= 500; i++ {
			m.Step(marketStart.Add(time.Duration(i) * time.Second))
		}
	})
	for range 3 {
		wg.Go(func() {
			for range 500 {
				if _, ok := m.Quote("SPY"); !ok {
					t.Error("no SPY quote")
				}
				if _, ok := m.OptionQuote(o, marketStart.Add(time.Minute)); !ok {
					t.Error("no SPY option quote")
				}
			}
		})
	}
	wg.Wait()
}
