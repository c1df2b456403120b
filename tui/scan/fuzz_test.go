package scan

import (
	"testing"
	"time"

	"github.com/ibwatch/ibwatch/scanner"
)

// FuzzScanPaneCells prices every kind of structure with the scanner's own
// Structure.Price on fuzzed quotes and deal terms, ranks them under every
// sort key and draws the pane at a fuzzed size: no cell may show NaN, Inf
// or an escape sequence, and every line stays inside the pane.
func FuzzScanPaneCells(f *testing.F) {
	f.Add(83.08, 83.12, 4.30, 4.50, 1.60, 1.70, 2100.0, 86.0, 52.0, 0.0, 0.0, uint8(76), uint8(20))
	f.Add(0.0, 0.0, -1.0, 1e308, 5e-324, 0.0, -5.0, 1e-9, 1e12, -3.0, 2.0, uint8(10), uint8(3))
	f.Fuzz(func(t *testing.T, sBid, sAsk, c1Bid, c1Ask, c2Bid, c2Ask, oi, D, B, div, prob float64, w, h uint8) {
		deal := scanner.Deal{Symbol: "FUZZ", Price: D, ExpectedClose: t0.AddDate(0, 2, 0), BreakPrice: B, Dividends: div, Prob: prob}
		stock := stk(sBid, sAsk)
		k1, k2 := D*0.9, D
		const exp = "20250321"
		ss := []scanner.Structure{
			priced(deal, stock, scanner.KindStock, "", stock),
			priced(deal, stock, scanner.KindLongCall, exp, opt(true, "C", k1, c1Bid, c1Ask, oi)),
			priced(deal, stock, scanner.KindCallVertical, exp, opt(true, "C", k1, c1Bid, c1Ask, oi), opt(false, "C", k2, c2Bid, c2Ask, oi)),
			priced(deal, stock, scanner.KindPutVertical, exp, opt(false, "P", k2, c1Bid, c1Ask, oi), opt(true, "P", k1, c2Bid, c2Ask, oi)),
			priced(deal, stock, scanner.KindShortPut, exp, opt(false, "P", k2, c1Bid, c1Ask, oi)),
			priced(deal, stock, scanner.KindCoveredCall, exp, stock, opt(false, "C", k2, c2Bid, c2Ask, oi)),
		}
		fs := newFakeScan()
		fs.res = scanner.ScanResult{Started: t0, Finished: t0, Complete: true, Deals: []scanner.DealScan{{Deal: deal}}, Structures: ss}
		W, H := int(w%220)+1, int(h%70)+1
		p := newTestPane(t, fs, W, H)
		scanned(t, p)
		for range 4 {
			for j := range p.ranked.Rows {
				p.sel = j
				p.render()
				checkCells(t, "fuzz", p, W, H)
			}
			press(p, runes("s"))
		}
		p.run = &run{gen: p.gen, done: make(chan struct{})}
		p.Update(progressMsg{gen: p.gen, p: scanner.Progress{Deals: int(w), Contracts: int(h), Quoted: int(w), Left: time.Duration(D)}})
		checkCells(t, "fuzz progress", p, W, H)
		p.run = nil
	})
}
