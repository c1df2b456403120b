// Package twsim is a wire-faithful TWS / IB Gateway API simulator: the server
// side of the classic text protocol (server versions 100..200), a simulated
// market to serve, and fault controls (stall, drop, restart, refused port,
// lost IB link, farm notices, port reset, latency, injected errors and raw
// frames) reachable from Go and over a loopback HTTP control port.
//
// Locking: one mutex, Server.mu, guards all server and session state, so a
// fault takes effect and is recorded in the same critical section (the
// Snapshot is the ground truth a soak test compares with). Each session has
// its own small queue lock for outgoing frames; socket I/O never happens
// under Server.mu.
//
// Goroutines: the accept loop of the current listener, a reader and a writer
// per session, the market ticker and restart timers. All are tracked by
// Server.wg and end in Close.
package twsim

import (
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"strconv"
	"sync"
	"time"

	"github.com/ibwatch/ibwatch/conn/twsim/market"
	"github.com/ibwatch/ibwatch/conn/wire"
)

// Config configures a Server. The zero value is usable: every field has a
// default (see each field).
type Config struct {
	Listen          string           // default "127.0.0.1:0"
	ServerVersion   int              // cap, default 200; values above 200 are clamped to 200, below 100 raised to 100
	Seed            int64            // random-walk seed (default 1); same seed → same prices
	Accounts        []string         // default {"DU1234567"}
	MaxLines        int              // market-data lines per session, default 100
	MaxMsgRate      int              // requests per second before error 100, default 50
	DupIDCloseDelay time.Duration    // 326 → close, default 50ms (also 1300 → close and the third 100 → close)
	TickInterval    time.Duration    // streaming update period, default 250ms
	Logger          *slog.Logger     // nil → discard
	Now             func() time.Time // nil → time.Now (used for connection time, expiries, CURRENT_TIME)

	// SnapshotWait is how long a snapshot request waits before
	// TICK_SNAPSHOT_END. Real TWS waits about 11 s; the default 0 ends the
	// snapshot right after its ticks.
	SnapshotWait time.Duration
	// Universe is what the simulator serves; nil → market.Default().
	Universe *market.Universe
	// FirstOrderID is the first NEXT_VALID_ID; default 1. Like TWS, it
	// persists across sessions and restarts.
	FirstOrderID int64
	// Portfolio is the simulated paper account (cash and stock positions)
	// that account, position and PnL requests report; nil → a default
	// account: $1,000,000 cash and a few positions from the universe.
	Portfolio *Portfolio
}

// Defaults for Config.
const (
	DefaultServerVersion = wire.VerClassicMax
	DefaultMaxLines      = 100
	DefaultMaxMsgRate    = 50
	DefaultDupIDDelay    = 50 * time.Millisecond
	DefaultTickInterval  = 250 * time.Millisecond
	DefaultAccount       = "DU1234567"
)

// withDefaults returns cfg with every unset field filled in.
func (cfg Config) withDefaults() Config {
	if cfg.Listen == "" {
		cfg.Listen = "127.0.0.1:0"
	}
	if cfg.ServerVersion == 0 {
		cfg.ServerVersion = DefaultServerVersion
	}
	cfg.ServerVersion = min(max(cfg.ServerVersion, wire.VerMin), wire.VerClassicMax)
	if cfg.Seed == 0 {
		cfg.Seed = 1
	}
	if len(cfg.Accounts) == 0 {
		cfg.Accounts = []string{DefaultAccount}
	}
	if cfg.MaxLines <= 0 {
		cfg.MaxLines = DefaultMaxLines
	}
	if cfg.MaxMsgRate <= 0 {
		cfg.MaxMsgRate = DefaultMaxMsgRate
	}
	if cfg.DupIDCloseDelay <= 0 {
		cfg.DupIDCloseDelay = DefaultDupIDDelay
	}
	if cfg.TickInterval <= 0 {
		cfg.TickInterval = DefaultTickInterval
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.New(slog.NewTextHandler(io.Discard, nil))
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	if cfg.Universe == nil {
		cfg.Universe = market.Default()
	}
	if cfg.FirstOrderID <= 0 {
		cfg.FirstOrderID = 1
	}
	return cfg
}

// Server is one simulated TWS. Create it with New, then Start it.
type Server struct {
	cfg    Config
	log    *slog.Logger
	uni    *market.Universe
	mkt    *market.Market
	host   string
	wg     sync.WaitGroup
	done   chan struct{} // closed by Close
	mu     sync.Mutex
	st     serverState
	nextID uint64 // session ids, guarded by mu
}

// serverState is everything Server.mu guards.
type serverState struct {
	started, closed bool
	ln              net.Listener
	port            int
	listenErr       string
	refusing        bool
	restarting      bool
	restartGen      int
	hsStall         bool
	hsRelease       chan struct{} // closed when the handshake stall ends
	acceptClose     bool
	stalled         bool
	unstall         chan struct{} // closed when the stall ends
	latency         time.Duration
	ibLinkUp        bool
	farms           map[string]FarmState
	sessions        map[uint64]*session
	orderID         int64
	portfolio       Portfolio
	histSeen        map[string]time.Time // historical requests by content, for pacing
	histTimes       []time.Time          // historical requests in the last 10 minutes
	faults          []FaultRecord
	stats           Stats
}

// New returns a server for cfg; it does not listen until Start.
func New(cfg Config) *Server {
	cfg = cfg.withDefaults()
	s := &Server{
		cfg:  cfg,
		log:  cfg.Logger,
		uni:  cfg.Universe,
		done: make(chan struct{}),
	}
	s.mkt = market.NewMarket(s.uni, cfg.Seed, cfg.Now())
	s.st.ibLinkUp = true
	s.st.farms = map[string]FarmState{}
	for _, f := range farmNames {
		s.st.farms[f] = FarmOK
	}
	s.st.sessions = map[uint64]*session{}
	s.st.histSeen = map[string]time.Time{}
	s.st.orderID = cfg.FirstOrderID
	if cfg.Portfolio != nil {
		s.st.portfolio = *cfg.Portfolio
	} else {
		s.st.portfolio = defaultPortfolio(s.uni)
	}
	s.st.stats = newStats()
	return s
}

// Start opens the listener and starts the price walk. It fails if the
// listen address is not usable; it may be called only once.
func (s *Server) Start() error {
	host, portStr, err := net.SplitHostPort(s.cfg.Listen)
	if err != nil {
		return fmt.Errorf("twsim: listen address %q: %w", s.cfg.Listen, err)
	}
	port, err := strconv.Atoi(portStr)
	if err != nil || port < 0 || port > 65535 {
		return fmt.Errorf("twsim: listen address %q: bad port", s.cfg.Listen)
	}
	if host == "" {
		host = "127.0.0.1"
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.st.started || s.st.closed {
		return errors.New("twsim: Start called twice or after Close")
	}
	ln, err := net.Listen("tcp", net.JoinHostPort(host, strconv.Itoa(port)))
	if err != nil {
		return fmt.Errorf("twsim: %w", err)
	}
	s.host = host
	s.st.started = true
	s.st.port = ln.Addr().(*net.TCPAddr).Port
	s.serveLocked(ln)
	s.wg.Add(1)
	go s.tickLoop()
	s.log.Info("twsim listening", "addr", s.addrLocked(), "serverVersion", s.cfg.ServerVersion)
	return nil
}

// Addr returns the current listen address "host:port" (also while the
// listener is closed by a fault: the address it will reopen on).
func (s *Server) Addr() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.addrLocked()
}

func (s *Server) addrLocked() string {
	return net.JoinHostPort(s.host, strconv.Itoa(s.st.port))
}

// Port returns the current listen port.
func (s *Server) Port() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.st.port
}

