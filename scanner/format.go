package scanner

import (
	"math"
	"strconv"
	"strings"
)

// Display helpers. Each returns "" for NaN, ±Inf and values outside the
// range that makes sense for the quantity (TWS's "unset" sentinels such as
// 2147483647 or 1.8e308, garbage from a bad tick), so a table cell is either
// a plausible number or blank, never "NaN" or a 300-digit number.

// maxPrice is the largest price shown; anything above is treated as junk.
const maxPrice = 1e7

// FormatPrice formats a price with two decimals (four below $0.01 when
// non-zero), rounding half away from zero on the decimal value (0.125 →
// "0.13", see roundedString); blank when v is not finite, negative or
// absurdly large.
func FormatPrice(v float64) string {
	if !finite(v) || v < 0 || v >= maxPrice {
		return ""
	}
	if v > 0 && v < 0.01 {
		return roundedString(v, 4)
	}
	return roundedString(v, 2)
}

// FormatStrike formats a strike: two decimals, trailing zeros of the cents
// kept only when needed ("150", "152.5", "17.25").
func FormatStrike(v float64) string {
	if !finite(v) || v <= 0 || v >= maxPrice {
		return ""
	}
	s := strconv.FormatFloat(v, 'f', 2, 64)
	s = strings.TrimRight(s, "0")
	return strings.TrimSuffix(s, ".")
}

// FormatMoney formats a signed dollar amount with two decimals and a
// thousands separator ("-1,234.50"); blank when not finite or beyond ±1e12.
func FormatMoney(v float64) string {
	if !finite(v) || math.Abs(v) >= 1e12 {
		return ""
	}
	s := roundedString(math.Abs(v), 2)
	intPart, frac, _ := strings.Cut(s, ".")
	var b strings.Builder
	if v < 0 && s != "0.00" {
		b.WriteByte('-')
	}
	for i, c := range intPart {
		if i > 0 && (len(intPart)-i)%3 == 0 {
			b.WriteByte(',')
		}
		b.WriteRune(c)
	}
	b.WriteByte('.')
	b.WriteString(frac)
	return b.String()
}

// FormatPct formats a fraction as a percentage with one decimal
// (0.0523 → "5.2%"); blank when not finite or beyond ±1,000,000 %.
func FormatPct(v float64) string {
	if !finite(v) || math.Abs(v) >= 1e4 {
		return ""
	}
	s := strconv.FormatFloat(v*100, 'f', 1, 64)
	if s == "-0.0" {
		s = "0.0"
	}
	return s + "%"
}

// FormatIV formats an implied volatility (a fraction) as a percentage with
// one decimal; blank when not finite, negative or above 10,000 %.
func FormatIV(v float64) string {
	if !finite(v) || v < 0 || v > 100 {
		return ""
	}
	return strconv.FormatFloat(v*100, 'f', 1, 64) + "%"
}

// FormatDelta formats a delta with two decimals; blank outside −1..1.
func FormatDelta(v float64) string {
	if !finite(v) || v < -1.0001 || v > 1.0001 {
		return ""
	}
	s := strconv.FormatFloat(v, 'f', 2, 64)
	if s == "-0.00" {
		s = "0.00"
	}
	return s
}

// FormatCount formats a count (open interest, volume, size): whole numbers
// below 100,000, then "123.4K", "12.3M"; blank when not finite, negative or
// at TWS's unset sentinels (≥ 2^31 − 1).
func FormatCount(v float64) string {
	if !finite(v) || v < 0 || v >= math.MaxInt32 {
		return ""
	}
	switch {
	case v < 1e5:
		return strconv.FormatFloat(math.Floor(v), 'f', 0, 64)
	case v < 1e6:
		return strconv.FormatFloat(v/1e3, 'f', 1, 64) + "K"
	case v < 1e9:
		return strconv.FormatFloat(v/1e6, 'f', 1, 64) + "M"
	}
	return strconv.FormatFloat(v/1e9, 'f', 1, 64) + "B"
}

// FormatNum formats a Num with f, blank when not available.
func FormatNum(n Num, f func(float64) string) string {
	if !n.OK {
		return ""
	}
	return f(n.V)
}

// FormatDays formats a day count ("12d"); blank when not available or
// not finite (a Num built by hand, not by the scanner, may hold NaN).
func FormatDays(n Num) string {
	if !n.OK || !finite(n.V) || math.Abs(n.V) >= 1e6 {
		return ""
	}
	return strconv.FormatFloat(n.V, 'f', 0, 64) + "d"
}
