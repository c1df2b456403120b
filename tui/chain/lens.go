package chain

import (
	"strings"

	"github.com/charmbracelet/lipgloss"
	"github.com/charmbracelet/x/ansi"
	"github.com/ibwatch/ibwatch/scanner"
)

// The merger-arbitrage lens: the deal lines above the table (chain and
// lens views), and the lens table (l). Every number comes from
// scanner.ComputeLens (in the Snapshot) and is formatted with scanner's
// Format* helpers; nothing is computed here.
//
// Lens columns: STRIKE, %DEAL, then for the long call and the short put
// BID ASK MID · P&L MID · P&L FAR · RETURN · ANNUAL ★ — payoff per
// contract if the deal closes at D by expiry, at the mid and at the far
// touch (pay the ask / sell the bid), and the far-touch return and simple
// annualized return to exit (the expiry, or OCC's accelerated expiration
// after a cash close when that is earlier; gains only, never without a
// close date). By priority: P&L FAR and ANNUAL always;
// then RETURN; MID;
// P&L MID; BID and ASK only on very wide panes (the chain view has them).
// At 80 columns: STRIKE %DEAL and P&L FAR, RET, ANN per leg (76 cells);
// at 120: MID and P&L MID too (110 cells).

// lensCol is one per-leg column of the lens.
type lensCol struct {
	head string
	w    int
	prio int
	val  func(scanner.LegLens) string
}

var lensCols = []lensCol{
	{"BID", 6, 5, func(g scanner.LegLens) string { return scanner.FormatNum(g.Bid, scanner.FormatPrice) }},
	{"ASK", 6, 5, func(g scanner.LegLens) string { return scanner.FormatNum(g.Ask, scanner.FormatPrice) }},
	{"MID", 6, 3, func(g scanner.LegLens) string { return scanner.FormatNum(g.Mid, scanner.FormatPrice) }},
	{"P&L MID", 9, 4, func(g scanner.LegLens) string { return scanner.FormatNum(g.AtMid.Payoff, scanner.FormatMoney) }},
	{"P&L FAR", 9, 1, func(g scanner.LegLens) string { return scanner.FormatNum(g.FarTouch.Payoff, scanner.FormatMoney) }},
	{"RETURN", 7, 2, func(g scanner.LegLens) string { return scanner.FormatNum(g.FarTouch.Return, scanner.FormatPct) }},
	{"ANNUAL", 7, 1, func(g scanner.LegLens) string { return scanner.FormatNum(g.FarTouch.Annual, scanner.FormatPct) }},
}

// Fixed lens columns: the strike (with the money marker) and % of deal.
const (
	lensStrikeW = 9
	lensPctW    = 6
)

// lensWidth is the lens table width with the per-leg columns cols.
func lensWidth(cols []lensCol) int {
	leg := 0
	for _, c := range cols {
		leg += c.w + 1
	}
	leg += 2                                      // " ★"
	return lensStrikeW + 1 + lensPctW + 2*(2+leg) // " │" before each leg
}

// dealLines are the two deal lines: the terms and the implied
// probability, then the spread and the returns to the expected close. Each
// line has a long and a short wording; the short one fits 76 cells.
func (p *Pane) dealLines(l *scanner.Lens) []string {
	st := &p.st.Chain
	h := l.Header
	lab, val := st.Label.Render, st.Value.Render
	closeDate := "unknown"
	if !h.Close.IsZero() {
		closeDate = h.Close.Format("2006-01-02")
	}
	days := ""
	switch {
	case !h.DaysToClose.OK:
	case h.DaysToClose.V <= 0:
		days = "date passed"
	default:
		days = scanner.FormatDays(h.DaysToClose)
	}
	if days != "" {
		days = " (" + days + ")"
	}
	deal := st.Deal.Render("DEAL "+h.Symbol) + lab(" D ") + val(orDash(fmtUSD(h.Price))) + lab(" cash")
	closes := lab("close ") + val(closeDate) + lab(days)
	var brk, brkShort string
	if h.Break.OK {
		prob := orDash(scanner.FormatNum(h.Prob, scanner.FormatPct))
		if h.ProbClamped {
			prob += " (clamped)"
		}
		brk = lab("break B ") + val(fmtUSD(h.Break)) + lab(" · implied completion (S−B)/(D−B) ") + val(prob)
		brkShort = lab("B ") + val(fmtUSD(h.Break)) + lab(" · implied prob. ") + val(prob)
	} else {
		brk = lab("no break price: d adds one for the implied completion")
		brkShort = lab("no break price B")
	}
	sep := lab(" · ")
	spread := lab("spread D−S ") + val(orDash(fmtSignedUSD(h.SpreadUSD))) + lab(" = ") +
		val(orDash(scanner.FormatNum(h.SpreadPct, scanner.FormatPct))) + lab(" of D")
	ret := val(orDash(scanner.FormatNum(h.Return, scanner.FormatPct)))
	ann := val(orDash(scanner.FormatNum(h.AnnualReturn, scanner.FormatPct)))
	return []string{
		firstFit(p.w, deal+sep+closes+sep+brk, deal+sep+closes+sep+brkShort,
			st.Deal.Render("DEAL "+h.Symbol)+lab(" D ")+val(orDash(fmtUSD(h.Price)))+sep+closes+sep+brkShort,
			st.Deal.Render("DEAL "+h.Symbol)+lab(" D ")+val(orDash(fmtUSD(h.Price)))+sep+val(closeDate)+lab(days)+sep+brkShort,
			st.Deal.Render("DEAL ")+lab("D ")+val(orDash(fmtUSD(h.Price)))+sep+val(closeDate)+sep+brkShort),
		firstFit(p.w,
			spread+sep+lab("return to close ")+ret+sep+lab("annualized to close ")+ann+lab(" (simple ×365/days)"),
			spread+sep+lab("to close: return ")+ret+lab(", annualized ")+ann,
			lab("to close: return ")+ret+lab(", annualized ")+ann),
	}
}

