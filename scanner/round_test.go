package scanner

import (
	"encoding/json"
	"math"
	"testing"
)

// TestRoundHalfAwayFromZero: mids that end in a half cent round up the
// same way whatever their binary form; JSON has no float noise.
func TestRoundHalfAwayFromZero(t *testing.T) {
	for _, c := range []struct {
		v      float64
		places int
		want   string
	}{
		{0.125, 2, "0.13"}, // exact in binary: strconv alone says 0.12
		{1.425, 2, "1.43"},
		{2.675, 2, "2.68"}, // a hair below in binary: strconv alone says 2.67
		{-0.125, 2, "-0.13"},
		{-0.001, 2, "0.00"},
		{9.995, 2, "10.00"},
		{129.99999999999997, 2, "130.00"},
		{0.12345, 4, "0.1235"},
		{5, 2, "5.00"},
		{1e-7, 2, "0.00"},
	} {
		if got := roundedString(c.v, c.places); got != c.want {
			t.Errorf("roundedString(%v, %d) = %s, want %s", c.v, c.places, got, c.want)
		}
	}
	if got := FormatPrice((0.10 + 0.15) / 2); got != "0.13" {
		t.Errorf("mid of 0.10/0.15 shows %s, want 0.13", got)
	}
	if got := FormatPrice((1.40 + 1.45) / 2); got != "1.43" {
		t.Errorf("mid of 1.40/1.45 shows %s, want 1.43", got)
	}
	if got := roundDecimal(math.NaN(), 2); !math.IsNaN(got) {
		t.Errorf("roundDecimal(NaN) = %v", got)
	}
	b, _ := json.Marshal(struct {
		N Num
		C Cents
		R Ratio
		X Cents
	}{num(129.99999999999997), Cents(num(1.005)), Ratio(num(0.123456)), Cents(NA)})
	if string(b) != `{"N":130,"C":1.01,"R":0.1235,"X":null}` {
		t.Errorf("JSON %s", b)
	}
}
