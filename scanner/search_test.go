package scanner

import (
	"fmt"
	"math/rand/v2"
	"slices"
	"testing"

	"github.com/ibwatch/ibwatch/conn"
)

var testTickers = []Ticker{
	{Symbol: "AAPL", Name: "Apple Inc", Exchange: "NASDAQ"},
	{Symbol: "AA", Name: "Alcoa Corp", Exchange: "NYSE"},
	{Symbol: "AAL", Name: "American Airlines Group Inc", Exchange: "NASDAQ"},
	{Symbol: "MSFT", Name: "Microsoft Corp", Exchange: "NASDAQ"},
	{Symbol: "PLTR", Name: "Palantir Technologies Inc", Exchange: "NASDAQ"},
	{Symbol: "APP", Name: "AppLovin Corp", Exchange: "NASDAQ"},
	{Symbol: "BRCV", Name: "Briarcove Software Corp", Exchange: "NYSE"},
}

func symbols(r Results) []string {
	var out []string
	for _, it := range r.Items {
		out = append(out, it.Symbol)
	}
	return out
}

func TestRankOrder(t *testing.T) {
	s := NewSearcher(testTickers, nil, nil)
	r := s.Rank("aa", 1)
	got := symbols(r)
	// Exact first, then prefixes (shorter first), then fuzzy.
	if len(got) < 3 || got[0] != "AA" || got[1] != "AAL" || got[2] != "AAPL" {
		t.Fatalf("aa → %v, want AA, AAL, AAPL first", got)
	}
	if r.Items[0].Kind != MatchExact || r.Items[1].Kind != MatchPrefix {
		t.Errorf("kinds = %d, %d", r.Items[0].Kind, r.Items[1].Kind)
	}
	if r.Gen != 1 || r.Query != "aa" {
		t.Errorf("gen/query = %d/%q", r.Gen, r.Query)
	}
	// Name matches are found by fuzzy score, with highlight positions in the name.
	r = s.Rank("palantir", 2)
	if len(r.Items) == 0 || r.Items[0].Symbol != "PLTR" || r.Items[0].Kind != MatchFuzzy {
		t.Fatalf("palantir → %+v", r.Items)
	}
	if want := []int{0, 1, 2, 3, 4, 5, 6, 7}; !slices.Equal(r.Items[0].NameIdx, want) {
		t.Errorf("name highlight = %v, want %v", r.Items[0].NameIdx, want)
	}
	if len(r.Items[0].SymbolIdx) != 0 {
		t.Errorf("symbol highlight = %v, want none", r.Items[0].SymbolIdx)
	}
	// Prefix highlight covers the typed letters of the symbol.
	r = s.Rank("aap", 3)
	if r.Items[0].Symbol != "AAPL" || !slices.Equal(r.Items[0].SymbolIdx, []int{0, 1, 2}) {
		t.Errorf("aap → %+v", r.Items[0])
	}
	// Fuzzy across symbol and name.
	r = s.Rank("msft corp", 4)
	if len(r.Items) != 1 || r.Items[0].Symbol != "MSFT" {
		t.Fatalf("msft corp → %v", symbols(r))
	}
	if !slices.Equal(r.Items[0].SymbolIdx, []int{0, 1, 2, 3}) || len(r.Items[0].NameIdx) != 4 {
		t.Errorf("split highlight = %v / %v", r.Items[0].SymbolIdx, r.Items[0].NameIdx)
	}
	if r := s.Rank("zzzz", 5); len(r.Items) != 0 || r.Total != 0 {
		t.Errorf("zzzz → %v", symbols(r))
	}
}

func TestRankSourcePriorityAndDedupe(t *testing.T) {
	deals := []Deal{{Symbol: "brcv", Price: 34.5}}
	s := NewSearcher(testTickers, []string{"msft", "XYZW"}, deals)
	s.AddRecent("pltr")
	s.AddTWS(0, []conn.SymbolSample{
		{Symbol: "MSFT", SecType: "STK", Currency: "USD", Description: "MICROSOFT CORP"},
		{Symbol: "NEWCO", SecType: "STK", Currency: "USD", Description: "New Company Inc"},
		{Symbol: "NEWCO", SecType: "STK", Currency: "MXN", Description: "New Company (Mexico)"},
		{Symbol: "NEWF", SecType: "FUT", Currency: "USD", Description: "a future"},
		{Symbol: "PLTR", SecType: "STK", Currency: "USD", Description: "PALANTIR TECHNOLOGIES"},
	})
	src := func(q, sym string) (Result, bool) {
		for _, it := range s.Rank(q, 1).Items {
			if it.Symbol == sym {
				return it, true
			}
		}
		return Result{}, false
	}
	cases := []struct {
		q, sym string
		want   Source
		name   string
	}{
		{"brcv", "BRCV", SourceDeal, "Briarcove Software Corp"},
		{"msft", "MSFT", SourceWatchlist, "Microsoft Corp"}, // built-in name beats TWS's
		{"pltr", "PLTR", SourceRecent, "Palantir Technologies Inc"},
		{"newco", "NEWCO", SourceTWS, "New Company Inc"},
		{"aapl", "AAPL", SourceBuiltin, "Apple Inc"},
		{"xyzw", "XYZW", SourceWatchlist, ""},
	}
	for _, c := range cases {
		it, ok := src(c.q, c.sym)
		if !ok {
			t.Errorf("%s: %s not found", c.q, c.sym)
			continue
		}
		if it.Source != c.want || it.Name != c.name {
			t.Errorf("%s: source %v name %q, want %v %q", c.q, it.Source, it.Name, c.want, c.name)
		}
	}
	if _, ok := src("newf", "NEWF"); ok {
		t.Error("a future from TWS became a candidate")
	}
	// One row per symbol.
	r := s.Rank("newco", 2)
	if n := len(r.Items); n != 1 {
		t.Errorf("NEWCO appears %d times", n)
	}
	// Among equal fuzzy matches, the higher-priority source ranks first.
	tie := NewSearcher([]Ticker{{Symbol: "QQA", Name: "Corp Alpha"}, {Symbol: "QQB", Name: "Corp Bravo"}}, nil, []Deal{{Symbol: "QQB"}})
	if got := symbols(tie.Rank("corp", 3)); !slices.Equal(got, []string{"QQB", "QQA"}) {
		t.Errorf("corp → %v, want the deal first among equals", got)
	}
	// Empty query: deals, watchlist, recent.
	r = s.Rank("", 4)
	if got := symbols(r); !slices.Equal(got, []string{"BRCV", "MSFT", "XYZW", "PLTR"}) {
		t.Errorf("empty query → %v", got)
	}
	if n, ok := s.Name("newco"); !ok || n != "New Company Inc" {
		t.Errorf("Name(newco) = %q, %v", n, ok)
	}
}

