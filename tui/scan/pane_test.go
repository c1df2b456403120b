package scan

import (
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/ibwatch/ibwatch/scanner"
	"github.com/ibwatch/ibwatch/tui/chain"
	"github.com/ibwatch/ibwatch/tui/pane"
)

// TestScanSortKeys: s steps annual → EV → return → loss if break → annual;
// the table is scanner.Rank's order for that key, ★1 on its best row, ▼ on
// its column, which shows even at 80 columns.
func TestScanSortKeys(t *testing.T) {
	f := newFakeScan()
	p := newTestPane(t, f, 76, 30)
	scanned(t, p)
	steps := []struct {
		key  scanner.SortKey
		head string
	}{{scanner.SortAnnual, "▼ANNUAL"}, {scanner.SortEV, "▼EV"}, {scanner.SortReturn, "▼RETURN"},
		{scanner.SortLossIfBreak, "▼LOSS@B"}, {scanner.SortAnnual, "▼ANNUAL"}}
	for i, st := range steps {
		if i > 0 {
			press(p, runes("s"))
		}
		if p.sort != st.key {
			t.Fatalf("step %d: sort %v, want %v", i, p.sort, st.key)
		}
		want := scanner.Rank(p.res.Structures, st.key, scanner.Filter{})
		if len(want.Rows) != len(p.ranked.Rows) || want.Best != p.ranked.Best {
			t.Fatalf("%v: %d rows %d ranked, Rank gives %d %d", st.key, len(p.ranked.Rows), p.ranked.Best, len(want.Rows), want.Best)
		}
		for j := range want.Rows {
			if want.Rows[j] != p.ranked.Rows[j] {
				t.Fatalf("%v: row %d differs from Rank's", st.key, j)
			}
		}
		v := viewText(p)
		if !strings.Contains(v, st.head) {
			t.Fatalf("%v: no %q heading at 76 columns:\n%s", st.key, st.head, v)
		}
		best := lineWith(v, "★1")
		b := want.Rows[0]
		if best == "" || !strings.Contains(best, b.Symbol) || !strings.Contains(best, scanner.StrikesText(b)) {
			t.Fatalf("%v: best row %q, want %s %s", st.key, best, b.Symbol, scanner.StrikesText(b))
		}
		table := v[:strings.LastIndex(v, "\n")] // the status line's legend names ★ too
		if strings.Count(table, "★") != 1 {
			t.Fatalf("%v: %d stars:\n%s", st.key, strings.Count(table, "★"), v)
		}
	}
	// "ss" arriving as one message is two presses.
	press(p, runes("ss"))
	if p.sort != scanner.SortReturn {
		t.Fatalf("ss: sort %v, want return", p.sort)
	}
}

// TestScanFilters: each filter key steps its threshold and every row
// shown passes it; the kinds keys hide and show kinds; 0 clears.
func TestScanFilters(t *testing.T) {
	f := newFakeScan()
	p := newTestPane(t, f, 116, 36)
	scanned(t, p)
	all := len(p.ranked.Rows)
	check := func(what string, ok func(s *scanner.Structure) bool) {
		t.Helper()
		if len(p.ranked.Rows) >= all {
			t.Fatalf("%s: %d rows, no fewer than %d", what, len(p.ranked.Rows), all)
		}
		for _, s := range p.ranked.Rows {
			if !ok(s) {
				t.Fatalf("%s: %s %v %s passes", what, s.Symbol, s.Kind, scanner.StrikesText(s))
			}
		}
		if !strings.Contains(viewText(p), "filters ") {
			t.Fatalf("%s: the filter is not named on screen", what)
		}
	}
	press(p, runes("o"), runes("o"), runes("o")) // 10, 100, 500
	if p.filter.MinOI != 500 {
		t.Fatalf("o×3: min OI %v", p.filter.MinOI)
	}
	check("min OI", func(s *scanner.Structure) bool {
		return s.Kind == scanner.KindStock || (s.MinOI.OK && s.MinOI.V >= 500)
	})
	press(p, runes("0"))
	press(p, runes("w"), runes("w")) // 5 %, 10 %
	check("max width", func(s *scanner.Structure) bool { return s.Width.OK && s.Width.V <= 0.10 })
	press(p, runes("0"), runes("a"), runes("a")) // 10 %
	check("min annual", func(s *scanner.Structure) bool { return s.Far.Annual.OK && s.Far.Annual.V >= 0.10 })
	press(p, runes("0"), runes("m"), runes("m"), runes("m")) // $5
	check("max loss", func(s *scanner.Structure) bool { return s.Far.MaxLoss.OK && s.Far.MaxLoss.V <= 5 })
	press(p, runes("0"), runes("1"), runes("5")) // hide stock and short puts
	check("kinds", func(s *scanner.Structure) bool { return s.Kind != scanner.KindStock && s.Kind != scanner.KindShortPut })
	press(p, runes("1"), runes("5"))
	if p.filter.Kinds != nil || len(p.ranked.Rows) != all {
		t.Fatal("showing every kind again did not restore the table")
	}
	press(p, runes("m"))
	press(p, runes("0"))
	if p.filterText() != "" || len(p.ranked.Rows) != all {
		t.Fatalf("0 left filters: %+v", p.filter)
	}
	// Past the last preset a filter is off again.
	for range minOISteps {
		press(p, runes("o"))
	}
	if p.filter.MinOI != 0 {
		t.Fatalf("o past the last preset: %v", p.filter.MinOI)
	}
	// Pre-close expiries rank only when asked.
	before := p.ranked.Best
	press(p, runes("p"))
	if p.ranked.Best != before+1 || !strings.Contains(viewText(p), "pre-close ranked") {
		t.Fatalf("p: %d ranked, want %d", p.ranked.Best, before+1)
	}
}

