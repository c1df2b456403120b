// Package chain is the dashboard's option-chain pane: fuzzy symbol search
// (built-in tickers, watchlist, deals, then TWS), the live chain of one
// expiry with greeks, a deal form, and the merger-arbitrage lens for deal
// stocks. It is an application of its own inside the dashboard: its keys,
// its Cmds and its model live here, and package tui hosts it through the
// pane.Model interface (tui.Options.Chain). The numbers come from package
// scanner; the pane only draws them.
package chain

import (
	"context"
	"time"

	"github.com/charmbracelet/bubbles/key"
	"github.com/charmbracelet/bubbles/spinner"
	tea "github.com/charmbracelet/bubbletea"
	"github.com/ibwatch/ibwatch/scanner"
	"github.com/ibwatch/ibwatch/theme"
	"github.com/ibwatch/ibwatch/tui/internal/textfit"
)

// Options configures the option-chain pane (New). Client
// (or Fetcher) is required to open chains; everything else has a default.
type Options struct {
	// Client is the connection supervisor (*conn.Supervisor).
	Client scanner.Client
	// Fetcher opens the chains; nil builds one over Client that names
	// symbols with Searcher.
	Fetcher *scanner.Fetcher
	// Searcher ranks the candidates; nil builds one over the built-in
	// ticker list, Watchlist and Deals.
	Searcher *scanner.Searcher
	// Lookup asks TWS for matching symbols; nil builds one over Client
	// (none when Client is nil).
	Lookup *scanner.TWSLookup
	// Deals are the config file's deals: they add the merger-arbitrage
	// lens and pick the first expiry on or after the expected close.
	Deals []scanner.Deal
	// Watchlist symbols rank high and show on an empty query.
	Watchlist []string
	// Strikes is how many strikes a chain streams (0: 21, the scanner's
	// default). Each costs two market-data lines.
	Strikes int
	// MinRefresh is the shortest time between two redraws of a busy chain
	// (0: 100 ms). Changes in between are merged into the next redraw.
	MinRefresh time.Duration
	// Styles are the theme's styles.
	Styles *theme.Styles
	// Context ends the pane's waiting Cmds (Bubble Tea cannot cancel a
	// Cmd). Nil: Background.
	Context context.Context
}

// defaultMinRefresh caps redraws of a busy chain at ten a second.
const defaultMinRefresh = 100 * time.Millisecond

// Pane is the option-chain pane: fuzzy symbol search, the live chain
// of one expiry with greeks, and the merger-arbitrage lens for deal stocks.
// It is a pane.Model for tui.Options.Chain. Only the Bubble Tea goroutine calls
// its methods, except Close (after the program ended).
//
// Lines: the pane holds the lines of at most one chain, and none while
// another pane has focus: leaving cancels every line, coming back opens
// the chain again (the last table is shown, marked stale, meanwhile).
type Pane struct {
	st      *theme.Styles
	ctx     context.Context
	src     chainSource
	srch    *scanner.Searcher
	look    *scanner.TWSLookup
	keys    chainKeys
	strikes int
	gap     time.Duration

	cfgDeals  []scanner.Deal
	userDeals map[string]scanner.Deal
	watch     []string

	focused bool
	w, h    int

	search chainSearch
	form   *dealForm

	// want is what the user asked for last; gen numbers every open
	// request. pending is the request in flight, live the one whose chain
	// streams (nil: none).
	want    chainWant
	gen     uint64
	pending *openReq
	live    *openReq
	left    bool // lines were closed because the pane lost focus
	// closing is closed when the last close of the source finished; nil
	// when none is in flight. An open waits for it.
	closing chan struct{}

	snap    scanner.Snapshot
	have    bool // snap holds a table (maybe an old one)
	centre  bool // centre the view on the money line at the next table
	viewOff int  // first shown row when the pane is shorter than the window
	lens    bool // show the lens instead of the chain (when a deal exists)
	legs    legMarks

	notice    string
	noticeErr bool
	spin      spinner.Model
	spinning  bool

	body []string // rendered in Update (header, table); View adds the status line
}