func TestAddTWSDropsStaleAnswers(t *testing.T) {
	s := NewSearcher(testTickers, nil, nil)
	s.Rank("ne", 5)
	s.Rank("new", 6)
	if s.AddTWS(5, []conn.SymbolSample{{Symbol: "NEWA", SecType: "STK", Currency: "USD"}}) {
		t.Error("answer for generation 5 accepted after generation 6 was ranked")
	}
	if !s.AddTWS(6, []conn.SymbolSample{{Symbol: "NEWB", SecType: "STK", Currency: "USD"}}) {
		t.Error("answer for the current generation dropped")
	}
	got := symbols(s.Rank("new", 7))
	if slices.Contains(got, "NEWA") || !slices.Contains(got, "NEWB") {
		t.Errorf("new → %v, want NEWB and not NEWA", got)
	}
}

func TestRecentAndCleaning(t *testing.T) {
	s := NewSearcher(nil, []string{" ", "bad\x00sym", "ok"}, nil)
	for i := range maxRecent + 5 {
		s.AddRecent(fmt.Sprintf("S%d", i))
	}
	s.AddRecent("s3")
	rec := s.Recent()
	if len(rec) != maxRecent || rec[0] != "S3" || count(rec, "S3") != 1 {
		t.Errorf("recent = %v", rec)
	}
	s.AddTWS(0, []conn.SymbolSample{{Symbol: "EVIL", SecType: "STK", Description: "Evil\x1b[31m Corp\x07"}})
	if n, _ := s.Name("EVIL"); n != "Evil[31m Corp" {
		t.Errorf("control characters kept: %q", n)
	}
	if got := symbols(s.Rank("", 1)); !slices.Equal(got[:1], []string{"OK"}) {
		t.Errorf("watchlist after cleaning = %v", got)
	}
}

func TestRankLimit(t *testing.T) {
	s := NewSearcher(tenThousand(), nil, nil)
	s.SetLimit(10)
	r := s.Rank("a", 1)
	if len(r.Items) != 10 || r.Total <= 10 {
		t.Errorf("items %d total %d", len(r.Items), r.Total)
	}
}

// tenThousand returns 10,000 distinct synthetic tickers with names.
func tenThousand() []Ticker {
	rng := rand.New(rand.NewPCG(1, 2))
	words := []string{"Apple", "Micro", "Systems", "Holdings", "Energy", "Bank", "Corp", "Inc", "Group", "Therapeutics",
		"Software", "Capital", "Global", "Partners", "Resources", "Medical", "Foods", "Retail", "Semiconductor", "Trust"}
	seen := map[string]bool{}
	out := make([]Ticker, 0, 10000)
	for len(out) < 10000 {
		n := 1 + rng.IntN(5)
		b := make([]byte, n)
		for i := range b {
			b[i] = byte('A' + rng.IntN(26))
		}
		sym := string(b)
		if seen[sym] {
			continue
		}
		seen[sym] = true
		name := words[rng.IntN(len(words))] + " " + words[rng.IntN(len(words))] + " " + words[rng.IntN(len(words))]
		out = append(out, Ticker{Symbol: sym, Name: name, Exchange: "NYSE"})
	}
	return out
}

// BenchmarkRank10k ranks 10,000 candidates for the queries a user types
// one keystroke at a time (target: < 5 ms per keystroke).
func BenchmarkRank10k(b *testing.B) {
	s := NewSearcher(tenThousand(), []string{"AAPL"}, nil)
	s.Rank("warm", 0) // build the candidate list once, as the UI does
	queries := []string{"a", "ap", "app", "appl", "apple", "apple h", "micro sys", "xq"}
	b.ReportAllocs()
	b.ResetTimer()
	var gen uint64
	for b.Loop() {
		gen++
		s.Rank(queries[gen%uint64(len(queries))], gen)
	}
}

func count(xs []string, x string) int {
	n := 0
	for _, y := range xs {
		if y == x {
			n++
		}
	}
	return n
}
