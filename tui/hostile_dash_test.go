package tui

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"strings"
	"sync"
	"testing"
	"time"
	"unicode/utf8"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/x/exp/teatest"
	"github.com/ibwatch/ibwatch/conn"
	"github.com/ibwatch/ibwatch/conn/conntest"
	"github.com/ibwatch/ibwatch/conn/conntest/fastconf"
	"github.com/ibwatch/ibwatch/conn/twsim"
	"github.com/ibwatch/ibwatch/theme"
)

// hostileDash is one running dashboard over a real supervisor and simulator.
type hostileDash struct {
	t   *testing.T
	sim *twsim.Server
	tee *hostileTee
	tm  *teatest.TestModel
	out []byte // everything the program wrote to its terminal
}

func startHostileDash(t *testing.T, simCfg twsim.Config) *hostileDash {
	simCfg.Listen = "127.0.0.1:0"
	sim := conntest.StartSim(t, simCfg)
	sup, err := conn.New(fastconf.Config(sim.Port(), conntest.MustLinkCommand(t), 31, 32))
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	runDone := make(chan error, 1)
	go func() { runDone <- sup.Run(ctx) }()
	d := &hostileDash{t: t, sim: sim, tee: newHostileTee(ctx, sup)}
	t.Cleanup(func() {
		cancel()
		select {
		case err := <-runDone:
			if err != nil {
				t.Errorf("supervisor Run: %v", err)
			}
		case <-time.After(15 * time.Second):
			t.Error("supervisor did not stop within 15 s")
		}
		<-d.tee.done
	})
	m := New(Options{Sup: d.tee, Styles: theme.New(theme.Options{NoColor: true}), Context: ctx})
	d.tm = teatest.NewTestModel(t, m, teatest.WithInitialTermSize(160, 50))
	t.Cleanup(func() { // a failed test still stops the program
		d.tm.Quit()
		d.tm.WaitFinished(t, teatest.WithFinalTimeout(10*time.Second))
	})
	d.tee.wait(t, "first connect", 0, func(ev conn.Event) bool {
		return ev.Kind == conn.KindState && ev.State == conn.StateConnected
	})
	d.waitDrawn("first connect", 0, "CONNECTED")
	return d
}

// readOutput appends what the program wrote since the last call and
// returns the new length.
func (d *hostileDash) readOutput() int {
	b, err := io.ReadAll(d.tm.Output())
	if err != nil {
		d.t.Fatal(err)
	}
	d.out = append(d.out, b...)
	return len(d.out)
}

// waitDrawn waits until every text has been drawn after output offset from.
func (d *hostileDash) waitDrawn(what string, from int, texts ...string) {
	d.t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	tick := time.NewTicker(10 * time.Millisecond)
	defer tick.Stop()
	for {
		n := d.readOutput()
		missing := ""
		for _, s := range texts {
			if !bytes.Contains(d.out[from:n], []byte(s)) {
				missing = s
				break
			}
		}
		if missing == "" {
			return
		}
		if time.Now().After(deadline) {
			d.t.Fatalf("%s: %q not drawn within 10 s; screen output since:\n%s", what, missing, hostileStripCSI(d.out[from:n]))
		}
		<-tick.C
	}
}

// finish quits, then checks the final View and every byte the program
// wrote: only the renderer's own cursor and erase sequences, nothing from
// TWS (OSC, DCS, BEL, C1, screen clears, colours, invalid UTF-8).
func (d *hostileDash) finish() string {
	t := d.t
	d.tm.Send(tea.KeyMsg{Type: tea.KeyRunes, Runes: []rune("q")})
	fm, ok := d.tm.FinalModel(t, teatest.WithFinalTimeout(10*time.Second)).(Model)
	if !ok {
		t.Fatal("the program ended without a final model")
	}
	d.readOutput()
	if fm.cv.state != conn.StateConnected {
		t.Errorf("final state %v, want connected", fm.cv.state)
	}
	v := fm.View()
	if bad := hostileControl(v); bad != "" {
		t.Errorf("the final View carries %s:\n%q", bad, v)
	}
	if strings.ContainsAny(v, "\x1b\x07\u009b") {
		t.Errorf("the final View carries TWS's escape sequences:\n%q", v)
	}
	for _, seq := range []string{"\x07", "\x1b]", "\x1bP", "\x1b[2J", "\x1b[?1049h", "\x1b[5m", "\x1b[31m", "\u009b", "\u009d"} {
		if i := bytes.Index(d.out, []byte(seq)); i >= 0 {
			t.Errorf("the terminal received %q from TWS text, at …%q…", seq, d.out[max(0, i-40):min(len(d.out), i+40)])
		}
	}
	if !utf8.Valid(d.out) {
		t.Error("the terminal received invalid UTF-8")
	}
	return v
}

