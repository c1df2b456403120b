package scanner

import "sync"

// genGate tracks the newest generation a caller asked for, so that older
// work can stop early. Safe for concurrent use.
type genGate struct {
	mu     sync.Mutex
	latest uint64
	newer  chan struct{} // closed (and replaced) when latest grows
}

// claim records gen. It fails with ErrSuperseded when a newer generation
// was already claimed; an equal generation is accepted again.
func (g *genGate) claim(gen uint64) error {
	g.mu.Lock()
	defer g.mu.Unlock()
	if g.newer == nil {
		g.newer = make(chan struct{})
	}
	if gen < g.latest {
		return ErrSuperseded
	}
	if gen > g.latest {
		g.latest = gen
		close(g.newer)
		g.newer = make(chan struct{})
	}
	return nil
}

// stale reports whether a generation newer than gen has been claimed.
func (g *genGate) stale(gen uint64) bool {
	g.mu.Lock()
	defer g.mu.Unlock()
	return gen < g.latest
}

// wake returns a channel that is closed when a generation newer than the
// current latest is claimed.
func (g *genGate) wake() <-chan struct{} {
	g.mu.Lock()
	defer g.mu.Unlock()
	if g.newer == nil {
		g.newer = make(chan struct{})
	}
	return g.newer
}
