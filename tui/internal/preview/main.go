// Command preview runs the dashboard against a scripted, fake supervisor so
// humans can look at the screens (in tmux, at several sizes) without TWS:
//
//	go run ./tui/internal/preview            # colour, dark
//	go run ./tui/internal/preview -no-color  # what NO_COLOR users see
//
// It is a development tool, not part of the ibwatch binary.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"math/rand/v2"
	"os"
	"sync"
	"time"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/ibwatch/ibwatch/conn"
	"github.com/ibwatch/ibwatch/conn/ibc"
	"github.com/ibwatch/ibwatch/theme"
	"github.com/ibwatch/ibwatch/tui"
	"github.com/ibwatch/ibwatch/tui/screen"
)

func main() {
	noColor := flag.Bool("no-color", false, "no colours")
	light := flag.Bool("light", false, "light background")
	history := flag.Int("history", 400, "events in the previous session")
	bell := flag.Bool("bell", false, "ring the bell on loss and recovery")
	flag.Parse()

	st := theme.New(theme.Options{NoColor: *noColor || theme.NoColorEnv(), Dark: !*light})
	ctx, cancel := context.WithCancel(context.Background())
	sup := newScripted()
	hist := sup.history(*history)
	var wg sync.WaitGroup
	wg.Add(1)
	go func() { defer wg.Done(); sup.run(ctx) }()

	m := tui.New(tui.Options{
		Sup: sup, History: hist, Styles: st, Context: ctx, LogPath: "/tmp/ibwatch-preview.log",
		Bell: *bell, BellFunc: func() { _, _ = os.Stdout.WriteString("\a") },
	})
	scr, err := screen.Open(os.Stdin, os.Stdout)
	if err != nil {
		fmt.Fprintln(os.Stderr, "preview:", err)
		os.Exit(1)
	}
	_, err = tea.NewProgram(scr.Model(m), scr.ProgramOptions()...).Run()
	err = errors.Join(err, scr.Close())
	cancel()
	wg.Wait()
	if msg := scr.Panic(); msg != "" {
		fmt.Fprintln(os.Stderr, "preview:", msg)
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "preview:", err)
		os.Exit(1)
	}
}

// scripted is a fake supervisor playing a night of typical trouble.
type scripted struct {
	ch    chan conn.Event
	mu    sync.Mutex
	st    conn.Status
	met   conn.Metrics
	rtts  []time.Duration
	force chan struct{}
}

func newScripted() *scripted {
	now := time.Now()
	s := &scripted{ch: make(chan conn.Event, 256), force: make(chan struct{}, 1)}
	s.st = conn.Status{State: conn.StateIdle, Since: now, Addr: "127.0.0.1:7497", ClientID: 17,
		NextRestart: now.Add(15*time.Hour + 13*time.Minute), NextRelogin: now.Add(4 * 24 * time.Hour)}
	s.met = conn.Metrics{Start: now, Disconnects: map[conn.Cause]int64{}}
	return s
}

func (s *scripted) Events() <-chan conn.Event { return s.ch }
func (s *scripted) ReconnectNow() {
	select {
	case s.force <- struct{}{}:
	default:
	}
}

// AskIBC: the preview has no IBC (its menu stays closed).
func (s *scripted) AskIBC(ibc.Command) error { return conn.ErrIBCOff }

func (s *scripted) Status() conn.Status {
	s.mu.Lock()
	defer s.mu.Unlock()
	st := s.st
	st.Farms = append([]conn.Farm(nil), s.st.Farms...)
	return st
}

func (s *scripted) Metrics() conn.Metrics {
	s.mu.Lock()
	defer s.mu.Unlock()
	m := s.met
	m.Disconnects = map[conn.Cause]int64{}
	for k, v := range s.met.Disconnects {
		m.Disconnects[k] = v
	}
	m.Uptime = time.Since(m.Start)
	if s.st.State.Up() {
		m.ConnectedTime += time.Since(s.st.Since)
	}
	if d := m.Uptime - m.RefusedTime; d > 0 {
		m.Availability = float64(m.ConnectedTime) / float64(d)
	}
	return m
}