// firstFit returns the first candidate that fits w cells, else the last
// one cut to w.
func firstFit(w int, candidates ...string) string {
	for _, c := range candidates {
		if ansi.StringWidth(c) <= w {
			return c
		}
	}
	return truncate(candidates[len(candidates)-1], w)
}

// fmtUSD is "$86.00", blank when not available.
func fmtUSD(n scanner.Num) string {
	if s := scanner.FormatNum(n, scanner.FormatPrice); s != "" {
		return "$" + s
	}
	return ""
}

// fmtSignedUSD is "$2.90" or "-$1.20", blank when not available.
func fmtSignedUSD(n scanner.Num) string {
	s := scanner.FormatNum(n, scanner.FormatMoney)
	if s == "" {
		return ""
	}
	if rest, neg := strings.CutPrefix(s, "-"); neg {
		return "-$" + rest
	}
	return "$" + s
}

// lensTable renders the timing line, the headings and the rows that fit
// in room lines.
func (p *Pane) lensTable(room int) []string {
	st := &p.st.Chain
	l := p.snap.Lens
	cols := pickCols(lensCols, func(c lensCol) int { return c.prio }, lensWidth, p.w)
	tw := lensWidth(cols)
	indent := strings.Repeat(" ", max(0, (p.w-tw)/2))
	legW := (tw - lensStrikeW - 1 - lensPctW - 4) / 2

	timing := p.timingLine(l)
	var names []string
	for _, c := range cols {
		names = append(names, padLeft(c.head, c.w))
	}
	heads := " " + strings.Join(names, " ") + "  "
	rule := st.Rule.Render
	out := []string{
		timing,
		indent + strings.Repeat(" ", lensStrikeW+1+lensPctW) + "  " + rule(centreRule("LONG CALL (buy)", legW)) +
			"  " + rule(centreRule("SHORT PUT (sell)", legW)),
		indent + st.Header.Render(padLeft("STRIKE", lensStrikeW)+" "+padLeft("%DEAL", lensPctW)) + rule(" │") +
			st.Header.Render(heads) + rule(" │") + st.Header.Render(heads),
	}
	from, to := p.window(room - 3)
	for i := from; i < to && i < len(l.Strikes); i++ {
		out = append(out, indent+p.lensRow(l, i, cols))
	}
	return out
}

// timingLine says where the expiry falls against the expected close and
// what the payoffs assume.
func (p *Pane) timingLine(l *scanner.Lens) string {
	st := &p.st.Chain
	exp := fmtExpiry(l.Expiry)
	closeDate := "?"
	if !l.Header.Close.IsZero() {
		closeDate = l.Header.Close.Format("2006-01-02")
	}
	var when string
	sty := st.Timing
	switch l.Timing {
	case scanner.TimingBefore:
		when, sty = "BEFORE", st.TimingBad
	case scanner.TimingOn:
		when = "ON"
	case scanner.TimingAfter:
		when = "AFTER"
	}
	lab := st.Label.Render
	if when == "" {
		return firstFit(p.w, lab("expiry "+exp+" · expected close unknown: payoffs assume the deal closes by expiry; no annual, no best"),
			lab("expiry "+exp+" · close unknown: no annual, no best"))
	}
	head := sty.Render("expiry " + exp + " is " + when + " the expected close " + closeDate)
	short := sty.Render("expiry " + when + " close " + closeDate)
	mult := scanner.FormatStrike(l.Multiplier)
	what := lab(" · $ per contract (×" + mult + ") if the deal closes at " + orDash(fmtUSD(l.Header.Price)) + " by expiry")
	whatShort := lab(" · $ per contract ×" + mult + " if it closes at " + orDash(fmtUSD(l.Header.Price)))
	if l.Timing == scanner.TimingBefore {
		what = lab(": payoffs need an early close, no best is marked · ] for a later expiry")
		whatShort = lab(": needs an early close · ] later")
	}
	return firstFit(p.w, head+what, short+what, short+whatShort)
}

