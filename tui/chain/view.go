package chain

import (
	"fmt"

	"github.com/charmbracelet/x/ansi"
	"github.com/ibwatch/ibwatch/scanner"
)

// Rendering of the chain pane. Update calls render after every change of
// data, size or mode, and View only joins the cached lines with the
// status line (spinner, notice, legend).

// render rebuilds p.body.
func (p *Pane) render() {
	if p.w <= 0 || p.h <= 0 {
		p.body = nil
		return
	}
	if !p.have {
		p.body = p.idleLines()
		return
	}
	lines := p.headerLines()
	if l := p.snap.Lens; l != nil {
		lines = append(lines, p.dealLines(l)...)
	}
	room := p.h - 1 - len(lines) // the status line is last
	if p.showLens() {
		lines = append(lines, p.lensTable(room)...)
		if notes := p.lensNotes(); p.h-1-len(lines) >= len(notes)+1 {
			lines = append(lines, "")
			lines = append(lines, notes...)
		}
	} else {
		lines = append(lines, p.chainTable(room)...)
	}
	p.body = lines
}

// idleLines is the start screen: what the pane does, and the deals it
// knows (config and typed).
func (p *Pane) idleLines() []string {
	st := &p.st.Chain
	lines := []string{st.Header.Render("Option chains")}
	switch {
	case p.pending != nil:
		lines = append(lines, "", st.Placeholder.Render("opening "+p.want.symbol+"…"))
	case p.want.symbol != "":
		lines = append(lines, "", st.Placeholder.Render("press / to search another symbol"))
	default:
		lines = append(lines, "",
			st.Placeholder.Render("/ searches a symbol: deals, watchlist, recent, a built-in list and TWS."),
			st.Placeholder.Render("enter opens its live option chain; [ ] expiry, ↑↓ strikes, l the lens."),
			st.Placeholder.Render("d types a deal's terms (price, close date, break) for the merger-arb lens."),
			st.Placeholder.Render("Leaving this pane frees its market-data lines; coming back reopens them."))
	}
	if deals := p.allDeals(); len(deals) > 0 {
		lines = append(lines, "", st.Label.Render("deals"))
		for _, d := range deals {
			s := st.Symbol.Render(padRight(d.Symbol, 6)) + " " + st.Value.Render("$"+scanner.FormatPrice(d.Price))
			if !d.ExpectedClose.IsZero() {
				s += st.Label.Render(" by ") + st.Value.Render(d.ExpectedClose.Format("2006-01-02"))
			}
			if d.BreakPrice > 0 {
				s += st.Label.Render(" · break ") + st.Value.Render("$"+scanner.FormatPrice(d.BreakPrice))
			}
			if d.Dividends > 0 {
				s += st.Label.Render(" · div ") + st.Value.Render("$"+scanner.FormatPrice(d.Dividends))
			}
			if d.Prob > 0 {
				s += st.Label.Render(" · own p ") + st.Value.Render(scanner.FormatPct(d.Prob))
			}
			lines = append(lines, "  "+s)
		}
	}
	for i := range lines {
		lines[i] = truncate(lines[i], p.w)
	}
	return lines
}

// badge is the data-quality word and glyph; "stale" also when the pane
// holds no line for the table shown (it left, or the open failed).
func (p *Pane) badge() string {
	st := &p.st.Chain
	b := p.snap.Badge
	if p.live == nil {
		b = scanner.BadgeStale
	}
	switch b {
	case scanner.BadgeLive:
		return st.Live.Render("● LIVE")
	case scanner.BadgeFrozen:
		return st.Frozen.Render("◆ FROZEN")
	case scanner.BadgeDelayed:
		return st.Delayed.Render("◐ DELAYED")
	case scanner.BadgeDelayedFrozen:
		return st.Delayed.Render("◐ DELAYED·FROZEN")
	case scanner.BadgeStale:
		return st.Stale.Render("✗ STALE")
	}
	return st.Waiting.Render("… WAITING")
}

