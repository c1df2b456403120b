package scan

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/ibwatch/ibwatch/scanner"
	"github.com/ibwatch/ibwatch/tui/internal/tuitest"
	"github.com/ibwatch/ibwatch/tui/pane"
)

// TestScanPaneLive drives the pane against the real supervisor, link
// process and simulator: n scans two of the simulator's deals, the
// progress shows while the pane never holds more lines than it may, TWS
// restarts mid-scan and the scan resumes to a complete result with every
// contract two-sided, every structure is in the table with the best
// ranked first, enter sends its legs, and when the scan ends no line is
// left open.
func TestScanPaneLive(t *testing.T) {
	if testing.Short() {
		t.Skip("starts the simulator and a link process")
	}
	sim, sup := tuitest.LiveSup(t, 41, 42, 43)
	var deals []scanner.Deal
	for _, sym := range []string{"QRST", "BRCV"} {
		st, ok := sim.Universe().Stock(sym)
		if !ok || st.Deal == nil {
			t.Fatalf("the simulator has no deal for %s", sym)
		}
		deals = append(deals, scanner.Deal{Symbol: sym, Price: st.Deal.Price, ExpectedClose: st.Deal.ExpectedClose,
			BreakPrice: st.Deal.BreakPrice})
	}
	ctx, cancel := context.WithCancel(context.Background())
	const lines = 12
	p := New(Options{Client: sup, Deals: deals, Lines: lines, Wait: time.Second, Styles: testStyles(), Context: ctx})
	p.SetSize(116, 36)
	p.Focus()
	d := tuitest.NewDriver(t, ctx, p)
	defer func() {
		cancel()
		d.Wait()
		p.Close()
	}()

	d.Send(runes("n"))
	sawProgress, most, restarted := false, 0, false
	d.Until("the scan's end", 60*time.Second, func() bool {
		if p.run != nil && p.prog.Quoted > 20 && !restarted {
			restarted = true
			sim.Restart(300 * time.Millisecond)
		}
		if p.run != nil && p.prog.Contracts > 0 {
			sawProgress = sawProgress || strings.Contains(viewText(p), "contracts · ~")
			if n, err := sup.Lines(ctx); err == nil {
				most = max(most, n)
			}
		}
		return p.run == nil
	})
	if !sawProgress {
		t.Error("no progress line was shown while scanning")
	}
	t.Logf("%d contracts, at most %d lines held", p.prog.Contracts, most)
	if most > lines {
		t.Errorf("the scan held %d lines, more than its %d", most, lines)
	}
	r := p.res
	if !restarted {
		t.Fatal("the scan ended before TWS could be restarted")
	}
	if r == nil {
		t.Fatalf("no result; notice %q", p.notice)
	}
	if !r.Complete || len(r.Deals) != 2 || p.noticeErr || r.OneSided != 0 || r.Quoted != r.Contracts {
		t.Fatalf("scan result: complete %v, %d deals, %d of %d contracts quoted, %d one-sided; notice %q",
			r.Complete, len(r.Deals), r.Quoted, r.Contracts, r.OneSided, p.notice)
	}
	if len(p.ranked.Rows) != len(r.Structures) || p.ranked.Best == 0 {
		t.Fatalf("%d rows of %d structures, %d ranked", len(p.ranked.Rows), len(r.Structures), p.ranked.Best)
	}
	best := p.ranked.Rows[0]
	if !scanner.Rankable(best, false) || p.ranked.Rank[0] != 1 {
		t.Fatalf("the first row is not a ranked best: %+v", best)
	}
	v := viewText(p)
	if l := lineWith(v, "★1"); !strings.Contains(l, best.Symbol) || !strings.Contains(l, scanner.FormatNum(best.Far.Annual, scanner.FormatPct)) {
		t.Fatalf("best row on screen %q, want %s at %s:\n%s", l, best.Symbol, scanner.FormatNum(best.Far.Annual, scanner.FormatPct), v)
	}
	// Every leg of a ranked row was quoted both sides, as the simulator
	// served it (the scanner's own tests check the prices one by one).
	for j, s := range p.ranked.Rows[:p.ranked.Best] {
		for _, l := range s.Legs {
			if !(l.Bid >= 0 && l.Ask > 0 && l.Ask >= l.Bid) {
				t.Fatalf("ranked row %d %s %v has a one-sided leg %+v", j, s.Symbol, s.Kind, l)
			}
		}
	}
	if n, err := sup.Lines(context.Background()); err != nil || n != 0 {
		t.Fatalf("after the scan the supervisor holds %d lines (%v)", n, err)
	}
	_, cmd := p.Update(keyEnter)
	if open, ok := cmd().(pane.OpenChainMsg); !ok || open.Symbol != best.Symbol || open.Expiry != best.Expiry {
		t.Fatalf("enter on the best row sent %+v", open)
	}
}
