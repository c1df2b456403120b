package scanner

import (
	"testing"
	"time"
)

func day(y int, m time.Month, d int) time.Time { return time.Date(y, m, d, 0, 0, 0, 0, time.UTC) }

// TestAcceleratedExpiry: OCC's accelerated expiration after a cash close
// is the month's third Friday when the close is on or before that week's
// Tuesday, else the next month's.
func TestAcceleratedExpiry(t *testing.T) {
	for _, c := range []struct{ close, want time.Time }{
		{day(2027, time.January, 4), day(2027, time.January, 15)},   // well before
		{day(2027, time.January, 12), day(2027, time.January, 15)},  // the Tuesday itself
		{day(2027, time.January, 13), day(2027, time.February, 19)}, // Wednesday: deferred
		{day(2027, time.January, 29), day(2027, time.February, 19)}, // after expiry week
		{day(2027, time.December, 28), day(2028, time.January, 21)}, // over the year end
	} {
		if got := AcceleratedExpiry(c.close); !got.Equal(c.want) {
			t.Errorf("close %s: accelerated to %s, want %s", c.close.Format(time.DateOnly), got.Format(time.DateOnly), c.want.Format(time.DateOnly))
		}
	}
}

func TestOptionExit(t *testing.T) {
	// BRCV closes 2027-01-29 → accelerated 2027-02-19, 83 days from lensNow.
	far := OptionExit(brcv, "20270617", lensNow)
	if !far.Date.Equal(day(2027, time.February, 19)) || !far.Accelerated {
		t.Errorf("far expiry exits %v (accelerated %v), want 2027-02-19", far.Date, far.Accelerated)
	}
	near(t, "days to exit", far.Days, 83)
	pre := OptionExit(brcv, "20270115", lensNow)
	if !pre.Date.Equal(day(2027, time.January, 15)) || pre.Accelerated {
		t.Errorf("pre-close expiry exits %v, want its expiry", pre.Date)
	}
	noClose := brcv
	noClose.ExpectedClose = time.Time{}
	if x := OptionExit(noClose, "20270219", lensNow); !x.Date.IsZero() || x.Days.OK {
		t.Errorf("unknown close: exit %+v, want unknown", x)
	}
	s := StockExit(brcv, lensNow)
	near(t, "stock days", s.Days, 62)
}

// TestLensAnnualisesToExit: an expiry long after the close is annualised
// over the days to OCC's accelerated expiration, like the stock's own
// figure to the close, not over the days to its listed expiry.
func TestLensAnnualisesToExit(t *testing.T) {
	l := ComputeLens(LensInput{Deal: brcv, Under: 33.85, Expiry: "20270617", Multiplier: 100, Now: lensNow,
		Strikes: []StrikeQuote{{Strike: 30, CallBid: 3.90, CallAsk: 4.20, PutBid: 0.20, PutAsk: 0.35}}})
	near(t, "30C far annual", l.Strikes[0].Call.FarTouch.Annual, 0.3/4.2*365/83)
	if l.BestCall != 0 {
		t.Errorf("best call %d, want 0", l.BestCall)
	}
}

// TestLensUnknownCloseNeverStarred: `ibwatch chain HVLN --deal 86`
// without a close starred 17236.1 %: with no close nothing is annualised
// or starred.
func TestLensUnknownCloseNeverStarred(t *testing.T) {
	d := Deal{Symbol: "HVLN", Price: 86}
	l := ComputeLens(LensInput{Deal: d, Under: 83, Expiry: "20261211", Multiplier: 100, Now: lensNow,
		Strikes: []StrikeQuote{{Strike: 80, CallBid: 3.0, CallAsk: 3.2, PutBid: 0.05, PutAsk: 0.10}}})
	if l.BestCall != -1 || l.BestPut != -1 {
		t.Errorf("unknown close starred call %d put %d", l.BestCall, l.BestPut)
	}
	na(t, "call annual without close", l.Strikes[0].Call.FarTouch.Annual)
	na(t, "put annual without close", l.Strikes[0].Put.FarTouch.Annual)
	near(t, "call return is still shown", l.Strikes[0].Call.FarTouch.Return, (6-3.2)/3.2)
}

// TestLensNeverAnnualisesLosses: a −100 % loss was shown as −354 %.
func TestLensNeverAnnualisesLosses(t *testing.T) {
	l := ComputeLens(LensInput{Deal: brcv, Under: 33.85, Expiry: "20270219", Multiplier: 100, Now: lensNow,
		Strikes: []StrikeQuote{{Strike: 35, CallBid: 0.50, CallAsk: 0.70, PutBid: 1.2, PutAsk: 1.4}}})
	near(t, "35C return", l.Strikes[0].Call.FarTouch.Return, -1)
	na(t, "35C annual", l.Strikes[0].Call.FarTouch.Annual)
	h := ComputeDealHeader(brcv, 35, lensNow)
	na(t, "stock above the deal price: annual", h.AnnualReturn)
}
