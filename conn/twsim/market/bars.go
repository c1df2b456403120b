package market

import (
	"math"
	"time"
)

// BarUnit says how bars are cut: a fixed length, or calendar days, weeks
// (Monday to Friday) or months.
type BarUnit uint8

// Bar units.
const (
	Fixed BarUnit = iota
	Day
	Week
	Month
)

// BarSize is one historical bar length: Len for Fixed (1 s to 8 h),
// otherwise one calendar Day, Week or Month.
type BarSize struct {
	Unit BarUnit
	Len  time.Duration
}

// What is the price a bar shows (TWS's whatToShow).
type What uint8

// Bar kinds.
const (
	Trades   What = iota // last trades, with volume
	Midpoint             // mid quotes
	BidBars              // bids
	AskBars              // asks
	BidAsk               // open: mean bid, high: max ask, low: min bid, close: mean ask
)

// Bar is one historical bar. Volume, WAP and Count are -1 for every kind
// but Trades, as TWS sends them. Time is the bar's first instant in the
// data (a bar that starts before the session is stamped at its open).
type Bar struct {
	Time                   time.Time
	Open, High, Low, Close float64
	Volume, WAP            float64
	Count                  int64
}

// Bars returns symbol's bars over [from, to): regular-session minutes only
// when rth, else 04:00 to 20:00 New York; no bars on weekends and
// holidays. The bars come from the same path as the streamed quotes: the
// seeded past before the market started, what it streamed since. ok is
// false for an unknown symbol.
func (m *Market) Bars(symbol string, from, to time.Time, size BarSize, what What, rth bool) ([]Bar, bool) {
	e := m.u.lookup(symbol)
	if e == nil {
		return nil, false
	}
	var out []Bar
	var acc barAcc
	key := int64(math.MinInt64)
	var kc keyCache
	add := func(p minute) {
		k := kc.key(p.t, size)
		if k != key && acc.n > 0 {
			out = append(out, acc.bar(what))
			acc = barAcc{}
		}
		key = k
		label := p.t
		if size.Unit == Fixed {
			// Bars are stamped at their start, or at the session's open
			// for one that starts before it (09:30 for an hourly bar).
			open := kc.lo + extOpenMin*60
			if rth {
				open = kc.lo + rthOpenMin*60
			}
			label = max(k, open)
		}
		acc.add(p, label)
	}
	last := m.Time().Unix()
	for _, b := range m.minutes(e, from, to) {
		if rth && !b.reg {
			continue
		}
		if size.Unit == Fixed && size.Len < time.Minute {
			for _, s := range m.seconds(e, b, last) {
				if s.t >= from.Unix() && s.t < to.Unix() {
					add(s)
				}
			}
			continue
		}
		add(b)
	}
	if acc.n > 0 {
		out = append(out, acc.bar(what))
	}
	return out, true
}

// keyCache remembers the New York day of the last point, so that keying
// a year of minutes does not convert each one to New York time.
type keyCache struct {
	lo, hi int64 // the cached day's midnight and the next one
	dayKey int64 // the bar key of that day for Day, Week and Month
}

// key returns the start of the bar holding t (Unix seconds, New York
// calendar for days and longer, bars aligned to New York midnight).
func (c *keyCache) key(t int64, size BarSize) int64 {
	if t < c.lo || t >= c.hi {
		ny := time.Unix(t, 0).In(Eastern())
		midnight := time.Date(ny.Year(), ny.Month(), ny.Day(), 0, 0, 0, 0, Eastern())
		c.lo, c.hi = midnight.Unix(), midnight.AddDate(0, 0, 1).Unix()
		switch size.Unit {
		case Day:
			c.dayKey = c.lo
		case Week:
			back := (int(ny.Weekday()) + 6) % 7 // days since Monday
			c.dayKey = midnight.AddDate(0, 0, -back).Unix()
		case Month:
			c.dayKey = time.Date(ny.Year(), ny.Month(), 1, 0, 0, 0, 0, Eastern()).Unix()
		}
	}
	if size.Unit != Fixed {
		return c.dayKey
	}
	secs := int64(max(size.Len/time.Second, 1))
	return c.lo + (t-c.lo)/secs*secs
}

