package conn

import (
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"time"
)

// Config configures a Supervisor. Zero values take the defaults listed on
// each field (see Defaults).
type Config struct {
	Host string // default "127.0.0.1"
	Port int    // default 7497 (TWS paper)
	// ClientIDs is the preferred client id followed by alternates tried, in
	// order, when TWS says an id is in use (326). Default {101, 102, 103}.
	ClientIDs []int64

	Heartbeat        time.Duration // H: REQ_CURRENT_TIME every H (default 5 s)
	HeartbeatTimeout time.Duration // T: stale after T without a reply (default 5 s)
	DialTimeout      time.Duration // default 3 s
	HandshakeTimeout time.Duration // hello reply and NEXT_VALID_ID, default 5 s
	BackoffBase      time.Duration // default 250 ms
	BackoffMax       time.Duration // default 5 s
	BackoffFactor    float64       // default 1.6
	StableAfter      time.Duration // a connection healthy this long resets the backoff (default 10 s)
	IDRetryPause     time.Duration // pause before retrying an id after 326 (default 2 s)
	// FastRetry is the fixed interval between dials while TWS refuses
	// them (nothing listening) early in an outage (default 200 ms); see
	// fastpath.go.
	FastRetry time.Duration
	// FastRetryFor is how long after an outage starts refused dials are
	// retried every FastRetry before the backoff takes over (default
	// 5 min); inside the daily-restart window they always are. Negative
	// turns the fast path off.
	FastRetryFor time.Duration

	// LinkCommand starts the link process; default: this executable + "link".
	LinkCommand []string
	// LinkStderr receives the link's stderr (our log file); nil discards it.
	LinkStderr       io.Writer
	LinkHelloTimeout time.Duration // default 10 s
	LinkPingInterval time.Duration // link liveness ping while idle (default 10 s)
	LinkPingTimeout  time.Duration // default 3 s

	RequestRate  float64       // requests per second to TWS (default 45)
	RequestBurst int           // default 10
	MaxLines     int           // market data line budget (default 95, TWS allows 100)
	SilentAfter  time.Duration // a live subscription silent this long while its market is open is re-requested (default 60 s)

	Schedule Schedule // expected maintenance windows (optional)

	// IBC, when its Addr is set, lets the supervisor ask IBC to heal TWS
	// (remedy.go).
	IBC IBCConfig

	// JournalDir receives one JSON line per event in daily files; "" disables.
	JournalDir       string
	JournalRetention int // days of files kept (default 14)
	// journalOpen opens a daily journal file; tests inject one that fails
	// like a full disk. nil opens the real file.
	journalOpen func(name string) (journalFile, error)

	// OnEvent, if set, sees every event (after the journal, before the
	// consumer) on the publisher goroutine; it must return quickly. The
	// Prometheus exporter uses it for histograms and per-code counters.
	OnEvent func(Event)

	Logger *slog.Logger // our own log (a file); nil discards
	Now    func() time.Time
	Rand   func() float64 // backoff jitter source; nil = math/rand/v2
	// MarketOpen reports whether a subscription's market is open now
	// (used for silent-subscription detection); nil = US equity hours.
	MarketOpen func(now time.Time) bool
}

