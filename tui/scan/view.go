package scan

import (
	"fmt"
	"strings"
	"time"

	"github.com/ibwatch/ibwatch/scanner"
)

// Rendering of the scan pane. Update calls render after every change of
// data, size, selection or ranking; View only adds the status line.
//
// Layout (inside the frame): two summary lines (the scan's state or its
// progress; the sort and filters), the table, the selected row's detail
// (up to three lines: its deal and legs, the figures the table has no room
// for, why it is not ranked), and the status line.

// headerLines is the summary above the table.
const headerLines = 2

// detailLines is how many detail lines a pane h rows tall shows: three
// when the table keeps at least five rows, fewer on very short panes.
func detailLines(h int) int { return min(3, max(0, h-headerLines-2-5)) }

// render rebuilds p.body.
func (p *Pane) render() {
	if p.w <= 0 || p.h <= 0 {
		p.body = nil
		return
	}
	lines := []string{p.summaryLine(), p.sortLine()}
	if p.res == nil {
		lines = append(lines, p.idleLines()...)
	} else {
		dl := detailLines(p.h)
		lines = append(lines, p.tableLines(p.h-1-len(lines)-dl)...)
		for len(lines) < p.h-1-dl {
			lines = append(lines, "")
		}
		lines = append(lines, p.detail()[:dl]...)
	}
	for i := range lines {
		lines[i] = truncate(lines[i], p.w)
	}
	p.body = lines
}

// idleLines is the text before the first scan.
func (p *Pane) idleLines() []string {
	st := &p.st.Scan
	lines := []string{"",
		st.Placeholder.Render("Every structure of every deal, priced at the mid and at the far touch, ranked:"),
		st.Placeholder.Render("long stock, long call, bull call and put verticals, short put, covered call."),
		st.Placeholder.Render("n scans · s sorts · o w a m 1-6 filter · enter opens the legs in the chain pane."),
		""}
	if len(p.deals) == 0 {
		return append(lines, st.Placeholder.Render("No deals yet: add [deals.SYMBOL] to the config, or type one in the chain pane (d)."))
	}
	lines = append(lines, st.Label.Render("deals"))
	for _, d := range p.deals {
		s := st.Symbol.Render(padRight(sanitize(d.Symbol), 6)) + st.Value.Render(" $"+scanner.FormatPrice(d.Price))
		if !d.ExpectedClose.IsZero() {
			s += st.Label.Render(" by ") + st.Value.Render(d.ExpectedClose.Format("2006-01-02"))
		} else {
			s += st.Label.Render(" · close unknown (nothing annualized)")
		}
		if d.BreakPrice > 0 {
			s += st.Label.Render(" · B ") + st.Value.Render("$"+scanner.FormatPrice(d.BreakPrice))
		}
		if d.Dividends > 0 {
			s += st.Label.Render(" · div ") + st.Value.Render("$"+scanner.FormatPrice(d.Dividends))
		}
		if d.Prob > 0 {
			s += st.Label.Render(" · own p ") + st.Value.Render(scanner.FormatPct(d.Prob))
		}
		lines = append(lines, "  "+s)
	}
	return lines
}

