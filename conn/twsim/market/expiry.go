package market

import (
	"slices"
	"time"
)

// expiryLayout is how TWS writes an option's lastTradeDateOrContractMonth.
const expiryLayout = "20060102"

// Listing windows.
const (
	weeklyDays = 35 // weekly Fridays listed this many days ahead
	dailyDays  = 14 // daily expirations (SPY, QQQ) this many days ahead
	monthlies  = 6  // standard third-Friday expirations listed
	quarterlys = 2  // quarter-end months listed after the monthlies
	leapsCount = 2  // January LEAPS listed after the monthlies
)

// expKind says which listing cycle an expiration belongs to; it decides the
// strike ladder. Later kinds win when a date belongs to several cycles.
type expKind uint8

const (
	kindDaily expKind = iota
	kindWeekly
	kindMonthly
	kindQuarterly
	kindLeaps
)

// listed is one expiration of an underlying.
type listed struct {
	day  time.Time // UTC midnight
	kind expKind
}

// listing returns the expirations of e that have not expired on today's
// calendar date (in today's own location), sorted. An expiration on today
// itself is listed: it trades until the close.
func listing(e *entry, today time.Time) []listed {
	t0 := dayOf(today)
	kinds := map[time.Time]expKind{}
	add := func(d time.Time, k expKind) {
		if d.Before(t0) {
			return
		}
		if old, ok := kinds[d]; !ok || k > old {
			kinds[d] = k
		}
	}
	if e.dailies {
		for d := t0; d.Before(t0.AddDate(0, 0, dailyDays)); d = d.AddDate(0, 0, 1) {
			if isTradingDay(d) {
				add(d, kindDaily)
			}
		}
	}
	if e.weeklies {
		fri := t0.AddDate(0, 0, (int(time.Friday)-int(t0.Weekday())+7)%7)
		for ; !fri.After(t0.AddDate(0, 0, weeklyDays)); fri = fri.AddDate(0, 0, 7) {
			add(expiryOn(fri), kindWeekly)
		}
	}
	// Monthlies: the next six third Fridays on or after today.
	y, m := t0.Year(), t0.Month()
	var lastMonthly time.Time
	for n := 0; n < monthlies; m++ {
		d := thirdFriday(y, m) // time.Date normalises month 13 and up
		if d.Before(t0) {
			continue
		}
		add(d, kindMonthly)
		lastMonthly = d
		n++
	}
	// Quarterlies: the next quarter-end months after the last monthly.
	for n := 0; n < quarterlys; m++ {
		d := thirdFriday(y, m)
		if d.After(lastMonthly) && d.Month()%3 == 0 {
			add(d, kindQuarterly)
			n++
		}
	}
	// LEAPS: January expirations beyond the monthlies.
	for yy, n := t0.Year()+1, 0; n < leapsCount; yy++ {
		if d := thirdFriday(yy, time.January); d.After(lastMonthly) {
			add(d, kindLeaps)
			n++
		}
	}
	out := make([]listed, 0, len(kinds))
	for d, k := range kinds {
		out = append(out, listed{day: d, kind: k})
	}
	slices.SortFunc(out, func(a, b listed) int { return a.day.Compare(b.day) })
	return out
}

// findListed returns the listed expiration with this YYYYMMDD string.
func findListed(e *entry, expiry string, today time.Time) (listed, bool) {
	d, err := time.Parse(expiryLayout, expiry)
	if err != nil {
		return listed{}, false
	}
	for _, l := range listing(e, today) {
		if l.day.Equal(d) {
			return l, true
		}
	}
	return listed{}, false
}

// Expirations returns the symbol's option expirations as YYYYMMDD, sorted:
// dailies (SPY, QQQ) for two weeks, weekly Fridays for five weeks, six
// monthly third Fridays, two quarter-end months and two January LEAPS.
// Holiday expirations move to the trading day before. Expired dates
// (before today's calendar date) are skipped. Unknown symbol: nil.
func (u *Universe) Expirations(symbol string, today time.Time) []string {
	e := u.lookup(symbol)
	if e == nil {
		return nil
	}
	ls := listing(e, today)
	out := make([]string, len(ls))
	for i, l := range ls {
		out[i] = l.day.Format(expiryLayout)
	}
	return out
}
