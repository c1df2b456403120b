package market

import "math"

// Greeks is a Black-Scholes price with its sensitivities, in the units TWS
// reports in TICK_OPTION_COMPUTATION:
//
//	Price  option value per share
//	Delta  dPrice/dS
//	Gamma  dDelta/dS
//	Vega   price change for a 1 vol point (0.01) rise in volatility
//	Theta  price change for one calendar day passing (usually negative)
type Greeks struct {
	Price, Delta, Gamma, Vega, Theta float64
}

// daysPerYear converts theta from per year to per calendar day.
const daysPerYear = 365

// normCDF is the standard normal distribution function; erfc keeps the far
// tails accurate.
func normCDF(x float64) float64 {
	return 0.5 * math.Erfc(-x/math.Sqrt2)
}

// normPDF is the standard normal density.
func normPDF(x float64) float64 {
	return math.Exp(-0.5*x*x) / math.Sqrt(2*math.Pi)
}

// BlackScholes prices a European option with continuous dividend yield q
// (Black-Scholes-Merton). S is the underlying price, K the strike, T the time
// to expiry in years, r the continuous risk-free rate and sigma the annual
// volatility. Vega is per 1 vol point (0.01) and theta per calendar day, as
// IB reports them.
//
// Degenerate inputs never give NaN: with T <= 0 or sigma <= 0 the option is
// worth its discounted forward intrinsic value, with delta 0 or ±e^(-qT)
// and zero gamma, vega and theta; with S <= 0 or K <= 0 the result is zero.
func BlackScholes(call bool, S, K, T, r, q, sigma float64) Greeks {
	if !(S > 0 && K > 0) || math.IsInf(S, 0) || math.IsInf(K, 0) {
		return Greeks{}
	}
	T = max(T, 0)
	dq, dr := math.Exp(-q*T), math.Exp(-r*T)
	fwdS, pvK := S*dq, K*dr
	if !(T > 0 && sigma > 0) || math.IsInf(sigma, 0) {
		var g Greeks
		switch {
		case call && fwdS > pvK:
			g = Greeks{Price: fwdS - pvK, Delta: dq}
		case !call && pvK > fwdS:
			g = Greeks{Price: pvK - fwdS, Delta: -dq}
		}
		return g
	}
	sqT := math.Sqrt(T)
	d1 := (math.Log(S/K) + (r-q+0.5*sigma*sigma)*T) / (sigma * sqT)
	d2 := d1 - sigma*sqT
	pdf := normPDF(d1)
	g := Greeks{
		Gamma: dq * pdf / (S * sigma * sqT),
		Vega:  fwdS * pdf * sqT / 100,
	}
	decay := -fwdS * pdf * sigma / (2 * sqT)
	if call {
		g.Price = fwdS*normCDF(d1) - pvK*normCDF(d2)
		g.Delta = dq * normCDF(d1)
		g.Theta = (decay - r*pvK*normCDF(d2) + q*fwdS*normCDF(d1)) / daysPerYear
	} else {
		g.Price = pvK*normCDF(-d2) - fwdS*normCDF(-d1)
		g.Delta = -dq * normCDF(-d1)
		g.Theta = (decay + r*pvK*normCDF(-d2) - q*fwdS*normCDF(-d1)) / daysPerYear
	}
	g.Price = max(g.Price, 0) // rounding can dip a hair below zero far OTM
	if g.Delta == 0 {
		g.Delta = 0 // no "-0" on the wire for a worthless put
	}
	return g
}

// Implied volatility search limits.
const (
	ivLow  = 1e-4
	ivHigh = 10.0
	ivTol  = 1e-12 // price tolerance, per share
)

// ImpliedVol returns the volatility at which BlackScholes gives price. ok is
// false when no volatility in [0.0001, 10] fits: price at or below the
// discounted intrinsic value, at or above the no-arbitrage bound, or
// inputs that are not positive and finite.
func ImpliedVol(call bool, price, S, K, T, r, q float64) (float64, bool) {
	for _, x := range []float64{price, S, K, T} {
		if !(x > 0) || math.IsInf(x, 0) {
			return 0, false
		}
	}
	if math.IsNaN(r) || math.IsNaN(q) {
		return 0, false
	}
	lo, hi := ivLow, ivHigh
	pLo := BlackScholes(call, S, K, T, r, q, lo).Price
	pHi := BlackScholes(call, S, K, T, r, q, hi).Price
	if !(price > pLo && price < pHi) {
		return 0, false
	}
	// Newton steps from a Brenner-Subrahmanyam style guess, falling back to
	// bisection whenever a step leaves the bracket or vega vanishes.
	sigma := math.Sqrt(2*math.Pi/T) * price / S
	sigma = min(max(sigma, 0.05), 3)
	for range 200 {
		g := BlackScholes(call, S, K, T, r, q, sigma)
		diff := g.Price - price
		if math.Abs(diff) < ivTol {
			return sigma, true
		}
		if diff > 0 {
			hi = sigma
		} else {
			lo = sigma
		}
		next := sigma - diff/(g.Vega*100)
		if !(g.Vega > 0) || !(next > lo && next < hi) {
			next = 0.5 * (lo + hi)
		}
		if hi-lo < 1e-12 {
			return next, true
		}
		sigma = next
	}
	// Not reached in practice: bisection alone converges in about 45 steps.
	diff := BlackScholes(call, S, K, T, r, q, sigma).Price - price
	return sigma, math.Abs(diff) < 1e-8*max(1, price)
}