// TestScanEnterOpensLegs: enter on a row sends pane.OpenChainMsg with its
// symbol, expiry and option strikes (none for stock).
func TestScanEnterOpensLegs(t *testing.T) {
	f := newFakeScan()
	p := newTestPane(t, f, 116, 36)
	scanned(t, p)
	for j, s := range p.ranked.Rows {
		p.sel = j
		cmd := press(p, keyEnter)
		if cmd == nil {
			t.Fatal("enter returned no Cmd")
		}
		msg, ok := cmd().(pane.OpenChainMsg)
		if !ok {
			t.Fatalf("enter sent %T", cmd())
		}
		var ks []float64
		for _, l := range s.Legs {
			if l.Right != "STK" {
				ks = append(ks, l.Strike)
			}
		}
		if msg.Symbol != s.Symbol || msg.Expiry != s.Expiry || !slices.Equal(msg.Strikes, ks) {
			t.Fatalf("row %d: %+v, want %s %s %v", j, msg, s.Symbol, s.Expiry, ks)
		}
	}
	p.res, p.ranked = nil, scanner.Ranked{}
	p.syncKeys()
	if press(p, keyEnter) != nil {
		t.Fatal("enter without rows sent a message")
	}
}

// TestScanNeverStarsWhatItCannotKnow: rows with a one-sided leg, a loss,
// an unknown close or an expiry before the close carry no rank, and the
// detail says why.
func TestScanNeverStarsWhatItCannotKnow(t *testing.T) {
	f := newFakeScan()
	p := newTestPane(t, f, 116, 36)
	scanned(t, p)
	why := map[string]string{}
	for j, s := range p.ranked.Rows {
		bad := !s.Priced || s.Timing == scanner.TimingUnknown || s.Timing == scanner.TimingBefore ||
			(s.Far.Profit.OK && s.Far.Profit.V < 0)
		if bad && p.ranked.Rank[j] != 0 {
			t.Fatalf("%s %v %s ranked %d", s.Symbol, s.Kind, scanner.StrikesText(s), p.ranked.Rank[j])
		}
		if bad {
			p.sel = j
			p.render()
			why[s.Symbol+" "+scanner.StrikesText(s)] = lineWith(viewText(p), "not ranked")
		}
	}
	for _, want := range []struct{ row, says string }{
		{"HVLN 82.5", "one-sided"}, {"HVLN 87.5", "a loss"}, {"XYZ 17.5", "close unknown"}, {"HVLN 80/85", "before the expected close"},
	} {
		if !strings.Contains(why[want.row], want.says) {
			t.Errorf("%s: detail %q, want it to say %q", want.row, why[want.row], want.says)
		}
	}
}

