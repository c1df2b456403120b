package scanner

import (
	"encoding/csv"
	"fmt"
	"io"
	"strings"
)

// Text and CSV forms of a ranked scan. Every cell is formatted from a
// scanner figure with the Format* helpers: blank when not available.

// scanCol is one column of the scan table and CSV.
type scanCol struct {
	head string
	w    int // text width; 0 = left-aligned, variable
	val  func(s *Structure, rank int) string
}

func pct(n Num) string   { return FormatNum(n, FormatPct) }
func money(n Num) string { return FormatNum(n, FormatMoney) }

var scanCols = []scanCol{
	{"#", 4, func(_ *Structure, r int) string {
		if r == 0 {
			return ""
		}
		return fmt.Sprint(r)
	}},
	{"SYMBOL", 6, func(s *Structure, _ int) string { return s.Symbol }},
	{"STRUCTURE", 13, func(s *Structure, _ int) string { return s.Kind.String() }},
	{"EXPIRY", 8, func(s *Structure, _ int) string { return s.Expiry }},
	{"STRIKES", 13, func(s *Structure, _ int) string { return StrikesText(s) }},
	{"COST FAR", 9, func(s *Structure, _ int) string { return money(s.Far.Cost) }},
	{"COST MID", 9, func(s *Structure, _ int) string { return money(s.Mid.Cost) }},
	{"MAX PROF", 9, func(s *Structure, _ int) string { return money(s.Far.MaxProfit) }},
	{"MAX LOSS", 9, func(s *Structure, _ int) string { return money(s.Far.MaxLoss) }},
	{"LOSS@B", 8, func(s *Structure, _ int) string { return money(s.Far.LossIfBreak) }},
	{"BREAKEVEN", 9, func(s *Structure, _ int) string { return FormatNum(s.Far.Breakeven, FormatPrice) }},
	{"RETURN", 7, func(s *Structure, _ int) string { return pct(s.Far.Return) }},
	{"ANNUAL", 8, func(s *Structure, _ int) string { return pct(s.Far.Annual) }},
	{"EV", 7, func(s *Structure, _ int) string { return money(s.Far.EV) }},
	{"MIN OI", 6, func(s *Structure, _ int) string { return FormatNum(s.MinOI, FormatCount) }},
	{"WIDTH", 6, func(s *Structure, _ int) string { return pct(s.Width) }},
	{"NOTE", 0, func(s *Structure, _ int) string { return noteOf(s) }},
}

// StrikesText is a structure's strikes: "30/35" for a vertical, "35" for
// one option, "" for stock.
func StrikesText(s *Structure) string {
	k1, k2 := s.strikes()
	switch {
	case !finite(k1):
		return ""
	case !finite(k2):
		return FormatStrike(k1)
	}
	return FormatStrike(k1) + "/" + FormatStrike(k2)
}

// noteOf says why a row is not ranked (or what it assumes).
func noteOf(s *Structure) string {
	switch {
	case !s.Priced:
		return "one-sided leg: unpriced"
	case s.Assumption != "":
		return s.Assumption
	case s.Far.Profit.OK && s.Far.Profit.V < 0:
		return "a loss if the deal closes"
	}
	return ""
}

// RenderScanText writes the deals and the ranked table (top rows; 0 =
// all) as text.
func RenderScanText(w io.Writer, r ScanReport, top int) error {
	var b strings.Builder
	res := r.Result
	for _, d := range res.Deals {
		h := d.Header
		closeDate := "close unknown"
		if !d.Deal.ExpectedClose.IsZero() {
			closeDate = "close " + d.Deal.ExpectedClose.Format("2006-01-02")
		}
		fmt.Fprintf(&b, "%-6s D %s  %s  B %s  S %s  spread %s  to close %s, annualized %s", d.Deal.Symbol,
			dash(FormatPrice(d.Deal.Price)), closeDate, dash(FormatNum(h.Break, FormatPrice)), dash(FormatNum(h.Under, FormatPrice)),
			dash(money(h.SpreadUSD)), dash(pct(h.Return)), dash(pct(h.AnnualReturn)))
		if d.Err != nil {
			fmt.Fprintf(&b, "  ERROR %v", d.Err)
		}
		b.WriteByte('\n')
	}
	fmt.Fprintf(&b, "\n%d contracts, %d quoted, %d one-sided; quotes of %s; sorted by %s; %d of %d rows ranked\n",
		res.Contracts, res.Quoted, res.OneSided, res.Finished.Format("2006-01-02 15:04:05 MST"), r.Ranked.Key, r.Ranked.Best, len(r.Ranked.Rows))
	if !res.Complete {
		b.WriteString("INCOMPLETE: the scan was cut short; rows with a leg never quoted are unpriced\n")
	}
	b.WriteByte('\n')
	cells := make([]string, len(scanCols))
	line := func() {
		for i, c := range scanCols {
			if c.w > 0 {
				cells[i] = fmt.Sprintf("%*s", c.w, cells[i])
			}
		}
		b.WriteString(strings.TrimRight(strings.Join(cells, " "), " ") + "\n")
	}
	for i, c := range scanCols {
		cells[i] = c.head
	}
	line()
	for j, s := range r.Ranked.Rows {
		if top > 0 && j >= top {
			fmt.Fprintf(&b, "… %d more rows (--top 0 shows all)\n", len(r.Ranked.Rows)-top)
			break
		}
		for i, c := range scanCols {
			cells[i] = c.val(s, r.Ranked.Rank[j])
		}
		line()
	}
	b.WriteByte('\n')
	for _, n := range ScanNotes {
		b.WriteString("· " + n + "\n")
	}
	_, err := io.WriteString(w, b.String())
	return err
}

// RenderScanCSV writes the ranked table as CSV with one column per figure
// and the legs in one cell ("BUY C 30 3.90/4.20; SELL C 35 0.50/0.70").
func RenderScanCSV(w io.Writer, r ScanReport) error {
	cw := csv.NewWriter(w)
	var head []string
	for _, c := range scanCols {
		head = append(head, strings.ToLower(strings.ReplaceAll(c.head, " ", "_")))
	}
	if err := cw.Write(append(head, "legs")); err != nil {
		return err
	}
	for j, s := range r.Ranked.Rows {
		rec := make([]string, 0, len(scanCols)+1)
		for _, c := range scanCols {
			rec = append(rec, c.val(s, r.Ranked.Rank[j]))
		}
		var legs []string
		for _, l := range s.Legs {
			legs = append(legs, strings.TrimSpace(fmt.Sprintf("%s %s %s %s/%s", l.Action(), l.Right, FormatStrike(l.Strike), FormatPrice(l.Bid), FormatPrice(l.Ask))))
		}
		if err := cw.Write(append(rec, strings.Join(legs, "; "))); err != nil {
			return err
		}
	}
	cw.Flush()
	return cw.Error()
}
