package scanner

import (
	"fmt"
	"io"
	"strings"
)

// Plain-text rendering of a chain, for `ibwatch chain` (the TUI draws its
// own table from the same Snapshot). ASCII only; every number goes through
// the Format* helpers, so missing values are blank.

// sideCols are the per-side columns: header and width.
var sideCols = []struct {
	name  string
	width int
}{{"BID", 8}, {"ASK", 8}, {"LAST", 8}, {"IV", 7}, {"DELTA", 7}, {"OI", 7}}

// RenderText writes the chain as an aligned text table: a header with the
// underlying and the data badge, the deal line when there is a deal, one
// row per strike (calls left, puts right; "*" marks in-the-money sides,
// "> <" the money line), and the merger-arbitrage lens below.
func RenderText(w io.Writer, s Snapshot) error {
	var b strings.Builder
	name := s.Name
	if name == "" {
		name = "(no name)"
	}
	fmt.Fprintf(&b, "%s  %s  conId %d\n", s.Symbol, name, s.ConID)
	days := ""
	if d := FormatDays(DaysToExpiry(s.Expiry, s.Time)); d != "" && !s.Time.IsZero() {
		days = " (" + d + ")"
	}
	fmt.Fprintf(&b, "expiry %s%s  multiplier %s  strikes %d-%d of %d\n",
		s.Expiry, days, FormatStrike(s.Multiplier), s.First+1, s.First+len(s.Rows), s.Total)
	u := s.Underlying
	fmt.Fprintf(&b, "underlying %s  bid %s  ask %s  last %s  [%s]\n",
		dash(FormatPrice(s.UnderPrice)), dash(FormatPrice(u.Bid)), dash(FormatPrice(u.Ask)), dash(FormatPrice(u.Last)), s.Badge)
	if !s.Complete {
		b.WriteString("note: some lines sent no quote before the deadline (blank cells)\n")
	}
	if s.Lens != nil {
		writeDealLine(&b, s.Lens)
	}
	b.WriteByte('\n')
	writeChainRows(&b, s)
	if s.Lens != nil {
		b.WriteByte('\n')
		writeLensRows(&b, s.Lens)
	}
	_, err := io.WriteString(w, b.String())
	return err
}

// dash returns s, or "-" when blank (for header fields).
func dash(s string) string {
	if s == "" {
		return "-"
	}
	return s
}

func writeChainRows(b *strings.Builder, s Snapshot) {
	var call, put []string
	for _, c := range sideCols {
		call = append(call, pad("C "+c.name, c.width))
		put = append(put, pad("P "+c.name, c.width))
	}
	fmt.Fprintf(b, " %s  |   %7s   | %s\n", strings.Join(call, " "), "STRIKE", strings.Join(put, " "))
	mark := func(itm bool) string {
		if itm {
			return "*"
		}
		return " "
	}
	for _, r := range s.Rows {
		l, rr := "  ", "  "
		if r.Money {
			l, rr = "> ", " <"
		}
		fmt.Fprintf(b, "%s%s  | %s%7s%s |%s%s", mark(r.Call.ITM), sideCells(r.Call), l, FormatStrike(r.Strike), rr, mark(r.Put.ITM), sideCells(r.Put))
		if r.Call.Err != "" || r.Put.Err != "" {
			fmt.Fprintf(b, "  ! %s", firstNonEmpty(r.Call.Err, r.Put.Err))
		}
		b.WriteByte('\n')
	}
}

func sideCells(sd Side) string {
	vals := []string{FormatPrice(sd.Bid), FormatPrice(sd.Ask), FormatPrice(sd.Last), FormatIV(sd.IV), FormatDelta(sd.Delta), FormatCount(sd.OI)}
	var out []string
	for i, v := range vals {
		out = append(out, pad(v, sideCols[i].width))
	}
	return strings.Join(out, " ")
}

