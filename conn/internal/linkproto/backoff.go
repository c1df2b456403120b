package linkproto

import (
	"math"
	"math/rand/v2"
	"time"
)

// Backoff is exponential backoff with full jitter: the n-th consecutive
// failed attempt (n = 0, 1, …) waits a uniformly random time in
// [0, min(Cap, Base·Multiplier^n)].
//
// Full jitter (rather than ±20 %) spreads the retries of many clients and,
// for a single local TWS, makes the expected wait half the bound, which is
// what gets us back quickly after a short restart. With the defaults
// (Base 250 ms, ×1.6, Cap 5 s) the bounds are:
//
//	attempt   0     1     2     3      4      5      6      7+
//	bound   250ms 400ms 640ms 1.02s  1.64s  2.62s  4.19s  5s
//
// The attempt counter resets after a connection that stayed healthy
// (Config.StableAfter), so one blip never inherits a long wait.
type Backoff struct {
	Base       time.Duration
	Multiplier float64
	Cap        time.Duration
	// Rand returns a float64 in [0, 1); nil uses math/rand/v2.
	Rand func() float64
}

// Bound returns the upper bound of the wait before attempt n.
func (b Backoff) Bound(n int) time.Duration {
	if n < 0 {
		n = 0
	}
	bound := float64(b.Base) * math.Pow(b.Multiplier, float64(n))
	if bound > float64(b.Cap) || math.IsInf(bound, 0) || math.IsNaN(bound) {
		return b.Cap
	}
	return time.Duration(bound)
}

// Delay returns the jittered wait before attempt n.
func (b Backoff) Delay(n int) time.Duration {
	r := b.Rand
	if r == nil {
		r = rand.Float64
	}
	return time.Duration(r() * float64(b.Bound(n)))
}
