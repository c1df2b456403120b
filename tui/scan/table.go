package scan

import (
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/charmbracelet/lipgloss"
	"github.com/ibwatch/ibwatch/scanner"
)

// The scan table: one row per structure, ranked rows first (best first),
// then the rows never ranked, in the order scanner.Rank gives.
//
//	  #  DEAL  STRUCTURE EXPIRY  STRIKES   COST FAR   ANNUAL   LOSS@B      EV
//	▶ ★1 HVLN  long call 17Apr25 80            4.50   136.7%     4.50    1.07
//
// Every figure is per share at the far touch (COST MID at the mid), from
// the scanner's Structure, formatted with scanner's Format* helpers: a cell
// is a number or blank, never NaN. Width: each column has a priority and
// the sort key's column always shows; columns are added by priority while
// they fit. At 80 columns: # DEAL STRUCTURE EXPIRY STRIKES COST FAR ANNUAL
// LOSS@B EV (73 cells); at 120 COST MID, MAX LOSS, RETURN, MIN OI and WIDTH
// too (111); at 140 every column. The selected row's detail lines show the
// rest.

// col is one column of the table.
type col struct {
	head  string
	w     int
	prio  int
	left  bool // left-aligned text (else numbers, right-aligned)
	sort  scanner.SortKey
	sorts bool // the column the sort key ranks by
	val   func(s *scanner.Structure) string
}

func money(n scanner.Num) string { return scanner.FormatNum(n, scanner.FormatMoney) }
func pct(n scanner.Num) string   { return scanner.FormatNum(n, scanner.FormatPct) }

var cols = []col{
	{head: "DEAL", w: 5, prio: 1, left: true, val: func(s *scanner.Structure) string { return sanitize(s.Symbol) }},
	{head: "STRUCTURE", w: 9, prio: 1, left: true, val: func(s *scanner.Structure) string { return kindLabel(s.Kind) }},
	{head: "EXPIRY", w: 7, prio: 1, left: true, val: func(s *scanner.Structure) string { return fmtExpiry(s.Expiry) }},
	{head: "STRIKES", w: 9, prio: 1, left: true, val: func(s *scanner.Structure) string { return scanner.StrikesText(s) }},
	{head: "COST FAR", w: 8, prio: 1, val: func(s *scanner.Structure) string { return money(s.Far.Cost) }},
	{head: "COST MID", w: 8, prio: 3, val: func(s *scanner.Structure) string { return money(s.Mid.Cost) }},
	{head: "MAX PROF", w: 8, prio: 5, val: func(s *scanner.Structure) string { return money(s.Far.MaxProfit) }},
	{head: "MAX LOSS", w: 8, prio: 3, val: func(s *scanner.Structure) string { return money(s.Far.MaxLoss) }},
	{head: "LOSS@B", w: 8, prio: 2, sort: scanner.SortLossIfBreak, sorts: true,
		val: func(s *scanner.Structure) string { return money(s.Far.LossIfBreak) }},
	{head: "B/EVEN", w: 7, prio: 5, val: func(s *scanner.Structure) string {
		return scanner.FormatNum(s.Far.Breakeven, scanner.FormatPrice)
	}},
	{head: "RETURN", w: 7, prio: 3, sort: scanner.SortReturn, sorts: true,
		val: func(s *scanner.Structure) string { return pct(s.Far.Return) }},
	{head: "ANNUAL", w: 8, prio: 1, sort: scanner.SortAnnual, sorts: true,
		val: func(s *scanner.Structure) string { return pct(s.Far.Annual) }},
	{head: "EV", w: 7, prio: 2, sort: scanner.SortEV, sorts: true, val: func(s *scanner.Structure) string { return money(s.Far.EV) }},
	{head: "MIN OI", w: 6, prio: 4, val: func(s *scanner.Structure) string { return scanner.FormatNum(s.MinOI, scanner.FormatCount) }},
	{head: "WIDTH", w: 6, prio: 4, val: func(s *scanner.Structure) string { return pct(s.Width) }},
}

// gutterW is the selection marker and the rank before the columns:
// "▶ ★1 " or "   12 ".
const gutterW = 6

// pickCols returns the columns shown in w cells: the sort key's column
// and every priority-1 column, then the others by priority while they fit,
// in table order.
func pickCols(w int, key scanner.SortKey) []col {
	must := func(c col) bool { return c.prio == 1 || (c.sorts && c.sort == key) }
	used := gutterW
	on := make([]bool, len(cols))
	for i, c := range cols {
		if must(c) {
			on[i], used = true, used+c.w+1
		}
	}
	for lvl := 2; lvl <= 5; lvl++ {
		for i, c := range cols {
			if !on[i] && c.prio == lvl && used+c.w+1 <= w {
				on[i], used = true, used+c.w+1
			}
		}
	}
	var out []col
	for i, c := range cols {
		if on[i] {
			out = append(out, c)
		}
	}
	return out
}

