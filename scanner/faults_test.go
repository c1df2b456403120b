package scanner

import (
	"context"
	"errors"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/ibwatch/ibwatch/conn"
	"github.com/ibwatch/ibwatch/conn/twsim"
)

// lineWatch samples the supervisor's line count until stopped and keeps
// the maximum. (The supervisor has no line-count event; this polls its
// Lines call, which is answered by the supervisor goroutine.)
type lineWatch struct {
	maxLines atomic.Int64
	stop     chan struct{}
	wg       sync.WaitGroup
}

func watchLines(sup *conn.Supervisor) *lineWatch {
	w := &lineWatch{stop: make(chan struct{})}
	w.wg.Add(1)
	go func() {
		defer w.wg.Done()
		t := time.NewTicker(2 * time.Millisecond)
		defer t.Stop()
		for {
			if n, err := sup.Lines(context.Background()); err == nil && int64(n) > w.maxLines.Load() {
				w.maxLines.Store(int64(n))
			}
			select {
			case <-w.stop:
				return
			case <-t.C:
			}
		}
	}()
	return w
}

func (w *lineWatch) end() int {
	close(w.stop)
	w.wg.Wait()
	return int(w.maxLines.Load())
}

// TestFlipExpiriesFast fires expiry switches the way a Bubble Tea model
// does when the user holds ]: each key press starts an Open in its own Cmd
// goroutine with a newer generation. Only the newest chain survives, the
// line budget of one chain is never exceeded, and TWS sees no pacing or
// line-limit error.
func TestFlipExpiriesFast(t *testing.T) {
	e := newEnv(t, twsim.Config{})
	f := NewFetcher(e.sup, FetcherOptions{})
	defer f.Close()
	ctx := context.Background()
	def, err := f.Definition(ctx, "SPY")
	if err != nil {
		t.Fatal(err)
	}
	w := watchLines(e.sup)
	var wg sync.WaitGroup
	var mu sync.Mutex
	var won []*Chain
	var superseded atomic.Int32
	flips := min(8, len(def.Expiries))
	for i := range flips {
		reqs := e.sim.State().Stats.ByMsgID[1] // REQ_MKT_DATA seen by TWS
		wg.Add(1)
		go func(gen uint64, expiry string) {
			defer wg.Done()
			ch, err := f.Open(ctx, OpenRequest{Gen: gen, Def: def, Expiry: expiry})
			if errors.Is(err, ErrSuperseded) {
				superseded.Add(1)
			} else if err != nil {
				t.Errorf("gen %d: %v", gen, err)
			}
			if ch != nil {
				mu.Lock()
				won = append(won, ch)
				mu.Unlock()
			}
		}(uint64(i+1), def.Expiries[i])
		// The next key press arrives while this Open is subscribing.
		eventually(t, "the Open to start subscribing", 10*time.Second, func() bool {
			return e.sim.State().Stats.ByMsgID[1] > reqs
		})
	}
	wg.Wait()
	if superseded.Load() == 0 {
		t.Error("no Open was superseded: the test did not overlap the switches")
	}
	active := f.Active()
	if active == nil {
		t.Fatalf("no active chain, want generation %d", flips)
	} else if active.Gen() != uint64(flips) {
		// Not %v of the chain: its goroutine is still writing it.
		t.Fatalf("active chain generation %d, want %d", active.Gen(), flips)
	}
	for _, ch := range won {
		if ch != active && ch.Lines() != 0 {
			t.Errorf("superseded chain gen %d still holds %d lines", ch.Gen(), ch.Lines())
		}
	}
	s := waitSnap(t, active, "the last chain complete", 30*time.Second, func(s Snapshot) bool { return s.Complete })
	if s.Expiry != def.Expiries[flips-1] {
		t.Errorf("expiry %s, want %s", s.Expiry, def.Expiries[flips-1])
	}
	// Scrolling quickly keeps the budget too.
	for range 3 {
		if err := active.Scroll(ctx, 4); err != nil {
			t.Fatal(err)
		}
	}
	if err := active.Recenter(ctx); err != nil {
		t.Fatal(err)
	}
	if max := w.end(); max > 43 {
		t.Errorf("the supervisor held %d lines at once, budget of one chain is 43", max)
	}
	waitSnap(t, active, "the recentred chain complete", 30*time.Second, func(s Snapshot) bool { return s.Complete && s.Money == 10 })
	eventually(t, "TWS holds exactly the active chain's 43 lines", 10*time.Second, func() bool { return e.simLines() == 43 })
	e.noPacingErrors()
}

