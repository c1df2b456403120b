package scan

import "github.com/charmbracelet/bubbles/key"

// scanKeys are the scan pane's bindings. "r" (reconnect), "q", "?" and
// tab stay the root's.
type scanKeys struct {
	Up, Down, PageUp, PageDown, Home, End key.Binding
	Open                                  key.Binding
	Scan, Stop, Every                     key.Binding
	Sort                                  key.Binding
	MinOI, MaxWidth, MinAnnual, MaxLoss   key.Binding
	Kinds, PreClose, Clear                key.Binding
	// Move and Filters only stand for groups in the short help; they
	// are never matched.
	Move, Filters key.Binding
}

func newScanKeys() scanKeys {
	return scanKeys{
		Up:       key.NewBinding(key.WithKeys("up", "k"), key.WithHelp("↑/k", "up")),
		Down:     key.NewBinding(key.WithKeys("down", "j"), key.WithHelp("↓/j", "down")),
		PageUp:   key.NewBinding(key.WithKeys("pgup"), key.WithHelp("pgup", "page up")),
		PageDown: key.NewBinding(key.WithKeys("pgdown"), key.WithHelp("pgdn", "page down")),
		Home:     key.NewBinding(key.WithKeys("home", "g"), key.WithHelp("home/g", "best")),
		End:      key.NewBinding(key.WithKeys("end", "G"), key.WithHelp("end/G", "last")),
		Open:     key.NewBinding(key.WithKeys("enter"), key.WithHelp("enter", "open legs")),

		Scan:  key.NewBinding(key.WithKeys("n"), key.WithHelp("n", "scan now")),
		Stop:  key.NewBinding(key.WithKeys("x"), key.WithHelp("x", "stop scan")),
		Every: key.NewBinding(key.WithKeys("e"), key.WithHelp("e", "re-scan")),
		Sort:  key.NewBinding(key.WithKeys("s"), key.WithHelp("s", "sort")),

		MinOI:     key.NewBinding(key.WithKeys("o"), key.WithHelp("o", "min OI")),
		MaxWidth:  key.NewBinding(key.WithKeys("w"), key.WithHelp("w", "max width")),
		MinAnnual: key.NewBinding(key.WithKeys("a"), key.WithHelp("a", "min annual")),
		MaxLoss:   key.NewBinding(key.WithKeys("m"), key.WithHelp("m", "max loss")),
		Kinds:     key.NewBinding(key.WithKeys("1", "2", "3", "4", "5", "6"), key.WithHelp("1-6", "kinds")),
		PreClose:  key.NewBinding(key.WithKeys("p"), key.WithHelp("p", "pre-close")),
		Clear:     key.NewBinding(key.WithKeys("0"), key.WithHelp("0", "no filter")),

		Move:    key.NewBinding(key.WithKeys("up", "down"), key.WithHelp("↑↓", "move")),
		Filters: key.NewBinding(key.WithKeys("o", "w", "a", "m"), key.WithHelp("o w a m 1-6", "filters")),
	}
}

// scanKeyState is what decides which keys apply now.
type scanKeyState struct {
	running bool // a scan is under way
	rows    bool // the table has rows
	result  bool // a scan result exists (sort and filters apply)
}

// sync enables exactly the bindings that work in state s.
func (k *scanKeys) sync(s scanKeyState) {
	for _, b := range []*key.Binding{&k.Up, &k.Down, &k.PageUp, &k.PageDown, &k.Home, &k.End, &k.Open, &k.Move} {
		b.SetEnabled(s.rows)
	}
	k.Scan.SetEnabled(!s.running)
	k.Stop.SetEnabled(s.running)
	for _, b := range []*key.Binding{&k.Sort, &k.MinOI, &k.MaxWidth, &k.MinAnnual, &k.MaxLoss, &k.Kinds,
		&k.PreClose, &k.Clear, &k.Filters} {
		b.SetEnabled(s.result)
	}
}

// short is the one-line help of the pane.
func (k *scanKeys) short() []key.Binding {
	return []key.Binding{k.Scan, k.Stop, k.Open, k.Sort, k.Filters, k.Move, k.Every}
}

// full is the pane's help in three columns (rows; scan and sort;
// filters), narrow enough that the global keys still fit at 80 columns.
// Disabled bindings are left out by the help view.
func (k *scanKeys) full() [][]key.Binding {
	return [][]key.Binding{
		{k.Up, k.Down, k.PageUp, k.PageDown, k.Home, k.End},
		{k.Open, k.Scan, k.Stop, k.Every, k.Sort},
		{k.MinOI, k.MaxWidth, k.MinAnnual, k.MaxLoss, k.Kinds, k.PreClose, k.Clear},
	}
}