// headerLines are the symbol line (name, stock price, badge) and the
// expiry line.
func (p *Pane) headerLines() []string {
	st := &p.st.Chain
	s := &p.snap
	u := s.Underlying
	badge := p.badge()
	left := st.Symbol.Render(s.Symbol) + "  " + st.Price.Render("S "+orDash(scanner.FormatPrice(s.UnderPrice)))
	quote := st.Label.Render("  bid ") + st.Value.Render(orDash(scanner.FormatPrice(u.Bid))) +
		st.Label.Render(" ask ") + st.Value.Render(orDash(scanner.FormatPrice(u.Ask))) +
		st.Label.Render(" last ") + st.Value.Render(orDash(scanner.FormatPrice(u.Last)))
	name := st.Name.Render("  " + sanitize(s.Name))
	room := p.w - ansi.StringWidth(badge) - 1
	line := left
	if ansi.StringWidth(line+quote) <= room {
		line += quote
	}
	if free := room - ansi.StringWidth(line); free > 4 {
		line += truncate(name, free)
	}
	line = fit(line, max(0, room)) + " " + badge

	pos := "?"
	for i, e := range s.Expiries {
		if e == s.Expiry {
			pos = fmt.Sprint(i + 1)
		}
	}
	exp := st.Label.Render("expiry ◂ ") + st.Value.Render(fmtExpiry(s.Expiry)) + st.Label.Render(" ▸")
	var days scanner.Num // calendar days to expiry, New York dates
	if !s.Time.IsZero() {
		days = scanner.DaysToExpiry(s.Expiry, s.Time)
	}
	if l := s.Lens; l != nil {
		days = l.DaysToExpiry
	}
	if days.OK {
		exp += st.Value.Render(" " + scanner.FormatDays(days))
	}
	parts := []string{
		exp,
		st.Label.Render(fmt.Sprintf("%s of %d", pos, len(s.Expiries))),
		st.Label.Render(fmt.Sprintf("strikes %d–%d of %d", s.First+1, s.First+len(s.Rows), s.Total)),
		st.Label.Render("×" + scanner.FormatStrike(s.Multiplier)),
		st.Label.Render(fmt.Sprintf("%d lines", s.Lines)),
		st.Label.Render("as of " + s.Time.Local().Format("15:04:05")),
	}
	return []string{line, joinFit(parts, st.Label.Render(" · "), p.w)}
}

// statusLine is the last line: what is loading, the latest notice or
// error, else the legend of the markers.
func (p *Pane) statusLine() string {
	st := &p.st.Chain
	var s string
	switch {
	case p.pending != nil:
		what := p.pending.want.symbol
		if e := p.pending.want.expiry; e != "" {
			what += " " + fmtExpiry(e)
		}
		s = p.spin.View() + st.Notice.Render(" loading "+what+"…")
		if p.notice != "" && !p.noticeErr {
			s += st.Legend.Render("  " + p.notice)
		}
	case p.notice != "" && p.noticeErr:
		s = st.Error.Render("✗ " + p.notice)
	case p.notice != "":
		s = st.Notice.Render("» " + p.notice)
	case p.have && p.showLens():
		s = p.lensLegend()
	case p.have:
		s = st.Legend.Render("• in the money · ▶ ◀ money line (strike nearest S) · blank = no data yet")
		if n, msg := lineErrors(&p.snap); n > 0 {
			s = st.Error.Render(fmt.Sprintf("✗ %d line(s) refused: %s", n, msg))
		}
	}
	return truncate(s, p.w)
}

// lineErrors counts the option lines with a TWS error and returns the
// first message.
func lineErrors(s *scanner.Snapshot) (int, string) {
	n, first := 0, ""
	for _, r := range s.Rows {
		for _, sd := range []*scanner.Side{&r.Call, &r.Put} {
			if sd.Err != "" {
				n++
				if first == "" {
					first = sanitize(sd.Err)
				}
			}
		}
	}
	return n, first
}

// fmtExpiry shows a YYYYMMDD expiry as YYYY-MM-DD.
func fmtExpiry(e string) string {
	if len(e) != 8 {
		return sanitize(e)
	}
	return e[:4] + "-" + e[4:6] + "-" + e[6:]
}

// orDash returns s, or "—" when blank (header fields).
func orDash(s string) string {
	if s == "" {
		return "—"
	}
	return s
}

// rowsShown is how many table rows fit in the pane now.
func (p *Pane) rowsShown() int {
	fixed := 2 + 2 + 1 // header lines, table headings, status line
	if p.have && p.snap.Lens != nil {
		fixed += 2
		if p.showLens() {
			fixed++
		}
	}
	return max(1, p.h-fixed)
}

// window returns the rows to show: all of them when they fit, else
// rowsShown rows from viewOff (centred on the money line after a new
// chain or c).
func (p *Pane) window(room int) (from, to int) {
	n := len(p.snap.Rows)
	if room <= 0 {
		return 0, 0
	}
	if n <= room {
		p.viewOff = 0
		return 0, n
	}
	if p.centre && p.snap.Money >= 0 {
		p.viewOff = p.snap.Money - room/2
		p.centre = false
	}
	p.viewOff = min(max(p.viewOff, 0), n-room)
	return p.viewOff, p.viewOff + room
}