// cell fits v to the column, right-aligned for numbers.
func (c col) cell(v string) string {
	if c.left {
		return fit(v, c.w)
	}
	if n := len([]rune(v)); n < c.w {
		return strings.Repeat(" ", c.w-n) + v
	}
	return truncate(v, c.w)
}

// headLine is the column headings; the sort key's carries ▼.
func (p *Pane) headLine(cs []col) string {
	st := &p.st.Scan
	var b strings.Builder
	b.WriteString(st.Header.Render(fit("  #", gutterW)))
	for i, c := range cs {
		if i > 0 {
			b.WriteByte(' ')
		}
		h := c.head
		if c.sorts && c.sort == p.sort {
			b.WriteString(st.Sorted.Render(c.cell("▼" + h)))
			continue
		}
		b.WriteString(st.Header.Render(c.cell(h)))
	}
	return b.String()
}

// rowLine renders row j of the ranked table.
func (p *Pane) rowLine(j int, cs []col) string {
	st := &p.st.Scan
	s, rank := p.ranked.Rows[j], p.ranked.Rank[j]
	mark := "  "
	if j == p.sel {
		mark = "▶ "
	}
	r := ""
	switch {
	case rank == 1:
		r = "★1"
	case rank > 0:
		r = fmt.Sprint(rank)
	}
	cell, num := st.Cell, st.Cell
	if rank == 0 {
		cell, num = st.Unranked, st.Unranked
	}
	if j == p.sel {
		cell, num = st.Selected, st.Selected
	}
	var b strings.Builder
	b.WriteString(cell.Render(mark))
	rs := cell
	if rank == 1 && j != p.sel {
		rs = st.Best
	}
	b.WriteString(rs.Render(fmt.Sprintf("%3s", r)))
	b.WriteString(cell.Render(" "))
	for i, c := range cs {
		if i > 0 {
			b.WriteString(cell.Render(" "))
		}
		v := c.val(s)
		style := lipgloss.Style(num)
		if c.left {
			style = cell
		} else if strings.HasPrefix(v, "-") && j != p.sel && rank > 0 {
			style = st.Loss
		}
		b.WriteString(style.Render(c.cell(v)))
	}
	return b.String()
}

// tableLines renders the headings and the rows that fit in room lines,
// keeping the selection in view.
func (p *Pane) tableLines(room int) []string {
	cs := pickCols(p.w, p.sort)
	out := []string{truncate(p.headLine(cs), p.w)}
	n := len(p.ranked.Rows)
	rows := max(0, room-1)
	if rows == 0 {
		return out
	}
	if n == 0 {
		return append(out, p.st.Scan.Placeholder.Render(truncate("  no structure passes the filters (0 clears them)", p.w)))
	}
	p.off = min(max(p.off, p.sel-rows+1, 0), p.sel, max(0, n-rows))
	for j := p.off; j < min(n, p.off+rows); j++ {
		out = append(out, truncate(p.rowLine(j, cs), p.w))
	}
	return out
}

// rowsShown is how many rows the table shows now (for page up/down).
func (p *Pane) rowsShown() int { return max(1, p.h-headerLines-detailLines(p.h)-2) }

// fmtExpiry shows a YYYYMMDD expiry as 17Apr25; blank for stock.
func fmtExpiry(e string) string {
	if e == "" {
		return ""
	}
	t, err := time.Parse("20060102", e)
	if err != nil {
		return sanitize(e)
	}
	return t.Format("02Jan06")
}

// legsText is the legs of s with their quotes: "BUY C 80 4.40/4.50".
func legsText(s *scanner.Structure) string {
	parts := make([]string, 0, len(s.Legs))
	for _, l := range s.Legs {
		q := orDash(scanner.FormatPrice(l.Bid)) + "/" + orDash(scanner.FormatPrice(l.Ask))
		what := "STK"
		if l.Right != "STK" {
			what = sanitize(l.Right) + " " + orDash(scanner.FormatStrike(l.Strike))
		}
		parts = append(parts, l.Action()+" "+what+" "+q)
	}
	return strings.Join(slices.Clip(parts), " · ")
}

// orDash returns s, or "—" when blank.
func orDash(s string) string {
	if s == "" {
		return "—"
	}
	return s
}
