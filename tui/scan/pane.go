// Package scan is the dashboard's merger-arbitrage scan pane: every
// candidate structure (long stock, long call, bull call and put verticals,
// cash-secured short put, covered call) of every deal, priced at mid and
// at the far touch by package scanner, in one table that sorts and
// filters with single keys. Enter opens the selected structure's legs in
// the option-chain pane (pane.OpenChainMsg). It plugs into package tui
// as a pane.Model (tui.Options.Scan); the numbers come from scanner, the
// pane only draws them.
package scan

import (
	"context"
	"maps"
	"slices"
	"time"

	"github.com/charmbracelet/bubbles/key"
	tea "github.com/charmbracelet/bubbletea"
	"github.com/ibwatch/ibwatch/scanner"
	"github.com/ibwatch/ibwatch/theme"
	"github.com/ibwatch/ibwatch/tui/internal/textfit"
)

// Options configures the scan pane (New). Client (or Fetcher) is needed
// to scan; everything else has a default.
type Options struct {
	// Client is the connection supervisor (*conn.Supervisor).
	Client scanner.Client
	// Fetcher resolves listings for the scans; nil builds one over Client.
	// It must not be the chain pane's: each holds its own listing cache.
	Fetcher *scanner.Fetcher
	// Deals are the config file's deals; deals typed in the chain pane's
	// deal form arrive later as chain.DealsMsg.
	Deals []scanner.Deal
	// Lines is the most market-data lines a scan holds at once (0: 50).
	// Keep it below the supervisor's budget less a chain's lines, so the
	// chain pane can open while a scan runs in the background.
	Lines int
	// Wait is each contract's deadline for a two-sided quote (0: the
	// scanner's 3 s).
	Wait time.Duration
	// Every re-scans this long after each scan ends (0: only on n); the
	// e key changes it.
	Every time.Duration
	// Sort and Filter are the table's first ranking and filter.
	Sort   scanner.SortKey
	Filter scanner.Filter
	// Selection is which expiries and strikes every deal's scan prices
	// (zero fields: the scanner's defaults); PerDeal is a deal's own, by
	// symbol (the config's [scan] table and [deals.SYMBOL] keys).
	Selection scanner.Selection
	PerDeal   map[string]scanner.Selection
	// Styles are the theme's styles.
	Styles *theme.Styles
	// Context ends the pane's scan and waiting Cmds. Nil: Background.
	Context context.Context
	// Now is the clock (nil: time.Now).
	Now func() time.Time
}

// defaultLines leaves a default chain (2 × 21 strikes + 1 = 43 lines) room
// under the supervisor's default budget of 95.
const defaultLines = 50

// Pane is the scan pane. Only the Bubble Tea goroutine calls its methods,
// except Close (after the program ended).
//
// A scan runs in the background whatever the focus (its progress shows
// when the pane is back); it holds at most Lines lines, and a lost
// connection is waited out by the scanner, which resumes where it stopped.
type Pane struct {
	st    *theme.Styles
	ctx   context.Context
	fn    runner
	now   func() time.Time
	keys  scanKeys
	lines int
	wait  time.Duration
	deals []scanner.Deal
	// selection and perDeal are every deal's selection and a deal's own.
	selection scanner.Selection
	perDeal   map[string]scanner.Selection

	focused bool
	w, h    int

	// gen numbers scans; run is the one under way (nil: none).
	gen  uint64
	run  *run
	prog scanner.Progress
	// every is the re-scan interval; tseq numbers the re-scan timers and
	// tstop ends the pending one; next is when it fires.
	every time.Duration
	tseq  uint64
	tstop chan struct{}
	next  time.Time

	res    *scanner.ScanResult // the last scan's result (nil: none yet)
	sort   scanner.SortKey
	filter scanner.Filter
	ranked scanner.Ranked
	sel    int // selected row
	off    int // first row shown

	notice    string
	noticeErr bool

	body []string // rendered in Update; View adds the status line
}

// New builds the scan pane.
func New(o Options) *Pane {
	f := o.Fetcher
	if f == nil && o.Client != nil {
		f = scanner.NewFetcher(o.Client, scanner.FetcherOptions{})
	}
	var fn runner
	if f != nil {
		fn = fetcherRunner(f)
	}
	p := newPane(o, fn)
	return p
}

// newPane builds the pane over any runner (the tests pass a fake).
func newPane(o Options, fn runner) *Pane {
	st := o.Styles
	if st == nil {
		st = theme.New(theme.Options{NoColor: true})
	}
	ctx := o.Context
	if ctx == nil {
		ctx = context.Background()
	}
	now := o.Now
	if now == nil {
		now = time.Now
	}
	p := &Pane{st: st, ctx: ctx, fn: fn, now: now, keys: newScanKeys(), lines: o.Lines, wait: o.Wait,
		deals: slices.Clone(o.Deals), every: max(0, o.Every), sort: o.Sort, filter: o.Filter,
		selection: o.Selection, perDeal: maps.Clone(o.PerDeal)}
	// The kind keys toggle the filter's map in place: the caller's stays its own.
	p.filter.Kinds = maps.Clone(o.Filter.Kinds)
	if p.lines <= 0 {
		p.lines = defaultLines
	}
	p.syncKeys()
	p.render()
	return p
}

// Close stops a scan under way and waits until its lines are closed. main
// calls it after the program ended, while the supervisor still runs.
func (p *Pane) Close() {
	if r := p.run; r != nil {
		r.cancel()
		<-r.done
	}
	p.stopTimer()
}

// Init implements pane.Model.
func (p *Pane) Init() tea.Cmd { return nil }

// SetSize implements pane.Model.
func (p *Pane) SetSize(w, h int) {
	if w == p.w && h == p.h {
		return
	}
	p.w, p.h = w, h
	p.render()
}

// Focus implements pane.Model.
func (p *Pane) Focus() { p.focused = true }

// Blur implements pane.Model. The scan goes on in the background.
func (p *Pane) Blur() { p.focused = false }

// Typing implements pane.Model: the pane has no text input.
func (p *Pane) Typing() bool { return false }

// Title implements pane.Model.
func (p *Pane) Title() string {
	t := "Scan · merger arb"
	switch {
	case p.run != nil:
		t += " · scanning " + fmtPct(p.prog.Quoted, p.prog.Contracts)
	case p.res != nil:
		t += " · sorted by " + sortLabel(p.sort)
	}
	return t
}

// ShortHelp implements help.KeyMap.
func (p *Pane) ShortHelp() []key.Binding { return p.keys.short() }

// FullHelp implements help.KeyMap.
func (p *Pane) FullHelp() [][]key.Binding { return p.keys.full() }

// syncKeys enables the bindings that apply now.
func (p *Pane) syncKeys() {
	p.keys.sync(scanKeyState{running: p.run != nil, rows: len(p.ranked.Rows) > 0, result: p.res != nil})
}

func (p *Pane) setNotice(isErr bool, text string) { p.notice, p.noticeErr = text, isErr }

// View implements pane.Model: the body rendered in Update and the status
// line.
func (p *Pane) View() string {
	return textfit.Column(p.body, p.h, p.statusLine())
}
