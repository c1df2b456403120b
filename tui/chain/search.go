package chain

import (
	"fmt"
	"strings"

	"github.com/charmbracelet/bubbles/key"
	"github.com/charmbracelet/bubbles/textinput"
	tea "github.com/charmbracelet/bubbletea"
	"github.com/ibwatch/ibwatch/scanner"
	"github.com/ibwatch/ibwatch/theme"
)

// chainSearch is the fuzzy ticker search of the chain pane: a text input
// and the ranked candidates. Ranking and TWS lookups run in Cmds; every
// keystroke bumps gen and answers for an older gen are dropped.
type chainSearch struct {
	open  bool
	input textinput.Model
	gen   uint64 // generation of the query in the input
	res   scanner.Results
	have  bool // res answers gen
	tws   bool // res has TWS's matches merged in
	sel   int
	// picked is true once the user moved the selection for this query: a
	// later ranking (TWS's answer) keeps their pick, else the top result
	// is selected.
	picked bool
	// TWS lookup state for gen: asking, n matches, or an error.
	asking  bool
	twsN    int
	twsErr  string
	hasLook bool // a TWS lookup exists (a connection was given)
}

func newChainSearch(st *theme.Styles) chainSearch {
	ti := textinput.New()
	ti.Prompt = "/ "
	ti.Placeholder = "symbol or company (↑↓ pick · enter open · esc close)"
	ti.PromptStyle = st.Input.Prompt
	ti.TextStyle = st.Input.Text
	ti.PlaceholderStyle = st.Input.Placeholder
	ti.Cursor.Style = st.Input.Cursor
	ti.CharLimit = 40
	return chainSearch{input: ti}
}

// openSearch shows the input and the pinned candidates (deals, watchlist,
// recent searches).
func (p *Pane) openSearch() tea.Cmd {
	s := &p.search
	s.open = true
	s.input.Reset()
	s.sel = 0
	return tea.Batch(s.input.Focus(), p.query())
}

// closeSearch hides the input; the chain below keeps streaming.
func (p *Pane) closeSearch() {
	p.search.open = false
	p.search.input.Blur()
	stopBlink(&p.search.input)
}

// stopBlink ends a closed input's pending cursor blink. Calling BlinkCmd
// cancels the blink Cmd in flight (it returns at once) and the new one is
// dropped unrun; otherwise that Cmd's goroutine lingers for half a second
// after the input is gone.
func stopBlink(in *textinput.Model) { _ = in.Cursor.BlinkCmd() }

// query starts ranking (and a TWS lookup for) the input's text as a new
// generation.
func (p *Pane) query() tea.Cmd {
	s := &p.search
	s.gen++
	s.have, s.tws, s.twsN, s.twsErr, s.picked = false, false, 0, "", false
	q := s.input.Value()
	s.asking = p.look != nil && strings.TrimSpace(q) != ""
	return tea.Batch(rankCmd(p.srch, q, s.gen), lookupCmd(p.ctx, p.look, p.srch, q, s.gen))
}

// searchKey handles a key while the input owns the keyboard.
func (p *Pane) searchKey(msg tea.KeyMsg) tea.Cmd {
	s := &p.search
	k := &p.keys
	switch {
	case key.Matches(msg, k.CancelSearch):
		p.closeSearch()
		return nil
	case key.Matches(msg, k.PickUp):
		s.sel, s.picked = max(0, s.sel-1), true
		return nil
	case key.Matches(msg, k.PickDown):
		s.sel, s.picked = min(max(0, len(s.res.Items)-1), s.sel+1), true
		return nil
	case key.Matches(msg, k.Open):
		sym := strings.ToUpper(strings.TrimSpace(s.input.Value()))
		if s.have && s.sel < len(s.res.Items) {
			sym = s.res.Items[s.sel].Symbol
		}
		if sym == "" {
			return nil
		}
		p.closeSearch()
		return p.openSymbol(sym)
	}
	before := s.input.Value()
	var cmd tea.Cmd
	s.input, cmd = s.input.Update(msg)
	if s.input.Value() == before {
		return cmd
	}
	return tea.Batch(cmd, p.query())
}

