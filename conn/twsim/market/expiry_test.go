package market

import (
	"slices"
	"testing"
	"time"
)

func TestHolidays2026(t *testing.T) {
	want := []string{"20260101", "20260119", "20260216", "20260403", "20260525",
		"20260619", "20260703", "20260907", "20261126", "20261225"}
	var got []string
	for _, h := range holidays(2026) {
		if !h.IsZero() {
			got = append(got, h.Format(expiryLayout))
		}
	}
	slices.Sort(got)
	if !slices.Equal(got, want) {
		t.Fatalf("2026 holidays %v, want %v", got, want)
	}
	// 2022: New Year's Day on a Saturday is not observed on Friday 2021-12-31.
	if isHoliday(date(2021, time.December, 31)) || isHoliday(date(2022, time.January, 3)) {
		t.Fatal("2021-12-31 and 2022-01-03 are trading days")
	}
	if !isHoliday(date(2023, time.January, 2)) || !isHoliday(date(2027, time.December, 24)) {
		t.Fatal("New Year's Day 2023 and Christmas 2027 fall on Sundays and Saturdays")
	}
}

func TestExpirationsSkipHolidaysAndExpiredDates(t *testing.T) {
	u := Default()
	// Monday 2026-03-30: Good Friday 2026-04-03 moves that weekly to Thursday.
	ex := u.Expirations("AAPL", time.Date(2026, 3, 30, 9, 0, 0, 0, time.UTC))
	if !slices.Contains(ex, "20260402") || slices.Contains(ex, "20260403") {
		t.Fatalf("Good Friday weekly: %v", ex)
	}
	// Juneteenth 2027 is a Saturday, observed Friday 2027-06-18: the June
	// monthly expires on Thursday the 17th.
	ex = u.Expirations("AAPL", time.Date(2027, 2, 1, 9, 0, 0, 0, time.UTC))
	if !slices.Contains(ex, "20270617") {
		t.Fatalf("June 2027 monthly missing: %v", ex)
	}
	// On an expiry day the expiration is still listed; the day after it is not.
	fri := time.Date(2026, 11, 20, 15, 0, 0, 0, time.UTC)
	if ex := u.Expirations("HVLN", fri); ex[0] != "20261120" {
		t.Fatalf("on expiry day: first expiration %s", ex[0])
	}
	if ex := u.Expirations("HVLN", fri.AddDate(0, 0, 1)); ex[0] != "20261218" {
		t.Fatalf("day after expiry: first expiration %s", ex[0])
	}
	if u.Expirations("NOPE", fri) != nil {
		t.Fatal("unknown symbol has expirations")
	}
}

// TestExpirationsProperties sweeps two and a half years of days.
func TestExpirationsProperties(t *testing.T) {
	u := Default()
	for d := date(2026, 1, 1); d.Before(date(2028, 7, 1)); d = d.AddDate(0, 0, 3) {
		today := d.Add(11 * time.Hour)
		for _, sym := range []string{"SPY", "AAPL", "HVLN"} {
			e := u.lookup(sym)
			ls := listing(e, today)
			ex := u.Expirations(sym, today)
			if !slices.IsSorted(ex) || len(slices.Compact(slices.Clone(ex))) != len(ex) {
				t.Fatalf("%s %s: not sorted and unique: %v", sym, d.Format(expiryLayout), ex)
			}
			count := map[expKind]int{}
			for _, l := range ls {
				count[l.kind]++
				if l.day.Before(d) || !isTradingDay(l.day) {
					t.Fatalf("%s %s: %s is expired or not a trading day", sym, d.Format(expiryLayout), l.day.Format(expiryLayout))
				}
				if l.kind >= kindMonthly && l.day.Weekday() != time.Friday && l.day.Weekday() != time.Thursday {
					t.Fatalf("%s: monthly %s on a %s", sym, l.day.Format(expiryLayout), l.day.Weekday())
				}
				if l.kind == kindLeaps && l.day.Month() != time.January {
					t.Fatalf("%s: LEAPS %s not in January", sym, l.day.Format(expiryLayout))
				}
			}
			if count[kindMonthly] != monthlies || count[kindQuarterly] != quarterlys || count[kindLeaps] != leapsCount {
				t.Fatalf("%s %s: kinds %v", sym, d.Format(expiryLayout), count)
			}
			weeks := count[kindWeekly] + count[kindDaily]
			switch {
			case sym == "HVLN" && weeks != 0:
				t.Fatalf("deal stock has weeklies on %s", d.Format(expiryLayout))
			case sym == "AAPL" && (count[kindDaily] != 0 || count[kindWeekly] < 2 || count[kindWeekly] > 5):
				t.Fatalf("AAPL %s: %v", d.Format(expiryLayout), count)
			case sym == "SPY" && count[kindDaily] < 5:
				t.Fatalf("SPY %s: %v", d.Format(expiryLayout), count)
			}
			last := ls[len(ls)-1].day
			if last.Sub(d) < 365*24*time.Hour {
				t.Fatalf("%s %s: longest expiry %s is under a year out", sym, d.Format(expiryLayout), last.Format(expiryLayout))
			}
		}
	}
}