// TestScanProgress: while a scan runs the summary shows the bar, deals,
// contracts and time left; x stops it and the partial result is said so.
func TestScanProgress(t *testing.T) {
	f := newFakeScan()
	f.hold = make(chan struct{})
	p := newTestPane(t, f, 76, 20)
	cmd := press(p, runes("n"))
	if !p.keys.Stop.Enabled() || p.keys.Scan.Enabled() {
		t.Fatal("x is not offered (or n still is) while scanning")
	}
	if v := viewText(p); !strings.Contains(v, "scanning: resolving the option listings of 3 deal(s)…") {
		t.Fatalf("no word on the listings being resolved:\n%s", v)
	}
	// The Cmds run as Bubble Tea runs them: each in its goroutine.
	done := make(chan doneMsg, 2)
	var wg sync.WaitGroup
	defer wg.Wait()
	for _, c := range cmd().(tea.BatchMsg) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if m, ok := c().(doneMsg); ok {
				done <- m
			}
		}()
	}
	p.Update(progressMsg{gen: p.gen, p: scanner.Progress{Deals: 3, DealsDone: 1, Contracts: 200, Quoted: 50, Left: 7*time.Second + 140*time.Millisecond}})
	v := viewText(p)
	for _, want := range []string{"scanning ▕████░░░░░░░░░░░░▏ 1/3 deals · 50/200 contracts · ~7s left"} {
		if !strings.Contains(v, want) {
			t.Fatalf("progress line missing %q:\n%s", want, v)
		}
	}
	if !strings.Contains(p.Title(), "scanning 25%") {
		t.Fatalf("title %q", p.Title())
	}
	// A progress of an older scan is dropped.
	p.Update(progressMsg{gen: p.gen - 1, p: scanner.Progress{Deals: 9}})
	if p.prog.Deals != 3 {
		t.Fatal("an old scan's progress was taken")
	}
	press(p, runes("x"))
	m := <-done
	p.Update(m)
	if p.run != nil || !strings.Contains(viewText(p), "scan stopped") {
		t.Fatalf("x did not stop the scan:\n%s", viewText(p))
	}
}

// TestScanRescanAndDeals: with a re-scan interval the end of a scan arms
// a timer whose message starts a fresh scan (cached listings forgotten);
// a timer from before a change of interval is dropped; deals typed in the
// chain pane are scanned next.
func TestScanRescanAndDeals(t *testing.T) {
	f := newFakeScan()
	p := newTestPane(t, f, 116, 36)
	scanned(t, p)
	if f.fresh[0] {
		t.Fatal("the first scan forgot the listings")
	}
	if cmd := press(p, runes("e")); cmd == nil || p.every != 5*time.Minute || p.next.IsZero() {
		t.Fatalf("e: every %v, no timer armed", p.every)
	}
	if !strings.Contains(viewText(p), "re-scan every 5m (next 08:05)") {
		t.Fatalf("schedule not shown:\n%s", viewText(p))
	}
	old := p.tseq
	press(p, runes("e")) // 15m: a new timer
	if _, cmd := p.Update(rescanMsg{seq: old}); cmd != nil || p.run != nil {
		t.Fatal("a superseded timer started a scan")
	}
	typed := scanner.Deal{Symbol: "NEWCO", Price: 10, ExpectedClose: t0.AddDate(0, 3, 0)}
	p.Update(chain.DealsMsg{Deals: []scanner.Deal{hvlnDeal, typed}})
	_, cmd := p.Update(rescanMsg{seq: p.tseq})
	if cmd == nil || p.run == nil {
		t.Fatal("the timer started no scan")
	}
	deliver(p, cmd)
	if n := f.calls(); n != 2 || !f.fresh[1] || len(f.deals[1]) != 2 || f.deals[1][1].Symbol != "NEWCO" {
		t.Fatalf("re-scan: %d calls, fresh %v, deals %+v", n, f.fresh, f.deals[len(f.deals)-1])
	}
	for range everySteps[2:] {
		press(p, runes("e"))
	}
	if p.every != 0 || p.tstop != nil || strings.Contains(viewText(p), "re-scan every") {
		t.Fatal("e past the last step did not turn re-scan off")
	}
}

// TestScanNoDeals: n without deals says how to add one.
func TestScanNoDeals(t *testing.T) {
	p := newPane(Options{Styles: testStyles(), Now: fixedClock}, newFakeScan().run)
	p.SetSize(76, 20)
	if cmd := press(p, runes("n")); cmd != nil || !strings.Contains(viewText(p), "✗ no deals") {
		t.Fatalf("n without deals:\n%s", viewText(p))
	}
}
