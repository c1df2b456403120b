package market

import (
	"testing"
	"time"
)

// TestBarsMeetTheStream: bars of every size come from one path, end at the
// streamed last price, and the previous day's close is the quote's close.
func TestBarsMeetTheStream(t *testing.T) {
	start := marketStart // a Monday, 10:00 New York
	m := NewMarket(Default(), 5, start)
	now := start
	for range 300 {
		now = now.Add(700 * time.Millisecond)
		m.Step(now)
	}
	q, _ := m.Quote("AAPL")
	from := start.AddDate(0, 0, -10)
	min1, ok := m.Bars("AAPL", from, now, BarSize{Unit: Fixed, Len: time.Minute}, Trades, true)
	if !ok || len(min1) == 0 {
		t.Fatal("no minute bars")
	}
	if last := min1[len(min1)-1]; last.Close != q.Last {
		t.Errorf("last minute bar closes at %v, the stream's last is %v", last.Close, q.Last)
	}
	days, _ := m.Bars("AAPL", from, now, BarSize{Unit: Day}, Trades, true)
	if len(days) != 7 { // 10 calendar days back from a Monday: 7 sessions and today's
		t.Logf("%d daily bars", len(days))
	}
	prev := days[len(days)-2]
	if prev.Close != q.Close {
		t.Errorf("previous session closes at %v, the quote's close is %v", prev.Close, q.Close)
	}
	// Five-minute bars are the minute bars grouped.
	min5, _ := m.Bars("AAPL", from, now, BarSize{Unit: Fixed, Len: 5 * time.Minute}, Trades, true)
	for _, b := range min5 {
		var o, h, l, c float64
		var vol float64
		n := 0
		for _, x := range min1 {
			if !x.Time.Before(b.Time) && x.Time.Before(b.Time.Add(5*time.Minute)) {
				if n == 0 {
					o, h, l = x.Open, x.High, x.Low
				}
				h, l, c = max(h, x.High), min(l, x.Low), x.Close
				vol += x.Volume
				n++
			}
		}
		if n == 0 || o != b.Open || h != b.High || l != b.Low || c != b.Close || vol != b.Volume {
			t.Fatalf("5-min bar %v %+v disagrees with its %d minute bars (%v %v %v %v %v)", b.Time, b, n, o, h, l, c, vol)
		}
	}
	for _, b := range min1 {
		ny := b.Time.In(Eastern())
		if !IsRegular(b.Time) || ny.Weekday() == time.Saturday || ny.Weekday() == time.Sunday {
			t.Fatalf("regular-hours bar at %v", ny)
		}
		if !(b.Low <= b.Open && b.Open <= b.High && b.Low <= b.Close && b.Close <= b.High && b.Volume > 0) {
			t.Fatalf("bar %+v", b)
		}
	}
	// The same request twice, or from another market with the same seed, gives the same bars.
	again, _ := NewMarket(Default(), 5, start).Bars("AAPL", from, start, BarSize{Unit: Fixed, Len: time.Minute}, Trades, true)
	for i, b := range again {
		if b != min1[i] {
			t.Fatalf("bar %d differs between runs: %+v vs %+v", i, b, min1[i])
		}
	}
	// Second bars meet the minute bars at every minute boundary.
	secs, _ := m.Bars("AAPL", now.Add(-30*time.Minute), now, BarSize{Unit: Fixed, Len: 5 * time.Second}, Midpoint, true)
	if len(secs) < 300 {
		t.Errorf("%d five-second bars in half an hour", len(secs))
	}
	// The second bar in progress ends at the streamed last price, and bars
	// are stamped at their start.
	tr, _ := m.Bars("AAPL", now.Add(-time.Minute), now.Add(time.Second), BarSize{Unit: Fixed, Len: 5 * time.Second}, Trades, true)
	if b := tr[len(tr)-1]; b.Close != q.Last || b.Time.Unix()%5 != 0 {
		t.Errorf("last five-second bar %+v, stream last %v", b, q.Last)
	}
	ext, _ := m.Bars("AAPL", from, now, BarSize{Unit: Fixed, Len: time.Hour}, Trades, false)
	early := false
	for _, b := range ext {
		if b.Time.In(Eastern()).Hour() < 9 {
			early = true
		}
	}
	if !early {
		t.Error("useRTH=0 bars have no pre-market hours")
	}
}

// TestNoTradesWhileClosed: on a Sunday the book and the last trade stand
// still.
func TestNoTradesWhileClosed(t *testing.T) {
	sun := time.Date(2026, 11, 8, 23, 0, 0, 0, time.UTC) // Sunday 18:00 New York
	m := NewMarket(Default(), 2, sun)
	before, _ := m.Quote("MSFT")
	for i := 1; i <= 100; i++ {
		m.Step(sun.Add(time.Duration(i) * time.Minute))
	}
	if after, _ := m.Quote("MSFT"); after != before {
		t.Errorf("quote moved while closed: %+v -> %+v", before, after)
	}
	if IsTrading(sun) || !IsTrading(time.Date(2026, 11, 9, 9, 0, 0, 0, time.UTC)) {
		t.Error("IsTrading")
	}
}

// BenchmarkBarsYearOfDays is the costliest common request: a year of daily
// bars walks every trading minute of the year.
func BenchmarkBarsYearOfDays(b *testing.B) {
	m := NewMarket(Default(), 1, marketStart)
	for b.Loop() {
		m.Bars("AAPL", marketStart.AddDate(-1, 0, 0), marketStart, BarSize{Unit: Day}, Trades, false)
	}
}