// seconds splits a minute into its seconds along a Brownian bridge from
// its open to its close, seeded by the time, so that second bars agree with
// minute bars at every minute boundary. The minute in progress (at or
// after last, the market's last Step) is cut at last: its last second
// carries the current price.
func (m *Market) seconds(e *entry, b minute, last int64) []minute {
	n := 60
	if last >= b.t && last < b.t+60 {
		n = int(last-b.t) + 1
	}
	sv := e.minuteVol(b.reg) / math.Sqrt(60)
	var w [61]float64
	for k := 1; k <= n; k++ {
		w[k] = w[k-1] + gauss(m.seed, e.idx, b.t+int64(k), 4)
	}
	lo, lc := math.Log(b.o), math.Log(b.c)
	out := make([]minute, n)
	prev := b.o
	for k := 1; k <= n; k++ {
		f := float64(k) / float64(n)
		x := math.Exp(lo + sv*w[k] - f*(sv*w[n]-(lc-lo)))
		if k == n {
			x = b.c
		}
		t := b.t + int64(k-1)
		out[k-1] = minute{t: t, reg: b.reg, o: prev, c: x, h: max(prev, x), l: min(prev, x), half: b.half,
			vol: roundLot(b.vol / float64(n) * 2 * unit(mix(m.seed^uint64(t)^uint64(e.idx)<<48^5)))}
		prev = x
	}
	return out
}

// barAcc accumulates the points of one bar.
type barAcc struct {
	t               int64
	n               int
	o, h, l, c      float64
	half0, half     float64 // first and last half spread
	hiAsk, loBid    float64
	sumMid, sumHalf float64
	vol, pv         float64
}

func (a *barAcc) add(p minute, t int64) {
	if a.n == 0 {
		a.t, a.o, a.h, a.l, a.half0 = t, p.o, p.h, p.l, p.half
		a.hiAsk, a.loBid = p.h+p.half, p.l-p.half
	}
	a.n++
	a.h, a.l, a.c, a.half = max(a.h, p.h), min(a.l, p.l), p.c, p.half
	a.hiAsk, a.loBid = max(a.hiAsk, p.h+p.half), min(a.loBid, p.l-p.half)
	a.sumMid += (p.o + p.c) / 2
	a.sumHalf += p.half
	a.vol += p.vol
	a.pv += p.vol * (p.h + p.l + p.c) / 3
}

// bar finishes the bar for one kind. Trade prices are whole cents, mids
// half cents, as the live book quotes them.
func (a *barAcc) bar(what What) Bar {
	b := Bar{Time: time.Unix(a.t, 0), Volume: -1, WAP: -1, Count: -1}
	set := func(o, h, l, c float64, r func(float64) float64) {
		b.Open, b.High, b.Low, b.Close = r(o), r(h), r(l), r(c)
	}
	switch what {
	case Trades:
		set(a.o, a.h, a.l, a.c, roundCent)
		b.Volume = a.vol
		b.WAP = roundCent(a.c)
		if a.vol > 0 {
			b.WAP = math.Round(a.pv/a.vol*1000) / 1000
		}
		b.Count = int64(math.Ceil(a.vol / 250))
	case Midpoint:
		set(a.o, a.h, a.l, a.c, roundHalfCent)
	case BidBars:
		set(a.o-a.half0, a.h-a.half, a.l-a.half, a.c-a.half, roundCent)
	case AskBars:
		set(a.o+a.half0, a.h+a.half, a.l+a.half, a.c+a.half, roundCent)
	case BidAsk:
		meanMid, meanHalf := a.sumMid/float64(a.n), a.sumHalf/float64(a.n)
		set(meanMid-meanHalf, a.hiAsk, a.loBid, meanMid+meanHalf, roundCent)
	}
	return b
}

func roundCent(x float64) float64     { return max(math.Round(x*100)/100, 0.01) }
func roundHalfCent(x float64) float64 { return max(math.Round(x*200)/200, 0.005) }