// summaryLine is the scan's progress while it runs, else what the last
// scan found.
func (p *Pane) summaryLine() string {
	st := &p.st.Scan
	if p.run != nil && p.prog.Contracts == 0 {
		// Before quoting, the scan resolves every deal's listing (a few
		// requests per expiry): there is nothing to count yet.
		return st.Notice.Render("scanning: ") + st.Value.Render(fmt.Sprintf("resolving the option listings of %d deal(s)…", p.prog.Deals))
	}
	if p.run != nil {
		g := p.prog
		s := st.Notice.Render("scanning ") + p.bar(g.Quoted, g.Contracts, 16) +
			st.Value.Render(fmt.Sprintf(" %d/%d deals", g.DealsDone, g.Deals)) +
			st.Label.Render(" · ") + st.Value.Render(fmt.Sprintf("%d/%d contracts", g.Quoted, g.Contracts))
		if left := fmtLeft(g.Left); left != "" && g.Contracts > 0 {
			s += st.Label.Render(" · ~") + st.Value.Render(left) + st.Label.Render(" left")
		}
		return s
	}
	if p.res == nil {
		return st.Label.Render(fmt.Sprintf("%d deal(s) · no scan yet · n scans", len(p.deals)))
	}
	r := p.res
	parts := []string{
		st.Value.Render(fmt.Sprintf("%d deals", len(r.Deals))),
		st.Value.Render(fmt.Sprintf("%d structures", len(r.Structures))),
		st.Value.Render(fmt.Sprintf("%d shown, %d ranked", len(p.ranked.Rows), p.ranked.Best)),
		st.Label.Render(fmt.Sprintf("%d contracts, %d one-sided", r.Contracts, r.OneSided)),
	}
	if !r.Finished.IsZero() {
		parts = append(parts, st.Label.Render("quotes of "+r.Finished.Local().Format("15:04:05")))
	}
	if !r.Complete {
		parts = append([]string{st.Error.Render("INCOMPLETE")}, parts...)
	}
	return joinFit(parts, st.Label.Render(" · "), p.w)
}

// sortLine is the sort key, the filters and the re-scan schedule.
func (p *Pane) sortLine() string {
	st := &p.st.Scan
	parts := []string{st.Label.Render("sort ") + st.Sorted.Render("▼ "+sortLabel(p.sort))}
	if f := p.filterText(); f != "" {
		parts = append(parts, st.Label.Render("filters ")+st.Value.Render(f))
	} else {
		parts = append(parts, st.Label.Render("no filters"))
	}
	if p.every > 0 {
		e := "re-scan every " + fmtEvery(p.every)
		if !p.next.IsZero() {
			e += " (next " + p.next.Local().Format("15:04") + ")"
		}
		parts = append(parts, st.Label.Render(e))
	}
	return joinFit(parts, st.Label.Render(" · "), p.w)
}

// detail is the selected row's detail: its legs and exit; the figures
// the table has no room for; why it is not ranked, what it assumes, or
// else the deal's terms.
func (p *Pane) detail() []string {
	st := &p.st.Scan
	out := make([]string, 3)
	if p.sel >= len(p.ranked.Rows) {
		return out
	}
	s := p.ranked.Rows[p.sel]
	out[0] = st.Symbol.Render(sanitize(s.Symbol)) + " " + st.Value.Render(legsText(s))
	if m := scanner.FormatStrike(s.Multiplier); m != "" {
		out[0] += st.Label.Render(" · ×" + m)
	}
	if days := scanner.FormatDays(s.Exit.Days); days != "" {
		exit := " · exit " + s.Exit.Date.Format("2006-01-02") + " (" + days
		if s.Exit.Accelerated {
			exit += ", OCC accelerated"
		}
		out[0] += st.Label.Render(exit + ")")
	}
	shown := map[string]bool{}
	for _, c := range pickCols(p.w, p.sort) {
		shown[c.head] = true
	}
	var figs []string
	for _, c := range cols {
		if v := c.val(s); !shown[c.head] && v != "" {
			figs = append(figs, st.Label.Render(strings.ToLower(c.head)+" ")+st.Value.Render(v))
		}
	}
	out[1] = joinFit(figs, st.Label.Render(" · "), p.w)
	note := scanner.Note(s)
	switch {
	case note != "" && p.ranked.Rank[p.sel] == 0:
		out[2] = st.Error.Render("not ranked: ") + st.Label.Render(note)
	case note != "":
		out[2] = st.Label.Render("note: " + note)
	case p.ranked.Rank[p.sel] == 0:
		out[2] = st.Label.Render("not ranked: " + unrankedWhy(s, p.filter.PreClose))
	default:
		out[2] = p.dealText(s)
	}
	return out
}

