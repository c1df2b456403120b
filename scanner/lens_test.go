package scanner

import (
	"encoding/json"
	"math"
	"reflect"
	"testing"
	"time"
)

// lensNow is noon in New York on 2026-11-28: 62 days before 2027-01-29 and
// 83 days before 2027-02-19.
var lensNow = time.Date(2026, time.November, 28, 17, 0, 0, 0, time.UTC)

var brcv = Deal{Symbol: "BRCV", Price: 34.50, ExpectedClose: time.Date(2027, time.January, 29, 0, 0, 0, 0, time.UTC), BreakPrice: 24}

func near(t *testing.T, what string, got Num, want float64) {
	t.Helper()
	if !got.OK {
		t.Errorf("%s: not available, want %v", what, want)
		return
	}
	if math.Abs(got.V-want) > 1e-9*math.Max(1, math.Abs(want)) {
		t.Errorf("%s = %v, want %v", what, got.V, want)
	}
}

func na(t *testing.T, what string, got Num) {
	t.Helper()
	if got.OK {
		t.Errorf("%s = %v, want not available", what, got.V)
	}
}

func TestDealHeaderHandComputed(t *testing.T) {
	h := ComputeDealHeader(brcv, 33.85, lensNow)
	near(t, "days to close", h.DaysToClose, 62)
	near(t, "spread $", h.SpreadUSD, 0.65)
	near(t, "spread % of deal", h.SpreadPct, 0.65/34.5)      // 0.0188406
	near(t, "return", h.Return, 0.65/33.85)                  // 0.0192024
	near(t, "annualised", h.AnnualReturn, 0.65/33.85*365/62) // 0.1130462
	near(t, "probability", h.Prob, 9.85/10.5)                // 0.9380952
	if h.ProbClamped {
		t.Error("probability 0.938 flagged as clamped")
	}
}

func TestDealHeaderGuards(t *testing.T) {
	over := ComputeDealHeader(brcv, 35, lensNow) // above the deal price
	near(t, "prob above deal", over.Prob, 1)
	if !over.ProbClamped {
		t.Error("S > D: probability not flagged")
	}
	near(t, "negative spread", over.SpreadUSD, -0.5)
	under := ComputeDealHeader(brcv, 20, lensNow) // below the break price
	near(t, "prob below break", under.Prob, 0)
	if !under.ProbClamped {
		t.Error("S < B: probability not flagged")
	}
	noS := ComputeDealHeader(brcv, 0, lensNow)
	na(t, "return with S = 0", noS.Return)
	na(t, "annual with S = 0", noS.AnnualReturn)
	na(t, "spread with S = 0", noS.SpreadUSD)
	nan := ComputeDealHeader(brcv, math.NaN(), lensNow)
	na(t, "prob with S = NaN", nan.Prob)
	same := brcv
	same.BreakPrice = same.Price
	na(t, "prob with D == B", ComputeDealHeader(same, 30, lensNow).Prob)
	noB := brcv
	noB.BreakPrice = 0
	na(t, "prob without B", ComputeDealHeader(noB, 30, lensNow).Prob)
	late := ComputeDealHeader(brcv, 33.85, time.Date(2027, time.March, 1, 17, 0, 0, 0, time.UTC))
	near(t, "days after close", late.DaysToClose, -31)
	near(t, "return after close", late.Return, 0.65/33.85)
	na(t, "annual after close", late.AnnualReturn)
	onDay := ComputeDealHeader(brcv, 33.85, time.Date(2027, time.January, 29, 15, 0, 0, 0, time.UTC))
	near(t, "days on close day", onDay.DaysToClose, 0)
	na(t, "annual on close day", onDay.AnnualReturn)
	noDate := brcv
	noDate.ExpectedClose = time.Time{}
	h := ComputeDealHeader(noDate, 33.85, lensNow)
	na(t, "days without date", h.DaysToClose)
	na(t, "annual without date", h.AnnualReturn)
}

