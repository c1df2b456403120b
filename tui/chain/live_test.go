package chain

import (
	"context"
	"strings"
	"testing"
	"time"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/ibwatch/ibwatch/scanner"
	"github.com/ibwatch/ibwatch/tui/internal/tuitest"
)

// TestChainPaneLive drives the pane against the real supervisor, link
// process and simulator: search a deal stock, enter, a complete live chain
// with its lens whose strikes are the simulator's; then TWS restarts and
// the chain goes stale and back to live with no key pressed; then leaving
// the pane frees every line.
func TestChainPaneLive(t *testing.T) {
	if testing.Short() {
		t.Skip("starts the simulator and a link process")
	}
	sim, sup := tuitest.LiveSup(t, 31, 32, 33)

	stock, _ := sim.Universe().Stock("HVLN")
	deal := scanner.Deal{Symbol: "HVLN", Price: stock.Deal.Price, ExpectedClose: stock.Deal.ExpectedClose, BreakPrice: stock.Deal.BreakPrice}
	ctx, cancel := context.WithCancel(context.Background())
	pane := New(Options{Client: sup, Deals: []scanner.Deal{deal}, Styles: testStyles(), Context: ctx,
		MinRefresh: 20 * time.Millisecond})
	pane.SetSize(116, 34)
	pane.Focus()
	d := tuitest.NewDriver(t, ctx, pane)
	defer func() {
		cancel()
		d.Wait()
		pane.Close()
	}()
	key := func(k tea.KeyMsg) { d.Send(k) }

	// Search: "/" shows the deal pinned; typing ranks, TWS answers too.
	key(runes("/"))
	d.Until("the pinned candidates", 10*time.Second, func() bool { return pane.search.have })
	for _, r := range "hvl" {
		key(runes(string(r)))
	}
	d.Until("TWS's answer for hvl", 10*time.Second, func() bool { return pane.search.have && !pane.search.asking })
	if pane.search.twsErr != "" {
		t.Fatalf("TWS lookup failed: %s", pane.search.twsErr)
	}
	items := pane.search.res.Items
	if len(items) == 0 || items[0].Symbol != "HVLN" || items[0].Source != scanner.SourceDeal {
		t.Fatalf("results for hvl: %+v", items)
	}
	if v := viewText(pane); !strings.Contains(v, "▶ HVLN") || !strings.Contains(v, "deal") {
		t.Fatalf("results screen:\n%s", v)
	}

	// Enter: a complete, live chain of the first expiry on/after the close.
	key(keyEnter)
	if !strings.Contains(viewText(pane), "loading HVLN") {
		t.Fatalf("no loading line after enter:\n%s", viewText(pane))
	}
	complete := func() bool {
		return pane.live != nil && pane.have && pane.snap.Complete && pane.snap.Badge == scanner.BadgeLive
	}
	d.Until("a complete live HVLN chain", 30*time.Second, complete)
	s := pane.snap
	now := time.Now()
	wantExpiry := scanner.DefaultExpiry(sim.Universe().Expirations("HVLN", now), &deal, now)
	if s.Symbol != "HVLN" || s.Expiry != wantExpiry || s.Lens == nil {
		t.Fatalf("chain %s %s lens %v, want HVLN %s with the lens", s.Symbol, s.Expiry, s.Lens != nil, wantExpiry)
	}
	strikes := sim.Universe().Strikes("HVLN", s.Expiry, now)
	if s.Total != len(strikes) || len(s.Rows) == 0 {
		t.Fatalf("%d strikes listed, simulator lists %d; %d rows", s.Total, len(strikes), len(s.Rows))
	}
	v := viewText(pane)
	for i, r := range s.Rows {
		if r.Strike != strikes[s.First+i] {
			t.Fatalf("row %d strike %v, simulator's strike #%d is %v", i, r.Strike, s.First+i, strikes[s.First+i])
		}
		if r.Strike < 0.75*deal.Price || r.Strike > 1.10*deal.Price {
			t.Errorf("strike %v outside the deal window", r.Strike)
		}
		if !strings.Contains(v, "  "+scanner.FormatStrike(r.Strike)+" ") {
			t.Errorf("strike %v not on screen", r.Strike)
		}
	}
	for _, want := range []string{"● LIVE", "DEAL HVLN", "implied completion", "CALLS", "PUTS"} {
		if !strings.Contains(v, want) {
			t.Errorf("screen lacks %q:\n%s", want, v)
		}
	}
	key(runes("l"))
	if v := viewText(pane); !strings.Contains(v, "LONG CALL") || !strings.Contains(v, "AFTER close") {
		t.Errorf("lens screen:\n%s", v)
	}

	// TWS restarts: stale, then live again by itself.
	sim.Restart(300 * time.Millisecond)
	d.Until("the stale badge", 15*time.Second, func() bool { return strings.Contains(viewText(pane), "✗ STALE") })
	d.Until("live again after the restart", 30*time.Second, func() bool {
		return complete() && strings.Contains(viewText(pane), "● LIVE")
	})

	// Leaving the pane frees every line at the supervisor.
	if n, _ := sup.Lines(context.Background()); n != s.Lines {
		t.Errorf("supervisor holds %d lines, the chain says %d", n, s.Lines)
	}
	pane.Blur()
	d.Run(pane.FocusCmd())
	closing := pane.closing
	d.Until("the close to finish", 10*time.Second, func() bool {
		select {
		case <-closing:
			return true
		default:
			return false
		}
	})
	if n, err := sup.Lines(context.Background()); err != nil || n != 0 {
		t.Fatalf("after leaving the pane the supervisor holds %d lines (%v)", n, err)
	}
	if !strings.Contains(viewText(pane), "✗ STALE") {
		t.Errorf("the table left behind is not marked stale:\n%s", viewText(pane))
	}
}
