package market

import (
	"math"
	"testing"
)

// bsCase is one point of the pricing grid the tests sweep.
type bsCase struct{ S, K, T, r, q, sigma float64 }

// bsGrid covers deep ITM to deep OTM, hours to years, zero and high rates,
// dividend yields and low to extreme volatility.
func bsGrid() []bsCase {
	var out []bsCase
	for _, K := range []float64{40, 80, 95, 100, 105, 125, 250} {
		for _, T := range []float64{1.0 / (365 * 24), 2.0 / 365, 0.1, 0.5, 2.5} {
			for _, r := range []float64{0, 0.045} {
				for _, q := range []float64{0, 0.03} {
					for _, sigma := range []float64{0.05, 0.25, 0.8, 2} {
						out = append(out, bsCase{100, K, T, r, q, sigma})
					}
				}
			}
		}
	}
	return out
}

func TestBlackScholesTextbookValues(t *testing.T) {
	// Hull's classic example: S=K=100, T=1, r=5 %, sigma=20 %, no dividends.
	c := BlackScholes(true, 100, 100, 1, 0.05, 0, 0.2)
	p := BlackScholes(false, 100, 100, 1, 0.05, 0, 0.2)
	if math.Abs(c.Price-10.4506) > 1e-4 || math.Abs(p.Price-5.5735) > 1e-4 {
		t.Fatalf("call %.4f put %.4f, want 10.4506 and 5.5735", c.Price, p.Price)
	}
	if math.Abs(c.Delta-0.6368) > 1e-4 || math.Abs(p.Delta+0.3632) > 1e-4 {
		t.Fatalf("deltas %.4f %.4f, want 0.6368 and -0.3632", c.Delta, p.Delta)
	}
	// Vega per vol point: 100*phi(0.35)*1/100 = 0.3752.
	if math.Abs(c.Vega-0.3752) > 1e-4 || c.Vega != p.Vega {
		t.Fatalf("vega %.4f/%.4f, want 0.3752 for both", c.Vega, p.Vega)
	}
	// Theta per calendar day: -6.414/365 for the call.
	if math.Abs(c.Theta*365+6.414) > 1e-3 {
		t.Fatalf("call theta per year %.4f, want -6.414", c.Theta*365)
	}
}

func TestPutCallParity(t *testing.T) {
	for _, c := range bsGrid() {
		call := BlackScholes(true, c.S, c.K, c.T, c.r, c.q, c.sigma)
		put := BlackScholes(false, c.S, c.K, c.T, c.r, c.q, c.sigma)
		want := c.S*math.Exp(-c.q*c.T) - c.K*math.Exp(-c.r*c.T)
		if d := call.Price - put.Price - want; math.Abs(d) > 1e-9*c.K {
			t.Errorf("%+v: C-P = %.12f, want %.12f", c, call.Price-put.Price, want)
		}
		if d := call.Delta - put.Delta - math.Exp(-c.q*c.T); math.Abs(d) > 1e-12 {
			t.Errorf("%+v: delta parity off by %g", c, d)
		}
	}
}

func TestImpliedVolInvertsBlackScholes(t *testing.T) {
	checked := 0
	for _, c := range bsGrid() {
		for _, call := range []bool{true, false} {
			g := BlackScholes(call, c.S, c.K, c.T, c.r, c.q, c.sigma)
			if g.Vega*100 < 1e-8 {
				continue // the price does not pin down the volatility
			}
			iv, ok := ImpliedVol(call, g.Price, c.S, c.K, c.T, c.r, c.q)
			back := BlackScholes(call, c.S, c.K, c.T, c.r, c.q, iv).Price
			if !ok || math.Abs(back-g.Price) > 1e-9 {
				t.Errorf("call=%v %+v price %.10f: iv %v ok=%v reprices to %.10f", call, c, g.Price, iv, ok, back)
			}
			if g.Vega*100 > 1e-2 && math.Abs(iv-c.sigma) > 1e-7 {
				t.Errorf("call=%v %+v: iv %v, want %v", call, c, iv, c.sigma)
			}
			checked++
		}
	}
	if checked < 300 {
		t.Fatalf("only %d cases had usable vega", checked)
	}
}

