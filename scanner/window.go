package scanner

import (
	"fmt"
	"math"
)

// DefaultStrikes is how many strikes a chain shows by default: ten on each
// side of the money line. It costs 2 × 21 option lines + 1 underlying line.
const DefaultStrikes = 21

// Window says which strikes of an expiry a chain streams.
type Window struct {
	// Count is how many strikes (rows) are streamed; 0 means DefaultStrikes.
	// Each strike costs two market-data lines (call and put).
	Count int
	// Lo and Hi, when Hi > 0, limit the anchor window to strikes in
	// [Lo, Hi] (a deal's range). When more strikes than Count fall inside,
	// the Count nearest the money are kept.
	Lo, Hi float64
	// Offset scrolls the window by whole strikes (+ = higher strikes),
	// clamped at both ends of the expiry's strike list.
	Offset int
}

// DealWindow returns the window for a deal stock: strikes from 25 % below
// the deal price to 10 % above it, at most count of them (0 = default).
func DealWindow(d Deal, count int) Window {
	if !(d.Price > 0) || math.IsInf(d.Price, 0) {
		return Window{Count: count}
	}
	return Window{Count: count, Lo: 0.75 * d.Price, Hi: 1.10 * d.Price}
}

// count returns the effective number of strikes.
func (w Window) count() int {
	if w.Count <= 0 {
		return DefaultStrikes
	}
	return w.Count
}

// nearest returns the index of the strike nearest to p in sorted strikes
// (the lower one on a tie), or -1 when p is unusable or strikes is empty.
func nearest(strikes []float64, p float64) int {
	if len(strikes) == 0 || !finite(p) || p <= 0 {
		return -1
	}
	bi, bd := -1, math.Inf(1)
	for i, k := range strikes {
		if d := math.Abs(k - p); d < bd {
			bi, bd = i, d
		}
	}
	return bi
}

// SelectStrikes returns the half-open index range [from, to) of the strikes
// to stream for the money price under (NaN = unknown). strikes must be
// sorted ascending. The anchor window holds Count strikes centred on the
// strike nearest under (or the middle of the list/range when under is
// unknown), kept inside [Lo, Hi] when a range is set; Offset then shifts it.
// The range always lies within the list and holds min(Count, len) strikes,
// except that a deal range holding fewer strikes than Count yields just
// those strikes.
func SelectStrikes(strikes []float64, under float64, w Window) (from, to int) {
	n := len(strikes)
	if n == 0 {
		return 0, 0
	}
	cnt := min(w.count(), n)
	lo, hi := 0, n // the anchor range
	if w.Hi > 0 && w.Hi >= w.Lo {
		lo, hi = n, n
		for i, k := range strikes {
			if k >= w.Lo && lo == n {
				lo = i
			}
			if k > w.Hi {
				hi = i
				break
			}
		}
		if lo >= hi { // nothing in range: fall back to the whole list
			lo, hi = 0, n
		} else if hi-lo < cnt {
			cnt = hi - lo
		}
	}
	anchor := nearest(strikes, under)
	if anchor < 0 {
		anchor = (lo + hi - 1) / 2
	}
	anchor = min(max(anchor, lo), hi-1)
	from = anchor - (cnt-1)/2
	from = min(max(from, lo), hi-cnt)
	from = min(max(from+w.Offset, 0), n-cnt)
	return from, from + cnt
}

// shownNote says how many strikes the chain really shows and why, when
// that is fewer than asked: the expiry lists fewer, the market-data line
// budget (maxLines, one line per call and put plus the underlying) allows
// fewer, or the deal's strike range holds fewer. "" when all are shown.
// It is worked out from the snapshot, after the window was chosen, so the
// count it states is the number of rows printed.
func shownNote(asked int, snap Snapshot, maxLines int, deal bool) string {
	shown := len(snap.Rows)
	if shown >= asked {
		return ""
	}
	head := fmt.Sprintf("showing %d of the %d strikes asked for: ", shown, asked)
	most := (maxLines - 1) / 2
	switch {
	case shown == snap.Total:
		return head + fmt.Sprintf("expiry %s lists only %d", snap.Expiry, snap.Total)
	case shown == most:
		return head + fmt.Sprintf("the most the market-data line budget (%d lines) allows", maxLines)
	case deal:
		return head + "the rest lie outside the deal's range (25 % below to 10 % above the deal price)"
	}
	return head + fmt.Sprintf("expiry %s lists %d", snap.Expiry, snap.Total)
}
