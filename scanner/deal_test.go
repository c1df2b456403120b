package scanner

import (
	"testing"
	"time"
)

func TestDefaultExpiry(t *testing.T) {
	exps := []string{"20261127", "20261204", "20261218", "20270115", "20270219", "20270319"}
	now := time.Date(2026, time.November, 28, 17, 0, 0, 0, time.UTC)
	if got := DefaultExpiry(exps, nil, now); got != "20261204" {
		t.Errorf("nearest = %s, want 20261204 (20261127 has expired)", got)
	}
	d := &Deal{Price: 10, ExpectedClose: time.Date(2027, time.January, 29, 0, 0, 0, 0, time.UTC)}
	if got := DefaultExpiry(exps, d, now); got != "20270219" {
		t.Errorf("deal = %s, want the first after the close, 20270219", got)
	}
	d.ExpectedClose = time.Date(2027, time.February, 19, 0, 0, 0, 0, time.UTC)
	if got := DefaultExpiry(exps, d, now); got != "20270219" {
		t.Errorf("deal closing on an expiry = %s, want that expiry", got)
	}
	d.ExpectedClose = time.Date(2028, time.January, 1, 0, 0, 0, 0, time.UTC)
	if got := DefaultExpiry(exps, d, now); got != "20270319" {
		t.Errorf("deal closing after every expiry = %s, want the last", got)
	}
	d.ExpectedClose = time.Date(2026, time.June, 1, 0, 0, 0, 0, time.UTC)
	if got := DefaultExpiry(exps, d, now); got != "20261204" {
		t.Errorf("overdue deal = %s, want the nearest", got)
	}
	afterClose := time.Date(2026, time.December, 4, 21, 30, 0, 0, time.UTC) // 16:30 in New York
	if got := DefaultExpiry(exps, nil, afterClose); got != "20261218" {
		t.Errorf("after the close on an expiry day = %s, want the next expiry 20261218", got)
	}
	if got := DefaultExpiry(exps, nil, afterClose.Add(-time.Hour)); got != "20261204" {
		t.Errorf("before the close on an expiry day = %s, want that day's 20261204", got)
	}
	if got := DefaultExpiry(nil, nil, now); got != "" {
		t.Errorf("no expiries = %q", got)
	}
}

func TestStepExpiry(t *testing.T) {
	exps := []string{"20261204", "20261218", "20270115"}
	cases := []struct {
		cur   string
		delta int
		want  string
	}{
		{"20261204", 1, "20261218"},
		{"20261218", -1, "20261204"},
		{"20270115", 1, "20270115"},
		{"20261204", -3, "20261204"},
		{"20261210", 1, "20261218"},
		{"20261210", -1, "20261204"},
		{"20300101", -1, "20270115"},
	}
	for _, c := range cases {
		if got := StepExpiry(exps, c.cur, c.delta); got != c.want {
			t.Errorf("StepExpiry(%s, %d) = %s, want %s", c.cur, c.delta, got, c.want)
		}
	}
}

func TestTiming(t *testing.T) {
	close := time.Date(2027, time.January, 29, 0, 0, 0, 0, time.UTC)
	for exp, want := range map[string]Timing{"20270115": TimingBefore, "20270129": TimingOn, "20270219": TimingAfter, "2027": TimingUnknown} {
		if got := timing(exp, close); got != want {
			t.Errorf("timing(%s) = %v, want %v", exp, got, want)
		}
	}
	if got := timing("20270219", time.Time{}); got != TimingUnknown {
		t.Errorf("no close date: %v", got)
	}
}

func TestFindDeal(t *testing.T) {
	deals := []Deal{{Symbol: "BRCV", Price: 34.5}, {Symbol: "HVLN", Price: 86}}
	if d, ok := FindDeal(deals, "hvln"); !ok || d.Price != 86 {
		t.Errorf("FindDeal(hvln) = %+v, %v", d, ok)
	}
	if _, ok := FindDeal(deals, "AAPL"); ok {
		t.Error("FindDeal(AAPL) found a deal")
	}
}
