package scanner

import (
	"math"
	"strconv"
	"strings"
)

// Rounding for output. Prices and money round half away from zero on the
// number's shortest decimal form (what strconv prints with precision -1),
// not on its binary value: 0.125 → 0.13 and 1.425 → 1.43 alike, although
// 0.125 is exact in binary and 1.425 is a hair above it (strconv's own
// rounding would give 0.12 and 1.43). Computed figures are rounded only
// here, at output; the arithmetic keeps full precision.

// Places of the output roundings: money to cents, ratios to 4 decimals.
const (
	centsPlaces = 2
	ratioPlaces = 4
)

// roundDecimal rounds v to places decimals, half away from zero, on v's
// shortest decimal representation. NaN and ±Inf are returned unchanged.
func roundDecimal(v float64, places int) float64 {
	if !finite(v) {
		return v
	}
	r, _ := strconv.ParseFloat(roundedString(v, places), 64)
	return r
}

// roundedString formats v with exactly places decimals, rounding half
// away from zero on the shortest decimal form ("-0.00" becomes "0.00").
func roundedString(v float64, places int) string {
	s := strconv.FormatFloat(math.Abs(v), 'f', -1, 64)
	intPart, frac, _ := strings.Cut(s, ".")
	up := len(frac) > places && frac[places] >= '5'
	frac += strings.Repeat("0", max(0, places-len(frac)))
	digits := []byte(intPart + frac[:places])
	if up {
		i := len(digits) - 1
		for ; i >= 0 && digits[i] == '9'; i-- {
			digits[i] = '0'
		}
		if i < 0 {
			digits = append([]byte{'1'}, digits...)
		} else {
			digits[i]++
		}
	}
	n := len(digits) - places
	out := string(digits[:n])
	if places > 0 {
		out += "." + string(digits[n:])
	}
	if v < 0 && strings.Trim(out, "0.") != "" {
		out = "-" + out
	}
	return out
}

// Cents is a money figure that encodes to JSON rounded to cents (null
// when not available).
type Cents Num

// MarshalJSON encodes the value rounded to cents, or null.
func (c Cents) MarshalJSON() ([]byte, error) { return roundedJSON(Num(c), centsPlaces), nil }

// Ratio is a fraction that encodes to JSON rounded to 4 decimals (null
// when not available).
type Ratio Num

// MarshalJSON encodes the value rounded to 4 decimals, or null.
func (r Ratio) MarshalJSON() ([]byte, error) { return roundedJSON(Num(r), ratioPlaces), nil }

// roundedJSON is a Num rounded to places decimals with trailing zeros
// dropped ("130", "0.13"), or null.
func roundedJSON(n Num, places int) []byte {
	if !n.OK {
		return []byte("null")
	}
	s := roundedString(n.V, places)
	if strings.Contains(s, ".") {
		s = strings.TrimSuffix(strings.TrimRight(s, "0"), ".")
	}
	if s == "-0" {
		s = "0"
	}
	return []byte(s)
}
