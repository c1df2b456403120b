package market

import (
	"math"
	"time"
)

// Trading sessions in New York time, minutes after midnight: extended
// hours 04:00 to 20:00 (TWS's tradingHours for US stocks) and the regular
// session 09:30 to 16:00 (liquidHours).
const (
	extOpenMin  = 4 * 60
	extCloseMin = 20 * 60
	rthOpenMin  = 9*60 + 30
	rthCloseMin = 16 * 60
)

// minutesPerYear scales the annual volatility to one regular-session minute.
const minutesPerYear = 252 * 390

// extVolShare is how much of a regular minute's volatility and volume an
// extended-hours minute carries.
const (
	extVolShare    = 0.3
	extVolumeShare = 0.02
)

// IsTrading reports whether US stocks trade at t: a trading day between
// 04:00 and 20:00 New York time. Outside it no trade prints.
func IsTrading(t time.Time) bool {
	ny := t.In(Eastern())
	m := ny.Hour()*60 + ny.Minute()
	return m >= extOpenMin && m < extCloseMin && isTradingDay(dayOf(ny))
}

// IsRegular reports whether t is in the regular session (09:30 to 16:00 New
// York on a trading day).
func IsRegular(t time.Time) bool {
	ny := t.In(Eastern())
	m := ny.Hour()*60 + ny.Minute()
	return m >= rthOpenMin && m < rthCloseMin && isTradingDay(dayOf(ny))
}

// lastTradingInstant returns the end of the last trading session (20:00
// New York) before t.
func lastTradingInstant(t time.Time) time.Time {
	ny := t.In(Eastern())
	d := dayOf(ny)
	if ny.Hour()*60+ny.Minute() < extCloseMin {
		d = d.AddDate(0, 0, -1)
	}
	for !isTradingDay(d) {
		d = d.AddDate(0, 0, -1)
	}
	return time.Date(d.Year(), d.Month(), d.Day(), 20, 0, 0, 0, Eastern())
}

// minute is one trading minute of a stock's price path: last-trade OHLC
// (unrounded), the half spread and the volume in shares.
type minute struct {
	t          int64 // Unix seconds at the minute's start
	reg        bool  // in the regular session
	o, h, l, c float64
	half       float64
	vol        float64
}

// halfSpread is the typical half spread at mid, as the live book quotes it.
func halfSpread(e *entry, mid float64) float64 {
	return float64(spreadTicks(e, mid)) / 200
}

// spreadTicks is the base spread in cents at mid for the stock's liquidity.
func spreadTicks(e *entry, mid float64) int64 {
	bps := [...]float64{0.2e-4, 0.2e-4, 0.6e-4, 5e-4}[e.liquidity()]
	return max(int64(math.Round(mid*bps*100)), 1)
}

// gauss is a standard normal drawn from a hash of its inputs (Box-Muller),
// so that a past minute's move is the same on every call and every run.
func gauss(seed uint64, idx int, t int64, salt uint64) float64 {
	h := mix(seed ^ mix(uint64(idx)<<40^uint64(t)) ^ salt)
	u1 := max(unit(h), 1e-12)
	u2 := unit(mix(h))
	return math.Sqrt(-2*math.Log(u1)) * math.Cos(2*math.Pi*u2)
}

// tradingMinute is one trading minute's start and whether it is in the
// regular session.
type tradingMinute struct {
	t   int64
	reg bool
}

// tradingMinutesBack lists the trading minutes before end and at or after
// from, newest first.
func tradingMinutesBack(from, end time.Time) []tradingMinute {
	endU, fromU := end.Unix()/60*60, from.Unix()/60*60
	first := dayOf(from.In(Eastern())).AddDate(0, 0, -1)
	day := dayOf(end.In(Eastern()))
	out := make([]tradingMinute, 0, int(end.Sub(from).Hours()/24*5/7*(extCloseMin-extOpenMin))+extCloseMin)
	for ; !day.Before(first); day = day.AddDate(0, 0, -1) {
		if !isTradingDay(day) {
			continue
		}
		mid := time.Date(day.Year(), day.Month(), day.Day(), 0, 0, 0, 0, Eastern()).Unix()
		for m := extCloseMin - 1; m >= extOpenMin; m-- {
			t := mid + int64(m)*60
			if t < endU && t >= fromU {
				out = append(out, tradingMinute{t: t, reg: m >= rthOpenMin && m < rthCloseMin})
			}
		}
	}
	return out
}

