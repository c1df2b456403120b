package twsim

import (
	"bufio"
	"fmt"
	"net"
	"strings"
	"sync"
	"time"
)

// The simulated IBC command server. IBC runs TWS unattended and, when its
// CommandServerPort is set, takes plain-text commands on a socket: one per
// line, each answered "OK <text>" or "ERROR <text>"; EXIT ends the
// connection, RESTART answers and then closes it. The simulator acts on
// the commands that heal TWS, with the delays a real TWS shows.

// IBCConfig configures the simulated IBC command server.
type IBCConfig struct {
	// Listen is the address; default "127.0.0.1:0".
	Listen string
	// ReconnectDelay is how long RECONNECTDATA and RECONNECTACCOUNT take
	// to act (default 1 s).
	ReconnectDelay time.Duration
	// RestartDown is how long RESTART keeps the API port closed (default 3 s).
	RestartDown time.Duration
	// DataLost makes RECONNECTACCOUNT end an IB link loss with 1101 (data
	// lost, subscriptions gone) instead of 1102 (data maintained).
	DataLost bool
}

// IBC is a running simulated IBC command server; Close ends it.
type IBC struct {
	s    *Server
	cfg  IBCConfig
	ln   net.Listener
	done chan struct{}
	wg   sync.WaitGroup

	mu      sync.Mutex
	conns   map[net.Conn]struct{}
	errText string // non-empty: every command is answered "ERROR errText"
	stuck   bool   // RESTART does not cure a frozen API
	closed  bool
}

// StartIBC starts an IBC command server for s.
func (s *Server) StartIBC(cfg IBCConfig) (*IBC, error) {
	if cfg.Listen == "" {
		cfg.Listen = "127.0.0.1:0"
	}
	if cfg.ReconnectDelay <= 0 {
		cfg.ReconnectDelay = time.Second
	}
	if cfg.RestartDown <= 0 {
		cfg.RestartDown = 3 * time.Second
	}
	ln, err := net.Listen("tcp", cfg.Listen)
	if err != nil {
		return nil, fmt.Errorf("IBC command server: %w", err)
	}
	b := &IBC{s: s, cfg: cfg, ln: ln, done: make(chan struct{}), conns: map[net.Conn]struct{}{}}
	b.wg.Add(1)
	go b.accept()
	return b, nil
}

// Addr is the address the command server listens on.
func (b *IBC) Addr() string { return b.ln.Addr().String() }

// SetAnswerError makes every command fail with "ERROR text" (a TWS whose
// main window IBC cannot find, say); "" restores normal answers.
func (b *IBC) SetAnswerError(text string) {
	b.mu.Lock()
	b.errText = strings.TrimSpace(text)
	b.mu.Unlock()
}

// SetRestartIneffective makes RESTART restart TWS without curing a
// frozen API (a TWS that comes back stuck, say on a dialog), for tests of
// how often a watcher asks.
func (b *IBC) SetRestartIneffective(on bool) {
	b.mu.Lock()
	b.stuck = on
	b.mu.Unlock()
}

// Close stops the command server, its connections and its pending actions.
func (b *IBC) Close() {
	b.mu.Lock()
	if b.closed {
		b.mu.Unlock()
		return
	}
	b.closed = true
	close(b.done)
	_ = b.ln.Close()
	for c := range b.conns {
		_ = c.Close()
	}
	b.mu.Unlock()
	b.wg.Wait()
}

func (b *IBC) accept() {
	defer b.wg.Done()
	for {
		c, err := b.ln.Accept()
		if err != nil {
			return
		}
		b.mu.Lock()
		if b.closed {
			b.mu.Unlock()
			_ = c.Close()
			return
		}
		b.conns[c] = struct{}{}
		b.wg.Add(1)
		b.mu.Unlock()
		go b.serve(c)
	}
}

