package scanner

import (
	"encoding/json"
	"math"
)

// Num is a computed number that is either a finite value or "not
// available" (a division by zero, a missing quote, a date in the past).
// It never holds NaN or Inf. The zero value is "not available".
type Num struct {
	// V is the value; 0 when !OK.
	V float64
	// OK is false when the number is not available.
	OK bool
}

// NA is the "not available" Num.
var NA = Num{}

// num wraps v; NaN and ±Inf become NA.
func num(v float64) Num {
	if math.IsNaN(v) || math.IsInf(v, 0) {
		return NA
	}
	return Num{V: v, OK: true}
}

// div returns a/b, or NA when either is unavailable, b is zero or the
// result is not finite.
func div(a, b Num) Num {
	if !a.OK || !b.OK || b.V == 0 {
		return NA
	}
	return num(a.V / b.V)
}

// mul returns a·b, or NA.
func mul(a, b Num) Num {
	if !a.OK || !b.OK {
		return NA
	}
	return num(a.V * b.V)
}

// sub returns a−b, or NA.
func sub(a, b Num) Num {
	if !a.OK || !b.OK {
		return NA
	}
	return num(a.V - b.V)
}

// Float returns the value, or NaN when not available (for callers that
// format with the Format* helpers).
func (n Num) Float() float64 {
	if !n.OK {
		return math.NaN()
	}
	return n.V
}

// MarshalJSON encodes an available Num as a number rounded to 4 decimals
// (enough for every price, ratio and Greek, and free of float noise such
// as 129.99999999999997) and NA as null. Figures with a unit of their own
// use Cents or Ratio.
func (n Num) MarshalJSON() ([]byte, error) { return roundedJSON(n, ratioPlaces), nil }

// UnmarshalJSON decodes a number or null.
func (n *Num) UnmarshalJSON(b []byte) error {
	if string(b) == "null" {
		*n = NA
		return nil
	}
	var v float64
	if err := json.Unmarshal(b, &v); err != nil {
		return err
	}
	*n = num(v)
	return nil
}

// finite reports whether v is a usable number.
func finite(v float64) bool { return !math.IsNaN(v) && !math.IsInf(v, 0) }

// price returns v as a Num when it is a positive, finite price.
func price(v float64) Num {
	if !finite(v) || v <= 0 {
		return NA
	}
	return Num{V: v, OK: true}
}