func TestLensHandComputed(t *testing.T) {
	l := ComputeLens(LensInput{
		Deal: brcv, Under: 33.85, Expiry: "20270219", Multiplier: 100, Now: lensNow,
		Strikes: []StrikeQuote{
			{Strike: 30, CallBid: 3.90, CallAsk: 4.20, PutBid: 0.20, PutAsk: 0.35},
			{Strike: 35, CallBid: 0.50, CallAsk: 0.70, PutBid: 1.20, PutAsk: 1.40},
		},
	})
	if l.Timing != TimingAfter {
		t.Errorf("timing = %v, want after", l.Timing)
	}
	near(t, "days to expiry", l.DaysToExpiry, 83)
	k30, k35 := l.Strikes[0], l.Strikes[1]
	near(t, "30 % of deal", k30.PctOfDeal, 30/34.5)
	// Long 30 call, far touch: pay 4.20, receive 4.50.
	near(t, "30C far payoff", k30.Call.FarTouch.Payoff, 30)
	near(t, "30C far capital", k30.Call.FarTouch.Capital, 420)
	near(t, "30C far return", k30.Call.FarTouch.Return, 0.3/4.2)
	near(t, "30C far annual", k30.Call.FarTouch.Annual, 0.3/4.2*365/83) // 0.31411
	// At mid 4.05.
	near(t, "30C mid", k30.Call.Mid, 4.05)
	near(t, "30C mid payoff", k30.Call.AtMid.Payoff, 45)
	near(t, "30C mid return", k30.Call.AtMid.Return, 0.45/4.05)
	// Short 30 put, far touch: sell 0.20; cash-secured capital (30 − 0.20) × 100.
	near(t, "30P far payoff", k30.Put.FarTouch.Payoff, 20)
	near(t, "30P far capital", k30.Put.FarTouch.Capital, 2980)
	near(t, "30P far return", k30.Put.FarTouch.Return, 0.2/29.8)
	near(t, "30P far annual", k30.Put.FarTouch.Annual, 0.2/29.8*365/83) // 0.02951
	near(t, "30P mid payoff", k30.Put.AtMid.Payoff, 27.5)
	// Long 35 call: worthless at D = 34.50.
	near(t, "35C far payoff", k35.Call.FarTouch.Payoff, -70)
	near(t, "35C far return", k35.Call.FarTouch.Return, -1)
	// Short 35 put: assigned at 35, stock worth 34.50.
	near(t, "35P far payoff", k35.Put.FarTouch.Payoff, 70)
	near(t, "35P far capital", k35.Put.FarTouch.Capital, 3380)
	near(t, "35P far annual", k35.Put.FarTouch.Annual, 0.7/33.8*365/83) // 0.09107
	if l.BestCall != 0 || l.BestPut != 1 {
		t.Errorf("best call/put = %d/%d, want 0/1", l.BestCall, l.BestPut)
	}
}

func TestLensGuards(t *testing.T) {
	in := LensInput{Deal: brcv, Under: 33.85, Expiry: "20270115", Multiplier: math.NaN(), Now: lensNow,
		Strikes: []StrikeQuote{
			{Strike: 30, CallBid: math.NaN(), CallAsk: 4.2, PutBid: 0, PutAsk: math.Inf(1)},
			{Strike: 0, CallBid: 1, CallAsk: 2, PutBid: 1, PutAsk: 2},
			{Strike: 40, CallBid: 0.05, CallAsk: 0.01, PutBid: 41, PutAsk: 42}, // crossed call; put above strike
		}}
	l := ComputeLens(in)
	if l.Multiplier != 100 {
		t.Errorf("multiplier = %v, want the default 100", l.Multiplier)
	}
	if l.Timing != TimingBefore || l.BestCall != -1 || l.BestPut != -1 {
		t.Errorf("expiry before the close: timing %v best %d/%d, want before -1/-1", l.Timing, l.BestCall, l.BestPut)
	}
	s := l.Strikes[0]
	na(t, "mid without bid", s.Call.Mid)
	na(t, "mid payoff without bid", s.Call.AtMid.Payoff)
	near(t, "far payoff with ask only", s.Call.FarTouch.Payoff, 30)
	na(t, "short put without bid", s.Put.FarTouch.Payoff)
	na(t, "infinite ask", s.Put.Ask)
	na(t, "strike 0", l.Strikes[1].Strike)
	na(t, "strike 0 payoff", l.Strikes[1].Call.FarTouch.Payoff)
	na(t, "crossed mid", l.Strikes[2].Call.Mid)
	na(t, "put capital ≤ 0", l.Strikes[2].Put.FarTouch.Capital)
	na(t, "put return with capital ≤ 0", l.Strikes[2].Put.FarTouch.Return)
	expired := in
	expired.Expiry = "20261127"
	expired.Now = lensNow
	le := ComputeLens(expired)
	na(t, "annual after expiry", le.Strikes[0].Call.FarTouch.Annual)
	bad := in
	bad.Expiry = "garbage"
	lb := ComputeLens(bad)
	na(t, "days with a bad expiry", lb.DaysToExpiry)
	if lb.Timing != TimingUnknown {
		t.Errorf("timing with a bad expiry = %v", lb.Timing)
	}
}