// serve reads commands until EXIT, RESTART, an idle minute or an error.
func (b *IBC) serve(c net.Conn) {
	defer b.wg.Done()
	defer func() {
		_ = c.Close()
		b.mu.Lock()
		delete(b.conns, c)
		b.mu.Unlock()
	}()
	sc := bufio.NewScanner(c)
	sc.Buffer(make([]byte, 1024), 1024)
	for {
		_ = c.SetDeadline(time.Now().Add(time.Minute))
		if !sc.Scan() {
			return
		}
		cmd := strings.ToUpper(strings.TrimSpace(sc.Text()))
		if cmd == "" {
			continue
		}
		answer, end := b.do(cmd)
		if _, err := c.Write([]byte(answer + "\n")); err != nil || end {
			return
		}
	}
}

// do runs one command and returns the answer line and whether the
// connection ends after it. Every command is recorded in the fault log
// (GET /state) as "ibc".
func (b *IBC) do(cmd string) (string, bool) {
	b.mu.Lock()
	errText := b.errText
	b.mu.Unlock()
	answer, end := "", false
	switch {
	case cmd == "EXIT":
		answer, end = "OK Goodbye", true
	case errText != "":
		answer = "ERROR " + errText
	case cmd == "RECONNECTDATA":
		answer = "OK "
		b.later(b.cfg.ReconnectDelay, b.reconnectData)
	case cmd == "RECONNECTACCOUNT":
		answer = "OK "
		b.later(b.cfg.ReconnectDelay, b.reconnectAccount)
	case cmd == "RESTART":
		answer, end = "OK Restart in progress", true
		b.restart()
	case cmd == "STOP" || cmd == "ENABLEAPI":
		answer = "ERROR " + cmd + " is not simulated"
	default:
		answer = "ERROR Command invalid"
	}
	b.s.mu.Lock()
	b.s.recordLocked("ibc", clipText(cmd)+" → "+strings.TrimSpace(answer))
	b.s.mu.Unlock()
	return answer, end
}

// later runs f after d unless the command server closes first.
func (b *IBC) later(d time.Duration, f func()) {
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.closed {
		return
	}
	b.wg.Add(1)
	go func() {
		defer b.wg.Done()
		t := time.NewTimer(d)
		defer t.Stop()
		select {
		case <-t.C:
			f()
		case <-b.done:
		}
	}()
}

// reconnectData heals every broken farm, if TWS is linked to IB (with the
// link down, the farms cannot come back).
func (b *IBC) reconnectData() {
	s := b.s
	s.mu.Lock()
	defer s.mu.Unlock()
	if !s.st.ibLinkUp {
		return
	}
	for _, f := range farmNames {
		if s.st.farms[f] != FarmOK {
			s.setFarmLocked(f, FarmOK)
		}
	}
}

// reconnectAccount ends an IB link loss with 1102 (or 1101 if DataLost).
func (b *IBC) reconnectAccount() {
	s := b.s
	s.mu.Lock()
	defer s.mu.Unlock()
	if !s.st.ibLinkUp {
		s.linkRestoredLocked(!b.cfg.DataLost)
	}
}

// restart restarts TWS: sessions close, the port refuses for RestartDown,
// and the TWS that comes back is not frozen.
func (b *IBC) restart() {
	b.s.Restart(b.cfg.RestartDown)
	b.mu.Lock()
	stuck := b.stuck
	b.mu.Unlock()
	if stuck {
		return
	}
	b.s.SetStall(false)
	b.s.SetHandshakeStall(false)
}

// SetAPIFrozen freezes TWS's API (on): it accepts connections but never
// answers the handshake, and open sessions go silent (nothing read or
// written). Only a restart cures it (IBC's RESTART, the restart fault, or
// turning it off here).
func (s *Server) SetAPIFrozen(on bool) {
	s.SetStall(on)
	s.mu.Lock()
	s.recordLocked("api-frozen", onOff(on))
	s.mu.Unlock()
}
