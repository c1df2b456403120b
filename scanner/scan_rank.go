package scanner

import (
	"cmp"
	"fmt"
	"slices"
	"strings"
)

// SortKey is what the scan's table is ranked by.
type SortKey int

// Sort keys. Every key ranks the best first: the highest annualised
// far-touch return, expected value or return on capital, or the smallest
// loss if the deal breaks.
const (
	SortAnnual      SortKey = iota // annualized_far (default)
	SortEV                         // ev
	SortReturn                     // return_far
	SortLossIfBreak                // loss_if_break
)

var sortNames = []string{"annual", "ev", "return", "loss"}

// String returns the key's name as --sort takes it.
func (k SortKey) String() string {
	if k >= 0 && int(k) < len(sortNames) {
		return sortNames[k]
	}
	return "?"
}

// ParseSortKey reads a --sort value: annual, ev, return or loss (the JSON
// field names annualized_far, return_far and loss_if_break too).
func ParseSortKey(s string) (SortKey, error) {
	switch strings.ToLower(strings.TrimSpace(s)) {
	case "annual", "annualized", "annualized_far", "":
		return SortAnnual, nil
	case "ev":
		return SortEV, nil
	case "return", "return_far":
		return SortReturn, nil
	case "loss", "loss_if_break":
		return SortLossIfBreak, nil
	}
	return 0, fmt.Errorf("unknown sort key %q: want annual, ev, return or loss", s)
}

// Filter drops structures from the ranked table. Zero values filter
// nothing.
type Filter struct {
	// MinOI drops structures whose smallest leg open interest is below
	// it, or unknown (stock has no open interest and is kept).
	MinOI float64
	// MaxWidth drops structures whose widest leg is wider than this
	// (ask − bid) / mid, or unpriced.
	MaxWidth float64
	// MinAnnual drops structures whose annualised far-touch return is
	// below this fraction, or not available.
	MinAnnual float64
	// MaxLoss drops structures whose far-touch max loss per share is
	// above this.
	MaxLoss float64
	// Kinds keeps only these kinds (nil = all).
	Kinds map[Kind]bool
	// PreClose ranks expiries before the expected close too (their
	// figures assume an early close; off by default).
	PreClose bool
}

// keep reports whether s passes the filter.
func (f Filter) keep(s *Structure) bool {
	switch {
	case f.Kinds != nil && !f.Kinds[s.Kind]:
	case f.MinOI > 0 && s.Kind != KindStock && (!s.MinOI.OK || s.MinOI.V < f.MinOI):
	case f.MaxWidth > 0 && (!s.Width.OK || s.Width.V > f.MaxWidth):
	case f.MinAnnual != 0 && (!s.Far.Annual.OK || s.Far.Annual.V < f.MinAnnual):
	case f.MaxLoss > 0 && (!s.Far.MaxLoss.OK || s.Far.MaxLoss.V > f.MaxLoss):
	default:
		return true
	}
	return false
}

// Rankable reports whether s may be ranked as "best": priced on every
// leg, a known exit in the future, not a loss at the far touch, and not
// an expiry before the close (unless preClose).
func Rankable(s *Structure, preClose bool) bool {
	return s.Priced && s.Exit.Days.OK && s.Exit.Days.V > 0 && s.Far.Profit.OK && s.Far.Profit.V >= 0 &&
		(preClose || s.Timing != TimingBefore) && s.Timing != TimingUnknown
}

// Ranked is a ranked, filtered table of structures.
type Ranked struct {
	// Rows are the structures that passed the filter: the rankable ones
	// first, best first (Rank 1…Best), then the rest in the same order.
	// They point into the slice given to Rank.
	Rows []*Structure
	// Rank is each row's rank (1 = best), 0 for rows never ranked.
	Rank []int
	// Best is how many rows are ranked.
	Best int
	Key  SortKey
}

// sortValue is a structure's value under key, oriented so that higher is
// better; ok is false when it is not available.
func sortValue(s *Structure, key SortKey) (float64, bool) {
	var n Num
	switch key {
	case SortEV:
		n = s.Far.EV
	case SortReturn:
		n = s.Far.Return
	case SortLossIfBreak:
		n = neg(s.Far.LossIfBreak)
	default:
		n = s.Far.Annual
	}
	return n.V, n.OK
}

// Rank filters and sorts structures by key. Ties (and rows without the
// key's value, last) are ordered by symbol, expiry, kind and strikes, so
// the table is stable from one scan to the next.
func Rank(ss []Structure, key SortKey, f Filter) Ranked {
	type item struct {
		i    int
		ok   bool // rankable
		has  bool
		v    float64
		k1k2 [2]float64
	}
	items := make([]item, 0, len(ss))
	for i := range ss {
		s := &ss[i]
		if !f.keep(s) {
			continue
		}
		it := item{i: i, ok: Rankable(s, f.PreClose)}
		it.v, it.has = sortValue(s, key)
		k1, k2 := s.strikes()
		it.k1k2 = [2]float64{k1, k2}
		items = append(items, it)
	}
	slices.SortFunc(items, func(a, b item) int {
		if a.ok != b.ok {
			return boolFirst(a.ok)
		}
		if a.has != b.has {
			return boolFirst(a.has)
		}
		if c := cmp.Compare(b.v, a.v); c != 0 {
			return c
		}
		sa, sb := &ss[a.i], &ss[b.i]
		if c := strings.Compare(sa.Symbol, sb.Symbol); c != 0 {
			return c
		}
		if c := strings.Compare(sa.Expiry, sb.Expiry); c != 0 {
			return c
		}
		if c := cmp.Compare(sa.Kind, sb.Kind); c != 0 {
			return c
		}
		return cmp.Or(cmp.Compare(a.k1k2[0], b.k1k2[0]), cmp.Compare(a.k1k2[1], b.k1k2[1]))
	})
	r := Ranked{Rows: make([]*Structure, len(items)), Rank: make([]int, len(items)), Key: key}
	for j, it := range items {
		r.Rows[j] = &ss[it.i]
		if it.ok && it.has {
			r.Best++
			r.Rank[j] = r.Best
		}
	}
	return r
}

// boolFirst orders true before false (for a comparison of unequal bools).
func boolFirst(a bool) int {
	if a {
		return -1
	}
	return 1
}
