package chain

import (
	"math"
	"strconv"
	"strings"
	"time"

	"github.com/charmbracelet/bubbles/key"
	"github.com/charmbracelet/bubbles/textinput"
	tea "github.com/charmbracelet/bubbletea"
	"github.com/ibwatch/ibwatch/scanner"
	"github.com/ibwatch/ibwatch/theme"
)

// Deal form fields.
const (
	fieldPrice = iota
	fieldClose
	fieldBreak
	fieldDiv
	fieldProb
	fieldCount
)

var fieldLabels = [fieldCount]string{"cash price D", "expected close", "break price B", "dividends", "own prob."}

// dealForm asks for a deal's terms: the cash price D, the expected close
// date, and optionally the break price B, the dividends per share the
// target pays before the close, and the user's own probability of
// completion (the scan's expected values use it instead of the market's
// (S − B)/(D − B)). Nothing is accepted until every field is valid; errors
// are shown under the field.
type dealForm struct {
	symbol string
	in     [fieldCount]textinput.Model
	focus  int
	errs   [fieldCount]string
}

func newDealForm(st *theme.Styles, symbol string, d *scanner.Deal) *dealForm {
	f := &dealForm{symbol: symbol}
	holders := [fieldCount]string{"e.g. 86.00", "YYYY-MM-DD", "optional, e.g. 52.00", "optional, $/share, e.g. 0.50",
		"optional, e.g. 85%"}
	for i := range f.in {
		ti := textinput.New()
		ti.Prompt = ""
		ti.Placeholder = holders[i]
		ti.TextStyle = st.Input.Text
		ti.PlaceholderStyle = st.Input.Placeholder
		ti.Cursor.Style = st.Input.Cursor
		ti.CharLimit = 16
		ti.Width = 20
		f.in[i] = ti
	}
	if d != nil {
		f.in[fieldPrice].SetValue(strconv.FormatFloat(d.Price, 'f', -1, 64))
		if !d.ExpectedClose.IsZero() {
			f.in[fieldClose].SetValue(d.ExpectedClose.Format(time.DateOnly))
		}
		if d.BreakPrice > 0 {
			f.in[fieldBreak].SetValue(strconv.FormatFloat(d.BreakPrice, 'f', -1, 64))
		}
		if d.Dividends > 0 {
			f.in[fieldDiv].SetValue(strconv.FormatFloat(d.Dividends, 'f', -1, 64))
		}
		if d.Prob > 0 {
			f.in[fieldProb].SetValue(strconv.FormatFloat(d.Prob*100, 'f', -1, 64) + "%")
		}
	}
	return f
}

// focusField moves the cursor to field i.
func (f *dealForm) focusField(i int) tea.Cmd {
	f.in[f.focus].Blur()
	stopBlink(&f.in[f.focus])
	f.focus = (i + fieldCount) % fieldCount
	return f.in[f.focus].Focus()
}

// parseDeal validates the fields (in field order). remove is true when
// every field is blank: the user clears the deal typed for the symbol.
func parseDeal(symbol string, vals [fieldCount]string) (d scanner.Deal, remove bool, errs [fieldCount]string, ok bool) {
	for i := range vals {
		vals[i] = strings.TrimSpace(vals[i])
	}
	if vals == [fieldCount]string{} {
		return d, true, errs, true
	}
	price, closeDate, brk := vals[fieldPrice], vals[fieldClose], vals[fieldBreak]
	d.Symbol = symbol
	p, err := parsePrice(price)
	switch {
	case price == "":
		errs[fieldPrice] = "required: the cash paid per share, e.g. 86.00"
	case err != nil:
		errs[fieldPrice] = "want a positive price like 86.00"
	default:
		d.Price = p
	}
	t, err := time.Parse(time.DateOnly, closeDate)
	switch {
	case closeDate == "":
		errs[fieldClose] = "required: the announced closing date, YYYY-MM-DD"
	case err != nil:
		errs[fieldClose] = "want a date as YYYY-MM-DD, e.g. 2027-02-26"
	case t.Year() < 2000 || t.Year() > 2100:
		errs[fieldClose] = "want a year between 2000 and 2100"
	default:
		d.ExpectedClose = t
	}
	d.BreakPrice, errs[fieldBreak] = belowDeal(brk, d.Price, parsePrice,
		"want a positive price like 52.00, or leave it empty",
		"must be below the deal price (where the stock falls if the deal fails)")
	d.Dividends, errs[fieldDiv] = belowDeal(vals[fieldDiv], d.Price, parseDividend,
		"want cash per share like 0.50 (0 or empty: none)", "must be below the deal price")
	if v := vals[fieldProb]; v != "" {
		p, err := parseProb(v)
		if err != nil {
			errs[fieldProb] = "want a probability like 85% or 0.85 (empty: the market's)"
		}
		d.Prob = p
	}
	return d, false, errs, errs == [fieldCount]string{}
}

// belowDeal parses an optional field that must stay below the deal price
// D: its value (0 when empty or bad) and its error text.
func belowDeal(v string, D float64, parse func(string) (float64, error), bad, above string) (float64, string) {
	if v == "" {
		return 0, ""
	}
	x, err := parse(v)
	switch {
	case err != nil:
		return 0, bad
	case D > 0 && x >= D:
		return 0, above
	}
	return x, ""
}

// parseDividend reads cash per share ("0.50", "$0.50"); 0 is allowed.
func parseDividend(s string) (float64, error) {
	v, err := strconv.ParseFloat(strings.TrimPrefix(s, "$"), 64)
	if err != nil {
		return 0, err
	}
	if math.IsNaN(v) || v < 0 || v >= 1e6 {
		return 0, strconv.ErrRange
	}
	return v, nil
}

