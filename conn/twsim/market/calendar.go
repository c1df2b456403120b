package market

import (
	"sync"
	"time"
)

// Eastern returns the exchange time zone (America/New_York, which TWS
// calls US/Eastern), loaded on first use. Without tzdata on the machine it
// falls back to a fixed UTC-5 (EST), which moves session times by an hour
// in summer and nothing else.
var Eastern = sync.OnceValue(func() *time.Location {
	loc, err := time.LoadLocation("America/New_York")
	if err != nil {
		return time.FixedZone("EST", -5*3600)
	}
	return loc
})

// dayOf returns the calendar date of t in t's own location, as UTC midnight.
func dayOf(t time.Time) time.Time {
	y, m, d := t.Date()
	return date(y, m, d)
}

// nthWeekday returns the n-th (1-based) weekday wd of month m in year y.
func nthWeekday(y int, m time.Month, wd time.Weekday, n int) time.Time {
	first := date(y, m, 1)
	off := (int(wd) - int(first.Weekday()) + 7) % 7
	return first.AddDate(0, 0, off+7*(n-1))
}

// lastWeekday returns the last weekday wd of month m in year y.
func lastWeekday(y int, m time.Month, wd time.Weekday) time.Time {
	last := date(y, m+1, 0)
	off := (int(last.Weekday()) - int(wd) + 7) % 7
	return last.AddDate(0, 0, -off)
}

// easter returns Easter Sunday of year y (Gregorian calendar, the anonymous
// "Meeus/Jones/Butcher" computus).
func easter(y int) time.Time {
	a := y % 19
	b, c := y/100, y%100
	d, e := b/4, b%4
	f := (b + 8) / 25
	g := (b - f + 1) / 3
	h := (19*a + b - d - g + 15) % 30
	i, k := c/4, c%4
	l := (32 + 2*e + 2*i - h - k) % 7
	m := (a + 11*h + 22*l) / 451
	month := (h + l - 7*m + 114) / 31
	day := (h+l-7*m+114)%31 + 1
	return date(y, time.Month(month), day)
}

// observed moves a fixed-date holiday off the weekend: Saturday to Friday,
// Sunday to Monday.
func observed(d time.Time) time.Time {
	switch d.Weekday() {
	case time.Saturday:
		return d.AddDate(0, 0, -1)
	case time.Sunday:
		return d.AddDate(0, 0, 1)
	}
	return d
}

// holidays returns the NYSE full-day holidays of year y (rules in force since
// 2022). New Year's Day on a Saturday is not made up on the Friday before,
// which leaves that slot zero. An array, so that the hot path of option
// quoting does not allocate.
func holidays(y int) [10]time.Time {
	hs := [10]time.Time{
		nthWeekday(y, time.January, time.Monday, 3),    // Martin Luther King Jr. Day
		nthWeekday(y, time.February, time.Monday, 3),   // Washington's Birthday
		easter(y).AddDate(0, 0, -2),                    // Good Friday
		lastWeekday(y, time.May, time.Monday),          // Memorial Day
		observed(date(y, time.June, 19)),               // Juneteenth
		observed(date(y, time.July, 4)),                // Independence Day
		nthWeekday(y, time.September, time.Monday, 1),  // Labor Day
		nthWeekday(y, time.November, time.Thursday, 4), // Thanksgiving
		observed(date(y, time.December, 25)),           // Christmas
	}
	if ny := date(y, time.January, 1); ny.Weekday() != time.Saturday {
		hs[9] = observed(ny)
	}
	return hs
}

// Years whose holidays are precomputed; others are computed on each call.
const firstYear, lastYear = 2000, 2100

// holidaySet holds the holidays of firstYear..lastYear as days since the
// Unix epoch.
var holidaySet = sync.OnceValue(func() map[int64]bool {
	set := map[int64]bool{}
	for y := firstYear; y <= lastYear; y++ {
		for _, h := range holidays(y) {
			if !h.IsZero() {
				set[h.Unix()/86400] = true
			}
		}
	}
	return set
})

// isHoliday reports whether d (UTC midnight) is an NYSE holiday.
func isHoliday(d time.Time) bool {
	if y := d.Year(); y >= firstYear && y <= lastYear {
		return holidaySet()[d.Unix()/86400]
	}
	for _, h := range holidays(d.Year()) {
		if h.Equal(d) {
			return true
		}
	}
	return false
}

// isTradingDay reports whether d (UTC midnight) is a weekday and not a holiday.
func isTradingDay(d time.Time) bool {
	wd := d.Weekday()
	return wd != time.Saturday && wd != time.Sunday && !isHoliday(d)
}

// expiryOn moves an expiration that falls on a holiday to the trading day
// before, as the exchanges do (e.g. Good Friday to Thursday).
func expiryOn(d time.Time) time.Time {
	for !isTradingDay(d) {
		d = d.AddDate(0, 0, -1)
	}
	return d
}

// thirdFriday returns the standard monthly expiration of month m in year y,
// moved off a holiday.
func thirdFriday(y int, m time.Month) time.Time {
	return expiryOn(nthWeekday(y, m, time.Friday, 3))
}

// expiryClose returns the instant an option expiring on day d stops trading:
// 16:00 New York time.
func expiryClose(d time.Time) time.Time {
	return time.Date(d.Year(), d.Month(), d.Day(), 16, 0, 0, 0, Eastern())
}

// sessionFraction returns how much of the regular session (09:30 to 16:00
// New York) has elapsed at t: 0 before the open and on non-trading days, 1
// after the close.
func sessionFraction(t time.Time) float64 {
	ny := t.In(Eastern())
	if !isTradingDay(dayOf(ny)) {
		return 0
	}
	open := time.Date(ny.Year(), ny.Month(), ny.Day(), 9, 30, 0, 0, Eastern())
	f := ny.Sub(open).Hours() / 6.5
	return min(max(f, 0), 1)
}
