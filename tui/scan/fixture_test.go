package scan

import (
	"context"
	"math"
	"strings"
	"sync"
	"testing"
	"time"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/ibwatch/ibwatch/scanner"
	"github.com/ibwatch/ibwatch/tui/pane"
)

// The fixed scan of the tests: three deals priced by the scanner's own
// Structure.Price on fixed quotes at t0. HVLN has every kind, a losing long
// call, a one-sided leg and an expiry before the close; QRST has no break
// price (no loss if break, no EV); XYZ has no close date (nothing ranks).
var (
	hvlnDeal = scanner.Deal{Symbol: "HVLN", Price: 86, ExpectedClose: time.Date(2025, 3, 28, 0, 0, 0, 0, time.UTC), BreakPrice: 52}
	qrstDeal = scanner.Deal{Symbol: "QRST", Price: 11.75, ExpectedClose: time.Date(2025, 2, 12, 0, 0, 0, 0, time.UTC)}
	xyzDeal  = scanner.Deal{Symbol: "XYZ", Price: 20, BreakPrice: 15}
)

func stk(bid, ask float64) scanner.Leg {
	return scanner.Leg{Buy: true, Right: "STK", Bid: bid, Ask: ask, OI: math.NaN()}
}

func opt(buy bool, right string, k, bid, ask, oi float64) scanner.Leg {
	return scanner.Leg{Buy: buy, Right: right, Strike: k, Bid: bid, Ask: ask, OI: oi}
}

// priced builds and prices one structure.
func priced(d scanner.Deal, stock scanner.Leg, kind scanner.Kind, expiry string, legs ...scanner.Leg) scanner.Structure {
	s := scanner.Structure{Symbol: d.Symbol, Kind: kind, Expiry: expiry, Legs: legs, Multiplier: 100}
	s.Price(d, stock, t0)
	return s
}

// fixedResult is the scan result every fake scan returns.
func fixedResult() scanner.ScanResult {
	hs, qs, xs := stk(83.08, 83.12), stk(11.19, 11.20), stk(19.50, 19.60)
	const apr, mar, feb = "20250417", "20250321", "20250221"
	ss := []scanner.Structure{
		priced(hvlnDeal, hs, scanner.KindStock, "", hs),
		priced(hvlnDeal, hs, scanner.KindLongCall, apr, opt(true, "C", 80, 4.30, 4.50, 2100)),
		priced(hvlnDeal, hs, scanner.KindLongCall, apr, opt(true, "C", 87.5, 0.95, 1.05, 800)),
		priced(hvlnDeal, hs, scanner.KindLongCall, apr, opt(true, "C", 82.5, math.NaN(), 2.80, 90)),
		priced(hvlnDeal, hs, scanner.KindCallVertical, apr, opt(true, "C", 80, 4.30, 4.50, 2100), opt(false, "C", 85, 1.60, 1.70, 1500)),
		priced(hvlnDeal, hs, scanner.KindPutVertical, apr, opt(false, "P", 85, 3.50, 3.60, 1200), opt(true, "P", 80, 1.25, 1.35, 40)),
		priced(hvlnDeal, hs, scanner.KindShortPut, apr, opt(false, "P", 85, 3.50, 3.60, 1200)),
		priced(hvlnDeal, hs, scanner.KindCoveredCall, apr, hs, opt(false, "C", 87.5, 0.95, 1.05, 800)),
		priced(hvlnDeal, hs, scanner.KindCallVertical, mar, opt(true, "C", 80, 3.90, 4.10, 300), opt(false, "C", 85, 1.05, 1.20, 250)),
		priced(qrstDeal, qs, scanner.KindStock, "", qs),
		priced(qrstDeal, qs, scanner.KindLongCall, feb, opt(true, "C", 11, 0.40, 0.50, 1435)),
		priced(qrstDeal, qs, scanner.KindPutVertical, feb, opt(false, "P", 12, 0.75, 0.85, 408), opt(true, "P", 11, 0.15, 0.20, 3262)),
		priced(xyzDeal, xs, scanner.KindStock, "", xs),
		priced(xyzDeal, xs, scanner.KindLongCall, mar, opt(true, "C", 17.5, 2.10, 2.30, 600)),
	}
	return scanner.ScanResult{Started: t0, Finished: t0, Complete: true, Contracts: 14, Quoted: 13, OneSided: 1,
		Deals: []scanner.DealScan{{Deal: hvlnDeal}, {Deal: qrstDeal}, {Deal: xyzDeal}}, Structures: ss}
}

