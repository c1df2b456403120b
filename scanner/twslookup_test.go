package scanner

import (
	"context"
	"errors"
	"sync"
	"testing"
	"time"
)

// TestTWSLookupDebounceAndMerge types "hvln" one letter at a time; only the
// last query reaches TWS, its answer merges into the search, and queries
// are spaced at least a second apart.
func TestTWSLookupDebounceAndMerge(t *testing.T) {
	e := newEnv(t, frozen)
	l := NewTWSLookup(e.sup, 150*time.Millisecond, 0)
	s := NewSearcher(BuiltinTickers(), nil, nil)
	ctx := context.Background()
	before := e.sim.State().Stats.ByMsgID[81]

	type res struct {
		ans TWSAnswer
		err error
	}
	var mu sync.Mutex
	got := map[uint64]res{}
	var wg sync.WaitGroup
	for i, q := range []string{"h", "hv", "hvl", "hvln"} {
		gen := uint64(i + 1)
		s.Rank(q, gen) // the UI ranks locally on every keystroke
		wg.Add(1)
		go func() {
			defer wg.Done()
			a, err := l.Lookup(ctx, q, gen)
			mu.Lock()
			got[gen] = res{a, err}
			mu.Unlock()
		}()
	}
	wg.Wait()
	for gen := uint64(1); gen <= 3; gen++ {
		if !errors.Is(got[gen].err, ErrSuperseded) {
			t.Errorf("gen %d: %v, want ErrSuperseded", gen, got[gen].err)
		}
	}
	last := got[4]
	if last.err != nil || last.ans.Gen != 4 || last.ans.Query != "hvln" {
		t.Fatalf("gen 4: %+v %v", last.ans, last.err)
	}
	if n := e.sim.State().Stats.ByMsgID[81] - before; n != 1 {
		t.Errorf("TWS got %d REQ_MATCHING_SYMBOLS, want 1", n)
	}
	if r := s.Rank("hvln", 4); len(r.Items) > 0 && r.Items[0].Symbol == "HVLN" {
		t.Fatal("HVLN is in the built-in list: the test needs a symbol only TWS knows")
	}
	if !s.AddTWS(last.ans.Gen, last.ans.Samples) {
		t.Fatal("the current answer was dropped")
	}
	r := s.Rank("hvln", 4)
	if len(r.Items) == 0 || r.Items[0].Symbol != "HVLN" || r.Items[0].Source != SourceTWS || r.Items[0].Name != "Halvorsen Therapeutics Inc" {
		t.Fatalf("after the TWS answer: %+v", r.Items)
	}
	if n, ok := s.Name("HVLN"); !ok || n != "Halvorsen Therapeutics Inc" {
		t.Errorf("Name(HVLN) = %q", n)
	}

	// Two queries in a row: the second waits out IB's one-second spacing.
	start := time.Now()
	if _, err := l.Lookup(ctx, "orvx", 5); err != nil {
		t.Fatal(err)
	}
	if _, err := l.Lookup(ctx, "brcv", 6); err != nil {
		t.Fatal(err)
	}
	if el := time.Since(start); el < time.Second {
		t.Errorf("two lookups took %v: less than the one-second spacing", el)
	}
	// A blank query asks nothing; an old generation is refused at once.
	if a, err := l.Lookup(ctx, "  ", 7); err != nil || a.Samples != nil {
		t.Errorf("blank query: %+v %v", a, err)
	}
	if _, err := l.Lookup(ctx, "x", 3); !errors.Is(err, ErrSuperseded) {
		t.Errorf("old generation: %v", err)
	}
	cctx, cancel := context.WithCancel(ctx)
	cancel()
	if _, err := l.Lookup(cctx, "late", 8); !errors.Is(err, context.Canceled) {
		t.Errorf("cancelled context: %v", err)
	}
	e.noPacingErrors()
}
