package linkproto

import (
	"testing"
	"time"
)

func TestBackoffBoundsGrowAndCap(t *testing.T) {
	b := Backoff{Base: 250 * time.Millisecond, Multiplier: 1.6, Cap: 5 * time.Second}
	want := []time.Duration{250, 400, 640, 1024, 1638, 2621, 4194, 5000, 5000}
	for n, w := range want {
		got := b.Bound(n).Round(time.Millisecond) / time.Millisecond
		if got != w {
			t.Errorf("Bound(%d) = %dms, want %dms", n, got, w)
		}
	}
	if b.Bound(10000) != 5*time.Second {
		t.Errorf("huge attempt count must stay at the cap, got %v", b.Bound(10000))
	}
}

func TestBackoffFullJitterStaysInBounds(t *testing.T) {
	for _, r := range []float64{0, 0.5, 0.999999} {
		b := Backoff{Base: 250 * time.Millisecond, Multiplier: 2, Cap: 5 * time.Second, Rand: func() float64 { return r }}
		for n := 0; n < 12; n++ {
			d := b.Delay(n)
			if d < 0 || d > b.Bound(n) {
				t.Fatalf("Delay(%d) with r=%v = %v, outside [0, %v]", n, r, d, b.Bound(n))
			}
			if want := time.Duration(r * float64(b.Bound(n))); d != want {
				t.Fatalf("Delay(%d) = %v, want %v (full jitter)", n, d, want)
			}
		}
	}
	// The real random source spreads over the whole range.
	b := Backoff{Base: time.Second, Multiplier: 2, Cap: time.Second}
	lo, hi := time.Hour, time.Duration(0)
	for i := 0; i < 2000; i++ {
		d := b.Delay(3)
		lo, hi = min(lo, d), max(hi, d)
	}
	if lo > 100*time.Millisecond || hi < 900*time.Millisecond {
		t.Fatalf("jitter range [%v, %v] does not cover [0, 1s]", lo, hi)
	}
}
