package scanner

import (
	"github.com/ibwatch/ibwatch/conn"
	"slices"
	"strings"
	"time"
)

// Deal is a pending all-cash takeover the user follows: the target's
// symbol, the cash price per share, the expected closing date and an
// optional break price (where the stock would trade if the deal failed).
type Deal struct {
	Symbol string
	// Price is the cash paid per share at closing (D).
	Price float64
	// ExpectedClose is the announced closing date. Only its calendar date
	// (Year, Month, Day in its own location) is used; the zero time means
	// unknown.
	ExpectedClose time.Time
	// BreakPrice is the estimated price if the deal breaks (B); 0 = none.
	BreakPrice float64
	// Dividends is the cash per share the target pays holders before the
	// close (to stock and covered-call positions, not option holders);
	// 0 = none.
	Dividends float64
	// Prob is the user's own probability of completion (0..1) for the
	// scan's expected values; 0 = use the market-implied (S − B)/(D − B).
	Prob float64
}

// FindDeal returns the deal for symbol (case-insensitive) from deals, for
// opening a chosen search result with its deal.
func FindDeal(deals []Deal, symbol string) (Deal, bool) {
	for _, d := range deals {
		if strings.EqualFold(d.Symbol, symbol) {
			return d, true
		}
	}
	return Deal{}, false
}

// expiryLayout is TWS's YYYYMMDD date format.
const expiryLayout = "20060102"

// civil returns t's calendar date as UTC midnight (no zone conversion).
func civil(t time.Time) time.Time {
	y, m, d := t.Date()
	return time.Date(y, m, d, 0, 0, 0, 0, time.UTC)
}

// today returns now's calendar date in New York as UTC midnight.
func today(now time.Time) time.Time { return civil(now.In(conn.Eastern())) }

// daysBetween returns the whole calendar days from now's New York date to
// date's own calendar date (negative when date is earlier).
func daysBetween(now, date time.Time) int {
	return int(civil(date).Sub(today(now)).Hours() / 24)
}

// DaysToExpiry is the number of calendar days from now's New York date to
// a TWS expiry (YYYYMMDD); not OK if the expiry does not parse.
func DaysToExpiry(expiry string, now time.Time) Num {
	e, ok := parseExpiry(expiry)
	if !ok {
		return Num{}
	}
	return num(float64(daysBetween(now, e)))
}

// parseExpiry parses a TWS expiry (YYYYMMDD, optionally followed by a time
// TWS appends, which is ignored). ok is false for anything else.
func parseExpiry(s string) (time.Time, bool) {
	if len(s) < 8 {
		return time.Time{}, false
	}
	t, err := time.Parse(expiryLayout, s[:8])
	if err != nil {
		return time.Time{}, false
	}
	return t, true
}

// Timing says whether an option expires before, on or after a deal's
// expected close.
type Timing int

// Timings of an expiry relative to the expected close.
const (
	TimingUnknown Timing = iota // no closing date or no expiry
	TimingBefore                // expires before the expected close
	TimingOn                    // expires on the closing date
	TimingAfter                 // expires after the expected close
)

// String returns "before", "on", "after" or "?".
func (t Timing) String() string {
	switch t {
	case TimingBefore:
		return "before"
	case TimingOn:
		return "on"
	case TimingAfter:
		return "after"
	}
	return "?"
}

// MarshalText encodes the timing as its word.
func (t Timing) MarshalText() ([]byte, error) { return []byte(t.String()), nil }

// timing compares an expiry with the expected close.
func timing(expiry string, close time.Time) Timing {
	e, ok := parseExpiry(expiry)
	if !ok || close.IsZero() {
		return TimingUnknown
	}
	switch c := civil(close); {
	case e.Before(c):
		return TimingBefore
	case e.Equal(c):
		return TimingOn
	}
	return TimingAfter
}

// marketClose is the New York time (hour) after which today's expiry no
// longer trades.
const marketClose = 16

// DefaultExpiry picks the expiry a chain opens on: the first one on or
// after the deal's expected close when deal is set and has a date (the last
// expiry if none is that late), else the nearest one still trading (today's
// expiry only until the 16:00 New York close). expiries must be sorted
// YYYYMMDD strings; "" when there are none.
func DefaultExpiry(expiries []string, deal *Deal, now time.Time) string {
	if len(expiries) == 0 {
		return ""
	}
	from := today(now)
	if now.In(conn.Eastern()).Hour() >= marketClose {
		from = from.AddDate(0, 0, 1)
	}
	if deal != nil && !deal.ExpectedClose.IsZero() {
		if c := civil(deal.ExpectedClose); c.After(from) {
			from = c
		}
	}
	for _, e := range expiries {
		if t, ok := parseExpiry(e); ok && !t.Before(from) {
			return e
		}
	}
	return expiries[len(expiries)-1]
}

// StepExpiry returns the expiry delta places after cur in expiries (before
// it when delta < 0), clamped to the list. When cur is not listed, the step
// counts from where it would be inserted. For the UI's [ ] and ←/→ keys.
// expiries must be sorted; cur is returned when the list is empty.
func StepExpiry(expiries []string, cur string, delta int) string {
	if len(expiries) == 0 {
		return cur
	}
	i, found := slices.BinarySearch(expiries, cur)
	switch {
	case found || delta < 0:
		i += delta
	case delta > 0:
		i += delta - 1
	}
	return expiries[min(max(i, 0), len(expiries)-1)]
}