// dealText is the terms s was priced against: D, the close, B, and the
// completion probability its EV uses.
func (p *Pane) dealText(s *scanner.Structure) string {
	st := &p.st.Scan
	d, ok := scanner.FindDeal(p.scannedDeals(), s.Symbol)
	if !ok {
		return ""
	}
	parts := []string{st.Label.Render("deal D ") + st.Value.Render("$"+scanner.FormatPrice(d.Price))}
	if !d.ExpectedClose.IsZero() {
		parts = append(parts, st.Label.Render("close ")+st.Value.Render(d.ExpectedClose.Format("2006-01-02")))
	}
	if d.BreakPrice > 0 {
		parts = append(parts, st.Label.Render("B ")+st.Value.Render("$"+scanner.FormatPrice(d.BreakPrice)))
	}
	if d.Dividends > 0 {
		parts = append(parts, st.Label.Render("dividends ")+st.Value.Render("$"+scanner.FormatPrice(d.Dividends)))
	}
	if s.Prob.OK {
		src := "market (S−B)/(D−B)"
		if s.ProbOwn {
			src = "own"
		}
		parts = append(parts, st.Label.Render("p ")+st.Value.Render(pct(s.Prob))+st.Label.Render(" "+src))
	}
	return joinFit(parts, st.Label.Render(" · "), p.w)
}

// scannedDeals are the deals of the last scan.
func (p *Pane) scannedDeals() []scanner.Deal {
	if p.res == nil {
		return nil
	}
	out := make([]scanner.Deal, len(p.res.Deals))
	for i, d := range p.res.Deals {
		out[i] = d.Deal
	}
	return out
}

// unrankedWhy says why a priced structure without a note is not ranked.
func unrankedWhy(s *scanner.Structure, preClose bool) string {
	switch {
	case !s.Exit.Days.OK || s.Exit.Days.V <= 0:
		return "no exit date in the future"
	case s.Timing == scanner.TimingBefore && !preClose:
		return "expires before the close (p ranks it)"
	}
	return "the sort key's figure is not available"
}

// statusLine is the last line: the latest notice or error, else the
// legend.
func (p *Pane) statusLine() string {
	st := &p.st.Scan
	var s string
	switch {
	case p.notice != "" && p.noticeErr:
		s = st.Error.Render("✗ " + p.notice)
	case p.notice != "":
		s = st.Notice.Render("» " + p.notice)
	case p.res != nil:
		s = st.Legend.Render("per share at the far touch · ★1 best · blank # = never ranked · annual = simple ×365/days to exit, gains only")
	}
	return truncate(s, p.w)
}

// bar is a progress bar of w cells for done of total.
func (p *Pane) bar(done, total, w int) string {
	st := &p.st.Scan
	n := 0
	if total > 0 {
		n = min(w, max(0, done*w/total))
	}
	return st.Label.Render("▕") + st.Bar.Render(strings.Repeat("█", n)) + st.BarEmpty.Render(strings.Repeat("░", w-n)) +
		st.Label.Render("▏")
}

// fmtPct is done/total as a whole percentage ("0%" without a total).
func fmtPct(done, total int) string {
	if total <= 0 {
		return "0%"
	}
	return fmt.Sprintf("%d%%", min(100, max(0, done*100/total)))
}

// fmtLeft formats the time left ("27s", "2m05s"); blank when absurd.
func fmtLeft(d time.Duration) string {
	switch {
	case d < 0 || d > 99*time.Hour:
		return ""
	case d < time.Minute:
		return fmt.Sprintf("%ds", d/time.Second)
	case d < time.Hour:
		return fmt.Sprintf("%dm%02ds", d/time.Minute, (d%time.Minute)/time.Second)
	}
	return fmt.Sprintf("%dh%02dm", d/time.Hour, (d%time.Hour)/time.Minute)
}
