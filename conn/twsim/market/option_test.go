package market

import (
	"regexp"
	"testing"
	"time"
)

// eachOption calls f for every listed option of the universe on today.
func eachOption(u *Universe, today time.Time, f func(e *entry, o Option)) {
	for i := range u.entries {
		e := &u.entries[i]
		for _, l := range listing(e, today) {
			for _, c := range ladder(e, l, today) {
				f(e, makeOption(e, l.day, 'C', c))
				f(e, makeOption(e, l.day, 'P', c))
			}
		}
	}
}

func TestOptionConIDRoundTripAndUniqueness(t *testing.T) {
	u := Default()
	occ := regexp.MustCompile(`^[A-Z]{1,5} {1,5}\d{6}[CP]\d{8}$`)
	for _, today := range testDays {
		seen := map[int64]string{}
		n := 0
		eachOption(u, today, func(e *entry, o Option) {
			n++
			if prev, dup := seen[o.ConID]; dup {
				t.Fatalf("conId %d used by %s and %s", o.ConID, prev, o.LocalSymbol)
			}
			seen[o.ConID] = o.LocalSymbol
			if !IsOptionConID(o.ConID) {
				t.Fatalf("%s: conId %d outside the option range", o.LocalSymbol, o.ConID)
			}
			if _, ok := u.StockByConID(o.ConID); ok {
				t.Fatalf("%s: conId %d is also a stock", o.LocalSymbol, o.ConID)
			}
			if len(o.LocalSymbol) != 21 || !occ.MatchString(o.LocalSymbol) {
				t.Fatalf("local symbol %q is not OCC style", o.LocalSymbol)
			}
			if o.Multiplier != "100" || o.TradingClass != e.Symbol {
				t.Fatalf("%+v", o)
			}
			// Spot-check the validating paths (they rebuild the ladder, so
			// not for all of the universe's contracts).
			if n%97 != 0 {
				return
			}
			back, ok := u.OptionByConID(o.ConID, today)
			if !ok || back != o {
				t.Fatalf("OptionByConID(%d) = %+v %v, want %+v", o.ConID, back, ok, o)
			}
			again, ok := u.Option(o.Symbol, o.Expiry, o.Right, o.Strike, today)
			if !ok || again != o {
				t.Fatalf("Option(%s %s %c %v) = %+v %v", o.Symbol, o.Expiry, o.Right, o.Strike, again, ok)
			}
		})
		if n < 20000 {
			t.Fatalf("only %d contracts on %v", n, today)
		}
	}
}

func TestOptionsListsAWholeExpiration(t *testing.T) {
	u := Default()
	today := testDays[0]
	all := u.Options("TSLA", "20261218", 0, today)
	puts := u.Options("TSLA", "20261218", 'P', today)
	strikes := u.Strikes("TSLA", "20261218", today)
	if len(all) != 2*len(strikes) || len(puts) != len(strikes) {
		t.Fatalf("%d options and %d puts for %d strikes", len(all), len(puts), len(strikes))
	}
	for i, p := range puts {
		o, ok := u.Option("TSLA", "20261218", 'P', strikes[i], today)
		if !ok || o != p || all[2*i+1] != p || all[2*i].Right != 'C' {
			t.Fatalf("put %d: %+v, Option gives %+v", i, p, o)
		}
	}
	if u.Options("TSLA", "20261219", 0, today) != nil || u.Options("ZZZZ", "20261218", 0, today) != nil {
		t.Fatal("options for an unlisted expiration or symbol")
	}
}

func TestOptionLookupRejectsWhatIsNotListed(t *testing.T) {
	u := Default()
	today := testDays[0]
	o, ok := u.Option("AAPL", "20261218", 'c', 265, today)
	if !ok || o.Right != 'C' || o.LocalSymbol != "AAPL  261218C00265000" {
		t.Fatalf("AAPL Dec 265 call: %+v %v", o, ok)
	}
	if o, _ := u.Option("F", "20261218", 'P', 12.5, today); o.LocalSymbol != "F     261218P00012500" {
		t.Fatalf("F local symbol %q", o.LocalSymbol)
	}
	bad := []struct {
		sym, exp string
		right    byte
		strike   float64
	}{
		{"AAPL", "20261218", 'X', 265},     // right
		{"AAPL", "20261218", 'C', 266},     // not on the monthly ladder
		{"AAPL", "20261218", 'C', 265.001}, // not a whole cent
		{"AAPL", "20261106", 'C', 160},     // on the monthly ladder, not the weekly
		{"AAPL", "20261030", 'C', 265},     // expired
		{"AAPL", "20261107", 'C', 265},     // a Saturday
		{"HVLN", "20261106", 'C', 85},      // deal stock: no weeklies
		{"ZZZZ", "20261218", 'C', 265},     // unknown
	}
	for _, b := range bad {
		if o, ok := u.Option(b.sym, b.exp, b.right, b.strike, today); ok {
			t.Errorf("Option(%s %s %c %v) = %s, want not listed", b.sym, b.exp, b.right, b.strike, o.LocalSymbol)
		}
	}
	// An option stops being found once it has expired.
	wk, _ := u.Option("AAPL", "20261106", 'C', 265, today)
	if _, ok := u.OptionByConID(wk.ConID, today.AddDate(0, 0, 4)); !ok {
		t.Fatal("weekly not found on its expiry day")
	}
	if _, ok := u.OptionByConID(wk.ConID, today.AddDate(0, 0, 5)); ok {
		t.Fatal("weekly found the day after it expired")
	}
	for _, id := range []int64{0, -5, 265598, optionIDMin - 1, optionIDMax,
		wk.ConID - (wk.ConID-optionIDMin)%strikeSlots,  // strike slot 0
		optionIDMin + 120*dayBuckets*2*strikeSlots + 5, // no such underlying
		50254310005000, // the old decimal scheme
	} {
		if o, ok := u.OptionByConID(id, today); ok {
			t.Errorf("OptionByConID(%d) = %s", id, o.LocalSymbol)
		}
	}
}

// TestOptionConIDsFit32Bits: every option id fits TWS's signed 32-bit
// conId, and the same contract keeps its id from one day (or run) to the
// next while it is listed.
func TestOptionConIDsFit32Bits(t *testing.T) {
	u := Default()
	today := testDays[0]
	later := today.AddDate(0, 0, 3)
	n := 0
	eachOption(u, today, func(e *entry, o Option) {
		if o.ConID <= 0 || o.ConID > 1<<31-1 {
			t.Fatalf("%s: conId %d does not fit 32 bits", o.LocalSymbol, o.ConID)
		}
		if n++; n%101 != 0 || o.Expiry <= later.Format(expiryLayout) {
			return
		}
		again, ok := u.Option(o.Symbol, o.Expiry, o.Right, o.Strike, later)
		if ok && again.ConID != o.ConID {
			t.Fatalf("%s: conId %d on %s, %d three days later", o.LocalSymbol, o.ConID, today, again.ConID)
		}
	})
}