// Defaults returns c with every zero field set to its default.
func (c Config) Defaults() Config {
	if c.Host == "" {
		c.Host = "127.0.0.1"
	}
	if c.Port == 0 {
		c.Port = 7497
	}
	if len(c.ClientIDs) == 0 {
		c.ClientIDs = []int64{101, 102, 103}
	}
	setDur(&c.Heartbeat, 5*time.Second)
	setDur(&c.HeartbeatTimeout, 5*time.Second)
	setDur(&c.DialTimeout, 3*time.Second)
	setDur(&c.HandshakeTimeout, 5*time.Second)
	setDur(&c.BackoffBase, 250*time.Millisecond)
	setDur(&c.BackoffMax, 5*time.Second)
	if c.BackoffFactor == 0 {
		c.BackoffFactor = 1.6
	}
	setDur(&c.StableAfter, 10*time.Second)
	setDur(&c.IDRetryPause, 2*time.Second)
	setDur(&c.FastRetry, 200*time.Millisecond)
	setDur(&c.FastRetryFor, 5*time.Minute)
	setDur(&c.LinkHelloTimeout, 10*time.Second)
	setDur(&c.LinkPingInterval, 10*time.Second)
	setDur(&c.LinkPingTimeout, 3*time.Second)
	// TWS counts messages in any one-second window; a token bucket lets
	// rate + burst through in one, so keep the sum below 50 with room for
	// jitter between here and the socket.
	if c.RequestRate == 0 {
		c.RequestRate = 42
	}
	if c.RequestBurst == 0 {
		c.RequestBurst = 4
	}
	if c.MaxLines == 0 {
		c.MaxLines = 95
	}
	setDur(&c.SilentAfter, 60*time.Second)
	c.IBC = c.IBC.defaults()
	if c.JournalRetention == 0 {
		c.JournalRetention = 14
	}
	if c.Logger == nil {
		c.Logger = slog.New(slog.DiscardHandler)
	}
	if c.Now == nil {
		c.Now = time.Now
	}
	if c.MarketOpen == nil {
		c.MarketOpen = USEquityHours
	}
	if len(c.LinkCommand) == 0 {
		if exe, err := os.Executable(); err == nil {
			c.LinkCommand = []string{exe, "link"}
		}
	}
	return c
}

func setDur(d *time.Duration, def time.Duration) {
	if *d == 0 {
		*d = def
	}
}

// Validate reports the first unusable setting, naming it.
func (c Config) Validate() error {
	var errs []error
	if c.Port <= 0 || c.Port > 65535 {
		errs = append(errs, fmt.Errorf("port %d: must be 1–65535", c.Port))
	}
	for _, id := range c.ClientIDs {
		if id < 0 || id > 2147483647 {
			errs = append(errs, fmt.Errorf("client id %d: must be 0–2147483647", id))
		}
	}
	for name, d := range map[string]time.Duration{
		"heartbeat": c.Heartbeat, "heartbeat timeout": c.HeartbeatTimeout, "dial timeout": c.DialTimeout,
		"handshake timeout": c.HandshakeTimeout, "backoff base": c.BackoffBase, "backoff max": c.BackoffMax,
		"fast retry": c.FastRetry,
	} {
		if d < 0 {
			errs = append(errs, fmt.Errorf("%s %v: must be positive", name, d))
		}
	}
	if c.BackoffMax > 0 && c.BackoffBase > c.BackoffMax {
		errs = append(errs, fmt.Errorf("backoff base %v is above backoff max %v", c.BackoffBase, c.BackoffMax))
	}
	if c.FastRetry > 0 && c.FastRetry < 10*time.Millisecond {
		// Each probe is a dial and a timer wake-up in the link: below
		// 10 ms a long outage would cost real CPU.
		errs = append(errs, fmt.Errorf("fast retry %v: must be at least 10ms", c.FastRetry))
	}
	if c.BackoffFactor != 0 && c.BackoffFactor < 1 {
		errs = append(errs, fmt.Errorf("backoff factor %v: must be ≥ 1", c.BackoffFactor))
	}
	if c.RequestRate < 0 || c.RequestRate+float64(c.RequestBurst) > 50 {
		errs = append(errs, fmt.Errorf("request rate %v + burst %d: must stay at or under 50 per second (TWS ends sessions above 50)", c.RequestRate, c.RequestBurst))
	}
	if c.MaxLines < 0 {
		errs = append(errs, fmt.Errorf("max lines %d: must be positive", c.MaxLines))
	}
	errs = append(errs, c.IBC.validate())
	return errors.Join(errs...)
}

// USEquityHours reports whether US equity regular hours are open
// (Mon–Fri 09:30–16:00 America/New_York; holidays are not modelled).
func USEquityHours(now time.Time) bool {
	t := now.In(Eastern())
	if t.Weekday() == time.Saturday || t.Weekday() == time.Sunday {
		return false
	}
	m := t.Hour()*60 + t.Minute()
	return m >= 9*60+30 && m < 16*60
}