// hostileControl names the first control character or invalid byte in a View
// (which has no styling in tests: the ASCII profile renders none).
func hostileControl(v string) string {
	for i, r := range v {
		switch {
		case r == utf8.RuneError && !strings.HasPrefix(v[i:], "\uFFFD"):
			return "invalid UTF-8"
		case r == '\n':
		case r < 0x20 || r == 0x7f || (r >= 0x80 && r < 0xa0):
			return fmt.Sprintf("control character %U", r)
		}
	}
	return ""
}

// hostileStripCSI makes terminal output readable in a failure message.
func hostileStripCSI(b []byte) string {
	var out strings.Builder
	for i := 0; i < len(b); i++ {
		if b[i] == 0x1b && i+1 < len(b) && b[i+1] == '[' {
			j := i + 2
			for j < len(b) && (b[j] < 0x40 || b[j] > 0x7e) {
				j++
			}
			i = j
			out.WriteByte(' ')
			continue
		}
		out.WriteByte(b[i])
	}
	return out.String()
}

// hostileMaxFrame is an ERR_MSG whose payload is exactly 16 MiB − 1 bytes:
// the largest length the link's relay accepts.
func hostileMaxFrame() []byte {
	const head = "4\x00-1\x002119\x00Market data farm is connecting:"
	const tail = "\x00\x000\x00"
	return []byte(head + strings.Repeat("A", 0xFFFFFF-len(head)-len(tail)) + tail)
}

// hostileTee is the real supervisor with its event stream copied: the
// dashboard gets every event, and the test sees them too (to wait for the
// supervisor's outcome rather than sleep).
type hostileTee struct {
	*conn.Supervisor
	out  chan conn.Event
	done chan struct{}

	mu     sync.Mutex
	evs    []conn.Event
	notify chan struct{}
}

func newHostileTee(ctx context.Context, sup *conn.Supervisor) *hostileTee {
	t := &hostileTee{Supervisor: sup, out: make(chan conn.Event, 4096), done: make(chan struct{}), notify: make(chan struct{}, 1)}
	go func() {
		defer close(t.done)
		defer close(t.out)
		for ev := range sup.Events() {
			t.mu.Lock()
			t.evs = append(t.evs, ev)
			t.mu.Unlock()
			select {
			case t.notify <- struct{}{}:
			default:
			}
			select {
			case t.out <- ev:
			case <-ctx.Done(): // the dashboard is gone; keep draining
			}
		}
	}()
	return t
}

// Events is what the dashboard reads.
func (t *hostileTee) Events() <-chan conn.Event { return t.out }

func (t *hostileTee) mark() int {
	t.mu.Lock()
	defer t.mu.Unlock()
	return len(t.evs)
}

// wait waits (10 s at most) for an event at index ≥ from that matches.
func (t *hostileTee) wait(tt *testing.T, what string, from int, pred func(conn.Event) bool) conn.Event {
	tt.Helper()
	deadline := time.NewTimer(10 * time.Second)
	defer deadline.Stop()
	next := from
	for {
		t.mu.Lock()
		for ; next < len(t.evs); next++ {
			if pred(t.evs[next]) {
				ev := t.evs[next]
				t.mu.Unlock()
				return ev
			}
		}
		t.mu.Unlock()
		select {
		case <-t.notify:
		case <-deadline.C:
			tt.Fatalf("timed out after 10 s waiting for %s", what)
		}
	}
}

// statesSince lists the states entered since event index from.
func (t *hostileTee) statesSince(from int) []conn.State {
	t.mu.Lock()
	defer t.mu.Unlock()
	var out []conn.State
	for _, ev := range t.evs[from:] {
		if ev.Kind == conn.KindState {
			out = append(out, ev.State)
		}
	}
	return out
}
