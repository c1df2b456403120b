package twsim

import (
	"context"
	"math/rand/v2"
	"time"
)

// ChaosConfig configures RunChaos.
type ChaosConfig struct {
	Seed    int64         // schedule seed; the same seed gives the same schedule
	MeanGap time.Duration // mean quiet time between random faults; default 45s
	// Demo front-loads the schedule: within the first ~2 minutes a farm
	// blip, a stall long enough to be detected (~15 s), a drop, a restart
	// (~8 s down) and an IB-link loss (~15 s) ended with 1101; then random.
	Demo bool
	// Speed divides every duration of the schedule (default 1). Tests run
	// the demo in well under a second with Speed 1000.
	Speed float64
}

// chaosStep is one scheduled fault: wait, apply, hold, undo.
type chaosStep struct {
	after time.Duration // quiet time before the fault
	name  string
	hold  time.Duration
	apply func()
	undo  func() // may be nil
}

// RunChaos applies a seeded random schedule of faults to s until ctx ends,
// then clears every fault. Each fault is logged (and recorded in the
// Snapshot) by the Server as it takes effect. Port reset and raw frames are
// never chosen: they would strand or crash a watcher rather than test it.
func RunChaos(ctx context.Context, s *Server, cfg ChaosConfig) {
	if cfg.MeanGap <= 0 {
		cfg.MeanGap = 45 * time.Second
	}
	if cfg.Speed <= 0 {
		cfg.Speed = 1
	}
	rng := rand.New(rand.NewPCG(uint64(cfg.Seed), 0xc4a05))
	defer s.ClearFaults()
	scale := func(d time.Duration) time.Duration { return time.Duration(float64(d) / cfg.Speed) }
	run := func(st chaosStep) bool {
		s.log.Info("chaos: next fault", "fault", st.name, "in", st.after.Round(time.Millisecond), "hold", st.hold.Round(time.Millisecond))
		if !sleepCtx(ctx, scale(st.after)) {
			return false
		}
		st.apply()
		if st.undo == nil {
			return true
		}
		ok := sleepCtx(ctx, scale(st.hold))
		st.undo()
		return ok
	}
	if cfg.Demo {
		for _, st := range demoSteps(s, scale) {
			if !run(st) {
				return
			}
		}
	}
	for {
		if !run(randomStep(s, rng, cfg.MeanGap, scale)) {
			return
		}
	}
}

// demoSteps is the front-loaded schedule (about 2 minutes at Speed 1).
// scale converts schedule time to wall time (Speed).
func demoSteps(s *Server, scale func(time.Duration) time.Duration) []chaosStep {
	return []chaosStep{
		{after: 10 * time.Second, name: "farm blip usopt", hold: 3 * time.Second,
			apply: func() { s.SetFarm(FarmUSOpt, false) }, undo: func() { s.SetFarm(FarmUSOpt, true) }},
		{after: 7 * time.Second, name: "stall", hold: 15 * time.Second,
			apply: func() { s.SetStall(true) }, undo: func() { s.SetStall(false) }},
		{after: 10 * time.Second, name: "drop", apply: s.Drop},
		{after: 15 * time.Second, name: "restart", hold: 8 * time.Second,
			apply: func() { s.Restart(scale(8 * time.Second)) }, undo: func() {}},
		{after: 12 * time.Second, name: "ib link lost", hold: 15 * time.Second,
			apply: s.IBLinkLost, undo: func() { s.IBLinkRestored(false) }},
		{after: 10 * time.Second, name: "latency 1.5s", hold: 10 * time.Second,
			apply: func() { s.SetLatency(scale(1500 * time.Millisecond)) }, undo: func() { s.SetLatency(0) }},
	}
}

// randomStep draws the next fault.
func randomStep(s *Server, rng *rand.Rand, meanGap time.Duration, scale func(time.Duration) time.Duration) chaosStep {
	gap := time.Duration(rng.ExpFloat64() * float64(meanGap))
	between := func(lo, hi time.Duration) time.Duration {
		return lo + time.Duration(rng.Int64N(int64(hi-lo)+1))
	}
	farms := farmNames
	switch rng.IntN(10) {
	case 0:
		return chaosStep{after: gap, name: "stall", hold: between(5*time.Second, 25*time.Second),
			apply: func() { s.SetStall(true) }, undo: func() { s.SetStall(false) }}
	case 1:
		return chaosStep{after: gap, name: "drop", apply: s.Drop}
	case 2:
		d := between(3*time.Second, 12*time.Second)
		return chaosStep{after: gap, name: "restart", hold: d + 2*time.Second, apply: func() { s.Restart(scale(d)) }, undo: func() {}}
	case 3:
		kept := rng.IntN(2) == 0
		return chaosStep{after: gap, name: "ib link lost", hold: between(5*time.Second, 30*time.Second),
			apply: s.IBLinkLost, undo: func() { s.IBLinkRestored(kept) }}
	case 4:
		f := farms[rng.IntN(len(farms))]
		return chaosStep{after: gap, name: "farm blip " + f, hold: between(2*time.Second, 10*time.Second),
			apply: func() { s.SetFarm(f, false) }, undo: func() { s.SetFarm(f, true) }}
	case 5:
		d := between(200*time.Millisecond, 3*time.Second)
		return chaosStep{after: gap, name: "latency", hold: between(10*time.Second, 30*time.Second),
			apply: func() { s.SetLatency(scale(d)) }, undo: func() { s.SetLatency(0) }}
	case 6:
		return chaosStep{after: gap, name: "refuse", hold: between(3*time.Second, 10*time.Second),
			apply: func() { s.SetRefuse(true) }, undo: func() { s.SetRefuse(false) }}
	case 7:
		return chaosStep{after: gap, name: "handshake stall", hold: between(5*time.Second, 20*time.Second),
			apply: func() { s.SetHandshakeStall(true) }, undo: func() { s.SetHandshakeStall(false) }}
	case 8:
		return chaosStep{after: gap, name: "accept then close", hold: between(5*time.Second, 15*time.Second),
			apply: func() { s.SetAcceptThenClose(true) }, undo: func() { s.SetAcceptThenClose(false) }}
	default:
		return chaosStep{after: gap, name: "inject 2119", apply: func() {
			s.Inject(-1, 2119, "Market data farm is connecting:usfarm")
		}}
	}
}

// sleepCtx waits d; false if ctx ended first.
func sleepCtx(ctx context.Context, d time.Duration) bool {
	if d <= 0 {
		return ctx.Err() == nil
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return true
	case <-ctx.Done():
		return false
	}
}
