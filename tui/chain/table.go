package chain

import (
	"strings"

	"github.com/charmbracelet/lipgloss"
	"github.com/ibwatch/ibwatch/scanner"
)

// The chain table: calls left, the strike in the middle, puts right, one
// row per strike.
//
//	───────── CALLS ─────────               ───────── PUTS ─────────
//	    BID     ASK     IV     Δ  │  STRIKE   │      BID     ASK     IV     Δ
//	 4.10   4.30  22.1%  0.71 •│    145      │ 0.35   0.40  23.0% -0.28
//	 1.95   2.05  21.4%  0.52 •│ ▶  150    ◀ │ 1.20   1.30  21.9% -0.48
//
// In-the-money sides are shaded (theme Chain.InTheMoney) and marked with a
// "•" beside the strike, so they read without colour; the money line (the
// strike nearest the stock price) has ▶ ◀ around its strike; the legs of
// a structure opened from the scan pane have ◆ before theirs. Blank cells
// are values TWS has not sent (or sent as "unset").
//
// Width: every column has a priority; the widest set that fits is shown.
// At 120 columns all of BID ASK LAST IV Δ OI fit (103 cells); at 80 LAST
// and OI are dropped first (73 cells); below that IV and Δ go too.

// sideCol is one per-side column.
type sideCol struct {
	head string
	w    int
	prio int // 1 = always; higher ones go first when the pane is narrow
	val  func(scanner.Side) string
	kind int // cellPlain, cellBid, cellAsk
}

const (
	cellPlain = iota
	cellBid
	cellAsk
)

var chainCols = []sideCol{
	{"BID", 7, 1, func(s scanner.Side) string { return scanner.FormatPrice(s.Bid) }, cellBid},
	{"ASK", 7, 1, func(s scanner.Side) string { return scanner.FormatPrice(s.Ask) }, cellAsk},
	{"LAST", 7, 3, func(s scanner.Side) string { return scanner.FormatPrice(s.Last) }, cellPlain},
	{"IV", 6, 2, func(s scanner.Side) string { return scanner.FormatIV(s.IV) }, cellPlain},
	{"Δ", 5, 2, func(s scanner.Side) string { return scanner.FormatDelta(s.Delta) }, cellPlain},
	{"OI", 6, 3, func(s scanner.Side) string { return scanner.FormatCount(s.OI) }, cellPlain},
}

// strikeW is the strike block: "│▶ " + 7 + " ◀│".
const strikeW = 13

// chainWidth is the table width with the columns cols.
func chainWidth(cols []sideCol) int {
	side := 0
	for _, c := range cols {
		side += c.w + 1
	}
	// each side: cells with a space between, then " •" or "• "
	return 2*(side-1) + 2*2 + strikeW
}

// pickCols returns the columns up to the highest priority level whose
// table fits w cells (level 1 always).
func pickCols[T any](all []T, prio func(T) int, width func([]T) int, w int) []T {
	var best []T
	for lvl := 1; lvl <= 5; lvl++ {
		var cols []T
		for _, c := range all {
			if prio(c) <= lvl {
				cols = append(cols, c)
			}
		}
		if best == nil || width(cols) <= w {
			best = cols
		}
	}
	return best
}

// chainTable renders the headings and the rows that fit in room lines.
func (p *Pane) chainTable(room int) []string {
	st := &p.st.Chain
	cols := pickCols(chainCols, func(c sideCol) int { return c.prio }, chainWidth, p.w)
	tw := chainWidth(cols)
	indent := strings.Repeat(" ", max(0, (p.w-tw)/2))
	sideW := (tw - strikeW - 4) / 2

	var names []string
	for _, c := range cols {
		names = append(names, padLeft(c.head, c.w))
	}
	rule := st.Rule.Render
	heads := strings.Join(names, " ")
	out := []string{
		indent + rule(centreRule("CALLS", sideW+2)) + strings.Repeat(" ", strikeW) + rule(centreRule("PUTS", sideW+2)),
		indent + st.Header.Render(heads+"  ") + rule("│") + st.Header.Render(centreText("STRIKE", strikeW-2)) + rule("│") + st.Header.Render("  "+heads),
	}
	from, to := p.window(room - 2)
	for i := from; i < to; i++ {
		out = append(out, indent+p.chainRow(&p.snap.Rows[i], cols))
	}
	return out
}

// chainRow renders one strike.
func (p *Pane) chainRow(r *scanner.Row, cols []sideCol) string {
	st := &p.st.Chain
	var b strings.Builder
	b.WriteString(p.sideCells(r.Call, cols))
	b.WriteString(p.itmMark(r.Call.ITM, true))
	b.WriteString(st.Rule.Render("│"))
	k := padLeft(scanner.FormatStrike(r.Strike), 7)
	lead := "  "
	if p.legs.has(&p.snap, r.Strike) { // a leg of the structure opened from the scan
		lead = "◆ "
	}
	if r.Money {
		if lead == "  " {
			lead = "▶ "
		}
		b.WriteString(st.Money.Render(lead + k + " ◀"))
	} else {
		b.WriteString(st.Strike.Render(lead + k + "  "))
	}
	b.WriteString(st.Rule.Render("│"))
	b.WriteString(p.itmMark(r.Put.ITM, false))
	b.WriteString(p.sideCells(r.Put, cols))
	return b.String()
}

// itmMark is the two cells between a side and the strike: "•" when that
// side is in the money.
func (p *Pane) itmMark(itm, call bool) string {
	st := &p.st.Chain
	switch {
	case !itm:
		return "  "
	case call:
		return st.CellITM.Render(" •")
	}
	return st.CellITM.Render("• ")
}

// sideCells renders one side's cells, shaded when it is in the money.
func (p *Pane) sideCells(s scanner.Side, cols []sideCol) string {
	st := &p.st.Chain
	gap, styles := lipgloss.Style(st.Cell), [3]lipgloss.Style{st.Cell, st.Bid, st.Ask}
	if s.ITM {
		gap, styles = st.CellITM, [3]lipgloss.Style{st.CellITM, st.BidITM, st.AskITM}
	}
	var b strings.Builder
	for i, c := range cols {
		if i > 0 {
			b.WriteString(gap.Render(" "))
		}
		v := ""
		if s.HasLine {
			v = c.val(s)
		}
		b.WriteString(styles[c.kind].Render(padLeft(v, c.w)))
	}
	return b.String()
}

// centreRule is "──── TEXT ────" in w cells.
func centreRule(text string, w int) string {
	t := " " + text + " "
	n := len([]rune(t))
	if n >= w {
		return truncate(t, w)
	}
	l := (w - n) / 2
	return strings.Repeat("─", l) + t + strings.Repeat("─", w-n-l)
}

// centreText centres text in w cells.
func centreText(text string, w int) string {
	n := len([]rune(text))
	if n >= w {
		return truncate(text, w)
	}
	l := (w - n) / 2
	return strings.Repeat(" ", l) + text + strings.Repeat(" ", w-n-l)
}
