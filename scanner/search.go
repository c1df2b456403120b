package scanner

import (
	"strings"
	"sync"
	"unicode/utf8"

	"github.com/ibwatch/ibwatch/conn"
)

// Source says where a search candidate came from. When several sources
// offer the same symbol the lowest value wins: deal, watchlist, recent,
// TWS, built-in.
type Source int

// Candidate sources, in priority order.
const (
	SourceDeal Source = iota
	SourceWatchlist
	SourceRecent
	SourceTWS
	SourceBuiltin
)

var sourceNames = [...]string{"deal", "watchlist", "recent", "tws", "builtin"}

// String returns the source's word ("deal", "watchlist", "recent", "tws",
// "builtin").
func (s Source) String() string {
	if s >= 0 && int(s) < len(sourceNames) {
		return sourceNames[s]
	}
	return "?"
}

// MarshalText encodes the source as its word.
func (s Source) MarshalText() ([]byte, error) { return []byte(s.String()), nil }

// Match kinds, best first.
const (
	MatchExact  = 0 // the symbol equals the query
	MatchPrefix = 1 // the symbol starts with the query
	MatchFuzzy  = 2 // fuzzy match over "SYMBOL Name"
	MatchPinned = 3 // empty query: deals, watchlist and recent searches
)

// Result is one ranked candidate.
type Result struct {
	Symbol   string
	Name     string
	Exchange string
	// Source is the highest-priority source offering the symbol.
	Source Source
	// Kind is MatchExact, MatchPrefix, MatchFuzzy or MatchPinned.
	Kind int
	// Score is the fuzzy score (higher is better; 0 for other kinds).
	Score int
	// SymbolIdx and NameIdx are the matched character (rune) positions in
	// Symbol and Name, for highlighting.
	SymbolIdx, NameIdx []int
}

// Results is the answer to one Rank call.
type Results struct {
	// Gen is the generation passed to Rank; drop Results older than the
	// query the UI shows.
	Gen   uint64
	Query string
	Items []Result
	// Total is how many candidates matched before the Limit cut.
	Total int
}

// DefaultLimit is how many results Rank returns by default.
const DefaultLimit = 50

// maxRecent and maxTWS bound the session's recent searches and the pool of
// TWS matches kept as candidates.
const (
	maxRecent = 20
	maxTWS    = 1000
)

// Searcher ranks ticker candidates for a query. It is safe for concurrent
// use: Rank may run in a Cmd goroutine while Update adds TWS answers.
type Searcher struct {
	mu       sync.Mutex
	limit    int
	builtin  []Ticker
	watch    []string
	deals    []Deal
	recent   []string // most recent first
	tws      []Ticker // accepted TWS samples, oldest first
	queryGen uint64   // highest generation passed to Rank
	names    map[string]string
	cands    []cand // merged candidates; nil when a source changed
}

// cand is one deduplicated candidate.
type cand struct {
	sym, name, exch string
	src             Source
	key             string // "SYMBOL Name": what the fuzzy matcher sees
	lower           string // key in lower case, for the quick subsequence scan
	ascii           bool   // key is ASCII (the quick scan applies)
}

// NewSearcher returns a searcher over the built-in tickers, the user's
// watchlist and deals. Symbols are matched case-insensitively.
func NewSearcher(builtin []Ticker, watchlist []string, deals []Deal) *Searcher {
	s := &Searcher{limit: DefaultLimit, builtin: cleanTickers(builtin)}
	s.SetWatchlist(watchlist, deals)
	return s
}

// SetLimit sets how many results Rank returns (≤ 0 = DefaultLimit).
func (s *Searcher) SetLimit(n int) {
	if n <= 0 {
		n = DefaultLimit
	}
	s.mu.Lock()
	s.limit = n
	s.mu.Unlock()
}

// SetWatchlist replaces the watchlist and deals (after a config reload).
func (s *Searcher) SetWatchlist(watchlist []string, deals []Deal) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.watch = s.watch[:0]
	for _, w := range watchlist {
		if sym := cleanSymbol(w); sym != "" {
			s.watch = append(s.watch, sym)
		}
	}
	s.deals = s.deals[:0]
	for _, d := range deals {
		if sym := cleanSymbol(d.Symbol); sym != "" {
			d.Symbol = sym
			s.deals = append(s.deals, d)
		}
	}
	s.cands = nil
}

