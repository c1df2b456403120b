package chain

import "github.com/charmbracelet/bubbles/key"

// chainKeys are the chain pane's bindings. They sit beside the pane rather
// than in keys.go because only the chain pane uses them; the global keys
// (q, ?, tab, r) stay in keys.go. "r" is the global reconnect, so the
// definition refresh is shift+r.
type chainKeys struct {
	// Chain view.
	Search, Deal, Lens, Refresh, CloseChain key.Binding
	PrevExpiry, NextExpiry                  key.Binding
	Up, Down, PageUp, PageDown, Centre      key.Binding
	// Expiry and Strikes only stand for the pairs above in the short
	// help; they are never matched.
	Expiry, Strikes key.Binding

	// Search input.
	Pick, Open, CancelSearch key.Binding
	// PickUp and PickDown move in the result list.
	PickUp, PickDown key.Binding

	// Deal form.
	NextField, PrevField, SaveDeal, CancelDeal key.Binding
}

func newChainKeys() chainKeys {
	return chainKeys{
		Search:     key.NewBinding(key.WithKeys("/"), key.WithHelp("/", "symbol")),
		Deal:       key.NewBinding(key.WithKeys("d"), key.WithHelp("d", "deal terms")),
		Lens:       key.NewBinding(key.WithKeys("l"), key.WithHelp("l", "lens ⇄ chain")),
		Refresh:    key.NewBinding(key.WithKeys("R"), key.WithHelp("R", "refresh listing")),
		CloseChain: key.NewBinding(key.WithKeys("x"), key.WithHelp("x", "close chain")),
		PrevExpiry: key.NewBinding(key.WithKeys("[", "left"), key.WithHelp("[/←", "prev expiry")),
		NextExpiry: key.NewBinding(key.WithKeys("]", "right"), key.WithHelp("]/→", "next expiry")),
		Up:         key.NewBinding(key.WithKeys("up", "k"), key.WithHelp("↑/k", "lower")),
		Down:       key.NewBinding(key.WithKeys("down", "j"), key.WithHelp("↓/j", "higher")),
		PageUp:     key.NewBinding(key.WithKeys("pgup"), key.WithHelp("pgup", "page lower")),
		PageDown:   key.NewBinding(key.WithKeys("pgdown"), key.WithHelp("pgdn", "page higher")),
		Centre:     key.NewBinding(key.WithKeys("c"), key.WithHelp("c", "money line")),
		Expiry:     key.NewBinding(key.WithKeys("[", "]"), key.WithHelp("[ ]", "expiry")),
		Strikes:    key.NewBinding(key.WithKeys("up", "down"), key.WithHelp("↑↓", "strikes")),

		Pick:         key.NewBinding(key.WithKeys("up", "down"), key.WithHelp("↑↓", "pick")),
		PickUp:       key.NewBinding(key.WithKeys("up", "ctrl+p")),
		PickDown:     key.NewBinding(key.WithKeys("down", "ctrl+n")),
		Open:         key.NewBinding(key.WithKeys("enter"), key.WithHelp("enter", "open chain")),
		CancelSearch: key.NewBinding(key.WithKeys("esc"), key.WithHelp("esc", "close")),

		NextField:  key.NewBinding(key.WithKeys("tab", "down"), key.WithHelp("tab/↓", "next field")),
		PrevField:  key.NewBinding(key.WithKeys("shift+tab", "up"), key.WithHelp("shift+tab/↑", "previous")),
		SaveDeal:   key.NewBinding(key.WithKeys("enter"), key.WithHelp("enter", "save")),
		CancelDeal: key.NewBinding(key.WithKeys("esc"), key.WithHelp("esc", "cancel")),
	}
}

// chainKeyState is what decides which chain keys apply now.
type chainKeyState struct {
	searching, form bool
	symbol          bool // a symbol was chosen (open, loading or closed)
	live            bool // a chain is streaming
	lens            bool // the shown chain has a deal (the lens exists)
}

// sync enables exactly the bindings that work in state s, so the help
// shows only those and disabled ones never match.
func (k *chainKeys) sync(s chainKeyState) {
	typing := s.searching || s.form
	k.Search.SetEnabled(!typing)
	k.CloseChain.SetEnabled(!typing && s.symbol)
	k.Deal.SetEnabled(!typing && s.symbol)
	k.Refresh.SetEnabled(!typing && s.symbol)
	k.Lens.SetEnabled(!typing && s.lens)
	for _, b := range []*key.Binding{&k.PrevExpiry, &k.NextExpiry, &k.Up, &k.Down, &k.PageUp, &k.PageDown,
		&k.Centre, &k.Expiry, &k.Strikes} {
		b.SetEnabled(!typing && s.live)
	}
	for _, b := range []*key.Binding{&k.Pick, &k.PickUp, &k.PickDown, &k.Open, &k.CancelSearch} {
		b.SetEnabled(s.searching)
	}
	for _, b := range []*key.Binding{&k.NextField, &k.PrevField, &k.SaveDeal, &k.CancelDeal} {
		b.SetEnabled(s.form)
	}
}

// short is the one-line help of the pane.
func (k *chainKeys) short() []key.Binding {
	return []key.Binding{k.Pick, k.Open, k.CancelSearch, k.NextField, k.SaveDeal, k.CancelDeal,
		k.Search, k.Expiry, k.Strikes, k.Lens, k.Deal}
}

// full is the pane's help in three short columns: chain (symbol, deal,
// lens, listing), expiry, strikes; or the input's keys while typing.
// Disabled bindings and empty columns are left out by the help view.
func (k *chainKeys) full() [][]key.Binding {
	return [][]key.Binding{
		{k.Pick, k.Open, k.CancelSearch},
		{k.NextField, k.PrevField, k.SaveDeal, k.CancelDeal},
		{k.Search, k.Deal, k.Lens, k.Refresh, k.CloseChain},
		{k.PrevExpiry, k.NextExpiry, k.Centre},
		{k.Up, k.Down, k.PageUp, k.PageDown},
	}
}
