package conn

import (
	"context"
	"flag"
	"fmt"
	"math/rand/v2"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/ibwatch/ibwatch/conn/twsim"
)

// A night in minutes: TestSoak runs the supervisor against the simulator
// under a seeded random schedule of every fault kind, with intervals short
// enough that more than a thousand faults fit in ten minutes, and checks
// each against the simulator's ground truth (see soak_faults_test.go for
// what "detected" and "healed" mean per kind). Run it with
//
//	go test ./conn -run Soak -soak=10m -timeout 20m -v
//	go test ./conn -run Soak -soak=60s -soak.seed=42 -v   # replay a schedule
//
// or with IBWATCH_SOAK=60s in the environment (what CI does). Without
// either it is skipped. The fault schedule is a function of the seed;
// timings are not, so a replay meets the same faults in the same order
// with the same parameters, not necessarily the same races.
var (
	soakFor  = flag.Duration("soak", 0, "run TestSoak for this long (0: only if $IBWATCH_SOAK is set)")
	soakSeed = flag.Int64("soak.seed", 0, "seed of TestSoak's fault schedule (0: from the clock; printed)")
)

// Soak intervals: H and T shorter than fastConfig so that a silent peer is
// found in under half a second and the run fits its thousand faults.
const (
	soakH         = 150 * time.Millisecond
	soakT         = 300 * time.Millisecond
	soakHandshake = 500 * time.Millisecond
	// soakHealWait bounds a reconnect once the simulator serves again.
	soakHealWait = 15 * time.Second
)

func soakDuration(t *testing.T) time.Duration {
	if *soakFor > 0 {
		return *soakFor
	}
	if v := os.Getenv("IBWATCH_SOAK"); v != "" {
		d, err := time.ParseDuration(v)
		if err != nil {
			t.Fatalf("IBWATCH_SOAK=%q: %v", v, err)
		}
		return d
	}
	return 0
}

func soakConfig(c *Config) {
	c.Heartbeat, c.HeartbeatTimeout = soakH, soakT
	c.DialTimeout, c.HandshakeTimeout = soakHandshake, soakHandshake
	c.BackoffBase, c.BackoffMax = 10*time.Millisecond, 150*time.Millisecond
	c.IDRetryPause, c.StableAfter = 50*time.Millisecond, 300*time.Millisecond
}

func TestSoak(t *testing.T) {
	d := soakDuration(t)
	if d <= 0 {
		t.Skip("soak: pass -soak=10m (or set IBWATCH_SOAK=60s) to run it")
	}
	seed := *soakSeed
	if seed == 0 {
		seed = time.Now().UnixNano() % 1_000_000_000
	}
	fmt.Printf("soak: %v, seed %d (replay: go test ./conn -run TestSoak -soak=%v -soak.seed=%d -v)\n", d, seed, d, seed)
	r := newSoakRun(t, seed, d)
	r.run()
	r.finish()
}

// soakRun is one soak: the simulator, the supervisor, the schedule and
// what was measured. Only the test goroutine uses it.
type soakRun struct {
	t       *testing.T
	seed    int64
	dur     time.Duration
	rng     *rand.Rand
	sim     *twsim.Server
	h       *harness
	sub     *Sub
	jdir    string
	linkLog *tailWriter

	clientID int64 // the supervisor's client id in its current session
	lastEnd  int   // event index where the previous fault ended (healed)
	faults   []*faultResult
	quietFP  int // disconnects between faults, with no fault applied
	problems []string
	aborted  bool

	start, stop time.Time
	res0, res1  resources
}

func newSoakRun(t *testing.T, seed int64, d time.Duration) *soakRun {
	r := &soakRun{t: t, seed: seed, dur: d, rng: rand.New(rand.NewPCG(uint64(seed), 0x50a6)),
		jdir: t.TempDir(), linkLog: &tailWriter{max: 60}}
	r.sim = newSim(t, twsim.Config{TickInterval: 100 * time.Millisecond})
	r.h = newHarness(t, r.sim, func(c *Config) {
		soakConfig(c)
		c.JournalDir = r.jdir
		c.LinkStderr = r.linkLog
	})
	_, up, ok := r.waitEv(0, 15*time.Second, isConnected)
	if !ok {
		t.Fatalf("the supervisor never connected:\n%s", dump(r.h.events()))
	}
	r.clientID = up.ClientID
	sub, err := r.h.sup.Subscribe(context.Background(), Contract{Symbol: "AAPL", SecType: "STK", Exchange: "SMART", Currency: "USD"}, SubOptions{})
	if err != nil {
		t.Fatal(err)
	}
	r.sub = sub
	r.waitSim("the subscription's line at TWS", 5*time.Second, func(s twsim.Snapshot) bool { return r.lines(s, r.clientID) == 1 })
	return r
}

// run applies faults until the time is up: every kind once per round, in
// a seeded random order, so that even a one-minute run meets them all.
func (r *soakRun) run() {
	r.res0 = r.sample()
	r.start = time.Now()
	r.lastEnd = r.h.mark()
	for round := 0; time.Since(r.start) < r.dur && !r.aborted; round++ {
		deck := soakDeck()
		r.rng.Shuffle(len(deck), func(i, j int) { deck[i], deck[j] = deck[j], deck[i] })
		for _, k := range deck {
			if time.Since(r.start) >= r.dur || r.aborted {
				break
			}
			r.pause(time.Duration(r.rng.Int64N(int64(200 * time.Millisecond)))) // quiet time: heartbeats flow
			r.apply(k)
		}
	}
	r.stop = time.Now()
}