func TestImpliedVolRejectsImpossiblePrices(t *testing.T) {
	cases := []struct {
		name        string
		call        bool
		price, S, K float64
	}{
		{"below intrinsic", true, 9, 110, 100},
		{"call above spot", true, 101, 100, 100},
		{"put above strike", false, 120, 100, 100},
		{"zero price", true, 0, 100, 100},
		{"NaN price", false, math.NaN(), 100, 100},
		{"zero spot", true, 1, 0, 100},
	}
	for _, c := range cases {
		if iv, ok := ImpliedVol(c.call, c.price, c.S, c.K, 0.5, 0.045, 0); ok {
			t.Errorf("%s: got iv %v, want ok=false", c.name, iv)
		}
	}
}

func TestGreeksMatchFiniteDifferences(t *testing.T) {
	for _, c := range bsGrid() {
		if c.T < 1.0/365 {
			continue // one hour: the day-long theta bump would cross expiry
		}
		for _, call := range []bool{true, false} {
			price := func(S, T, sigma float64) float64 { return BlackScholes(call, S, c.K, T, c.r, c.q, sigma).Price }
			g := BlackScholes(call, c.S, c.K, c.T, c.r, c.q, c.sigma)
			h := c.S * 1e-4
			delta := (price(c.S+h, c.T, c.sigma) - price(c.S-h, c.T, c.sigma)) / (2 * h)
			gamma := (price(c.S+h, c.T, c.sigma) - 2*g.Price + price(c.S-h, c.T, c.sigma)) / (h * h)
			e := 1e-5
			vega := (price(c.S, c.T, c.sigma+e) - price(c.S, c.T, c.sigma-e)) / (2 * e) * 0.01
			et := c.T * 1e-4
			theta := -(price(c.S, c.T+et, c.sigma) - price(c.S, c.T-et, c.sigma)) / (2 * et) / 365
			check := func(name string, got, want, tol float64) {
				if math.Abs(got-want) > tol+1e-3*math.Abs(want) {
					t.Errorf("call=%v %+v: %s %.8g, finite difference %.8g", call, c, name, got, want)
				}
			}
			check("delta", g.Delta, delta, 1e-6)
			check("gamma", g.Gamma, gamma, 1e-4)
			check("vega", g.Vega, vega, 1e-6)
			check("theta", g.Theta, theta, 1e-6)
		}
	}
}

func TestBlackScholesDegenerateInputsAreFinite(t *testing.T) {
	cases := []bsCase{
		{100, 90, 0, 0.045, 0.01, 0.3}, {100, 110, 0, 0.045, 0, 0.3},
		{100, 90, 0.5, 0.045, 0, 0}, {100, 110, -1, 0.045, 0, 0.3},
		{0, 100, 0.5, 0.045, 0, 0.3}, {100, 0, 0.5, 0.045, 0, 0.3},
		{100, 100, 0.5, 0.045, 0, math.Inf(1)}, {1e-9, 1e9, 30, 0.045, 0, 3},
		{1e9, 1e-9, 30, 0.045, 0, 3}, {100, 100, 1e-12, 0, 0, 1e-9},
	}
	for _, c := range cases {
		for _, call := range []bool{true, false} {
			g := BlackScholes(call, c.S, c.K, c.T, c.r, c.q, c.sigma)
			for _, v := range []float64{g.Price, g.Delta, g.Gamma, g.Vega, g.Theta} {
				if math.IsNaN(v) || math.IsInf(v, 0) {
					t.Fatalf("call=%v %+v: %+v", call, c, g)
				}
			}
			if g.Price < 0 || math.Abs(g.Delta) > 1 {
				t.Fatalf("call=%v %+v: %+v", call, c, g)
			}
		}
	}
	// Expired: intrinsic value, delta 0 or 1.
	if g := BlackScholes(true, 100, 90, 0, 0.045, 0, 0.3); g.Price != 10 || g.Delta != 1 {
		t.Fatalf("expired ITM call: %+v", g)
	}
	if g := BlackScholes(false, 100, 90, 0, 0.045, 0, 0.3); g.Price != 0 || g.Delta != 0 {
		t.Fatalf("expired OTM put: %+v", g)
	}
}

func BenchmarkBlackScholes(b *testing.B) {
	for i := 0; b.Loop(); i++ {
		BlackScholes(i%2 == 0, 265, 250+float64(i%30), 0.25, 0.045, 0.004, 0.26)
	}
}

func BenchmarkImpliedVol(b *testing.B) {
	p := BlackScholes(true, 265, 280, 0.25, 0.045, 0.004, 0.26).Price
	for b.Loop() {
		ImpliedVol(true, p, 265, 280, 0.25, 0.045, 0.004)
	}
}
