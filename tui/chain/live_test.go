package chain

import (
	"context"
	"strings"
	"sync"
	"testing"
	"time"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/ibwatch/ibwatch/conn"
	"github.com/ibwatch/ibwatch/conn/conntest"
	"github.com/ibwatch/ibwatch/conn/conntest/fastconf"
	"github.com/ibwatch/ibwatch/conn/twsim"
	"github.com/ibwatch/ibwatch/scanner"
	"github.com/ibwatch/ibwatch/tui/pane"
)

// paneDriver is a small Bubble Tea runtime for one pane: it runs every Cmd
// in its own goroutine, as Bubble Tea does, and applies the messages to the
// pane on the test goroutine only. Cmds end by themselves or when ctx does;
// wait collects them.
type paneDriver struct {
	t    *testing.T
	p    pane.Model
	ctx  context.Context
	msgs chan tea.Msg
	wg   sync.WaitGroup
}

func newPaneDriver(t *testing.T, ctx context.Context, p pane.Model) *paneDriver {
	return &paneDriver{t: t, p: p, ctx: ctx, msgs: make(chan tea.Msg, 64)}
}

// run starts cmd (and each Cmd of a batch) in the background.
func (d *paneDriver) run(cmd tea.Cmd) {
	if cmd == nil {
		return
	}
	d.wg.Add(1)
	go func() {
		defer d.wg.Done()
		msg := cmd()
		if msg == nil {
			return
		}
		select {
		case d.msgs <- msg:
		case <-d.ctx.Done():
		}
	}()
}

// send applies msg to the pane and runs the Cmd it returns.
func (d *paneDriver) send(msg tea.Msg) {
	if b, ok := msg.(tea.BatchMsg); ok {
		for _, c := range b {
			d.run(c)
		}
		return
	}
	var cmd tea.Cmd
	d.p, cmd = d.p.Update(msg)
	d.run(cmd)
}

// until applies messages as they come until cond holds, or fails after
// timeout.
func (d *paneDriver) until(what string, timeout time.Duration, cond func() bool) {
	d.t.Helper()
	deadline := time.NewTimer(timeout)
	defer deadline.Stop()
	for !cond() {
		select {
		case msg := <-d.msgs:
			d.send(msg)
		case <-deadline.C:
			d.t.Fatalf("timed out after %v waiting for %s; screen:\n%s", timeout, what, viewText(d.p))
		}
	}
}

// wait ends the driver: it drops late messages until every Cmd returned
// (the caller has cancelled ctx).
func (d *paneDriver) wait() {
	done := make(chan struct{})
	go func() { d.wg.Wait(); close(done) }()
	for {
		select {
		case <-d.msgs:
		case <-done:
			return
		}
	}
}