// AddRecent records a symbol the user opened; recent searches rank above
// TWS matches and the built-in list, and show on an empty query.
func (s *Searcher) AddRecent(symbol string) {
	sym := cleanSymbol(symbol)
	if sym == "" {
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	out := []string{sym}
	for _, r := range s.recent {
		if r != sym && len(out) < maxRecent {
			out = append(out, r)
		}
	}
	s.recent = out
	s.cands = nil
}

// Recent returns the recent searches, most recent first.
func (s *Searcher) Recent() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]string(nil), s.recent...)
}

// AddTWS merges TWS's matches for the query of generation gen. An answer
// for an older query than the latest one ranked is dropped (false). Only
// US-dollar stocks are kept; text from TWS is cleaned.
func (s *Searcher) AddTWS(gen uint64, samples []conn.SymbolSample) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	if gen < s.queryGen {
		return false
	}
	for _, smp := range samples {
		if smp.SecType != "STK" || (smp.Currency != "" && smp.Currency != "USD") {
			continue
		}
		sym := cleanSymbol(smp.Symbol)
		if sym == "" {
			continue
		}
		t := Ticker{Symbol: sym, Name: cleanText(smp.Description, 80), Exchange: cleanText(smp.PrimaryExch, 12)}
		s.tws = append(s.tws, t)
	}
	if n := len(s.tws); n > maxTWS {
		s.tws = append([]Ticker(nil), s.tws[n-maxTWS:]...)
	}
	s.cands = nil
	return true
}

// Name returns the best known company name for symbol: the built-in list's,
// else TWS's description. ok is false when neither knows it.
func (s *Searcher) Name(symbol string) (string, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.build()
	n, ok := s.names[cleanSymbol(symbol)]
	return n, ok && n != ""
}

// build merges every source into s.cands (s.mu held).
func (s *Searcher) build() {
	if s.cands != nil {
		return
	}
	idx := map[string]int{}
	var cs []cand
	add := func(sym, name, exch string, src Source) {
		if i, ok := idx[sym]; ok {
			c := &cs[i]
			if src < c.src {
				c.src = src
			}
			// Names: the built-in list is curated; TWS's description
			// comes next. Later sources fill what earlier ones lacked.
			if name != "" && (c.name == "" || src == SourceBuiltin) {
				c.name = name
			}
			if c.exch == "" {
				c.exch = exch
			}
			return
		}
		idx[sym] = len(cs)
		cs = append(cs, cand{sym: sym, name: name, exch: exch, src: src})
	}
	for _, d := range s.deals {
		add(d.Symbol, "", "", SourceDeal)
	}
	for _, w := range s.watch {
		add(w, "", "", SourceWatchlist)
	}
	for _, r := range s.recent {
		add(r, "", "", SourceRecent)
	}
	for i := len(s.tws) - 1; i >= 0; i-- { // newest description first
		add(s.tws[i].Symbol, s.tws[i].Name, s.tws[i].Exchange, SourceTWS)
	}
	for _, t := range s.builtin {
		add(t.Symbol, t.Name, t.Exchange, SourceBuiltin)
	}
	s.names = make(map[string]string, len(cs))
	for i := range cs {
		cs[i].key = cs[i].sym + " " + cs[i].name
		cs[i].lower = strings.ToLower(cs[i].key)
		cs[i].ascii = isASCII(cs[i].key)
		s.names[cs[i].sym] = cs[i].name
	}
	s.cands = cs
}

// cleanTickers drops unusable built-in rows and normalises symbols.
func cleanTickers(ts []Ticker) []Ticker {
	out := make([]Ticker, 0, len(ts))
	for _, t := range ts {
		if sym := cleanSymbol(t.Symbol); sym != "" {
			out = append(out, Ticker{Symbol: sym, Name: cleanText(t.Name, 80), Exchange: cleanText(t.Exchange, 12)})
		}
	}
	return out
}

// cleanSymbol upper-cases a symbol and accepts only short printable ASCII
// without spaces (TWS symbols such as "BRK B" use a space: it is kept
// inside but not at the ends). Anything else yields "".
func cleanSymbol(s string) string {
	s = strings.ToUpper(strings.TrimSpace(s))
	if s == "" || len(s) > 12 {
		return ""
	}
	for i := 0; i < len(s); i++ {
		if c := s[i]; c < 0x20 || c > 0x7e {
			return ""
		}
	}
	return s
}

// cleanText removes control characters and cuts s to n runes.
func cleanText(s string, n int) string {
	var b strings.Builder
	for _, r := range s {
		if r == utf8.RuneError || r < 0x20 || r == 0x7f || (r >= 0x80 && r < 0xa0) {
			continue
		}
		if n == 0 {
			break
		}
		b.WriteRune(r)
		n--
	}
	return strings.TrimSpace(b.String())
}
