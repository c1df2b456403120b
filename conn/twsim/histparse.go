package twsim

import (
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/ibwatch/ibwatch/conn/twsim/market"
)

// barSizes are TWS's bar size settings.
var barSizes = map[string]market.BarSize{
	"1 secs": fixed(time.Second), "5 secs": fixed(5 * time.Second), "10 secs": fixed(10 * time.Second),
	"15 secs": fixed(15 * time.Second), "30 secs": fixed(30 * time.Second),
	"1 min": fixed(time.Minute), "2 mins": fixed(2 * time.Minute), "3 mins": fixed(3 * time.Minute),
	"5 mins": fixed(5 * time.Minute), "10 mins": fixed(10 * time.Minute), "15 mins": fixed(15 * time.Minute),
	"20 mins": fixed(20 * time.Minute), "30 mins": fixed(30 * time.Minute),
	"1 hour": fixed(time.Hour), "2 hours": fixed(2 * time.Hour), "3 hours": fixed(3 * time.Hour),
	"4 hours": fixed(4 * time.Hour), "8 hours": fixed(8 * time.Hour),
	"1 day": {Unit: market.Day}, "1 week": {Unit: market.Week}, "1 month": {Unit: market.Month},
}

func fixed(d time.Duration) market.BarSize { return market.BarSize{Unit: market.Fixed, Len: d} }

// whatToShow maps TWS's names to bar kinds.
var whatToShow = map[string]market.What{
	"TRADES": market.Trades, "MIDPOINT": market.Midpoint, "BID": market.BidBars,
	"ASK": market.AskBars, "BID_ASK": market.BidAsk,
}

// parseBarSize accepts TWS's settings, with "1 mins"/"1 hours" style
// plurals as some clients write them.
func parseBarSize(s string) (market.BarSize, bool) {
	s = strings.Join(strings.Fields(strings.ToLower(s)), " ")
	if b, ok := barSizes[s]; ok {
		return b, true
	}
	for _, p := range [][2]string{{"1 mins", "1 min"}, {"1 hours", "1 hour"}, {"1 sec", "1 secs"}, {"1 days", "1 day"}} {
		if s == p[0] {
			return barSizes[p[1]], true
		}
	}
	return market.BarSize{}, false
}

// maxSpan is the longest duration TWS serves for a bar size: second bars
// are limited to a few thousand bars (TWS's step table), minute and hour
// bars to a year, longer bars to five years.
func maxSpan(b market.BarSize) time.Duration {
	switch {
	case b.Unit == market.Fixed && b.Len < time.Minute:
		return 3000 * b.Len
	case b.Unit == market.Fixed:
		return 366 * 24 * time.Hour
	}
	return 5 * 366 * 24 * time.Hour
}

// parseDuration reads "N S|D|W|M|Y" and returns the start of the span
// ending at end. Days count trading days, as TWS does ("2 D" on a Monday
// is Friday and Monday).
func parseDuration(s string, end time.Time) (time.Time, error) {
	num, unit, ok := strings.Cut(strings.TrimSpace(s), " ")
	n, err := strconv.Atoi(num)
	if !ok || err != nil || n <= 0 || n > 100000 {
		return time.Time{}, fmt.Errorf("Historical data duration %s is invalid: want an integer and S, D, W, M or Y", clipN(s))
	}
	switch strings.ToUpper(strings.TrimSpace(unit)) {
	case "S":
		return end.Add(-time.Duration(n) * time.Second), nil
	case "D":
		if n > 5000 {
			break
		}
		d := end.In(market.Eastern())
		day := time.Date(d.Year(), d.Month(), d.Day(), 0, 0, 0, 0, market.Eastern())
		for left := n; ; day = day.AddDate(0, 0, -1) {
			if market.IsTrading(day.Add(19*time.Hour)) && day.Add(4*time.Hour).Before(end) {
				if left--; left == 0 {
					return day, nil
				}
			}
		}
	case "W":
		return end.AddDate(0, 0, -7*n), nil
	case "M":
		return end.AddDate(0, -n, 0), nil
	case "Y":
		if n <= 100 {
			return end.AddDate(-n, 0, 0), nil
		}
	}
	return time.Time{}, fmt.Errorf("Historical data duration %s is invalid: want an integer and S, D, W, M or Y", clipN(s))
}

// parseEndTime reads endDateTime: "" (now), "yyyyMMdd HH:mm:ss[ zone]"
// (no zone: New York, the simulated TWS's zone), "yyyyMMdd-HH:mm:ss" (UTC)
// or "yyyyMMdd" (the end of that day). A time after now is now.
func parseEndTime(s string, now time.Time) (time.Time, error) {
	s = strings.TrimSpace(s)
	if s == "" {
		return now, nil
	}
	var t time.Time
	var err error
	switch {
	case len(s) == 8:
		t, err = time.ParseInLocation("20060102", s, market.Eastern())
		t = t.AddDate(0, 0, 1)
	case len(s) >= 17 && s[8] == '-':
		t, err = time.Parse("20060102-15:04:05", s[:17])
	case len(s) >= 17:
		loc := market.Eastern()
		if zone := strings.TrimSpace(s[17:]); zone != "" {
			switch zone {
			case "US/Eastern", "EST", "EDT", "America/New_York":
			case "UTC", "GMT":
				loc = time.UTC
			default:
				if loc, err = time.LoadLocation(zone); err != nil {
					return time.Time{}, fmt.Errorf("unknown time zone %s in end date/time", clipN(zone))
				}
			}
		}
		t, err = time.ParseInLocation("20060102 15:04:05", s[:17], loc)
	default:
		err = fmt.Errorf("bad length")
	}
	if err != nil {
		return time.Time{}, fmt.Errorf("End date/time %s is invalid: want yyyyMMdd HH:mm:ss [zone] or yyyyMMdd-HH:mm:ss", clipN(s))
	}
	if t.After(now) {
		t = now
	}
	return t, nil
}

// clipN is clip without quotes, for validation causes.
func clipN(s string) string {
	q := clip(s)
	return q[1 : len(q)-1]
}

// barDate formats a bar's time: daily and longer bars as yyyyMMdd, others
// as "yyyyMMdd HH:mm:ss US/Eastern" (formatDate 1) or epoch seconds (2).
func barDate(t time.Time, size market.BarSize, format int64) string {
	if size.Unit != market.Fixed {
		return t.In(market.Eastern()).Format("20060102")
	}
	if format == 2 {
		return strconv.FormatInt(t.Unix(), 10)
	}
	return t.In(market.Eastern()).Format("20060102 15:04:05") + " US/Eastern"
}

// spanDate formats the start and end of HISTORICAL_DATA_END.
func spanDate(t time.Time) string {
	return t.In(market.Eastern()).Format("20060102 15:04:05") + " US/Eastern"
}