// parseProb reads "85%", "85" or "0.85" as 0.85: a number above 1 is a
// percentage. Zero and anything outside 0..100 % are refused (an empty
// field means the market-implied probability).
func parseProb(s string) (float64, error) {
	pct := strings.HasSuffix(s, "%")
	v, err := strconv.ParseFloat(strings.TrimSpace(strings.TrimSuffix(s, "%")), 64)
	if err != nil {
		return 0, err
	}
	if pct || v > 1 {
		v /= 100
	}
	if math.IsNaN(v) || v <= 0 || v > 1 {
		return 0, strconv.ErrRange
	}
	return v, nil
}

// parsePrice reads "86", "86.00" or "$1,086.50"; it refuses anything not
// positive, not finite or absurdly large.
func parsePrice(s string) (float64, error) {
	s = strings.ReplaceAll(strings.TrimPrefix(s, "$"), ",", "")
	v, err := strconv.ParseFloat(s, 64)
	if err != nil {
		return 0, err
	}
	if math.IsNaN(v) || math.IsInf(v, 0) || v <= 0 || v >= 1e6 {
		return 0, strconv.ErrRange
	}
	return v, nil
}

// openDealForm opens the form for the chosen symbol, filled with its
// current deal.
func (p *Pane) openDealForm() tea.Cmd {
	sym := p.want.symbol
	if sym == "" {
		return nil
	}
	p.form = newDealForm(p.st, sym, p.dealFor(sym))
	return p.form.focusField(fieldPrice)
}

// closeForm drops the form and its cursor's pending blink.
func (p *Pane) closeForm() {
	f := p.form
	f.in[f.focus].Blur()
	stopBlink(&f.in[f.focus])
	p.form = nil
}

// formKey handles a key while the form owns the keyboard.
func (p *Pane) formKey(msg tea.KeyMsg) tea.Cmd {
	f := p.form
	k := &p.keys
	switch {
	case key.Matches(msg, k.CancelDeal):
		p.closeForm()
		return nil
	case key.Matches(msg, k.NextField):
		return f.focusField(f.focus + 1)
	case key.Matches(msg, k.PrevField):
		return f.focusField(f.focus - 1)
	case key.Matches(msg, k.SaveDeal):
		var vals [fieldCount]string
		for i := range vals {
			vals[i] = f.in[i].Value()
		}
		d, remove, errs, ok := parseDeal(f.symbol, vals)
		f.errs = errs
		if !ok {
			for i, e := range errs { // put the cursor on the first bad field
				if e != "" {
					return f.focusField(i)
				}
			}
			return nil
		}
		p.closeForm()
		return p.setDeal(f.symbol, d, remove)
	}
	var cmd tea.Cmd
	f.in[f.focus], cmd = f.in[f.focus].Update(msg)
	f.errs[f.focus] = ""
	return cmd
}

// setDeal records (or removes) the typed deal for symbol, tells the
// searcher, and re-opens the chain with it: the scanner then picks the
// first expiry on or after the close and the deal's strike range, and the
// lens is shown.
func (p *Pane) setDeal(symbol string, d scanner.Deal, remove bool) tea.Cmd {
	if remove {
		delete(p.userDeals, symbol)
		p.setNotice(false, "typed deal for "+symbol+" removed")
	} else {
		p.userDeals[symbol] = d
		p.setNotice(false, "deal saved for "+symbol+" (this session)")
	}
	cmds := []tea.Cmd{setDealsCmd(p.srch, p.watch, p.allDeals())}
	if symbol == p.want.symbol {
		w := chainWant{symbol: symbol, deal: p.dealFor(symbol)}
		p.lens = w.deal != nil
		cmds = append(cmds, p.startOpen(w, false))
	}
	return tea.Batch(cmds...)
}

// dealFor returns the deal of symbol: typed this session, else from the
// config; nil when none.
func (p *Pane) dealFor(symbol string) *scanner.Deal {
	if d, ok := p.userDeals[symbol]; ok {
		return &d
	}
	if d, ok := scanner.FindDeal(p.cfgDeals, symbol); ok {
		return &d
	}
	return nil
}

// allDeals is the config's deals with the typed ones replacing them.
func (p *Pane) allDeals() []scanner.Deal {
	out := make([]scanner.Deal, 0, len(p.cfgDeals)+len(p.userDeals))
	for _, d := range p.cfgDeals {
		if _, typed := p.userDeals[strings.ToUpper(d.Symbol)]; !typed {
			out = append(out, d)
		}
	}
	for _, d := range p.userDeals {
		out = append(out, d)
	}
	return out
}

// formView draws the form: one labelled field per line, its error below.
func (p *Pane) formView() string {
	st := &p.st.Chain
	f := p.form
	lines := []string{
		st.Deal.Render("Deal terms for "+f.symbol) + st.Legend.Render("  (all-cash takeover, for the lens and the scan)"),
		"",
	}
	for i := range f.in {
		label := padRight(fieldLabels[i], 15)
		ls := st.FormLabel
		mark := "  "
		if i == f.focus {
			ls, mark = st.FormFocus, "▶ "
		}
		lines = append(lines, mark+ls.Render(label)+" "+f.in[i].View())
		if f.errs[i] != "" {
			lines = append(lines, "    "+st.FormError.Render("✗ "+f.errs[i]))
		}
	}
	lines = append(lines, "",
		st.Legend.Render("enter saves · esc cancels · tab moves"),
		st.Legend.Render("empty every field and press enter to remove a deal typed here"))
	for i := range lines {
		lines[i] = truncate(lines[i], p.w)
	}
	return strings.Join(lines, "\n")
}