// pad right-aligns s in width columns (it never cuts).
func pad(s string, width int) string {
	if n := len([]rune(s)); n < width {
		return strings.Repeat(" ", width-n) + s
	}
	return s
}

func firstNonEmpty(ss ...string) string {
	for _, s := range ss {
		if s != "" {
			return s
		}
	}
	return ""
}

func writeDealLine(b *strings.Builder, l *Lens) {
	h := l.Header
	closeDate := "unknown"
	if !h.Close.IsZero() {
		closeDate = h.Close.Format("2006-01-02")
	}
	fmt.Fprintf(b, "deal %s  close %s (%s)  spread %s (%s of deal)  return %s  annualised %s (simple, x365/days)",
		dash(FormatNum(h.Price, FormatPrice)), closeDate, dash(FormatDays(h.DaysToClose)),
		dash(FormatNum(h.SpreadUSD, FormatMoney)), dash(FormatNum(h.SpreadPct, FormatPct)),
		dash(FormatNum(h.Return, FormatPct)), dash(FormatNum(h.AnnualReturn, FormatPct)))
	if h.Break.OK {
		fmt.Fprintf(b, "  break %s  implied completion %s", FormatPrice(h.Break.V), dash(FormatNum(h.Prob, FormatPct)))
		if h.ProbClamped {
			b.WriteString(" (clamped)")
		}
	}
	if l.Timing == TimingUnknown {
		fmt.Fprintf(b, "\nexpiry %s (%s to expiry): expected close unknown, so no exit date: nothing annualised or starred\n", l.Expiry, dash(FormatDays(l.DaysToExpiry)))
	} else {
		fmt.Fprintf(b, "\nexpiry %s (%s to expiry) is %s the expected close; exit %s (%s)", l.Expiry, dash(FormatDays(l.DaysToExpiry)), l.Timing,
			l.Exit.Date.Format("2006-01-02"), dash(FormatDays(l.Exit.Days)))
		if l.Exit.Accelerated {
			b.WriteString(", OCC's accelerated expiration after the cash close")
		}
		b.WriteString("\n")
	}
}

func writeLensRows(b *strings.Builder, l *Lens) {
	b.WriteString("if the deal closes at the deal price by expiry, per contract (far = pay the ask / sell the bid;\n")
	b.WriteString("short put capital = (strike - premium) x multiplier; annualised simple, x365/days to exit, gains only):\n")
	fmt.Fprintf(b, "%8s %7s | %10s %7s %10s %8s %8s | %10s %7s %10s %8s %8s\n",
		"STRIKE", "%DEAL", "LC MID P&L", "RET", "LC FAR P&L", "RET", "ANN", "SP MID P&L", "RET", "SP FAR P&L", "RET", "ANN")
	for i, s := range l.Strikes {
		c, p := s.Call, s.Put
		fmt.Fprintf(b, "%8s %7s | %10s %7s %10s %8s %8s | %10s %7s %10s %8s %8s",
			FormatNum(s.Strike, FormatStrike), FormatNum(s.PctOfDeal, FormatPct),
			FormatNum(c.AtMid.Payoff, FormatMoney), FormatNum(c.AtMid.Return, FormatPct),
			FormatNum(c.FarTouch.Payoff, FormatMoney), FormatNum(c.FarTouch.Return, FormatPct), FormatNum(c.FarTouch.Annual, FormatPct),
			FormatNum(p.AtMid.Payoff, FormatMoney), FormatNum(p.AtMid.Return, FormatPct),
			FormatNum(p.FarTouch.Payoff, FormatMoney), FormatNum(p.FarTouch.Return, FormatPct), FormatNum(p.FarTouch.Annual, FormatPct))
		var best []string
		if i == l.BestCall {
			best = append(best, "best long call")
		}
		if i == l.BestPut {
			best = append(best, "best short put")
		}
		if len(best) > 0 {
			b.WriteString("  <- " + strings.Join(best, ", "))
		}
		b.WriteByte('\n')
	}
}
