package market

import (
	"strings"
	"testing"
	"time"
)

func TestDefaultUniverseIsValidAndRealistic(t *testing.T) {
	u := Default()
	if err := validate(u.entries); err != nil {
		t.Fatal(err)
	}
	stocks := u.Stocks()
	if len(stocks) < 30 {
		t.Fatalf("%d stocks, want at least 30", len(stocks))
	}
	for _, sym := range []string{"AAPL", "MSFT", "NVDA", "AMZN", "GOOGL", "META", "TSLA", "SPY", "QQQ", "IWM", "JPM"} {
		if _, ok := u.Stock(sym); !ok {
			t.Errorf("missing %s", sym)
		}
	}
	if s, _ := u.Stock("AAPL"); s.ConID != 265598 || s.PrimaryExch != "NASDAQ" {
		t.Errorf("AAPL = %+v, want IB's conId 265598 on NASDAQ", s)
	}
	deals, delayed := 0, 0
	for _, s := range stocks {
		if !s.Live {
			delayed++
		}
		if s.Deal == nil {
			continue
		}
		deals++
		d := s.Deal
		spread := d.Price/s.Price - 1
		if spread < 0.01 || spread > 0.065 {
			t.Errorf("%s: spread to deal %.2f%%, want 1-6%%", s.Symbol, 100*spread)
		}
		if d.ExpectedClose.Year() != 2027 || d.ExpectedClose.Location() != time.UTC {
			t.Errorf("%s: closes %v, want a 2027 UTC date", s.Symbol, d.ExpectedClose)
		}
		if s.Vol > 0.16 {
			t.Errorf("%s: vol %.2f is high for a deal stock", s.Symbol, s.Vol)
		}
	}
	if deals < 5 || delayed < 3 {
		t.Fatalf("%d deals and %d delayed-only stocks, want at least 5 and 3", deals, delayed)
	}
}

func TestLookupsByConIDAndCopies(t *testing.T) {
	u := Default()
	for _, s := range u.Stocks() {
		got, ok := u.StockByConID(s.ConID)
		if !ok || got.Symbol != s.Symbol {
			t.Fatalf("StockByConID(%d) = %s %v, want %s", s.ConID, got.Symbol, ok, s.Symbol)
		}
	}
	if _, ok := u.Stock("aapl"); ok {
		t.Error("Stock is exact: lower case must not match")
	}
	if _, ok := u.StockByConID(0); ok {
		t.Error("conId 0 found")
	}
	s, _ := u.Stock("HVLN")
	s.Deal.Price = 1
	if again, _ := u.Stock("HVLN"); again.Deal.Price == 1 {
		t.Fatal("changing a returned Deal changed the universe")
	}
}

func TestMatchRanking(t *testing.T) {
	u := Default()
	syms := func(pattern string) string {
		var out []string
		for _, s := range u.Match(pattern) {
			out = append(out, s.Symbol)
		}
		return strings.Join(out, " ")
	}
	cases := []struct{ pattern, wantPrefix string }{
		{"aapl", "AAPL"},
		{"  AMD ", "AMD"},
		{"t", "T TLT TSLA"},   // exact, then shorter, then alphabetical
		{"am", "AMD AMZN"},    // shorter symbol first
		{"apple", "AAPL"},     // by name
		{"micro", "MSFT AMD"}, // name: earlier position in the name first
		{"go", "GOOGL GS"},    // GOOGL by symbol, then Goldman by name
	}
	for _, c := range cases {
		if got := syms(c.pattern); !strings.HasPrefix(got+" ", c.wantPrefix) {
			t.Errorf("Match(%q) = %q, want it to start with %q", c.pattern, got, c.wantPrefix)
		}
	}
	if got := u.Match("a"); len(got) != maxMatches {
		t.Errorf("Match(a) returned %d, want the cap of %d", len(got), maxMatches)
	}
	if got := u.Match("   "); got != nil {
		t.Errorf("blank pattern matched %d stocks", len(got))
	}
	if got := syms("zzzz"); got != "" {
		t.Errorf("Match(zzzz) = %q", got)
	}
	// Symbol prefix matches always come before name matches.
	got := u.Match("c")
	seenName := false
	for _, s := range got {
		isSym := strings.HasPrefix(s.Symbol, "C")
		if isSym && seenName {
			t.Fatalf("Match(c) = %q: symbol match after a name match", syms("c"))
		}
		seenName = seenName || !isSym
	}
}

func TestNewUniverseValidates(t *testing.T) {
	good := Stock{Symbol: "ABC", Name: "ABC Corp", ConID: 42, PrimaryExch: "NYSE", Price: 50, Vol: 0.3, Live: true}
	u, err := NewUniverse([]Stock{good})
	if err != nil {
		t.Fatal(err)
	}
	if len(u.Expirations("ABC", time.Date(2026, 11, 2, 12, 0, 0, 0, time.UTC))) < 10 {
		t.Fatal("a custom stock gets weeklies, monthlies, quarterlies and LEAPS")
	}
	bad := map[string]func(s *Stock){
		"empty symbol":   func(s *Stock) { s.Symbol = "" },
		"lower symbol":   func(s *Stock) { s.Symbol = "abc" },
		"quote in name":  func(s *Stock) { s.Name = `ABC "New" Corp` },
		"accent in name": func(s *Stock) { s.Name = "Nestl\u00e9" },
		"zero conId":     func(s *Stock) { s.ConID = 0 },
		"option conId":   func(s *Stock) { s.ConID = optionIDMin },
		"zero price":     func(s *Stock) { s.Price = 0 },
		"NaN vol":        func(s *Stock) { s.Vol = 0 / func() float64 { return 0 }() },
		"deal below":     func(s *Stock) { s.Deal = &Deal{Acquirer: "X", Price: 40, ExpectedClose: date(2027, 1, 1)} },
		"deal no date":   func(s *Stock) { s.Deal = &Deal{Acquirer: "X", Price: 55} },
	}
	for name, mutate := range bad {
		s := good
		mutate(&s)
		if _, err := NewUniverse([]Stock{s}); err == nil {
			t.Errorf("%s: accepted", name)
		}
	}
	if _, err := NewUniverse([]Stock{good, good}); err == nil {
		t.Error("duplicate symbol accepted")
	}
	if _, err := NewUniverse(nil); err == nil {
		t.Error("empty universe accepted")
	}
}
