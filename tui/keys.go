package tui

import "github.com/charmbracelet/bubbles/key"

// globalKeys are the bindings the root handles whatever pane has focus.
type globalKeys struct {
	Quit      key.Binding // q, ctrl+c
	Interrupt key.Binding // ctrl+c only: enabled while typing, when q is off
	Help      key.Binding
	Next      key.Binding
	Prev      key.Binding
	Reconnect key.Binding
	Filter    key.Binding
	Search    key.Binding
	IBC       key.Binding // i: the IBC remedies menu, when IBC is configured
	IBCOff    key.Binding // i without IBC: a hint; never in help
	ibcOn     bool        // IBC's command server is configured
}

func newGlobalKeys() globalKeys {
	return globalKeys{
		Quit:      key.NewBinding(key.WithKeys("q", "ctrl+c"), key.WithHelp("q", "quit")),
		Interrupt: key.NewBinding(key.WithKeys("ctrl+c"), key.WithHelp("ctrl+c", "quit"), key.WithDisabled()),
		Help:      key.NewBinding(key.WithKeys("?"), key.WithHelp("?", "help")),
		Next:      key.NewBinding(key.WithKeys("tab"), key.WithHelp("tab", "focus")),
		Prev:      key.NewBinding(key.WithKeys("shift+tab"), key.WithHelp("shift+tab", "focus back")),
		Reconnect: key.NewBinding(key.WithKeys("r"), key.WithHelp("r", "reconnect")),
		Filter:    key.NewBinding(key.WithKeys("f"), key.WithHelp("f", "filter")),
		Search:    key.NewBinding(key.WithKeys("/"), key.WithHelp("/", "search")),
		IBC:       key.NewBinding(key.WithKeys("i"), key.WithHelp("i", "IBC")),
		IBCOff:    key.NewBinding(key.WithKeys("i")),
	}
}

// setTyping turns the single-letter keys (and pane switching) off while a
// text input owns the keyboard, so they neither fire nor show in help; the
// input gets every key except ctrl+c.
func (k *globalKeys) setTyping(typing, bigFocused bool) {
	k.Quit.SetEnabled(!typing)
	k.Interrupt.SetEnabled(typing)
	k.Help.SetEnabled(!typing)
	k.Next.SetEnabled(!typing)
	k.Prev.SetEnabled(!typing)
	k.Reconnect.SetEnabled(!typing)
	// The chain and scan panes have their own single-letter keys and the
	// chain its own "/" (symbol search): the log's f and / are off there.
	k.Filter.SetEnabled(!typing && !bigFocused)
	k.Search.SetEnabled(!typing && !bigFocused)
	k.IBC.SetEnabled(!typing && k.ibcOn)
	k.IBCOff.SetEnabled(!typing && !k.ibcOn)
}

// scrollKeys move a scrollable pane.
type scrollKeys struct {
	Up, Down, PageUp, PageDown, Home, End key.Binding
	// Scroll only stands for Up/Down in the short help; it is never matched.
	Scroll key.Binding
}

func newScrollKeys() scrollKeys {
	return scrollKeys{
		Up:       key.NewBinding(key.WithKeys("up", "k"), key.WithHelp("↑/k", "up")),
		Down:     key.NewBinding(key.WithKeys("down", "j"), key.WithHelp("↓/j", "down")),
		PageUp:   key.NewBinding(key.WithKeys("pgup", "b"), key.WithHelp("pgup", "page up")),
		PageDown: key.NewBinding(key.WithKeys("pgdown", " "), key.WithHelp("pgdn", "page down")),
		Home:     key.NewBinding(key.WithKeys("home", "g"), key.WithHelp("home/g", "oldest")),
		End:      key.NewBinding(key.WithKeys("end", "G"), key.WithHelp("end", "follow")),
		Scroll:   key.NewBinding(key.WithKeys("up", "down"), key.WithHelp("↑↓", "scroll")),
	}
}

func (k *scrollKeys) setEnabled(on bool) {
	for _, b := range []*key.Binding{&k.Up, &k.Down, &k.PageUp, &k.PageDown, &k.Home, &k.End, &k.Scroll} {
		b.SetEnabled(on)
	}
}

// inputKeys finish a text input.
type inputKeys struct {
	Accept key.Binding
	Cancel key.Binding
}

func newInputKeys(acceptHelp, cancelHelp string) inputKeys {
	return inputKeys{
		Accept: key.NewBinding(key.WithKeys("enter"), key.WithHelp("enter", acceptHelp)),
		Cancel: key.NewBinding(key.WithKeys("esc"), key.WithHelp("esc", cancelHelp)),
	}
}

// rootHelp is the help.KeyMap shown at the bottom: the focused pane's
// bindings first, then the globals, grouped into short columns.
type rootHelp struct {
	g    *globalKeys
	pane Pane
}

// ShortHelp is the one-line help.
func (h rootHelp) ShortHelp() []key.Binding {
	out := []key.Binding{}
	if h.pane != nil {
		out = append(out, h.pane.ShortHelp()...)
	}
	return append(out, h.g.Reconnect, h.g.IBC, h.g.Filter, h.g.Search, h.g.Next, h.g.Help, h.g.Quit, h.g.Interrupt)
}

// FullHelp is the multi-column help: pane columns, then connection/log,
// navigation and app columns.
func (h rootHelp) FullHelp() [][]key.Binding {
	var cols [][]key.Binding
	if h.pane != nil {
		cols = append(cols, h.pane.FullHelp()...)
	}
	return append(cols,
		[]key.Binding{h.g.Reconnect, h.g.IBC, h.g.Filter, h.g.Search},
		[]key.Binding{h.g.Next, h.g.Prev},
		[]key.Binding{h.g.Help, h.g.Quit, h.g.Interrupt},
	)
}
