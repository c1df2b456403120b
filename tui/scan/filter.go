package scan

import (
	"fmt"
	"strings"
	"time"

	"github.com/charmbracelet/bubbles/key"
	tea "github.com/charmbracelet/bubbletea"
	"github.com/ibwatch/ibwatch/scanner"
)

// The filter keys step through presets (0 = off), so a trader changes a
// threshold with one key and sees it at once; the presets cover the
// original scanner's usual settings. A value set in the config that is
// not a preset steps to the next preset above it.
var (
	minOISteps     = []float64{0, 10, 100, 500, 1000}
	maxWidthSteps  = []float64{0, 0.05, 0.10, 0.20, 0.50}
	minAnnualSteps = []float64{0, 0.05, 0.10, 0.20, 0.50}
	maxLossSteps   = []float64{0, 1, 2, 5, 10, 25} // $ per share
	everySteps     = []time.Duration{0, 5 * time.Minute, 15 * time.Minute, 30 * time.Minute, time.Hour}
	sortOrder      = []scanner.SortKey{scanner.SortAnnual, scanner.SortEV, scanner.SortReturn, scanner.SortLossIfBreak}
)

// timeZero is the zero time (no re-scan pending).
var timeZero time.Time

// nextStep returns the first step above cur, or the first (off) after
// the last.
func nextStep[T float64 | time.Duration](steps []T, cur T) T {
	for _, s := range steps {
		if s > cur {
			return s
		}
	}
	return steps[0]
}

// filterKey applies a sort or filter key; it reports whether the table
// must be ranked again.
func (p *Pane) filterKey(msg tea.KeyMsg) bool {
	k, f := &p.keys, &p.filter
	switch {
	case key.Matches(msg, k.Sort):
		i := 0
		for j, s := range sortOrder {
			if s == p.sort {
				i = j
			}
		}
		p.sort = sortOrder[(i+1)%len(sortOrder)]
	case key.Matches(msg, k.MinOI):
		f.MinOI = nextStep(minOISteps, f.MinOI)
	case key.Matches(msg, k.MaxWidth):
		f.MaxWidth = nextStep(maxWidthSteps, f.MaxWidth)
	case key.Matches(msg, k.MinAnnual):
		f.MinAnnual = nextStep(minAnnualSteps, f.MinAnnual)
	case key.Matches(msg, k.MaxLoss):
		f.MaxLoss = nextStep(maxLossSteps, f.MaxLoss)
	case key.Matches(msg, k.PreClose):
		f.PreClose = !f.PreClose
	case key.Matches(msg, k.Clear):
		pre := f.PreClose
		*f = scanner.Filter{PreClose: pre}
	case key.Matches(msg, k.Kinds):
		p.toggleKind(scanner.AllKinds()[msg.Runes[0]-'1'])
	default:
		return false
	}
	return true
}

// toggleKind shows or hides one structure kind; all shown is nil.
func (p *Pane) toggleKind(kind scanner.Kind) {
	f := &p.filter
	if f.Kinds == nil {
		f.Kinds = map[scanner.Kind]bool{}
		for _, k := range scanner.AllKinds() {
			f.Kinds[k] = true
		}
	}
	f.Kinds[kind] = !f.Kinds[kind]
	all := true
	for _, k := range scanner.AllKinds() {
		all = all && f.Kinds[k]
	}
	if all {
		f.Kinds = nil
	}
}

// cycleEvery steps the re-scan interval and re-arms the timer.
func (p *Pane) cycleEvery() tea.Cmd {
	p.every = nextStep(everySteps, p.every)
	if p.every == 0 {
		p.stopTimer()
		p.setNotice(false, "re-scan off")
		return nil
	}
	p.setNotice(false, "re-scan every "+fmtEvery(p.every)+" after each scan ends")
	if p.res == nil || p.run != nil {
		return nil // armed when the next scan ends
	}
	return p.armTimer()
}

// sortLabel names a sort key for the screen.
func sortLabel(k scanner.SortKey) string {
	switch k {
	case scanner.SortEV:
		return "EV"
	case scanner.SortReturn:
		return "return"
	case scanner.SortLossIfBreak:
		return "loss if break"
	}
	return "annualized"
}

// kindLabel is a kind's short name in the table (9 cells at most).
func kindLabel(k scanner.Kind) string {
	switch k {
	case scanner.KindStock:
		return "stock"
	case scanner.KindLongCall:
		return "long call"
	case scanner.KindCallVertical:
		return "call vert"
	case scanner.KindPutVertical:
		return "put vert"
	case scanner.KindShortPut:
		return "short put"
	case scanner.KindCoveredCall:
		return "cov. call"
	}
	return "?"
}

// filterText describes the active filters ("" when none).
func (p *Pane) filterText() string {
	f := p.filter
	var parts []string
	if f.MinOI > 0 {
		parts = append(parts, "OI≥"+scanner.FormatCount(f.MinOI))
	}
	if f.MaxWidth > 0 {
		parts = append(parts, "width≤"+scanner.FormatPct(f.MaxWidth))
	}
	if f.MinAnnual != 0 {
		parts = append(parts, "annual≥"+scanner.FormatPct(f.MinAnnual))
	}
	if f.MaxLoss > 0 {
		parts = append(parts, "loss≤$"+scanner.FormatMoney(f.MaxLoss))
	}
	if f.Kinds != nil {
		var ks []string
		for i, k := range scanner.AllKinds() {
			if f.Kinds[k] {
				ks = append(ks, fmt.Sprintf("%d %s", i+1, kindLabel(k)))
			}
		}
		if len(ks) == 0 {
			ks = []string{"none (1-6 toggle)"}
		}
		parts = append(parts, "only "+strings.Join(ks, ", "))
	}
	if f.PreClose {
		parts = append(parts, "pre-close ranked")
	}
	return strings.Join(parts, " · ")
}

// fmtEvery formats a re-scan interval ("15m", "1h").
func fmtEvery(d time.Duration) string {
	if d >= time.Hour && d%time.Hour == 0 {
		return fmt.Sprintf("%dh", d/time.Hour)
	}
	return fmt.Sprintf("%dm", d/time.Minute)
}
