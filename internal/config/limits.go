package config

import (
	"fmt"
	"io"
	"os"
	"time"
	"unicode/utf8"
)

// durLimit is the range a duration setting accepts, with the reason for
// each end: a value outside it cannot work, or only loads TWS.
type durLimit struct {
	min, max       time.Duration
	whyMin, whyMax string
}

// check returns nil if d is inside the range, else the bound and its reason.
func (l durLimit) check(d time.Duration) error {
	switch {
	case d < l.min:
		return fmt.Errorf("must be at least %s: %s", formatDuration(l.min), l.whyMin)
	case d > l.max:
		return fmt.Errorf("must be at most %s: %s", formatDuration(l.max), l.whyMax)
	}
	return nil
}

// Duration limits. The test suite drives the binary with 200ms heartbeats,
// 400ms heartbeat timeouts, a 1s handshake timeout and 20ms–200ms backoff,
// so the minimums stay at or below those.
var (
	heartbeatLimit = durLimit{200 * time.Millisecond, 10 * time.Minute,
		"faster heartbeats only load TWS and grow the journal",
		"a dead connection would go unnoticed for longer than that"}
	heartbeatTimeoutLimit = durLimit{200 * time.Millisecond, 10 * time.Minute,
		"a busy but healthy TWS can take that long to answer",
		"a frozen TWS would go unnoticed for longer than that"}
	dialTimeoutLimit = durLimit{100 * time.Millisecond, 5 * time.Minute,
		"a TCP connect across a network can take that long",
		"a connect that takes longer has failed"}
	handshakeTimeoutLimit = durLimit{500 * time.Millisecond, 10 * time.Minute,
		"TWS takes that long to answer a new session",
		"a stalled start would go unreported for longer than that"}
	backoffBaseLimit = durLimit{10 * time.Millisecond, time.Minute,
		"faster retries only hammer TWS",
		"the first reconnect would wait needlessly long"}
	backoffMaxLimit = durLimit{100 * time.Millisecond, 30 * time.Minute,
		"faster retries only hammer TWS",
		"you would stay disconnected that long after TWS comes back"}
	restartWindowLimit = durLimit{time.Minute, 3 * time.Hour,
		"a TWS restart takes at least a minute",
		"a longer window would label a real outage as expected"}
	fastRetryLimit = durLimit{50 * time.Millisecond, time.Minute,
		"a refused dial is cheap, but faster probes only burn CPU",
		"a slower probe is no longer a fast path"}
	fastRetryForLimit = durLimit{time.Second, 24 * time.Hour,
		"a shorter fast path ends before a restarting TWS can listen again",
		"past a day the backoff cap should take over"}
	ibcAfterLimit = durLimit{time.Second, 24 * time.Hour,
		"IB heals short blips by itself: asking IBC sooner only disturbs TWS",
		"a remedy that late is no remedy"}
	ibcRestartAfterLimit = durLimit{10 * time.Second, 24 * time.Hour,
		"a busy TWS can be silent for seconds: restarting it sooner risks a restart storm",
		"a remedy that late is no remedy"}
	// everyLimit bounds [scan] every when it is not 0 (off).
	everyLimit = durLimit{time.Minute, 24 * time.Hour,
		"a full scan takes most of a minute at TWS's pacing: sooner, the dashboard would scan without rest",
		"quotes a day old are stale: leave every at \"0s\" and press n"}
)

// Size limits on other values.
const (
	// maxConfigBytes caps the config file read: a real one is a few
	// kilobytes; without a cap --config /dev/zero would fill the memory.
	maxConfigBytes = 1 << 20
	// maxTextLen caps host, addresses and zone names (a DNS name has at
	// most 253 characters); maxPathLen caps paths (Linux's PATH_MAX).
	maxTextLen = 300
	maxPathLen = 4096
	// maxWatchlist and maxDeals bound the lists the symbol search shows first.
	maxWatchlist = 200
	maxDeals     = 200
	// clipLen is how much of a bad value an error message echoes.
	clipLen = 40
)

// Deal limits.
const (
	// maxDealPrice matches the deal form in the dashboard: no share trades
	// near a million dollars, so such a price is a typo.
	maxDealPrice = 1e6
	// dealPastDays: a deal that should have closed over a year ago is
	// stale. dealFutureYears: mergers close within months, rarely after
	// two years; a date further out is a typo.
	dealPastDays    = 365
	dealFutureYears = 5
)

// Scan limits ([scan] and a deal's own selection keys).
const (
	// maxStrikeFraction is the scanner's own bound on a strike fraction
	// of D (it would replace a larger one with its default).
	maxStrikeFraction = 10
	// maxDaysBefore: listed options expire at most about three years out.
	maxDaysBefore = 1100
	// maxAfter: expiries after the close are accelerated to it at a cash
	// close, so more of them only cost market-data lines.
	maxAfter = 12
	// maxShortWithin bounds the verticals per long strike.
	maxShortWithin = 20
	// maxMinOI is above any option's open interest.
	maxMinOI = 1e8
	// maxMinAnnual: 10 = 1,000 %; a larger bound is a percentage typed
	// as a fraction.
	maxMinAnnual = 10
)

// clip shortens s for an error message, so a huge bad value does not fill
// the screen.
func clip(s string) string {
	if utf8.RuneCountInString(s) <= clipLen {
		return s
	}
	r := []rune(s)
	return string(r[:clipLen-1]) + "…"
}

// clipQuote is clip in Go quotes, as messages show values.
func clipQuote(s string) string { return fmt.Sprintf("%q", clip(s)) }

// readConfigFile reads the config file, refusing one over maxConfigBytes.
// It reads through a limit rather than trusting the size on disk: devices
// and pipes (--config <(…)) report none.
func readConfigFile(path string) ([]byte, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	if fi, err := f.Stat(); err == nil && fi.IsDir() {
		return nil, fmt.Errorf("%s is a directory, not a config file", path)
	}
	src, err := io.ReadAll(io.LimitReader(f, maxConfigBytes+1))
	if err != nil {
		return nil, err
	}
	if len(src) > maxConfigBytes {
		return nil, fmt.Errorf("%s is larger than %d KiB: not a config file (a real one is a few kilobytes)", path, maxConfigBytes>>10)
	}
	return src, nil
}

// errTooLong is returned for a string over its cap.
func errTooLong(n int) error {
	return fmt.Errorf("longer than %d characters", n)
}