// apply runs one fault from a steady Connected state.
func (r *soakRun) apply(k *soakKind) {
	r.steady()
	f := &faultResult{kind: k, seq: len(r.faults) + 1, from: r.h.mark()}
	r.faults = append(r.faults, f)
	k.run(r, f)
	if f.end == 0 {
		f.end = r.h.mark()
	}
	r.lastEnd = f.end
}

// steady makes sure the supervisor is Connected before the next fault;
// any disconnect since the last fault ended is a false positive.
func (r *soakRun) steady() {
	now := r.h.mark()
	evs := r.evRange(r.lastEnd, now)
	for _, ev := range evs {
		if ev.Kind == KindState && !ev.State.Up() {
			r.quietFP++
			r.problemf(nil, r.lastEnd, now, "disconnect with no fault applied: %s/%s %q", ev.State, ev.Cause, ev.Message)
			break
		}
	}
	if st := r.lastState(); st == StateConnected {
		return
	}
	_, up, ok := r.waitEv(r.lastEnd, soakHealWait, isConnected)
	if !ok {
		r.rescue(nil, "not connected between faults")
		return
	}
	r.clientID = up.ClientID
}

// rescue clears every fault and forces a reconnect after a miss, so one
// failure does not hide the rest of the run; a second miss ends the run.
func (r *soakRun) rescue(f *faultResult, why string) {
	from := r.h.mark()
	r.sim.ClearFaults()
	r.h.sup.ReconnectNow()
	_, up, ok := r.waitEv(from, 2*soakHealWait, isConnected)
	if !ok {
		r.problemf(f, from, r.h.mark(), "%s, and still not connected %v after clearing every fault: soak aborted", why, 2*soakHealWait)
		r.aborted = true
		return
	}
	r.clientID = up.ClientID
}

// pause waits d: part of the workload (quiet time, how long a fault holds),
// never a substitute for waiting on an event.
func (r *soakRun) pause(d time.Duration) {
	if d <= 0 {
		return
	}
	t := time.NewTimer(d)
	defer t.Stop()
	<-t.C
}

// waitEv waits until an event at index ≥ from satisfies pred, and returns
// its index and a copy. It scans each event once.
func (r *soakRun) waitEv(from int, d time.Duration, pred func(*Event) bool) (int, Event, bool) {
	deadline := time.NewTimer(d)
	defer deadline.Stop()
	next := from
	for {
		r.h.mu.Lock()
		for ; next < len(r.h.evs); next++ {
			if pred(&r.h.evs[next]) {
				ev := r.h.evs[next]
				r.h.mu.Unlock()
				return next, ev, true
			}
		}
		closed := r.h.closed
		r.h.mu.Unlock()
		if closed {
			return -1, Event{}, false
		}
		select {
		case <-r.h.notify:
		case <-deadline.C:
			return -1, Event{}, false
		}
	}
}

// evRange copies events [from, to).
func (r *soakRun) evRange(from, to int) []Event {
	r.h.mu.Lock()
	defer r.h.mu.Unlock()
	to = min(to, len(r.h.evs))
	if from >= to {
		return nil
	}
	return append([]Event(nil), r.h.evs[from:to]...)
}

// lastState is the state of the last state event seen.
func (r *soakRun) lastState() State {
	r.h.mu.Lock()
	defer r.h.mu.Unlock()
	for i := len(r.h.evs) - 1; i >= 0; i-- {
		if r.h.evs[i].Kind == KindState {
			return r.h.evs[i].State
		}
	}
	return StateIdle
}

// waitSim polls the simulator's ground truth until cond holds (the
// simulator has no change notifications); false on timeout.
func (r *soakRun) waitSim(what string, d time.Duration, cond func(twsim.Snapshot) bool) bool {
	deadline := time.Now().Add(d)
	tick := time.NewTicker(5 * time.Millisecond)
	defer tick.Stop()
	for {
		if cond(r.sim.State()) {
			return true
		}
		if time.Now().After(deadline) {
			r.t.Logf("soak: simulator: timed out after %v waiting for %s", d, what)
			return false
		}
		<-tick.C
	}
}

// lines returns the market-data lines of the ready session with client id
// id (-1 if there is none).
func (r *soakRun) lines(s twsim.Snapshot, id int64) int {
	for _, ss := range s.Sessions {
		if ss.Ready && ss.ClientID == id {
			return ss.Lines
		}
	}
	return -1
}

// problemf records a miss with the fault, the seed and the events around it.
func (r *soakRun) problemf(f *faultResult, from, to int, format string, args ...any) {
	var b strings.Builder
	if f != nil {
		f.problems++
		fmt.Fprintf(&b, "fault #%d %s (%s): ", f.seq, f.kind.name, f.params)
	}
	fmt.Fprintf(&b, format, args...)
	fmt.Fprintf(&b, " [seed %d, at %v into the run]\n", r.seed, time.Since(r.start).Round(time.Millisecond))
	if to <= from {
		r.problems = append(r.problems, b.String())
		return
	}
	evs := r.evRange(max(from-3, 0), to+1)
	if len(evs) > 60 {
		evs = append(evs[:30], evs[len(evs)-30:]...)
	}
	b.WriteString(dumpNoHB(evs))
	r.problems = append(r.problems, b.String())
}

func isConnected(ev *Event) bool { return ev.Kind == KindState && ev.State == StateConnected }

func leftUp(ev *Event) bool { return ev.Kind == KindState && !ev.State.Up() }

// dumpNoHB is dump without answered heartbeats.
func dumpNoHB(evs []Event) string {
	out := evs[:0:0]
	for _, ev := range evs {
		if ev.Kind == KindHeartbeat && ev.RTT > 0 {
			continue
		}
		out = append(out, ev)
	}
	return dump(out)
}
