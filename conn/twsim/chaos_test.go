package twsim

import (
	"context"
	"slices"
	"sync"
	"testing"
	"time"
)

// TestChaosDemo runs the demo schedule 1000× faster and checks that every
// front-loaded fault happened in order, then random ones, and that the
// simulator is clean after the context ends.
func TestChaosDemo(t *testing.T) {
	s := startSim(t, Config{})
	ctx, cancel := context.WithCancel(context.Background())
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		RunChaos(ctx, s, ChaosConfig{Seed: 3, Demo: true, Speed: 1000, MeanGap: 20 * time.Second})
	}()
	demo := []string{"farm", "farm", "stall", "stall", "drop", "restart", "restart-up", "ib-link-lost", "ib-link-restored", "latency", "latency"}
	waitFor(t, "demo schedule and three random faults", func() bool { return len(s.State().Faults) >= len(demo)+3 })
	cancel()
	wg.Wait()
	st := s.State()
	var names []string
	for _, f := range st.Faults {
		names = append(names, f.Fault)
	}
	if !slices.Equal(names[:len(demo)], demo) {
		t.Errorf("demo faults %v, want prefix %v", names, demo)
	}
	if names[len(names)-1] != "clear" || st.Stalled || st.Refusing || st.HandshakeStall || st.AcceptThenClose || !st.IBLinkUp || st.Latency != 0 {
		t.Errorf("not clean after chaos: %+v", st)
	}
	for i := 1; i < len(st.Faults); i++ {
		if st.Faults[i].Time.Before(st.Faults[i-1].Time) {
			t.Errorf("fault times out of order at %d", i)
		}
	}
	waitFor(t, "listening again", func() bool { return s.State().Listening })
}

// TestChaosSeeded: the same seed gives the same random schedule.
func TestChaosSeeded(t *testing.T) {
	names := func(seed int64) []string {
		s := startSim(t, Config{})
		ctx, cancel := context.WithCancel(context.Background())
		done := make(chan struct{})
		go func() {
			defer close(done)
			RunChaos(ctx, s, ChaosConfig{Seed: seed, Speed: 1000, MeanGap: 5 * time.Second})
		}()
		waitFor(t, "8 faults", func() bool { return len(s.State().Faults) >= 8 })
		cancel()
		<-done
		var out []string
		for _, f := range s.State().Faults[:8] {
			out = append(out, f.Fault)
		}
		return out
	}
	a, b := names(7), names(7)
	if !slices.Equal(a, b) {
		t.Errorf("seed 7 gave %v and %v", a, b)
	}
}
