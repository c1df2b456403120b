package tui

import (
	"fmt"
	"strings"

	"github.com/charmbracelet/bubbles/key"
	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/x/ansi"
	"github.com/ibwatch/ibwatch/conn/ibc"
	"github.com/ibwatch/ibwatch/theme"
)

// ibcMenu is the small pop-up that sends one of IBC's remedies by hand
// (key i, only when IBC's command server is configured). While it is open
// it owns the keyboard, like a text input: ↑/↓ or 1–3 choose, enter
// sends, esc closes. RESTART asks "y/N" first, because it drops every
// connection to TWS for a minute or more; RECONNECTDATA and
// RECONNECTACCOUNT only make TWS reconnect and are sent at once.
type ibcMenu struct {
	open    bool
	cursor  int  // index into ibc.Commands
	confirm bool // RESTART chosen: waiting for y/N
	keys    ibcMenuKeys
}

type ibcMenuKeys struct {
	Up, Down, Pick, Send, Close key.Binding
	Yes, No                     key.Binding
}

func newIBCMenu() *ibcMenu {
	m := &ibcMenu{keys: ibcMenuKeys{
		Up:    key.NewBinding(key.WithKeys("up", "k"), key.WithHelp("↑↓", "choose")),
		Down:  key.NewBinding(key.WithKeys("down", "j")),
		Pick:  key.NewBinding(key.WithKeys("1", "2", "3"), key.WithHelp("1-3", "pick")),
		Send:  key.NewBinding(key.WithKeys("enter"), key.WithHelp("enter", "send")),
		Close: key.NewBinding(key.WithKeys("esc"), key.WithHelp("esc", "close")),
		Yes:   key.NewBinding(key.WithKeys("y", "Y"), key.WithHelp("y", "restart")),
		No:    key.NewBinding(key.WithKeys("n", "N", "enter"), key.WithHelp("n", "back")),
	}}
	m.sync()
	return m
}

// ibcHelp says in a few words what each command makes TWS do.
var ibcHelp = map[ibc.Command]string{
	ibc.ReconnectData:    "reconnect the data farms",
	ibc.ReconnectAccount: "reconnect TWS to IB",
	ibc.Restart:          "restart TWS (asks first)",
}

// show opens the menu on its first row.
func (m *ibcMenu) show() {
	m.open, m.cursor, m.confirm = true, 0, false
	m.sync()
}

func (m *ibcMenu) close() {
	m.open, m.confirm = false, false
	m.sync()
}

// sync enables the bindings of the menu's current step, so help shows
// only those.
func (m *ibcMenu) sync() {
	list := m.open && !m.confirm
	for _, b := range []*key.Binding{&m.keys.Up, &m.keys.Down, &m.keys.Pick, &m.keys.Send} {
		b.SetEnabled(list)
	}
	m.keys.Close.SetEnabled(m.open)
	m.keys.Yes.SetEnabled(m.open && m.confirm)
	m.keys.No.SetEnabled(m.open && m.confirm)
}

// update handles a key while the menu is open and returns the command to
// send, if the key chose one.
func (m *ibcMenu) update(msg tea.KeyMsg) (ibc.Command, bool) {
	k := &m.keys
	n := len(ibc.Commands)
	switch {
	case key.Matches(msg, k.Close):
		m.close()
	case key.Matches(msg, k.Yes):
		m.close()
		return ibc.Restart, true
	case key.Matches(msg, k.No):
		m.confirm = false
		m.sync()
	case key.Matches(msg, k.Up):
		m.cursor = (m.cursor + n - 1) % n
	case key.Matches(msg, k.Down):
		m.cursor = (m.cursor + 1) % n
	case key.Matches(msg, k.Pick):
		m.cursor = int(msg.Runes[0] - '1')
		return m.choose()
	case key.Matches(msg, k.Send):
		return m.choose()
	}
	return "", false
}

// choose sends the command under the cursor, or asks first for RESTART.
func (m *ibcMenu) choose() (ibc.Command, bool) {
	cmd := ibc.Commands[m.cursor]
	if cmd == ibc.Restart {
		m.confirm = true
		m.sync()
		return "", false
	}
	m.close()
	return cmd, true
}

// ShortHelp is the footer's help while the menu is open.
func (m *ibcMenu) ShortHelp() []key.Binding {
	k := m.keys
	return []key.Binding{k.Up, k.Pick, k.Send, k.Yes, k.No, k.Close}
}

// FullHelp is ShortHelp in one column.
func (m *ibcMenu) FullHelp() [][]key.Binding { return [][]key.Binding{m.ShortHelp()} }

// ibcMenuWidth is the box's outer width: the longest row, framed.
const ibcMenuWidth = 52

// view draws the menu box (outer width ibcMenuWidth, at most w).
func (m *ibcMenu) view(st *theme.Styles, w int) string {
	ms := st.Menu
	var rows []string
	if m.confirm {
		rows = []string{
			ms.Confirm.Render("Restart TWS through IBC? y/N"),
			ms.Detail.Render("every API client loses TWS until it is back"),
		}
	} else {
		for i, c := range ibc.Commands {
			mark, name := "  ", ms.Item.Render(fmt.Sprintf("%-16s", c))
			if i == m.cursor {
				mark, name = ms.Selected.Render("▸ "), ms.Selected.Render(fmt.Sprintf("%-16s", c))
			}
			rows = append(rows, mark+ms.Key.Render(fmt.Sprint(i+1))+" "+name+" "+ms.Detail.Render(ibcHelp[c]))
		}
	}
	return frame(st, frameSpec{title: "Ask IBC", tag: st.Muted.Render("esc closes"), body: strings.Join(rows, "\n"),
		width: min(ibcMenuWidth, w), height: len(rows) + 2, focused: true})
}

// overlay draws box over the middle of base (both lines of cells), so
// the event log stays visible around the menu.
func overlay(base, box string, w int) string {
	lines := strings.Split(base, "\n")
	bl := strings.Split(box, "\n")
	bw := 0
	for _, l := range bl {
		bw = max(bw, ansi.StringWidth(l))
	}
	top := max(0, (len(lines)-len(bl))/2)
	left := max(0, (w-bw)/2)
	for i, l := range bl {
		if top+i >= len(lines) {
			break
		}
		under := lines[top+i]
		lines[top+i] = padRight(ansi.Truncate(under, left, ""), left) + l + ansi.TruncateLeft(under, left+bw, "")
	}
	return strings.Join(lines, "\n")
}
