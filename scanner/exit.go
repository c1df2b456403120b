package scanner

import "time"

// When the money of a position comes back. For stock it is the deal's
// close. For listed US options on a target converted to 100 % cash, OCC
// accelerates the expiration of every series to the nearest standard
// monthly expiration (the third Friday) after the conversion; when the
// conversion happens after the Tuesday of an expiration week, series not
// expiring that week are deferred to the next month's expiration. So an
// option's exit is the earlier of its own expiry and that accelerated
// date. An expiry before the close exits at its expiry (with the deal not
// yet closed: any value there is an assumption). Exchange holidays that
// move an expiration to Thursday are ignored: a day's difference.

// thirdFriday returns the third Friday of the month (m may overflow; it
// is normalised) as UTC midnight.
func thirdFriday(y int, m time.Month) time.Time {
	first := time.Date(y, m, 1, 0, 0, 0, 0, time.UTC)
	off := (int(time.Friday) - int(first.Weekday()) + 7) % 7
	return first.AddDate(0, 0, off+14)
}

// AcceleratedExpiry returns the date OCC accelerates a target's option
// series to after a cash close on closeDate: the first third Friday whose
// week's Tuesday is on or after the close date (UTC midnight).
func AcceleratedExpiry(closeDate time.Time) time.Time {
	c := civil(closeDate)
	for i := 0; ; i++ {
		f := thirdFriday(c.Year(), c.Month()+time.Month(i))
		if !c.After(f.AddDate(0, 0, -3)) {
			return f
		}
	}
}

// Exit is when a position's capital comes back.
type Exit struct {
	// Date is the exit date (zero when unknown: no close date).
	Date time.Time `json:"date,omitzero"`
	// Days is calendar days from today (New York) to Date; NA when unknown.
	Days Num `json:"days"`
	// Accelerated is true when an option exits at OCC's accelerated
	// expiration rather than at its own expiry.
	Accelerated bool `json:"accelerated,omitempty"`
}

// StockExit is the exit of a stock position: the expected close.
func StockExit(d Deal, now time.Time) Exit {
	if d.ExpectedClose.IsZero() {
		return Exit{}
	}
	c := civil(d.ExpectedClose)
	return Exit{Date: c, Days: num(float64(daysBetween(now, c)))}
}

// OptionExit is the exit of an option position expiring at expiry
// (YYYYMMDD): unknown without a close date; the expiry when it is before
// the close; else the earlier of the expiry and AcceleratedExpiry(close).
func OptionExit(d Deal, expiry string, now time.Time) Exit {
	e, ok := parseExpiry(expiry)
	if !ok || d.ExpectedClose.IsZero() {
		return Exit{}
	}
	x := Exit{Date: e}
	if !e.Before(civil(d.ExpectedClose)) {
		if a := AcceleratedExpiry(d.ExpectedClose); a.Before(e) {
			x.Date, x.Accelerated = a, true
		}
	}
	x.Days = num(float64(daysBetween(now, x.Date)))
	return x
}
