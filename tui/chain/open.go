package chain

import (
	"slices"
	"strings"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/ibwatch/ibwatch/scanner"
	"github.com/ibwatch/ibwatch/tui/pane"
)

// DealsMsg carries every deal the pane knows (the config's, with the ones
// typed in its deal form replacing them) after the form saved or removed
// one. The root hands it to every pane: the scan pane scans these deals.
type DealsMsg struct{ Deals []scanner.Deal }

// legMarks are the strikes of a structure opened from the scan pane,
// marked ◆ in the chain of that symbol and expiry.
type legMarks struct {
	symbol, expiry string
	strikes        []float64
}

// has reports whether strike k of the shown chain is one of the legs.
func (l legMarks) has(s *scanner.Snapshot, k float64) bool {
	return l.symbol != "" && s.Symbol == l.symbol && (l.expiry == "" || s.Expiry == l.expiry) &&
		slices.Contains(l.strikes, k)
}

// openLegs opens a structure sent by the scan pane: its symbol and expiry
// (the default expiry for a stock row), with the symbol's deal, its legs'
// strikes marked. The pane is not focused yet: the root focuses it next,
// and since the open is already under way, focusing starts no other.
func (p *Pane) openLegs(msg pane.OpenChainMsg) tea.Cmd {
	sym := strings.ToUpper(strings.TrimSpace(msg.Symbol))
	if sym == "" {
		return nil
	}
	if p.form != nil {
		p.closeForm()
	}
	if p.search.open {
		p.closeSearch()
	}
	p.legs = legMarks{symbol: sym, expiry: msg.Expiry, strikes: slices.Sorted(slices.Values(msg.Strikes))}
	p.lens = false
	cmd := p.startOpen(chainWant{symbol: sym, expiry: msg.Expiry, deal: p.dealFor(sym)}, false)
	if cmd != nil && len(p.legs.strikes) > 0 {
		ks := make([]string, len(p.legs.strikes))
		for i, k := range p.legs.strikes {
			ks[i] = scanner.FormatStrike(k)
		}
		p.setNotice(false, "from the scan: legs at "+strings.Join(ks, "/")+" marked ◆")
	}
	return cmd
}