// Universe returns what the simulator serves (read-only use).
func (s *Server) Universe() *market.Universe { return s.uni }

// Market returns the live prices the simulator streams.
func (s *Server) Market() *market.Market { return s.mkt }

// Close closes the listener and every socket, stops all goroutines and waits
// for them. It is safe to call more than once.
func (s *Server) Close() error {
	s.mu.Lock()
	if s.st.closed {
		s.mu.Unlock()
		s.wg.Wait()
		return nil
	}
	s.st.closed = true
	close(s.done)
	s.closeListenerLocked()
	for _, ss := range s.st.sessions {
		s.endSessionLocked(ss, "server closed")
	}
	s.mu.Unlock()
	s.wg.Wait()
	return nil
}

// now is the injected clock.
func (s *Server) now() time.Time { return s.cfg.Now() }

// wantListenLocked reports whether the listener should be open now.
func (s *Server) wantListenLocked() bool {
	return s.st.started && !s.st.closed && !s.st.refusing && !s.st.restarting
}

// syncListenerLocked opens or closes the listener to match the fault state.
// It reopens on the same port.
func (s *Server) syncListenerLocked() {
	want := s.wantListenLocked()
	switch {
	case want && s.st.ln == nil:
		ln, err := net.Listen("tcp", s.addrLocked())
		if err != nil {
			s.st.listenErr = err.Error()
			s.log.Error("twsim: cannot reopen listener", "addr", s.addrLocked(), "err", err)
			return
		}
		s.serveLocked(ln)
	case !want && s.st.ln != nil:
		s.closeListenerLocked()
	}
}

// serveLocked makes ln the listener and starts its accept loop.
func (s *Server) serveLocked(ln net.Listener) {
	s.st.ln = ln
	s.st.listenErr = ""
	s.wg.Add(1)
	go s.acceptLoop(ln)
}

// closeListenerLocked closes the current listener; its accept loop ends.
func (s *Server) closeListenerLocked() {
	if s.st.ln != nil {
		_ = s.st.ln.Close()
		s.st.ln = nil
	}
}

// acceptLoop accepts connections on ln until ln is closed.
func (s *Server) acceptLoop(ln net.Listener) {
	defer s.wg.Done()
	for {
		c, err := ln.Accept()
		if err != nil {
			var ne net.Error
			if errors.As(err, &ne) && ne.Timeout() {
				continue
			}
			return
		}
		s.mu.Lock()
		if s.st.closed || s.st.ln != ln {
			// Accepted in the instant the listener went away.
			s.mu.Unlock()
			_ = c.Close()
			continue
		}
		s.st.stats.Accepted++
		if s.st.acceptClose {
			s.mu.Unlock()
			_ = c.Close()
			s.log.Debug("twsim: accept-then-close", "remote", c.RemoteAddr().String())
			continue
		}
		s.nextID++
		ss := newSession(s, s.nextID, c)
		s.st.sessions[ss.id] = ss
		s.wg.Add(2)
		go ss.readLoop()
		go ss.writeLoop()
		s.mu.Unlock()
	}
}
