package chain

import (
	"errors"
	"strings"
	"testing"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/ibwatch/ibwatch/scanner"
)

// rank answers the pane's current query as the rank Cmd would.
func rank(p *Pane) chainRankMsg {
	return chainRankMsg{res: p.srch.Rank(p.search.input.Value(), p.search.gen)}
}

func TestChainSearchOpensWithPinnedSymbols(t *testing.T) {
	p := newTestChainPane(t, newFakeSource(), 116, 28)
	if cmd := press(t, p, runes("/")); cmd == nil {
		t.Fatal("/ returned no Cmd (ranking runs in a Cmd)")
	}
	if !p.Typing() || !p.search.open {
		t.Fatal("/ did not open the search input")
	}
	p.Update(rank(p))
	v := viewText(p)
	for _, want := range []string{"HVLN", "deal", "MSFT", "watchlist", "deals, watchlist and recent symbols"} {
		if !strings.Contains(v, want) {
			t.Errorf("empty query view lacks %q:\n%s", want, v)
		}
	}
}

func TestChainSearchTypingRanks(t *testing.T) {
	p := newTestChainPane(t, newFakeSource(), 116, 28)
	press(t, p, runes("/"))
	g0 := p.search.gen
	typeText(t, p, "hal")
	if p.search.gen != g0+3 {
		t.Fatalf("gen = %d after three keystrokes from %d", p.search.gen, g0)
	}
	if p.search.have {
		t.Fatal("results shown before the ranking for the new query arrived")
	}
	p.Update(rank(p))
	items := p.search.res.Items
	if len(items) < 2 || items[0].Symbol != "HAL" {
		t.Fatalf("results %+v, want HAL (prefix) first", items)
	}
	v := viewText(p)
	if !strings.Contains(v, "▶ HAL") || !strings.Contains(v, "Halliburton Co") || !strings.Contains(v, "builtin") {
		t.Fatalf("result line missing marker, name or source:\n%s", v)
	}
	if !strings.Contains(v, "HVLN") { // fuzzy: "hal" in "HVLN Halvorsen"
		t.Fatalf("fuzzy match on the name not shown:\n%s", v)
	}
}

func TestChainSearchDropsStaleAnswers(t *testing.T) {
	p := newTestChainPane(t, newFakeSource(), 116, 28)
	press(t, p, runes("/"))
	typeText(t, p, "a")
	oldAns := rank(p) // the ranking for "a", delivered late
	typeText(t, p, "m")
	newAns := rank(p)
	p.Update(newAns)
	p.Update(oldAns)
	if p.search.res.Query != "am" || p.search.res.Items[0].Symbol != "AMD" {
		t.Fatalf("a late answer for %q replaced the one for %q: %+v", oldAns.res.Query, "am", p.search.res)
	}
	// A TWS answer for the old query is dropped too.
	p.Update(chainLookupMsg{gen: oldAns.res.Gen, n: 3, rank: &oldAns})
	if p.search.res.Query != "am" || p.search.tws {
		t.Fatal("a TWS answer for an old query was taken")
	}
	// TWS's answer for the current query wins over a plain ranking that
	// arrives after it.
	twsRank := newAns
	twsRank.tws = true
	twsRank.res.Items = append([]scanner.Result{{Symbol: "AMDX", Name: "From TWS", Source: scanner.SourceTWS}}, newAns.res.Items...)
	p.Update(chainLookupMsg{gen: newAns.res.Gen, n: 1, rank: &twsRank})
	p.Update(newAns)
	if !p.search.tws || p.search.res.Items[0].Symbol != "AMDX" {
		t.Fatalf("TWS-merged results replaced by a plain ranking: %+v", p.search.res.Items)
	}
	if v := viewText(p); !strings.Contains(v, "1 from TWS") {
		t.Fatalf("TWS count not shown:\n%s", v)
	}
	if p.search.sel != 0 {
		t.Fatalf("the top result is not selected after TWS's answer: %d", p.search.sel)
	}
}