// TestChainPaneLive drives the pane against the real supervisor, link
// process and simulator: search a deal stock, enter, a complete live chain
// with its lens whose strikes are the simulator's; then TWS restarts and
// the chain goes stale and back to live with no key pressed; then leaving
// the pane frees every line.
func TestChainPaneLive(t *testing.T) {
	if testing.Short() {
		t.Skip("starts the simulator and a link process")
	}
	sim := conntest.StartSim(t, twsim.Config{TickInterval: 100 * time.Millisecond})
	cfg := fastconf.Config(sim.Port(), conntest.MustLinkCommand(t), 31, 32, 33)
	cfg.HeartbeatTimeout, cfg.HandshakeTimeout = 600*time.Millisecond, 2*time.Second
	sup, err := conn.New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	supCtx, stopSup := context.WithCancel(context.Background())
	supDone := make(chan error, 1)
	go func() { supDone <- sup.Run(supCtx) }()
	up := make(chan struct{})
	evDone := make(chan struct{})
	go func() { // the dashboard's event reader stands in here
		defer close(evDone)
		seen := false
		for ev := range sup.Events() {
			if !seen && ev.Kind == conn.KindState && ev.State == conn.StateConnected {
				seen = true
				close(up)
			}
		}
	}()
	defer func() {
		stopSup()
		if err := <-supDone; err != nil {
			t.Errorf("supervisor: %v", err)
		}
		<-evDone
	}()
	select {
	case <-up:
	case <-time.After(15 * time.Second):
		t.Fatal("the supervisor did not connect to the simulator within 15 s")
	}

	stock, _ := sim.Universe().Stock("HVLN")
	deal := scanner.Deal{Symbol: "HVLN", Price: stock.Deal.Price, ExpectedClose: stock.Deal.ExpectedClose, BreakPrice: stock.Deal.BreakPrice}
	ctx, cancel := context.WithCancel(context.Background())
	pane := New(Options{Client: sup, Deals: []scanner.Deal{deal}, Styles: testStyles(), Context: ctx,
		MinRefresh: 20 * time.Millisecond})
	pane.SetSize(116, 34)
	pane.Focus()
	d := newPaneDriver(t, ctx, pane)
	defer func() {
		cancel()
		d.wait()
		pane.Close()
	}()
	key := func(k tea.KeyMsg) { d.send(k) }

	// Search: "/" shows the deal pinned; typing ranks, TWS answers too.
	key(runes("/"))
	d.until("the pinned candidates", 10*time.Second, func() bool { return pane.search.have })
	for _, r := range "hvl" {
		key(runes(string(r)))
	}
	d.until("TWS's answer for hvl", 10*time.Second, func() bool { return pane.search.have && !pane.search.asking })
	if pane.search.twsErr != "" {
		t.Fatalf("TWS lookup failed: %s", pane.search.twsErr)
	}
	items := pane.search.res.Items
	if len(items) == 0 || items[0].Symbol != "HVLN" || items[0].Source != scanner.SourceDeal {
		t.Fatalf("results for hvl: %+v", items)
	}
	if v := viewText(pane); !strings.Contains(v, "▶ HVLN") || !strings.Contains(v, "deal") {
		t.Fatalf("results screen:\n%s", v)
	}

	// Enter: a complete, live chain of the first expiry on/after the close.
	key(keyEnter)
	if !strings.Contains(viewText(pane), "loading HVLN") {
		t.Fatalf("no loading line after enter:\n%s", viewText(pane))
	}
	complete := func() bool {
		return pane.live != nil && pane.have && pane.snap.Complete && pane.snap.Badge == scanner.BadgeLive
	}
	d.until("a complete live HVLN chain", 30*time.Second, complete)
	s := pane.snap
	now := time.Now()
	wantExpiry := scanner.DefaultExpiry(sim.Universe().Expirations("HVLN", now), &deal, now)
	if s.Symbol != "HVLN" || s.Expiry != wantExpiry || s.Lens == nil {
		t.Fatalf("chain %s %s lens %v, want HVLN %s with the lens", s.Symbol, s.Expiry, s.Lens != nil, wantExpiry)
	}
	strikes := sim.Universe().Strikes("HVLN", s.Expiry, now)
	if s.Total != len(strikes) || len(s.Rows) == 0 {
		t.Fatalf("%d strikes listed, simulator lists %d; %d rows", s.Total, len(strikes), len(s.Rows))
	}
	v := viewText(pane)
	for i, r := range s.Rows {
		if r.Strike != strikes[s.First+i] {
			t.Fatalf("row %d strike %v, simulator's strike #%d is %v", i, r.Strike, s.First+i, strikes[s.First+i])
		}
		if r.Strike < 0.75*deal.Price || r.Strike > 1.10*deal.Price {
			t.Errorf("strike %v outside the deal window", r.Strike)
		}
		if !strings.Contains(v, "  "+scanner.FormatStrike(r.Strike)+" ") {
			t.Errorf("strike %v not on screen", r.Strike)
		}
	}
	for _, want := range []string{"● LIVE", "DEAL HVLN", "implied completion", "CALLS", "PUTS"} {
		if !strings.Contains(v, want) {
			t.Errorf("screen lacks %q:\n%s", want, v)
		}
	}
	key(runes("l"))
	if v := viewText(pane); !strings.Contains(v, "LONG CALL") || !strings.Contains(v, "AFTER close") {
		t.Errorf("lens screen:\n%s", v)
	}

	// TWS restarts: stale, then live again by itself.
	sim.Restart(300 * time.Millisecond)
	d.until("the stale badge", 15*time.Second, func() bool { return strings.Contains(viewText(pane), "✗ STALE") })
	d.until("live again after the restart", 30*time.Second, func() bool {
		return complete() && strings.Contains(viewText(pane), "● LIVE")
	})

	// Leaving the pane frees every line at the supervisor.
	if n, _ := sup.Lines(context.Background()); n != s.Lines {
		t.Errorf("supervisor holds %d lines, the chain says %d", n, s.Lines)
	}
	pane.Blur()
	d.run(pane.FocusCmd())
	closing := pane.closing
	d.until("the close to finish", 10*time.Second, func() bool {
		select {
		case <-closing:
			return true
		default:
			return false
		}
	})
	if n, err := sup.Lines(context.Background()); err != nil || n != 0 {
		t.Fatalf("after leaving the pane the supervisor holds %d lines (%v)", n, err)
	}
	if !strings.Contains(viewText(pane), "✗ STALE") {
		t.Errorf("the table left behind is not marked stale:\n%s", viewText(pane))
	}
}
