package market

import (
	"math"
	"slices"
	"time"
)

// incCents are the strike increments in use, finest first, in cents.
var incCents = []int64{50, 100, 250, 500, 1000, 2500, 5000}

// band is one strike band: strikes that are multiples of inc within
// ±width of the reference price.
type band struct {
	width float64 // fraction of the price
	inc   int64   // cents
}

// baseInc returns the index in incCents of the near-the-money increment of
// a weekly at price p: $0.50 below $25, $1 to $200, $2.50 to $500, $5 to
// $1000, $10 above.
func baseInc(p float64) int {
	switch {
	case p < 25:
		return 0
	case p < 200:
		return 1
	case p < 500:
		return 2
	case p < 1000:
		return 3
	}
	return 4
}

// bands returns the strike bands of one expiration, outermost first. Longer
// expirations reach further out with coarser strikes; weeklies and dailies
// are narrow and fine. $1 ETFs keep $1 strikes, except a $5 outer band on
// quarterlies and LEAPS.
func bands(e *entry, kind expKind, years float64) []band {
	sv := e.Vol * math.Sqrt(years)
	b := baseInc(e.Price)
	inc := func(i int) int64 {
		if e.dollar {
			if i >= b+2 && kind >= kindQuarterly {
				return 500
			}
			return 100
		}
		return incCents[min(i, len(incCents)-1)]
	}
	switch kind {
	case kindDaily:
		return []band{{max(0.06, 2*sv), inc(b + 1)}, {max(0.03, sv), inc(b)}}
	case kindWeekly:
		return []band{{max(0.20, 3*sv), inc(b + 1)}, {max(0.07, 1.5*sv), inc(b)}}
	case kindMonthly:
		if years <= 70.0/365 {
			return []band{{max(0.40, 3*sv), inc(b + 2)}, {max(0.20, 2*sv), inc(b + 1)}, {max(0.08, sv), inc(b)}}
		}
		return []band{{max(0.45, 3*sv), inc(b + 2)}, {max(0.15, 1.5*sv), inc(b + 1)}}
	case kindQuarterly:
		return []band{{max(0.55, 3*sv), inc(b + 2)}, {max(0.20, sv), inc(b + 1)}}
	}
	return []band{{max(0.65, 3*sv), inc(b + 2)}, {max(0.25, sv), inc(b + 1)}}
}

// ladder returns the strikes (in cents, sorted, unique) of one expiration.
// The ladder is centred on the reference price, so it does not drift with
// the simulated market. Deal stocks always cover 75 % to 110 % of the deal
// price with the outermost band's increment.
func ladder(e *entry, l listed, today time.Time) []int64 {
	days := l.day.Sub(dayOf(today)).Hours() / 24
	years := max(days, 1) / 365
	bs := bands(e, l.kind, years)
	first, last := make([]int64, len(bs)), make([]int64, len(bs))
	for i, bd := range bs {
		lo := e.Price * (1 - min(bd.width, 0.9))
		hi := e.Price * (1 + min(bd.width, 1.5))
		first[i] = max(ceilTo(lo*100, bd.inc), bd.inc)
		last[i] = floorTo(hi*100, bd.inc)
		if d := e.Deal; d != nil && i == 0 {
			first[i] = max(min(first[i], floorTo(0.75*d.Price*100, bd.inc)), bd.inc)
			last[i] = max(last[i], ceilTo(1.10*d.Price*100, bd.inc))
		}
	}
	// Each band fills only the part of the ladder that the finer band
	// inside it leaves: no $2.50 strike between two $1 strikes.
	var out []int64
	for i, bd := range bs {
		for k := first[i]; k <= last[i]; k += bd.inc {
			if i+1 < len(bs) && k > first[i+1] && k < last[i+1] {
				continue
			}
			out = append(out, k)
		}
	}
	slices.Sort(out)
	return slices.Compact(out)
}

// ceilTo rounds x (cents) up to a multiple of inc.
func ceilTo(x float64, inc int64) int64 {
	return int64(math.Ceil(x/float64(inc)-1e-9)) * inc
}

// floorTo rounds x (cents) down to a multiple of inc.
func floorTo(x float64, inc int64) int64 {
	return int64(math.Floor(x/float64(inc)+1e-9)) * inc
}

// dollars converts cents to a strike.
func dollars(cents []int64) []float64 {
	out := make([]float64, len(cents))
	for i, c := range cents {
		out[i] = float64(c) / 100
	}
	return out
}

// Strikes returns the strikes that exist for one expiration, sorted. Each
// expiration has its own ladder (weeklies are narrower and finer than
// LEAPS), so a strike from AllStrikes need not exist for every expiry.
// Unknown symbol or expiration: nil.
func (u *Universe) Strikes(symbol, expiry string, today time.Time) []float64 {
	e := u.lookup(symbol)
	if e == nil {
		return nil
	}
	l, ok := findListed(e, expiry, today)
	if !ok {
		return nil
	}
	return dollars(ladder(e, l, today))
}

// AllStrikes returns the union of the strikes of every expiration, sorted:
// what SECURITY_DEFINITION_OPTION_PARAMETER reports. Unknown symbol: nil.
func (u *Universe) AllStrikes(symbol string, today time.Time) []float64 {
	e := u.lookup(symbol)
	if e == nil {
		return nil
	}
	var all []int64
	for _, l := range listing(e, today) {
		all = append(all, ladder(e, l, today)...)
	}
	slices.Sort(all)
	return dollars(slices.Compact(all))
}