// history fabricates the previous session: 20 h ago to 1 h ago, with a TWS
// restart at night and a few heartbeats.
func (s *scripted) history(n int) []conn.Event {
	start := time.Now().Add(-20 * time.Hour)
	end := time.Now().Add(-time.Hour)
	var out []conn.Event
	st := conn.StateIdle
	add := func(t time.Time, ev conn.Event) {
		ev.Time = t
		if ev.Kind == conn.KindState {
			ev.Prev, st = st, ev.State
		}
		out = append(out, ev)
	}
	add(start, conn.Event{Kind: conn.KindState, State: conn.StateConnecting, Cause: conn.CauseStart, Message: "starting"})
	add(start.Add(time.Second), conn.Event{Kind: conn.KindState, State: conn.StateConnected, Cause: conn.CauseReady, Epoch: 1})
	step := end.Sub(start) / time.Duration(max(1, n))
	for i := 0; i < n; i++ {
		t := start.Add(time.Duration(i) * step)
		switch {
		case i == n/3:
			add(t, conn.Event{Kind: conn.KindState, State: conn.StateBackoff, Cause: conn.CauseClosedByTWS,
				Severity: conn.SevConnectivity, Epoch: 1, Message: "TWS closed the connection", Latency: 2 * time.Second})
			add(t.Add(time.Minute), conn.Event{Kind: conn.KindState, State: conn.StateBackoff, Cause: conn.CauseRefused,
				Severity: conn.SevConnectivity, Epoch: 1, Attempt: 3})
			add(t.Add(4*time.Minute), conn.Event{Kind: conn.KindState, State: conn.StateConnected, Cause: conn.CauseReady,
				Epoch: 2, Latency: 4 * time.Minute})
		case i == 2*n/3:
			add(t, conn.Event{Kind: conn.KindTWS, Code: 1100, Severity: conn.SevConnectivity, Epoch: 2,
				Message: "Connectivity between IB and Trader Workstation has been lost.",
				Explain: "TWS lost its internet link to IB; data stops until 1101/1102."})
			add(t, conn.Event{Kind: conn.KindState, State: conn.StateDegraded, Cause: conn.CauseIBLinkLost, Severity: conn.SevConnectivity, Epoch: 2})
			add(t.Add(3*time.Minute), conn.Event{Kind: conn.KindTWS, Code: 1102, Severity: conn.SevConnectivity, Epoch: 2,
				Message: "Connectivity between IB and Trader Workstation has been restored - data maintained.",
				Explain: "Subscriptions survived; nothing to resend."})
			add(t.Add(3*time.Minute), conn.Event{Kind: conn.KindState, State: conn.StateConnected, Cause: conn.CauseIBRestored, Epoch: 2})
		default:
			add(t, conn.Event{Kind: conn.KindHeartbeat, RTT: time.Duration(2+rand.IntN(3)) * time.Millisecond, Epoch: 2})
		}
	}
	add(end, conn.Event{Kind: conn.KindState, State: conn.StateStopped, Cause: conn.CauseShutdown, Epoch: 2})
	return out
}

func (s *scripted) emit(ctx context.Context, ev conn.Event) {
	ev.Time = time.Now()
	s.mu.Lock()
	if ev.Kind == conn.KindState {
		ev.Prev = s.st.State
		if s.st.State.Up() {
			s.met.ConnectedTime += time.Since(s.st.Since)
		}
		if ev.State.Up() && !s.st.State.Up() {
			s.met.Connects++
			if s.met.Connects > 1 {
				s.met.Reconnects++
			}
			s.st.Epoch++
		}
		if s.st.State.Up() && !ev.State.Up() {
			s.met.Disconnects[ev.Cause]++
		}
		s.st.State, s.st.Since, s.st.Cause, s.st.NextRetry, s.st.Attempt = ev.State, ev.Time, ev.Cause, ev.NextRetry, ev.Attempt
	}
	if ev.Kind == conn.KindHeartbeat && ev.RTT > 0 {
		s.met.Heartbeats++
		s.met.RTTLast = ev.RTT
		s.rtts = append(s.rtts, ev.RTT)
		s.met.RTTP50 = s.rtts[len(s.rtts)/2]
	}
	if ev.Latency > 0 && ev.State == conn.StateConnected {
		s.met.ReconnLast, s.met.ReconnMax = ev.Latency, max(s.met.ReconnMax, ev.Latency)
	} else if ev.Latency > 0 {
		s.met.DetectLast, s.met.DetectMax = ev.Latency, max(s.met.DetectMax, ev.Latency)
	}
	ev.Epoch = s.st.Epoch
	ev.Addr, ev.ClientID = s.st.Addr, s.st.ClientID
	s.mu.Unlock()
	select {
	case s.ch <- ev:
	case <-ctx.Done():
	}
}

func (s *scripted) setFarms(f ...conn.Farm) {
	s.mu.Lock()
	s.st.Farms = f
	s.mu.Unlock()
}