func TestChainSearchKeepsPickAcrossTWSAnswer(t *testing.T) {
	p := newTestChainPane(t, newFakeSource(), 116, 28)
	press(t, p, runes("/"))
	typeText(t, p, "a")
	plain := rank(p)
	p.Update(plain)
	if len(plain.res.Items) < 2 {
		t.Fatalf("test needs two results for a: %+v", plain.res.Items)
	}
	press(t, p, tea.KeyMsg{Type: tea.KeyDown})
	picked := p.search.res.Items[1].Symbol
	twsRank := plain
	twsRank.tws = true
	twsRank.res.Items = append([]scanner.Result{{Symbol: "AMDX", Source: scanner.SourceTWS}}, plain.res.Items...)
	p.Update(chainLookupMsg{gen: plain.res.Gen, n: 1, rank: &twsRank})
	if got := p.search.res.Items[p.search.sel].Symbol; got != picked {
		t.Fatalf("the user's pick %s moved to %s when TWS answered", picked, got)
	}
}

func TestChainSearchLookupError(t *testing.T) {
	p := newTestChainPane(t, newFakeSource(), 116, 28)
	press(t, p, runes("/"))
	typeText(t, p, "zz")
	p.search.asking = true
	p.Update(chainLookupMsg{gen: p.search.gen, err: errors.New("not connected\x1b[31m")})
	v := viewText(p)
	if !strings.Contains(v, "TWS lookup failed: not connected") || strings.Contains(v, "\x1b[31m") {
		t.Fatalf("lookup error not shown cleanly:\n%q", v)
	}
}

func TestChainSearchPickAndOpen(t *testing.T) {
	src := newFakeSource(hvlnSnapshot(), aaplSnapshot())
	p := newTestChainPane(t, src, 116, 28)
	press(t, p, runes("/"))
	typeText(t, p, "hal")
	p.Update(rank(p))
	second := p.search.res.Items[1].Symbol
	press(t, p, tea.KeyMsg{Type: tea.KeyDown})
	if p.search.sel != 1 {
		t.Fatalf("↓ selected %d", p.search.sel)
	}
	press(t, p, tea.KeyMsg{Type: tea.KeyUp}, tea.KeyMsg{Type: tea.KeyUp}, tea.KeyMsg{Type: tea.KeyDown})
	cmd := press(t, p, tea.KeyMsg{Type: tea.KeyEnter})
	if p.Typing() || p.pending == nil || p.want.symbol != second {
		t.Fatalf("enter: typing=%v pending=%v want=%q, want %q", p.Typing(), p.pending != nil, p.want.symbol, second)
	}
	if !strings.Contains(viewText(p), "loading "+second+"…") {
		t.Fatalf("no loading line:\n%s", viewText(p))
	}
	execNow(cmd)
	req := src.lastReq()
	if req.Symbol != second || req.Notify == nil || req.Window.Count != scanner.DefaultStrikes || req.Gen != p.gen {
		t.Fatalf("request %+v", req)
	}
}

func TestChainSearchEnterTypedSymbolAndEsc(t *testing.T) {
	src := newFakeSource(aaplSnapshot())
	p := newTestChainPane(t, src, 116, 28)
	press(t, p, runes("/"))
	typeText(t, p, "zzz")
	press(t, p, keyEsc)
	if p.Typing() || p.pending != nil {
		t.Fatal("esc did not just close the search")
	}
	press(t, p, runes("/"))
	if p.search.input.Value() != "" {
		t.Fatal("the search reopened with the old text")
	}
	typeText(t, p, "aapl")
	// No ranking arrived yet: enter opens what was typed.
	cmd := press(t, p, keyEnter)
	if p.want.symbol != "AAPL" || cmd == nil {
		t.Fatalf("want %q", p.want.symbol)
	}
	// Enter on an empty query does nothing.
	press(t, p, runes("/"))
	if press(t, p, keyEnter) != nil || !p.Typing() {
		t.Fatal("enter on an empty query did something")
	}
}

func TestChainSearchKeysWhileTyping(t *testing.T) {
	p := newTestChainPane(t, newFakeSource(), 116, 28)
	press(t, p, runes("/"))
	typeText(t, p, "dlx[]")
	if p.search.input.Value() != "dlx[]" || p.form != nil || !p.search.open {
		t.Fatalf("pane keys fired while typing: value %q", p.search.input.Value())
	}
	if p.keys.Deal.Enabled() || p.keys.Search.Enabled() || !p.keys.Open.Enabled() {
		t.Fatal("bindings not switched for the input")
	}
}

func TestChainSearchFastTyping(t *testing.T) {
	p := newTestChainPane(t, newFakeSource(), 116, 28)
	// A terminal may deliver "/hv" typed quickly as one message.
	press(t, p, runes("/hv"))
	if !p.search.open || p.search.input.Value() != "hv" {
		t.Fatalf("search open %v, value %q", p.search.open, p.search.input.Value())
	}
}