// onRank takes a ranking if it answers the query in the input. A plain
// ranking never replaces one that already has TWS's matches.
func (p *Pane) onRank(msg chainRankMsg) {
	s := &p.search
	if msg.res.Gen != s.gen || (s.tws && !msg.tws) {
		return
	}
	prev := ""
	if s.picked && s.have && s.sel < len(s.res.Items) {
		prev = s.res.Items[s.sel].Symbol
	}
	s.res, s.have, s.tws = msg.res, true, s.tws || msg.tws
	s.sel = 0
	for i, it := range s.res.Items { // keep the pick when TWS's answer reorders
		if it.Symbol == prev {
			s.sel = i
		}
	}
}

// onLookup records how TWS's lookup for the current query ended.
func (p *Pane) onLookup(msg chainLookupMsg) {
	s := &p.search
	if msg.gen != s.gen {
		return
	}
	s.asking = false
	s.twsN = msg.n
	if msg.err != nil {
		s.twsErr = sanitize(msg.err.Error())
	}
	if msg.rank != nil {
		p.onRank(*msg.rank)
	}
}

// searchView draws the input, a status line and the results.
func (p *Pane) searchView() string {
	st := &p.st.Chain
	s := &p.search
	lines := []string{s.input.View()}
	status := ""
	switch {
	case !s.have:
		status = "ranking…"
	case strings.TrimSpace(s.input.Value()) == "" && len(s.res.Items) == 0:
		status = "type a symbol or company name"
	case strings.TrimSpace(s.input.Value()) == "":
		status = "deals, watchlist and recent symbols"
	default:
		status = fmt.Sprintf("%d match", s.res.Total)
		if s.res.Total != 1 {
			status += "es"
		}
	}
	switch {
	case s.asking:
		status += " · asking TWS…"
	case s.twsErr != "":
		status += " · TWS lookup failed: " + s.twsErr
	case s.tws:
		status += fmt.Sprintf(" · %d from TWS", s.twsN)
	}
	lines = append(lines, st.Legend.Render(truncate(status, p.w)))
	room := max(0, p.h-len(lines))
	items := s.res.Items
	if !s.have {
		items = nil
	}
	from := 0
	if s.sel >= room && room > 0 {
		from = s.sel - room + 1
	}
	for i := from; i < len(items) && i-from < room; i++ {
		lines = append(lines, p.resultLine(items[i], i == s.sel))
	}
	return strings.Join(lines, "\n")
}

// resultLine is one candidate: marker, symbol and name with the matched
// letters highlighted, exchange and source word.
func (p *Pane) resultLine(r scanner.Result, selected bool) string {
	st := &p.st.Chain
	mark := "  "
	if selected {
		mark = "▶ "
	}
	src := r.Source.String()
	right := padLeft(sanitize(r.Exchange), 7) + " " + padLeft(src, 9)
	nameW := max(0, p.w-2-8-1-len([]rune(right))-1)
	sym := highlight(st, padRight(r.Symbol, 7), r.SymbolIdx, st.Symbol)
	name := highlight(st, padRight(truncate(sanitize(r.Name), nameW), nameW), r.NameIdx, st.Value)
	line := mark + sym + " " + name + " " + st.Source.Render(right)
	if selected {
		return st.Selected.Render(fit(line, p.w))
	}
	return fit(line, p.w)
}

// highlight renders s with the runes at idx in the match style and the
// rest in base.
func highlight(st *theme.ChainStyles, s string, idx []int, base interface{ Render(...string) string }) string {
	if len(idx) == 0 {
		return base.Render(s)
	}
	hit := make(map[int]bool, len(idx))
	for _, i := range idx {
		hit[i] = true
	}
	var b strings.Builder
	var run []rune
	inHit := false
	flush := func() {
		if len(run) == 0 {
			return
		}
		if inHit {
			b.WriteString(st.Match.Render(string(run)))
		} else {
			b.WriteString(base.Render(string(run)))
		}
		run = run[:0]
	}
	for i, r := range []rune(s) {
		if hit[i] != inHit {
			flush()
			inHit = hit[i]
		}
		run = append(run, r)
	}
	flush()
	return b.String()
}

// padLeft right-aligns s in w cells (it never cuts).
func padLeft(s string, w int) string {
	if n := len([]rune(s)); n < w {
		return strings.Repeat(" ", w-n) + s
	}
	return s
}