// TestLeaveCancelsEveryLine: leaving the chain frees every line at TWS.
func TestLeaveCancelsEveryLine(t *testing.T) {
	e := newEnv(t, twsim.Config{})
	f := NewFetcher(e.sup, FetcherOptions{})
	ch, err := f.FetchChain(context.Background(), ChainRequest{Gen: 1, Symbol: "QQQ", Window: Window{Count: 9}})
	if err != nil {
		t.Fatal(err)
	}
	waitSnap(t, ch, "complete", 20*time.Second, func(s Snapshot) bool { return s.Complete })
	eventually(t, "TWS holds 19 lines", 5*time.Second, func() bool { return e.simLines() == 19 })
	f.Close()
	if n := e.lines(); n != 0 {
		t.Errorf("supervisor still holds %d lines", n)
	}
	if f.Active() != nil || ch.Lines() != 0 {
		t.Error("the closed chain is still active")
	}
	eventually(t, "TWS holds no line", 5*time.Second, func() bool { return e.simLines() == 0 })
	if err := ch.Scroll(context.Background(), 1); !errors.Is(err, ErrClosed) {
		t.Errorf("Scroll after Close: %v, want ErrClosed", err)
	}
	e.noPacingErrors()
}

// TestChainSurvivesRestart: TWS restarts (sockets closed, port refused for
// a moment); the chain shows stale, then resumes on the same Subs without
// any call from the user.
func TestChainSurvivesRestart(t *testing.T) {
	e := newEnv(t, twsim.Config{TickInterval: 100 * time.Millisecond})
	f := NewFetcher(e.sup, FetcherOptions{})
	defer f.Close()
	ch, err := f.FetchChain(context.Background(), ChainRequest{Gen: 1, Symbol: "AAPL", Window: Window{Count: 7}})
	if err != nil {
		t.Fatal(err)
	}
	before := waitSnap(t, ch, "live", 20*time.Second, func(s Snapshot) bool { return s.Complete && s.Badge == BadgeLive })
	e.sim.Restart(300 * time.Millisecond)
	waitSnap(t, ch, "stale while TWS is down", 10*time.Second, func(s Snapshot) bool { return s.Badge == BadgeStale })
	after := waitSnap(t, ch, "live again after the restart", 20*time.Second, func(s Snapshot) bool {
		return s.Complete && s.Badge == BadgeLive && s.Underlying.Epoch > before.Underlying.Epoch
	})
	if after.Lines != 15 || len(after.Rows) != 7 || after.Rows[0].Strike != before.Rows[0].Strike {
		t.Errorf("after the restart: %d lines, %d rows from %v; want the same 15 lines / 7 rows from %v",
			after.Lines, len(after.Rows), after.Rows[0].Strike, before.Rows[0].Strike)
	}
	eventually(t, "TWS holds 15 lines on the new session", 10*time.Second, func() bool { return e.simLines() == 15 })
	e.noPacingErrors()
}

// TestChainSurvivesIBLinkLoss: TWS loses IB (1100), then restores it with
// data lost (1101); the supervisor re-requests the Subs and the chain
// streams again.
func TestChainSurvivesIBLinkLoss(t *testing.T) {
	e := newEnv(t, twsim.Config{TickInterval: 100 * time.Millisecond})
	f := NewFetcher(e.sup, FetcherOptions{})
	defer f.Close()
	ch, err := f.FetchChain(context.Background(), ChainRequest{Gen: 1, Symbol: "MSFT", Window: Window{Count: 5}})
	if err != nil {
		t.Fatal(err)
	}
	waitSnap(t, ch, "live", 20*time.Second, func(s Snapshot) bool { return s.Complete && s.Badge == BadgeLive })
	e.sim.IBLinkLost()
	waitSnap(t, ch, "stale after 1100", 10*time.Second, func(s Snapshot) bool { return s.Badge == BadgeStale })
	eventually(t, "TWS dropped nothing yet", time.Second, func() bool { return e.simLines() == 11 })
	e.sim.IBLinkRestored(false)
	// 1101: TWS forgot every line; the chain must come back by itself.
	waitSnap(t, ch, "live after 1101", 20*time.Second, func(s Snapshot) bool { return s.Complete && s.Badge == BadgeLive })
	eventually(t, "TWS holds the 11 lines again", 10*time.Second, func() bool { return e.simLines() == 11 })
	if got := e.sim.State().Stats.ErrorsSent[1101]; got == 0 {
		t.Error("the simulator sent no 1101")
	}
	e.noPacingErrors()
}