// run plays the night in a loop until ctx ends, then closes the channel.
func (s *scripted) run(ctx context.Context) {
	defer close(s.ch)
	wait := func(d time.Duration) bool {
		t := time.NewTimer(d)
		defer t.Stop()
		select {
		case <-t.C:
			return true
		case <-s.force:
			s.mu.Lock()
			s.met.ForcedReconnects++
			s.mu.Unlock()
			s.emit(ctx, conn.Event{Kind: conn.KindState, State: conn.StateConnecting, Cause: conn.CauseForced})
			return true
		case <-ctx.Done():
			return false
		}
	}
	beats := func(n int) bool {
		for i := 0; i < n; i++ {
			s.emit(ctx, conn.Event{Kind: conn.KindHeartbeat, RTT: time.Duration(1500+rand.IntN(2500)) * time.Microsecond})
			if !wait(400 * time.Millisecond) {
				return false
			}
		}
		return true
	}
	for ctx.Err() == nil {
		s.emit(ctx, conn.Event{Kind: conn.KindState, State: conn.StateConnecting, Cause: conn.CauseStart, Attempt: 1})
		if !wait(300 * time.Millisecond) {
			return
		}
		s.emit(ctx, conn.Event{Kind: conn.KindState, State: conn.StateConnected, Cause: conn.CauseReady})
		now := time.Now()
		s.setFarms(conn.Farm{Name: "usfarm", Kind: conn.FarmMarket, Status: conn.FarmOK, Since: now},
			conn.Farm{Name: "ushmds", Kind: conn.FarmHist, Status: conn.FarmOK, Since: now},
			conn.Farm{Name: "secdefnj", Kind: conn.FarmSecDef, Status: conn.FarmOK, Since: now})
		for _, c := range []int64{2104, 2106, 2158} {
			s.emit(ctx, conn.Event{Kind: conn.KindTWS, Code: c, Message: fmt.Sprintf("Market data farm connection is OK:farm%d", c)})
		}
		if !beats(12) {
			return
		}
		// A stall: heartbeats go unanswered, then the link is declared dead.
		for i := 0; i < 3; i++ {
			s.emit(ctx, conn.Event{Kind: conn.KindHeartbeat, Severity: conn.SevWarning, Cause: conn.CauseHeartbeatTimeout, Message: "heartbeat missed"})
			if !wait(400 * time.Millisecond) {
				return
			}
		}
		s.emit(ctx, conn.Event{Kind: conn.KindState, State: conn.StateBackoff, Cause: conn.CauseHeartbeatTimeout,
			Severity: conn.SevConnectivity, NextRetry: time.Now().Add(3 * time.Second), Attempt: 1, Latency: 1200 * time.Millisecond})
		if !wait(3 * time.Second) {
			return
		}
		s.emit(ctx, conn.Event{Kind: conn.KindState, State: conn.StateConnecting, Cause: conn.CauseRetry, Attempt: 2})
		if !wait(500 * time.Millisecond) {
			return
		}
		s.emit(ctx, conn.Event{Kind: conn.KindState, State: conn.StateConnected, Cause: conn.CauseReady, Latency: 3700 * time.Millisecond})
		if !beats(8) {
			return
		}
		// IB's side goes away: 1100 then 1101, and a farm breaks for a while.
		s.emit(ctx, conn.Event{Kind: conn.KindTWS, Code: 1100, Severity: conn.SevConnectivity,
			Message: "Connectivity between IB and Trader Workstation has been lost.",
			Explain: "TWS lost its internet link to IB; data stops until 1101/1102."})
		s.emit(ctx, conn.Event{Kind: conn.KindState, State: conn.StateDegraded, Cause: conn.CauseIBLinkLost, Severity: conn.SevConnectivity})
		s.setFarms(conn.Farm{Name: "usfarm", Kind: conn.FarmMarket, Status: conn.FarmBroken, Since: time.Now()},
			conn.Farm{Name: "ushmds", Kind: conn.FarmHist, Status: conn.FarmInactive, Since: time.Now()},
			conn.Farm{Name: "secdefnj", Kind: conn.FarmSecDef, Status: conn.FarmOK, Since: time.Now()})
		s.emit(ctx, conn.Event{Kind: conn.KindTWS, Code: 2103, Severity: conn.SevWarning, Message: "Market data farm connection is broken:usfarm",
			Explain: "Quotes from this farm stop; TWS reconnects it by itself."})
		if !beats(6) {
			return
		}
		s.emit(ctx, conn.Event{Kind: conn.KindTWS, Code: 1101, Severity: conn.SevConnectivity,
			Message: "Connectivity between IB and Trader Workstation has been restored - data lost.",
			Explain: "Market data subscriptions were lost: ibwatch resubscribes."})
		s.emit(ctx, conn.Event{Kind: conn.KindState, State: conn.StateConnected, Cause: conn.CauseIBRestored})
		s.setFarms(conn.Farm{Name: "usfarm", Kind: conn.FarmMarket, Status: conn.FarmOK, Since: time.Now()},
			conn.Farm{Name: "ushmds", Kind: conn.FarmHist, Status: conn.FarmOK, Since: time.Now()},
			conn.Farm{Name: "secdefnj", Kind: conn.FarmSecDef, Status: conn.FarmOK, Since: time.Now()})
		if !beats(20) {
			return
		}
		s.emit(ctx, conn.Event{Kind: conn.KindLink, Severity: conn.SevError, Cause: conn.CauseLinkCrashed, Message: "link crashed: exit status 2"})
		s.emit(ctx, conn.Event{Kind: conn.KindState, State: conn.StateBackoff, Cause: conn.CauseLinkCrashed,
			Severity: conn.SevConnectivity, NextRetry: time.Now().Add(2 * time.Second), Attempt: 1})
		if !wait(2 * time.Second) {
			return
		}
	}
}