// lensRow renders one strike of the lens.
func (p *Pane) lensRow(l *scanner.Lens, i int, cols []lensCol) string {
	st := &p.st.Chain
	s := l.Strikes[i]
	k := padLeft(scanner.FormatNum(s.Strike, scanner.FormatStrike), lensStrikeW-2)
	var b strings.Builder
	if i < len(p.snap.Rows) && p.snap.Rows[i].Money {
		b.WriteString(st.Money.Render("▶ " + k))
	} else {
		b.WriteString(st.Strike.Render("  " + k))
	}
	b.WriteString(" " + st.Cell.Render(padLeft(scanner.FormatNum(s.PctOfDeal, scanner.FormatPct), lensPctW)))
	b.WriteString(st.Rule.Render(" │"))
	b.WriteString(p.legCells(s.Call, cols, i == l.BestCall))
	b.WriteString(st.Rule.Render(" │"))
	b.WriteString(p.legCells(s.Put, cols, i == l.BestPut))
	return b.String()
}

// legCells renders one leg; the best leg's ANN and a ★ stand out.
func (p *Pane) legCells(g scanner.LegLens, cols []lensCol, best bool) string {
	st := &p.st.Chain
	var b strings.Builder
	for _, c := range cols {
		sty := lipgloss.Style(st.Cell)
		if best && c.head == "ANNUAL" {
			sty = st.Best
		}
		b.WriteString(" " + sty.Render(padLeft(c.val(g), c.w)))
	}
	if best {
		b.WriteString(" " + st.Best.Render("★"))
	} else {
		b.WriteString("  ")
	}
	return b.String()
}

// lensLegend names the best strikes (they may be scrolled out of view) and
// says how RETURN and ANNUAL are figured.
func (p *Pane) lensLegend() string {
	st := &p.st.Chain
	l := p.snap.Lens
	var best []string
	for _, b := range []struct {
		name string
		i    int
		leg  func(scanner.StrikeLens) scanner.LegLens
	}{
		{"long call", l.BestCall, func(s scanner.StrikeLens) scanner.LegLens { return s.Call }},
		{"short put", l.BestPut, func(s scanner.StrikeLens) scanner.LegLens { return s.Put }},
	} {
		if b.i < 0 || b.i >= len(l.Strikes) {
			continue
		}
		s := l.Strikes[b.i]
		best = append(best, b.name+" "+scanner.FormatNum(s.Strike, scanner.FormatStrike)+" "+
			scanner.FormatNum(b.leg(s).FarTouch.Annual, scanner.FormatPct))
	}
	how := "RETURN and ANNUAL at the far touch, to exit"
	if len(best) == 0 {
		return truncate(st.Legend.Render("no best: "+how), p.w)
	}
	return truncate(st.Best.Render("★ best ANNUAL: "+strings.Join(best, " · "))+st.Legend.Render(" · "+how), p.w)
}

// lensNotes say how the lens figures are computed; shown under the table
// when there is room.
func (p *Pane) lensNotes() []string {
	st := &p.st.Chain
	w := p.w
	return []string{
		st.Legend.Render(firstFit(w,
			"RETURN = P&L FAR ÷ capital: a long call risks its premium, a short put ties up (K − premium) × multiplier",
			"RETURN = P&L FAR ÷ capital (call: premium; put: K − premium; × multiplier)")),
		st.Legend.Render(firstFit(w,
			"ANNUAL = RETURN × 365 ÷ days to exit (expiry, or OCC's earlier accelerated date after a cash close; simple; gains only)",
			"ANNUAL = RETURN × 365 ÷ days to exit (expiry or OCC's accelerated date; simple; gains only)",
			"ANNUAL = RETURN × 365 ÷ days to exit (simple; gains only)")),
	}
}