// New builds the option-chain pane.
func New(o Options) *Pane {
	st := o.Styles
	if st == nil {
		st = theme.New(theme.Options{NoColor: true})
	}
	ctx := o.Context
	if ctx == nil {
		ctx = context.Background()
	}
	srch := o.Searcher
	if srch == nil {
		srch = scanner.NewSearcher(scanner.BuiltinTickers(), o.Watchlist, o.Deals)
	}
	look := o.Lookup
	if look == nil && o.Client != nil {
		look = scanner.NewTWSLookup(o.Client, 0, 0)
	}
	var src chainSource
	switch {
	case o.Fetcher != nil:
		src = fetcherSource{o.Fetcher}
	case o.Client != nil:
		src = fetcherSource{scanner.NewFetcher(o.Client, scanner.FetcherOptions{Names: srch.Name})}
	}
	p := newChainPane(st, ctx, src, srch, look)
	p.cfgDeals = append([]scanner.Deal(nil), o.Deals...)
	p.watch = append([]string(nil), o.Watchlist...)
	if o.Strikes > 0 {
		p.strikes = o.Strikes
	}
	if o.MinRefresh > 0 {
		p.gap = o.MinRefresh
	}
	return p
}

// newChainPane builds the pane over any chain source (the tests pass a
// fake one).
func newChainPane(st *theme.Styles, ctx context.Context, src chainSource, srch *scanner.Searcher, look *scanner.TWSLookup) *Pane {
	p := &Pane{
		st: st, ctx: ctx, src: src, srch: srch, look: look,
		keys:      newChainKeys(),
		strikes:   scanner.DefaultStrikes,
		gap:       defaultMinRefresh,
		userDeals: map[string]scanner.Deal{},
		search:    newChainSearch(st),
		spin:      spinner.New(spinner.WithSpinner(spinner.MiniDot), spinner.WithStyle(st.Chain.Notice)),
	}
	p.search.hasLook = look != nil
	p.syncKeys()
	p.render()
	return p
}

// Close cancels the pane's lines. main calls it after the program ends
// (the pane is no longer updated then); it blocks until the supervisor
// took the cancels, or returns at once when the supervisor has stopped.
func (p *Pane) Close() {
	if p.src != nil {
		p.src.Close()
	}
}

// Init implements pane.Model.
func (p *Pane) Init() tea.Cmd { return nil }

// SetSize implements pane.Model.
func (p *Pane) SetSize(w, h int) {
	if w == p.w && h == p.h {
		return
	}
	p.w, p.h = w, h
	p.search.input.Width = max(1, w-4)
	p.render()
}

// Focus implements pane.Model.
func (p *Pane) Focus() { p.focused = true }

// Blur implements pane.Model.
func (p *Pane) Blur() { p.focused = false }

// FocusCmd is called by the root after Focus or Blur: leaving the pane
// closes the chain (every line is cancelled); coming back opens it again.
func (p *Pane) FocusCmd() tea.Cmd {
	if !p.focused {
		if p.live == nil && p.pending == nil {
			return nil
		}
		p.dropRequests()
		p.left = true
		p.render()
		return p.closeSource()
	}
	if p.left && p.want.symbol != "" {
		p.left = false
		return p.startOpen(p.want, false)
	}
	return nil
}

// Typing implements pane.Model: the search input or the deal form owns the
// keyboard, so the root sends every key (but ctrl+c) here.
func (p *Pane) Typing() bool { return p.search.open || p.form != nil }

// Title implements pane.Model.
func (p *Pane) Title() string {
	t := "Chain"
	switch {
	case p.form != nil:
		return t + " · deal terms " + p.form.symbol
	case p.search.open:
		return t + " · search"
	case p.want.symbol == "":
		return t
	}
	t += " · " + p.want.symbol
	if p.have && p.snap.Symbol == p.want.symbol {
		t += " " + fmtExpiry(p.snap.Expiry)
	}
	if p.showLens() {
		t += " · merger-arb lens"
	}
	return t
}

// ShortHelp implements help.KeyMap.
func (p *Pane) ShortHelp() []key.Binding { return p.keys.short() }

// FullHelp implements help.KeyMap.
func (p *Pane) FullHelp() [][]key.Binding { return p.keys.full() }

// syncKeys enables the bindings that apply now.
func (p *Pane) syncKeys() {
	p.keys.sync(chainKeyState{
		searching: p.search.open, form: p.form != nil,
		symbol: p.want.symbol != "", live: p.live != nil && p.have,
		lens: p.have && p.snap.Lens != nil,
	})
}

// showLens reports whether the lens view is on (and possible).
func (p *Pane) showLens() bool { return p.lens && p.have && p.snap.Lens != nil }

func (p *Pane) setNotice(isErr bool, text string) { p.notice, p.noticeErr = text, isErr }

// View implements pane.Model: the body rendered in Update, or the search or form
// over it, and the status line.
func (p *Pane) View() string {
	switch {
	case p.form != nil:
		return p.formView()
	case p.search.open:
		return p.searchView()
	}
	return textfit.Column(p.body, p.h, p.statusLine())
}
