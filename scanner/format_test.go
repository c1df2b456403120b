package scanner

import (
	"math"
	"testing"
)

func TestFormatBlanksJunk(t *testing.T) {
	nan, inf := math.NaN(), math.Inf(1)
	cases := []struct {
		name string
		f    func(float64) string
		in   float64
		want string
	}{
		{"price", FormatPrice, 12.345, "12.35"},
		{"price zero", FormatPrice, 0, "0.00"},
		{"price sub-cent", FormatPrice, 0.005, "0.0050"},
		{"price NaN", FormatPrice, nan, ""},
		{"price Inf", FormatPrice, inf, ""},
		{"price Double.MAX", FormatPrice, 1.7976931348623157e308, ""},
		{"price negative", FormatPrice, -1, ""},
		{"strike whole", FormatStrike, 150, "150"},
		{"strike half", FormatStrike, 152.5, "152.5"},
		{"strike quarter", FormatStrike, 17.25, "17.25"},
		{"strike NaN", FormatStrike, nan, ""},
		{"money", FormatMoney, -1234.5, "-1,234.50"},
		{"money big", FormatMoney, 1234567.891, "1,234,567.89"},
		{"money tiny negative", FormatMoney, -0.001, "0.00"},
		{"money huge", FormatMoney, 1e13, ""},
		{"money -Inf", FormatMoney, math.Inf(-1), ""},
		{"pct", FormatPct, 0.0523, "5.2%"},
		{"pct negative", FormatPct, -0.25, "-25.0%"},
		{"pct NaN", FormatPct, nan, ""},
		{"pct absurd", FormatPct, 1e9, ""},
		{"iv", FormatIV, 0.3456, "34.6%"},
		{"iv negative (unset)", FormatIV, -1, ""},
		{"iv absurd", FormatIV, 1e6, ""},
		{"delta", FormatDelta, -0.4567, "-0.46"},
		{"delta -0", FormatDelta, -0.001, "0.00"},
		{"delta unset (-2)", FormatDelta, -2, ""},
		{"count", FormatCount, 12345, "12345"},
		{"count K", FormatCount, 123456, "123.5K"},
		{"count M", FormatCount, 12345678, "12.3M"},
		{"count Integer.MAX", FormatCount, 2147483647, ""},
		{"count negative", FormatCount, -1, ""},
		{"count NaN", FormatCount, nan, ""},
	}
	for _, c := range cases {
		if got := c.f(c.in); got != c.want {
			t.Errorf("%s: %v → %q, want %q", c.name, c.in, got, c.want)
		}
	}
	if got := FormatNum(NA, FormatPct); got != "" {
		t.Errorf("FormatNum(NA) = %q", got)
	}
	if got := FormatNum(num(0.1), FormatPct); got != "10.0%" {
		t.Errorf("FormatNum(0.1) = %q", got)
	}
	if got := FormatDays(num(12)); got != "12d" {
		t.Errorf("FormatDays(12) = %q", got)
	}
	if got := FormatDays(NA); got != "" {
		t.Errorf("FormatDays(NA) = %q", got)
	}
	for _, v := range []float64{math.NaN(), math.Inf(1), math.Inf(-1)} {
		if got := FormatDays(Num{V: v, OK: true}); got != "" {
			t.Errorf("FormatDays(%v) = %q", v, got)
		}
	}
}
