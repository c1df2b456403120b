// Package fastconf is the supervisor configuration shared by the tests
// that run a real supervisor against the simulator (conn/obs, scanner,
// tui): every interval short, so that fault tests run in seconds. Package
// conn's own tests keep an equal fastConfig of their own, since they
// cannot import a package that imports conn.
package fastconf

import (
	"time"

	"github.com/ibwatch/ibwatch/conn"
)

// Config returns a configuration for a simulator on 127.0.0.1:port, with
// the link started by link (see conntest.LinkCommand) and client ids ids.
// Callers change what their tests need on the result.
func Config(port int, link []string, ids ...int64) conn.Config {
	return conn.Config{
		Host: "127.0.0.1", Port: port, ClientIDs: ids,
		Heartbeat: 200 * time.Millisecond, HeartbeatTimeout: 400 * time.Millisecond,
		DialTimeout: 500 * time.Millisecond, HandshakeTimeout: time.Second,
		BackoffBase: 20 * time.Millisecond, BackoffMax: 200 * time.Millisecond,
		IDRetryPause: 100 * time.Millisecond, StableAfter: 500 * time.Millisecond,
		LinkCommand:      link,
		LinkPingInterval: 500 * time.Millisecond, LinkPingTimeout: 2 * time.Second,
		SilentAfter: time.Hour,
	}
}