func TestNumJSON(t *testing.T) {
	b, err := json.Marshal(struct{ A, B Num }{num(1.5), NA})
	if err != nil || string(b) != `{"A":1.5,"B":null}` {
		t.Fatalf("got %s, %v", b, err)
	}
	var back struct{ A, B Num }
	if err := json.Unmarshal(b, &back); err != nil || back.A != num(1.5) || back.B.OK {
		t.Fatalf("round trip: %+v, %v", back, err)
	}
}

// FuzzLens feeds arbitrary numbers and dates to the lens and checks that
// no NaN or Inf comes out anywhere, and that NA carries no value.
func FuzzLens(f *testing.F) {
	f.Add(34.5, 33.85, 24.0, 30.0, 3.9, 4.2, 0.2, 0.35, 100.0, int64(62), int64(83), int64(1795000000))
	f.Add(0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, int64(0), int64(0), int64(0))
	f.Add(math.NaN(), math.Inf(1), math.Inf(-1), -1.0, 1e308, 1e308, -1e308, 5e-324, 1e308, int64(-5), int64(-1), int64(-1e12))
	f.Add(10.0, 10.0, 10.0, 10.0, 1.0, 1.0, 1.0, 1.0, 1e-300, int64(1), int64(1), int64(1e11))
	f.Fuzz(func(t *testing.T, d, s, b, k, cb, ca, pb, pa, mult float64, closeDays, expDays, nowSec int64) {
		now := time.Unix(nowSec%(1<<40), 0)
		deal := Deal{Symbol: "X", Price: d, BreakPrice: b, ExpectedClose: now.AddDate(0, 0, int(closeDays%100000))}
		exp := now.AddDate(0, 0, int(expDays%100000)).Format(expiryLayout)
		l := ComputeLens(LensInput{Deal: deal, Under: s, Expiry: exp, Multiplier: mult, Now: now,
			Strikes: []StrikeQuote{{k, cb, ca, pb, pa}, {d, pa, pb, ca, cb}, {s, cb, cb, pa, pa}}})
		checkFinite(t, "Lens", reflect.ValueOf(l))
		if l.BestCall >= len(l.Strikes) || l.BestPut >= len(l.Strikes) {
			t.Fatalf("best index out of range: %d %d", l.BestCall, l.BestPut)
		}
	})
}

// checkFinite walks v and fails on any NaN/Inf float and on NA Nums that
// carry a value.
func checkFinite(t *testing.T, path string, v reflect.Value) {
	t.Helper()
	switch v.Kind() {
	case reflect.Float64:
		if math.IsNaN(v.Float()) || math.IsInf(v.Float(), 0) {
			t.Fatalf("%s = %v", path, v.Float())
		}
	case reflect.Struct:
		if n, ok := v.Interface().(Num); ok && !n.OK && n.V != 0 {
			t.Fatalf("%s: NA with value %v", path, n.V)
		}
		for i := range v.NumField() {
			if v.Type().Field(i).IsExported() {
				checkFinite(t, path+"."+v.Type().Field(i).Name, v.Field(i))
			}
		}
	case reflect.Slice:
		for i := range v.Len() {
			checkFinite(t, path+"[]", v.Index(i))
		}
	}
}