// minuteVol is the volatility of one minute's log return, in the regular
// session or outside it.
func (e *entry) minuteVol(reg bool) float64 {
	sv := e.Vol / math.Sqrt(minutesPerYear)
	if !reg {
		sv *= extVolShare
	}
	return sv
}

// synthMinutes returns the seeded path of the trading minutes in [from,
// m.start), oldest first. It is walked backwards from the market's first
// price, and bent so that the last regular close on an earlier New York
// date than the start equals the market's previous close: the history
// meets the streamed prices at both ends. It does not depend on from.
func (m *Market) synthMinutes(e *entry, from time.Time) []minute {
	startNY := m.start.In(Eastern())
	// The previous close: 15:59 of the last trading day before the start's date.
	prev := dayOf(startNY).AddDate(0, 0, -1)
	for !isTradingDay(prev) {
		prev = prev.AddDate(0, 0, -1)
	}
	closeMin := time.Date(prev.Year(), prev.Month(), prev.Day(), 15, 59, 0, 0, Eastern())
	lo := from
	if closeMin.Before(lo) {
		lo = closeMin
	}
	ts := tradingMinutesBack(lo, m.start)
	if len(ts) == 0 {
		return nil
	}
	s0 := m.start0[e.idx]
	c := make([]float64, len(ts)+1) // c[i] is the log close of ts[i]; c[len] the open of the oldest
	logc := math.Log(s0.mid)
	j := -1
	for i, tm := range ts {
		c[i] = logc
		if tm.t == closeMin.Unix() {
			j = i
		}
		logc -= e.minuteVol(tm.reg) * gauss(m.seed, e.idx, tm.t, 1)
	}
	c[len(ts)] = logc
	if j >= 0 {
		shift := math.Log(s0.close) - c[j]
		for i := range c {
			c[i] += shift * min(float64(i)/max(float64(j), 1), 1)
		}
	}
	fromU := from.Unix() / 60 * 60
	out := make([]minute, 0, len(ts))
	for i := len(ts) - 1; i >= 0; i-- {
		tm := ts[i]
		if tm.t < fromU {
			continue
		}
		o, cl := math.Exp(c[i+1]), math.Exp(c[i])
		sv := e.minuteVol(tm.reg)
		adv := e.adv / 390
		if !tm.reg {
			adv *= extVolumeShare
		}
		h := mix(m.seed ^ uint64(tm.t) ^ uint64(e.idx)<<48)
		out = append(out, minute{
			t: tm.t, reg: tm.reg, o: o, c: cl,
			h:    max(o, cl) * (1 + sv*unit(mix(h^2))),
			l:    min(o, cl) * (1 - sv*unit(mix(h^3))),
			half: halfSpread(e, cl),
			vol:  roundLot(adv * (0.5 + unit(h))),
		})
	}
	return out
}

// record adds the state after a Step to the stock's live minute series
// (Market.mu held). Only trading minutes are recorded: nothing prints
// while the market is closed.
func (m *Market) record(e *entry, s *stockState, now time.Time, prevLast, addVol float64) {
	if !IsTrading(now) {
		return
	}
	t := now.Unix() / 60 * 60
	r := &m.rec[e.idx]
	half := float64(s.askC-s.bidC) / 200
	if n := len(*r); n > 0 && (*r)[n-1].t == t {
		b := &(*r)[n-1]
		b.h, b.l, b.c = max(b.h, s.last), min(b.l, s.last), s.last
		b.half, b.vol = half, b.vol+addVol
		return
	}
	*r = append(*r, minute{t: t, reg: IsRegular(now), o: prevLast, h: max(prevLast, s.last), l: min(prevLast, s.last), c: s.last, half: half, vol: addVol})
}

// minutes returns the stock's path over the trading minutes in [from, to):
// the seeded past before the market started, then what it streamed.
func (m *Market) minutes(e *entry, from, to time.Time) []minute {
	var out []minute
	if from.Before(m.start) {
		out = m.synthMinutes(e, from)
		n := 0
		for n < len(out) && out[n].t < to.Unix() {
			n++
		}
		out = out[:n]
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	startMin := m.start.Unix() / 60 * 60
	for _, b := range m.rec[e.idx] {
		if b.t >= from.Unix()/60*60 && b.t < to.Unix() && b.t >= startMin {
			out = append(out, b)
		}
	}
	return out
}
