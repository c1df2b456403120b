package chain

import (
	"strings"
	"testing"

	"github.com/ibwatch/ibwatch/tui/pane"
)

// TestChainOpenLegs: the scan pane's open request opens the symbol and
// expiry with its deal, even while the pane is unfocused, and marks the
// legs' strikes.
func TestChainOpenLegs(t *testing.T) {
	src := newFakeSource(hvlnSnapshot())
	p := newTestChainPane(t, src, 116, 28)
	p.Blur()
	snap := hvlnSnapshot()
	k1, k2 := snap.Rows[2].Strike, snap.Rows[4].Strike
	_, cmd := p.Update(pane.OpenChainMsg{Symbol: "hvln", Expiry: snap.Expiry, Strikes: []float64{k1, k2}})
	if cmd == nil || p.pending == nil {
		t.Fatal("the open request started no open")
	}
	finishOpen(t, p, src, cmd)
	req := src.lastReq()
	if req.Symbol != "HVLN" || req.Expiry != snap.Expiry || req.Deal == nil || req.Deal.Price != hvlnDeal.Price {
		t.Fatalf("open request %+v", req)
	}
	p.Focus()
	if cmd := p.FocusCmd(); cmd != nil {
		t.Fatal("focusing after the open started another open")
	}
	v := viewText(p)
	marks := strings.Count(v, "◆ ")
	if marks != 2 {
		t.Fatalf("%d legs marked, want 2:\n%s", marks, v)
	}
	if !strings.Contains(v, "marked ◆") {
		t.Fatalf("no notice of the legs:\n%s", v)
	}
}
