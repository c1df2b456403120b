package scan

import (
	"context"
	"testing"

	"github.com/ibwatch/ibwatch/scanner"
)

// TestConfiguredSelectionReachesTheScan: the selection and each deal's
// own (the config's [scan] and [deals.SYMBOL] keys) go to every scan the
// pane starts; the kind keys change the pane's filter, not the caller's.
func TestConfiguredSelectionReachesTheScan(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	sel := scanner.Selection{DaysBefore: 30, After: 1, LongLo: 0.8, LongHi: 0.95}
	own := sel
	own.ShortWithin = 2
	kinds := map[scanner.Kind]bool{scanner.KindPutVertical: true}
	f := newFakeScan()
	p := newPane(Options{Deals: []scanner.Deal{hvlnDeal, qrstDeal, xyzDeal}, Styles: testStyles(), Context: ctx, Now: fixedClock,
		Selection: sel, PerDeal: map[string]scanner.Selection{"HVLN": own}, Sort: scanner.SortEV,
		Filter: scanner.Filter{MinOI: 10, Kinds: kinds}}, f.run)
	p.SetSize(120, 40)
	p.Focus()
	scanned(t, p)
	if len(f.opts) != 1 || f.opts[0].Selection != sel || f.opts[0].PerDeal["HVLN"] != own {
		t.Fatalf("scan options %+v", f.opts)
	}
	if p.sort != scanner.SortEV || p.filter.MinOI != 10 || !p.filter.Kinds[scanner.KindPutVertical] {
		t.Errorf("sort %v filter %+v", p.sort, p.filter)
	}
	press(p, runes("1")) // toggles stock
	if !p.filter.Kinds[scanner.KindStock] {
		t.Errorf("1 did not show stock: %v", p.filter.Kinds)
	}
	if len(kinds) != 1 || kinds[scanner.KindStock] {
		t.Errorf("the kind key changed the caller's map: %v", kinds)
	}
}
