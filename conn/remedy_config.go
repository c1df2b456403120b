package conn

import (
	"errors"
	"fmt"
	"time"

	"github.com/ibwatch/ibwatch/conn/ibc"
)

// IBCConfig turns on the graded remedies through IBC's command server (see
// remedy.go). Everything is off while Addr is empty; zero durations take
// the defaults listed.
type IBCConfig struct {
	// Addr is IBC's command server, host:port on this machine (IBC's
	// CommandServerPort), e.g. "127.0.0.1:7462".
	Addr string
	// DataAfter: a market or historical data farm broken this long while
	// IB is linked → RECONNECTDATA (default 60 s).
	DataAfter time.Duration
	// AccountAfter: IB link lost (1100) this long → RECONNECTACCOUNT
	// (default 90 s).
	AccountAfter time.Duration
	// RestartAfter: TWS accepts sockets but its API does not answer
	// (handshake or heartbeat timeouts) this long → RESTART (default 3 min).
	RestartAfter time.Duration
	// DataEvery, AccountEvery and RestartEvery: each remedy is sent at
	// most once per its window (default 10 min, 10 min, 15 min).
	DataEvery, AccountEvery, RestartEvery time.Duration
	// MaxRestarts in any 24 hours (default 3); then an error event and no
	// more RESTART until the oldest one is 24 hours old.
	MaxRestarts int
	// DialTimeout and ReplyTimeout bound one IBC call (default 2 s, 10 s).
	DialTimeout, ReplyTimeout time.Duration
}

// On reports whether IBC remedies are configured.
func (c IBCConfig) On() bool { return c.Addr != "" }

func (c IBCConfig) defaults() IBCConfig {
	if !c.On() {
		return c
	}
	setDur(&c.DataAfter, 60*time.Second)
	setDur(&c.AccountAfter, 90*time.Second)
	setDur(&c.RestartAfter, 3*time.Minute)
	setDur(&c.DataEvery, 10*time.Minute)
	setDur(&c.AccountEvery, 10*time.Minute)
	setDur(&c.RestartEvery, 15*time.Minute)
	if c.MaxRestarts == 0 {
		c.MaxRestarts = 3
	}
	setDur(&c.DialTimeout, 2*time.Second)
	setDur(&c.ReplyTimeout, 10*time.Second)
	return c
}

func (c IBCConfig) validate() error {
	if !c.On() {
		return nil
	}
	var errs []error
	if err := ibc.CheckAddr(c.Addr, false); err != nil {
		errs = append(errs, fmt.Errorf("ibc address: %w", err))
	}
	for name, d := range map[string]time.Duration{"ibc data after": c.DataAfter, "ibc account after": c.AccountAfter,
		"ibc restart after": c.RestartAfter, "ibc data every": c.DataEvery, "ibc account every": c.AccountEvery,
		"ibc restart every": c.RestartEvery, "ibc dial timeout": c.DialTimeout, "ibc reply timeout": c.ReplyTimeout} {
		if d < 0 {
			errs = append(errs, fmt.Errorf("%s %v: must be positive", name, d))
		}
	}
	if c.MaxRestarts < 0 || c.MaxRestarts > 24 {
		errs = append(errs, fmt.Errorf("ibc max restarts %d: want 0–24 a day", c.MaxRestarts))
	}
	return errors.Join(errs...)
}