// fakeScan stands in for scanner.Scan in the pure tests and goldens: it
// reports prog, then (when hold is set) waits for hold or the end of ctx,
// and returns res.
type fakeScan struct {
	res  scanner.ScanResult
	prog []scanner.Progress
	hold chan struct{}

	mu    sync.Mutex
	deals [][]scanner.Deal
	fresh []bool
	opts  []scanner.ScanOptions
}

func newFakeScan() *fakeScan { return &fakeScan{res: fixedResult()} }

func (f *fakeScan) run(ctx context.Context, deals []scanner.Deal, o scanner.ScanOptions, fresh bool) (scanner.ScanResult, error) {
	f.mu.Lock()
	f.deals = append(f.deals, deals)
	f.fresh = append(f.fresh, fresh)
	f.opts = append(f.opts, o)
	f.mu.Unlock()
	for _, p := range f.prog {
		o.Progress(p)
	}
	if f.hold != nil {
		select {
		case <-f.hold:
		case <-ctx.Done():
			return scanner.ScanResult{}, ctx.Err()
		}
	}
	res := f.res
	res.Structures = append([]scanner.Structure(nil), f.res.Structures...)
	return res, nil
}

func (f *fakeScan) calls() int {
	f.mu.Lock()
	defer f.mu.Unlock()
	return len(f.deals)
}

// newTestPane is a focused scan pane over f at w×h with the three deals.
func newTestPane(t *testing.T, f *fakeScan, w, h int) *Pane {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	t.Cleanup(cancel)
	p := newPane(Options{Deals: []scanner.Deal{hvlnDeal, qrstDeal, xyzDeal}, Styles: testStyles(), Context: ctx, Now: fixedClock}, f.run)
	p.SetSize(w, h)
	p.Focus()
	return p
}

// press sends keys to the pane; it returns the last key's Cmd.
func press(p *Pane, keys ...tea.KeyMsg) tea.Cmd {
	var cmd tea.Cmd
	for _, k := range keys {
		_, cmd = p.Update(k)
	}
	return cmd
}

// scanned starts a scan with n and delivers its outcome: the table of
// fixedResult is on screen.
func scanned(t *testing.T, p *Pane) {
	t.Helper()
	cmd := press(p, runes("n"))
	if cmd == nil || p.run == nil {
		t.Fatal("n started no scan")
	}
	deliver(p, cmd)
	if p.run != nil || p.res == nil {
		t.Fatal("the scan's outcome was not taken")
	}
}

// deliver runs a Cmd tree (its leaves return at once, or when the scan
// ends) and hands every message to the pane, then the messages of the
// Cmds those return (a re-scan timer is not run).
func deliver(p *Pane, cmd tea.Cmd) {
	if cmd == nil {
		return
	}
	switch m := cmd().(type) {
	case nil:
	case tea.BatchMsg:
		for _, c := range m {
			deliver(p, c)
		}
	case rescanMsg:
		p.Update(m)
	default:
		_, next := p.Update(m)
		if _, ok := m.(doneMsg); !ok {
			deliver(p, next)
		}
	}
}

// viewText is the pane's view with trailing blanks trimmed per line.
func viewText(p pane.Model) string {
	lines := strings.Split(p.View(), "\n")
	for i := range lines {
		lines[i] = strings.TrimRight(lines[i], " ")
	}
	return strings.Join(lines, "\n")
}

// lineWith returns the first line of v containing s ("" when none).
func lineWith(v, s string) string {
	for _, l := range strings.Split(v, "\n") {
		if strings.Contains(l, s) {
			return l
		}
	}
	return ""
}
